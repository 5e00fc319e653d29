"""The HTML view: a self-contained, deterministic page, checked in a real headless Chromium with the network blocked."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graph.build import build
from graph.network import load_network
from graph.view import MAX_NODES, ViewError, find_entity, html, script_json, select_view, sizes, write_view
from main import cli
from tests.conftest import FIXTURES, ROOT, require

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium")
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_ALIAS = "</script><script>window.__pwned = 'alias'</script>"


# --- the file itself ----------------------------------------------------------------------------

class _Tags(HTMLParser):
    """Every tag with its attributes, and the text of each inline script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def small_page(small_build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("view") / "small.html"
    write_view(small_build, out)
    return out


def test_page_loads_nothing_from_anywhere(small_page):
    text = small_page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), f"<{tag}> in the page: {attrs}"
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            assert name not in attrs, f"<{tag} {name}={attrs[name]!r}> would load something"
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 3  # the data, vis-network and our script, all inline
    lowered = text.lower()
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "googleapis", "sourcemappingurl"):
        assert cdn not in lowered
    # CSS may not pull anything either: only data: URLs.
    assert not re.search(r"url\(\s*(?!['\"]?data:)", text)
    assert "default-src 'none'" in text  # and the browser is told to refuse any request anyway


def test_same_build_gives_byte_identical_page(small_build, tmp_path):
    # A second build of the same sources, in another directory, must give the same bytes.
    other = tmp_path / "again" / "build"
    build(FIXTURES / "good", other, texts=FIXTURES / "texts")
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    runner = CliRunner()
    for build_dir, out in ((small_build, a), (other, b)):
        r = runner.invoke(cli, ["view", "--store", str(build_dir), "--out", str(out), "--size-by", "pagerank"])
        assert r.exit_code == 0, r.output
        assert f"wrote {out}: 6 entities, 5 claims" in r.output
    assert a.read_bytes() == b.read_bytes()
    assert str(tmp_path) not in a.read_text(encoding="utf-8")


