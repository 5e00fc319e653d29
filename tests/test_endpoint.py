"""A real Oxigraph server: serve a build read-only, answer real clients, stop long queries, take a push."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from graph import endpoint, sparql
from graph.endpoint import free_port, start_endpoint, start_server
from tests.conftest import require


@pytest.fixture(scope="module")
def server(bundled_build):
    require(bool(endpoint.oxigraph_binary()), "the oxigraph server is not installed")
    served = start_endpoint(bundled_build, port=free_port(), timeout_s=2, max_bytes=200_000)
    yield served.url
    served.stop()


def test_select_with_sparqlwrapper(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server)
    # the default graph is the union, as in the embedded store: the assertion sits in a claim's graph
    client.setQuery("""PREFIX rg: <https://w3id.org/rightsgraph/ns#>
        SELECT ?court WHERE { <https://w3id.org/rightsgraph/id/cnrp> rg:dissolvedBy ?court }""")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["court"]["value"] for r in rows] == ["https://w3id.org/rightsgraph/id/supreme-court-of-cambodia"]


def test_rdflib_sparqlstore_reads_named_graphs(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server)
    rows = list(store.query("""SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"""))
    assert int(rows[0][0]) > 100


def test_update_is_refused(server):
    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(server.replace("/query", "/update"))
    client.setMethod(POST)
    client.setQuery('INSERT DATA { <http://example.org/x> <http://example.org/y> "z" }')
    with pytest.raises(Exception):
        client.query()
    check = sparql.http_query(server, 'ASK { <http://example.org/x> ?p ?o }')
    assert check.boolean is False


def _get(server: str, query: str) -> tuple[int, bytes]:
    req = urllib.request.Request(server + "?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_query_past_the_timeout_is_stopped(server):
    # a cross product of every triple three times: minutes of work, stopped by the 2 s timeout
    start = time.monotonic()
    status, body = _get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 503 and b"longer than 2 s" in body
    assert time.monotonic() - start < 15
    # the server is still there for the next question
    assert _get(server, "ASK { ?s ?p ?o }")[0] == 200


def test_result_size_limit(server):
    status, body = _get(server, "SELECT * WHERE { ?s ?p ?o }")  # about 4,000 rows, over 1 MB
    assert status == 413 and b"larger than 200000 bytes" in body
    status, body = _get(server, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 10


def test_service_refused_by_the_endpoint(server):
    from tests.test_sparql import closed_port

    status, body = _get(server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{closed_port()}/> {{ ?s ?p ?o }} }}")
    assert status == 403 and b"SERVICE" in body


@contextlib.contextmanager
def empty_server():
    """An empty in-memory Oxigraph server on loopback, as a remote store would be; yields its query URL."""
    require(bool(endpoint.oxigraph_binary()), "the oxigraph server is not installed")
    port = free_port()
    proc = subprocess.Popen([endpoint.oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_push_then_query_answers_like_the_embedded_store(bundled_build):
    with empty_server() as url:
        sent = endpoint.push(bundled_build, url, batch=1000)
        assert sent == sum(1 for line in (bundled_build / "graph.nq").open(encoding="utf-8") if line.strip())
        graphs = sparql.http_query(url, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        local_graphs = sparql.run_local(bundled_build, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", None)
        assert graphs.rows[0]["n"].value == local_graphs.rows[0]["n"].value
        for q in sparql.questions().values():
            text = sparql.prepare(q.text, sparql.question_terms(q, {}), source=q.file)
            remote, local = sparql.http_query(url, text), sparql.run_local(bundled_build, text, None)
            assert remote.variables == local.variables
            assert _normal(remote) == _normal(local), q.name
        # pushing again with --replace leaves the same data, not twice the data
        endpoint.push(bundled_build, url, replace=True)
        again = sparql.http_query(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        base = sparql.run_local(bundled_build, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", None)
        assert again.rows[0]["n"].value == base.rows[0]["n"].value


def _normal(result) -> list:
    # GROUP_CONCAT joins in whatever order the engine meets the values: compare the lists as sets
    return sorted(tuple(sorted((k, " ".join(sorted(t.value.split())) if k == "documents" else str(t))
                               for k, t in row.items())) for row in result.rows)


def test_cli_push_and_query_endpoint_errors(bundled_build):
    from click.testing import CliRunner

    from main import cli

    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    r = CliRunner().invoke(cli, ["query", "--endpoint", url, "ASK {}"])
    assert r.exit_code == 1 and "cannot reach" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["push", "--store", str(bundled_build), "--endpoint", url])
    assert r.exit_code == 1 and "cannot reach" in r.output


def test_serve_refuses_a_missing_build(tmp_path):
    with pytest.raises(endpoint.EndpointError, match="rightsgraph build"):
        start_server(tmp_path / "nothing", port=free_port())


def _wait(url: str) -> None:
    for _ in range(200):
        try:
            sparql.http_query(url, "ASK {}", timeout=1)
            return
        except sparql.QueryError:
            time.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def test_build_with_endpoint_pushes(tmp_path):
    from click.testing import CliRunner

    from main import cli
    from tests.conftest import FIXTURES

    with empty_server() as url:
        r = CliRunner().invoke(cli, ["build", "--sources", str(FIXTURES / "good"), "--texts", str(FIXTURES / "texts"),
                                     "--out", str(tmp_path / "build"), "--endpoint", url])
        assert r.exit_code == 0, r.output
        assert "pushed" in r.output
        r = CliRunner().invoke(cli, ["query", "--endpoint", url, "--format", "csv",
                                     "--name", "charges-against-person", "--param", "person=ana lee"])
        assert r.output.splitlines()[1].startswith("Ana Lee,plotting,,10,")


def test_serve_command_answers_and_stops(small_build):
    import signal
    import sys

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "main", "serve", "--store", str(small_build), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=str(__import__("pathlib").Path(__file__).parent.parent))
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait(url)
        result = sparql.http_query(url, "SELECT ?n WHERE { ?p rg:leaderOf ?x ; rdfs:label ?n }")
        assert [r["n"].value for r in result.rows] == ["Ana Lee"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
        proc.stderr.close()
    with pytest.raises(sparql.QueryError, match="cannot reach"):
        sparql.http_query(url, "ASK {}", timeout=2)  # the server went away with the command