def test_script_json_cannot_break_out_of_its_script():
    text = script_json({"x": "</script><!-- & \u2028\u2029 >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text


def test_focus_matches_names_and_aliases_ignoring_case(small_build):
    G = load_network(small_build)
    assert find_entity(G, "ana lee") == "ana-lee"
    assert find_entity(G, "MS LEE") == "ana-lee"  # alias "Ms. Lee": case and full stops ignored
    assert find_entity(G, "free-party") == "free-party"
    V = select_view(G, focus="Free Party", depth=1)
    assert set(V) == {"free-party", "ana-lee"}
    V = select_view(G, focus="Free Party", depth=2)
    assert set(V) == set(G)
    V = select_view(G, types=["Event"])  # a class selects its kinds
    assert set(V) == {"ana-lee-arrest-2020"}
    with pytest.raises(ViewError, match="did you mean 'Ana Lee'"):
        find_entity(G, "Anna Lee")
    with pytest.raises(ViewError, match="did you mean NGO"):
        select_view(G, types=["NGOs"])


@pytest.mark.parametrize("args, message", [
    (["--focus", "Anna Lee"], "no entity in the network is named 'Anna Lee'; did you mean 'Ana Lee'?"),
    (["--type", "Persn"], "unknown type 'Persn'; did you mean Person"),
    (["--type", "Prison"], "no entity in this network is of type Prison (types in this network: Arrest, Charge,"),
    (["--from", "2020-02-30"], "bad date: '2020-02-30' is not a real date"),
    (["--from", "2021", "--to", "2020"], "the date range is empty"),
    (["--max-nodes", "5"], "the view would have 6 entities, over the limit of 5 (--max-nodes)"),
])
def test_bad_requests_say_what_to_do_and_write_nothing(small_build, tmp_path, args, message):
    out = tmp_path / "view.html"
    out.write_text("earlier page", encoding="utf-8")
    r = CliRunner().invoke(cli, ["view", "--store", str(small_build), "--out", str(out), *args])
    assert r.exit_code == 1
    assert message in r.output
    assert "Traceback" not in r.output
    assert out.read_text(encoding="utf-8") == "earlier page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]  # no temporary file left


def test_size_limit_suggests_focus_or_type(small_build, tmp_path):
    r = CliRunner().invoke(cli, ["view", "--store", str(small_build), "--out", str(tmp_path / "v.html"),
                                 "--max-nodes", "2"])
    assert r.exit_code == 1 and "--focus" in r.output and "--type" in r.output
    assert not (tmp_path / "v.html").exists()
    assert MAX_NODES == 2000


def test_the_whole_network_is_refused_from_the_builds_count_before_it_is_projected(
        small_build, bundled_build, tmp_path, monkeypatch):
    import graph.network

    for build in (small_build, bundled_build):
        counted = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["counts"]["linked_entities"]
        assert counted == load_network(build).number_of_nodes()

    def project(*args, **kwargs):
        raise AssertionError("projected a network the build's count already refuses")

    monkeypatch.setattr(graph.network, "project", project)
    with pytest.raises(ViewError, match="the view would have 6 entities, over the limit of 5"):
        write_view(small_build, tmp_path / "v.html", max_nodes=5)


def test_no_build_is_one_clear_message(tmp_path):
    r = CliRunner().invoke(cli, ["view", "--store", str(tmp_path / "nothing"), "--out", str(tmp_path / "v.html")])
    assert r.exit_code == 1
    assert "run 'rightsgraph build' first" in r.output


# --- in a real browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM is not None, "chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        yield b
        b.close()


class Opened:
    """A page opened from a file with every request but file:// aborted and everything noteworthy recorded."""

    def __init__(self, browser, path: Path, bypass_csp: bool = True, timeout_s: float = 30):
        # Playwright's own evaluate() needs eval, which the page's CSP forbids; tests that only read the DOM
        # keep the CSP on (see test_page_runs_under_its_own_csp).
        self.context = browser.new_context(viewport={"width": 1400, "height": 850}, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-stable=true]", state="attached", timeout=timeout_s * 1000)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def click_node(self, node_id: str) -> None:
        x, y = self.js("""id => {
            const net = rightsgraph.network, box = document.getElementById('rg-network').getBoundingClientRect();
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            return [box.left + p.x, box.top + p.y]; }""", node_id)
        self.page.mouse.click(x, y)

    def click_edge(self, edge_id: str) -> None:
        # Walk along the edge until vis.js itself says the point is on this edge and on no node.
        point = self.js("""id => {
            const net = rightsgraph.network, e = rightsgraph.edges.get(id);
            const pos = net.getPositions([e.from, e.to]);
            for (let t = 0.3; t <= 0.7; t += 0.02) {
              for (const off of [0, 3, -3, 6, -6]) {
                const a = net.canvasToDOM(pos[e.from]), b = net.canvasToDOM(pos[e.to]);
                const p = {x: a.x + t * (b.x - a.x) + off, y: a.y + t * (b.y - a.y) + off};
                if (net.getEdgeAt(p) === id && net.getNodeAt(p) === undefined) {
                  const box = document.getElementById('rg-network').getBoundingClientRect();
                  return [box.left + p.x, box.top + p.y];
                }
              }
            }
            return null; }""", edge_id)
        assert point is not None, f"no clickable point found on edge {edge_id}"
        self.page.mouse.click(*point)

    def panel(self) -> str:
        return re.sub(r"\n+", "\n", self.page.inner_text("#rg-panel-body"))

    def hidden_nodes(self) -> set[str]:
        return set(self.js("rightsgraph.nodes.get({filter: n => n.hidden}).map(n => n.id)"))

    def clean(self) -> None:
        assert self.requests == [], f"requests left the file: {self.requests}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"

    def close(self):
        self.context.close()


@pytest.fixture
def opened(browser):
    pages = []

    def open_(path: Path, **kw) -> Opened:
        o = Opened(browser, path, **kw)
        pages.append(o)
        return o

    yield open_
    for o in pages:
        o.close()


def test_page_runs_under_its_own_csp(opened, small_page):
    o = opened(small_page, bypass_csp=False)
    assert o.page.inner_text("#rg-counts") == "Showing 6 of 6 entities and 5 of 5 claims."
    o.page.fill("#rg-search-input", "ms. lee")
    o.page.click("#rg-search button")
    assert o.page.inner_text("#rg-panel-body h2") == "Ana Lee"
    o.clean()


def test_small_view_in_the_browser(opened, small_page, small_build):
    G = load_network(small_build)
    o = opened(small_page)
    assert sorted(o.js("rightsgraph.nodes.getIds()")) == sorted(G.nodes)
    assert sorted(o.js("Object.keys(rightsgraph.network.body.nodes).filter(k => !k.startsWith('edgeId:'))")) \
        == sorted(G.nodes)
    assert sorted(o.js("rightsgraph.edges.getIds()")) == sorted(k for _, _, k in G.edges(keys=True))
    # Physics settled, then stopped.
    assert o.js("rightsgraph.stable") is True
    assert o.js("rightsgraph.network.physics.options.enabled") is False

    # A click on a node shows its claims with the exact quotes and their documents.
    o.click_node("ana-lee")
    text = o.panel()
    assert text.startswith("Ana Lee\nPerson · also: Ms. Lee")
    assert "Ana Lee, president of the Free Party" in text
    assert "Ana Lee, who leads the Free Party as its president" in text
    assert "supported by 2 documents" in text
    assert "Opposition leader arrested — Daily News, 2020-01-10 (documents/daily-2020-01-10.yaml:8)" in text

    # A click on an edge shows that one claim.
    charged = next(k for _, _, k, d in G.edges(keys=True, data=True) if d["predicate"] == "chargedWith")
    o.click_edge(charged)
    text = o.panel()
    assert "Ana Lee charged with plotting" in text
    assert "charged with “plotting”" in text
    assert "supported by 1 document" in text

    # A charge's attribute claims (no edge of their own) show as facts.
    o.click_node("charge-plotting")
    assert "plotting maximum penalty (years) 10" in o.panel()
    assert "which carries up to 10 years" in o.panel()

    # The type filter hides NGOs (and their links), and shows them again.
    o.page.uncheck("input[data-type=NGO]")
    assert o.hidden_nodes() == {"watch-group"}
    assert o.js("rightsgraph.edges.get({filter: e => e.hidden}).map(e => e.from)") == ["watch-group"]
    o.page.check("input[data-type=NGO]")
    assert o.hidden_nodes() == set()

    # The date filter follows the projection's rule (an undated claim counts from its first report):
    # on 8 January 2020 the charge, first reported on the 10th, is out; the arrest of the 8th is in.
    o.page.fill("#rg-date-from", "2020-01-08")
    o.page.fill("#rg-date-to", "2020-01-08")
    day = dt.date(2020, 1, 8)
    assert o.hidden_nodes() == set(G) - set(load_network(small_build, date_from=day, date_to=day)) \
        == {"charge-plotting"}
    o.page.fill("#rg-date-from", "2021")
    o.page.fill("#rg-date-to", "")
    assert o.hidden_nodes() == set(G.nodes)
    o.page.fill("#rg-date-from", "2020-13")  # not a date: flagged, the last good range stays
    assert o.page.get_attribute("#rg-date-from", "aria-invalid") == "true"
    o.page.fill("#rg-date-from", "")
    assert o.hidden_nodes() == set()
    o.clean()


def test_bundled_view_search_filter_click_screenshot(opened, bundled_build, tmp_path):
    out = tmp_path / "bundled.html"
    r = CliRunner().invoke(cli, ["view", "--store", str(bundled_build), "--out", str(out)])
    assert r.exit_code == 0, r.output
    G = load_network(bundled_build)
    o = opened(out)
    assert sorted(o.js("rightsgraph.nodes.getIds()")) == sorted(G.nodes)

    ARTIFACTS.mkdir(exist_ok=True)
    o.page.screenshot(path=str(ARTIFACTS / "view-bundled.png"))

    # Search centres the view on Kem Sokha, selects him and shows his claims.
    o.page.fill("#rg-search-input", "kem sokha")
    o.page.press("#rg-search-input", "Enter")
    centre, node, selected = o.js("""() => {
        const net = rightsgraph.network;
        return [net.getViewPosition(), net.getPositions(['kem-sokha'])['kem-sokha'], net.getSelectedNodes()]; }""")
    assert abs(centre["x"] - node["x"]) < 1 and abs(centre["y"] - node["y"]) < 1
    assert selected == ["kem-sokha"]
    assert o.page.inner_text("#rg-panel-body h2") == "Kem Sokha"
    quotes = o.page.locator("#rg-panel-body .rg-quote").all_inner_texts()
    assert len(quotes) >= 5 and all(q.strip() for q in quotes)

    # The type filter hides every NGO.
    ngos = {n for n, d in G.nodes(data=True) if d["type"] == "NGO"}
    assert {"amnesty-international", "human-rights-watch"} <= ngos
    o.page.uncheck("input[data-type=NGO]")
    assert o.hidden_nodes() == ngos
    o.page.check("input[data-type=NGO]")

    # A click on a node shows a quote that the store holds for one of its claims.
    o.click_node("human-rights-watch")
    assert o.page.inner_text("#rg-panel-body h2") == "Human Rights Watch"
    assert o.page.locator("#rg-panel-body .rg-quote").count() >= 1
    o.clean()


def _large(n: int) -> nx.MultiDiGraph:
    """A projection-shaped graph of n entities and about 2n claims (preferential attachment)."""
    skeleton = nx.barabasi_albert_graph(n, 2, seed=3)
    G = nx.MultiDiGraph()
    types = ["Person", "Person", "PersonGroup", "Arrest", "Trial", "Court", "NGO", "Charge"]
    for i in skeleton:
        G.add_node(f"e{i:04d}", label=f"Entity {i}", type=types[i % len(types)], aliases="", iri="")
    for j, (a, b) in enumerate(sorted(skeleton.edges)):
        claim = f"https://w3id.org/rightsgraph/claim/{j:020x}"
        G.add_edge(f"e{a:04d}", f"e{b:04d}", key=claim, predicate="memberOf", label="member of", weight=1,
                   dates="", date="", reported="2017", claim=claim, role="", according_to="")
    return G


def test_two_thousand_entities_settle_and_stop(opened, tmp_path):
    G = _large(MAX_NODES)
    out = tmp_path / "large.html"
    out.write_text(html(G, {}, sizes(G, "degree")), encoding="utf-8")
    o = opened(out, timeout_s=90)  # waits for the end of the bounded layout (about 10 s on 2 busy cores)
    assert o.js("rightsgraph.nodes.length") == MAX_NODES
    assert o.js("rightsgraph.network.physics.options.enabled") is False
    # Physics is off: nothing moves any more.
    before = o.js("JSON.stringify(rightsgraph.network.getPositions(['e0000', 'e1999']))")
    o.page.wait_for_timeout(300)
    assert o.js("JSON.stringify(rightsgraph.network.getPositions(['e0000', 'e1999']))") == before
    o.page.uncheck("input[data-type=Person]")
    assert len(o.hidden_nodes()) == sum(1 for _, d in G.nodes(data=True) if d["type"] == "Person")
    o.clean()
    with pytest.raises(ViewError, match="over the limit of 2,000"):
        html(_large(MAX_NODES + 1), {}, {})


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory) -> Path:
    """The small corpus plus an entity, an alias, a title, a quote and a URL written to attack the page."""
    root = tmp_path_factory.mktemp("xss")
    sources, texts = root / "sources", root / "texts"
    shutil.copytree(FIXTURES / "good", sources)
    shutil.copytree(FIXTURES / "texts", texts)
    with open(sources / "entities.yaml", "a", encoding="utf-8") as f:
        f.write(f"""  - id: mallory
    type: Person
    name: '{XSS_NAME}'
    aliases: ["{XSS_ALIAS}"]
""")
    (texts / "evil.txt").write_text(
        f"{XSS_NAME} joined the Free Party. Watch Group said: </script><b onmouseover=alert(2)>free him</b>.\n",
        encoding="utf-8")
    (sources / "documents" / "evil-2020-02-01.yaml").write_text(f"""id: evil-2020-02-01
title: "<script>window.__pwned = 'title'</script> & co"
kind: NewsArticle
publisher: daily-news
date: "2020-02-01"
url: "https://example.org/report?id=1&next=javascript:window.__pwned=1"
text: evil.txt
statements:
  - subject: mallory
    predicate: memberOf
    object: free-party
    quote: "{XSS_NAME} joined the Free Party"
  - subject: watch-group
    predicate: callsForReleaseOf
    object: mallory
    quote: "</script><b onmouseover=alert(2)>free him</b>"
""", encoding="utf-8")
    out = root / "build"
    build(sources, out, texts=texts)
    return out


def test_untrusted_text_shows_as_text(opened, xss_build, tmp_path):
    out = tmp_path / "xss.html"
    write_view(xss_build, out)
    text = out.read_text(encoding="utf-8")
    assert XSS_NAME not in text and "</script><b" not in text  # escaped inside the JSON
    o = opened(out)
    assert "mallory" in o.js("rightsgraph.nodes.getIds()")
    # Search by the alias that tries to close the script, then look at the panel.
    o.page.fill("#rg-search-input", XSS_ALIAS)
    o.page.press("#rg-search-input", "Enter")
    assert o.page.inner_text("#rg-panel-body h2") == XSS_NAME
    o.click_node("mallory")
    # The mouse rests on the node: vis-network's tooltip shows the name as text.
    o.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert o.page.inner_text("div.vis-tooltip").startswith(XSS_NAME + " (Person)")
    # innerText turns the line break into <br>; nothing else becomes an element.
    assert o.js("[...document.querySelector('div.vis-tooltip').children].map(c => c.tagName)") == ["BR"]
    panel = o.panel()
    assert panel.startswith(XSS_NAME + "\nPerson · also: " + XSS_ALIAS)
    assert "</script><b onmouseover=alert(2)>free him</b>" in panel
    assert "<script>window.__pwned = 'title'</script> & co" in panel
    o.page.hover("#rg-panel-body .rg-quote")
    # Nothing ran: no dialog, no flag, no element made from the data; the only link is the document's own
    # address, as an attribute value (the loader refuses javascript: addresses outright).
    assert o.js("window.__pwned === undefined")
    assert o.js("document.querySelectorAll('#rg-panel img, #rg-panel script, #rg-panel b').length") == 0
    assert o.js("document.querySelectorAll('body img').length") == 0
    assert set(o.js("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")) == {
        "https://example.org/report?id=1&next=javascript:window.__pwned=1"}
    # The canvas label and the tooltip carry the raw text too (vis-network writes them as text).
    assert o.js("rightsgraph.nodes.get('mallory').label") == XSS_NAME
    o.clean()
