"""The extraction's shortcuts for speed give what the plain forms they replace give, on real and generated text."""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract_helpers import ENTITIES, extractor
from graph.extract import clean as clean_module
from graph.extract.dates import DATE_PHRASE, find_dates
from graph.extract.ner import HONORIFICS, Registry, name_words, norm

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"
TEXTS = sorted((HELDOUT / "texts").glob("*.txt"))

# --- the plain forms, as they were before the shortcuts --------------------------------------------------------


def plain_find_dates(text: str) -> list[tuple[int, int]]:
    out = []
    for m in DATE_PHRASE.finditer(text):
        if m.group(0).lower() == "may" or (m.group(0)[:1].islower() and m.group(0).lower() in ("march", "august")):
            continue
        out.append((m.start(), m.end()))
    return out


PLAIN_FURNITURE_BRANCHES = re.compile(
    r"^(?:subscribe\b.*|.*\bsubscription\b.*|.*\bnewsletters?\b.{0,60}|.*\bfree\s+articles?\b.*"
    r"|.*\ball\s+rights\s+reserved\b.*|.*\bcopyright\s+(?:\(c\)|©|\d{4}).*)$", re.I)
"""The `.*`-led branches `_FURNITURE` had, with their neighbour `subscribe`, as one anchored pattern."""


def plain_norm(name: str) -> str:
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    name = re.sub(r"'s?$", "", name.strip())
    words = re.findall(r"[\w.&'-]+", name.lower())
    while len(words) > 1 and words[0].rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(w.strip(".") if not re.match(r"^(?:\w\.)+$", w) else w.replace(".", "") for w in words)


def plain_outside_clauses(tok) -> list:
    return [t for t in tok.subtree if not any(
        a.dep_ in ("relcl", "advcl") and tok.is_ancestor(a) and a.is_ancestor(t) for a in [t, *t.ancestors]
        if a.i != tok.i)]


# --- generated text ----------------------------------------------------------------------------------------------

DATE_WORDS = ["on", "in", "May", "may", "march", "March", "Mar.", "10", "3rd", "2019", "1999", "2024-2025", "of",
              "Friday", "fri", "last", "this", "next", "week", "month", "year", "today", "Tomorrow", "yesterday",
              "Sept.", "sep", "Jan", "June", "1,", ",", "-", "–", "the", "Mondays", "lastly", "nextdoor", "٣",
              "ſeptember", "x2019", "2019a", "Thursday,", "July", "(", ")", "\n", "  "]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(DATE_WORDS), max_size=14), st.sampled_from([" ", "", "  "]))
def test_find_dates_tries_only_word_starts_and_finds_what_a_full_scan_finds(words, sep):
    text = sep.join(words)
    assert find_dates(text) == plain_find_dates(text)


def test_find_dates_on_the_held_out_articles():
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        assert find_dates(text) == plain_find_dates(text)


FURNITURE_WORDS = ["subscribe", "Subscription", "subscriptions", "newsletter", "NEWSLETTERS", "free", "articles",
                   "article", "all", "rights", "reserved", "Copyright", "(c)", "©", "2020", "to", "our", "the",
                   "x" * 30, "word", ".", "\t", "Share", "on"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FURNITURE_WORDS), min_size=1, max_size=16))
def test_furniture_named_anywhere_in_a_line_is_found_as_before(words):
    line = " ".join(words).strip()
    now = bool(clean_module._FURNITURE.match(line) or clean_module._FURNITURE_ANYWHERE.search(line))
    before = bool(clean_module._FURNITURE.match(line) or PLAIN_FURNITURE_BRANCHES.match(line))
    assert now == before


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.' \u2019\u2018&-_MrDsS1", max_size=20)
       | st.sampled_from(["Mr. Sokha", "U.S.", "the CNRP's", "Dr. A.B. Lee", "H.E. Samdech Hun Sen", "...", "'s"]))
def test_norm_is_unchanged(name):
    assert norm(name) == plain_norm(name)


def test_fuzzy_linking_looks_at_fewer_names_and_finds_the_same():
    registry = Registry({e.id: e for e in ENTITIES})
    probes = set()
    for name in registry._names:
        for k in range(len(name)):
            probes |= {name[:k] + name[k + 1:], name[:k] + "x" + name[k + 1:], name + "s", "the " + name}
    for probe in sorted(probes):
        assert difflib.get_close_matches(probe, registry._near(probe), n=1, cutoff=0.88) == \
            difflib.get_close_matches(probe, registry._names, n=1, cutoff=0.88)


def test_registry_phrase_lookup_matches_the_plain_loop():
    ex = extractor()

    def plain(kind, text):
        key, words, best = norm(text), name_words(text), None
        for e in ex.events.get(kind, []):
            for n in [norm(e.name), *(norm(x) for x in e.aliases)]:
                if n == key:
                    return e
                same = name_words(n)
                score = max(difflib.SequenceMatcher(None, n, key).ratio(),
                            len(words & same) / len(words | same) if words | same else 0.0)
                if score >= 0.85 and (best is None or score > best[0]):
                    best = (score, e)
        return best[1] if best else None

    for kind in ("Charge", "Activity"):
        for text in ("plotting", "plot", "Plotting", "plots", "plotter", "political activity", "politics",
                     "political activities", "activity", "treason", "", "p", "polotics", "plottings", "plotin",
                     "political activitys", "politic"):
            assert ex._registry_phrase(kind, text) == plain(kind, text)


# --- on parsed text ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed():
    """Every sentence of the held-out articles, named and parsed as extraction does."""
    from graph.extract.clean import clean
    from graph.extract.pipeline import sentences

    ex = extractor()
    docs = []
    for path in TEXTS:
        body = clean(path.read_text(encoding="utf-8")).text
        spans = list(sentences(body))
        docs += [ex.nlp.get_pipe("parser")(ex.nlp.get_pipe("tagger")(ex.nlp.get_pipe("tok2vec")(
            ex.ruler(ex.nlp.make_doc(body[a:b]))))) for a, b in spans]
    return docs


def test_the_words_of_a_phrase_outside_its_clauses_are_found_by_one_walk(parsed):
    from graph.extract.pipeline import _outside_clauses

    tokens = 0
    for doc in parsed:
        for tok in doc:
            assert [t.i for t in _outside_clauses(tok)] == [t.i for t in plain_outside_clauses(tok)]
            tokens += 1
    assert tokens > 500


def test_the_ancestors_between_two_tokens_are_found_by_one_walk_up(parsed):
    from graph.extract.pipeline import _below

    pairs = 0
    for doc in parsed:
        for head in doc:
            for t in doc:
                plain = [a for a in t.ancestors if a.i != head.i and a.is_ancestor(t) and head.is_ancestor(a)]
                assert [a.i for a in _below(t, head)] == [a.i for a in plain]
                pairs += 1
    assert pairs > 5000


def test_the_name_marker_marks_what_the_entity_ruler_marks():
    ex = extractor()
    ruler = ex.ruler.ruler
    from graph.extract.clean import clean
    from graph.extract.pipeline import sentences

    for path in TEXTS:
        body = clean(path.read_text(encoding="utf-8")).text
        for a, b in sentences(body):
            ours, spacys = ex.ruler(ex.nlp.make_doc(body[a:b])), ruler(ex.nlp.make_doc(body[a:b]))
            assert [(e.start, e.end, e.label_, e.ent_id_) for e in ours.ents] == \
                [(e.start, e.end, e.label_, e.ent_id_) for e in spacys.ents]
    doc = ex.ruler(ex.nlp.make_doc("Ana Lee and Ms. Lee met the Free Party (FP) in Paris."))
    assert {(e.text, e.ent_id_) for e in doc.ents} >= {("Ana Lee", "ana-lee"), ("Free Party", "free-party"),
                                                      ("Paris", "paris")}


def test_looked_up_once_per_article_or_every_time_the_candidates_are_the_same(monkeypatch):
    from graph.extract.pipeline import Extractor, _State

    texts = [p.read_text(encoding="utf-8") for p in TEXTS] + [
        ("Ana Lee was charged with plotting. Ana Lee denied plotting, and Ms. Lee's lawyer said the plot charge "
         "was political. Ana Lee, president of the Free Party, was arrested on Wednesday.")]
    ex = extractor()
    with_memo = [ex.extract(t, None, min_confidence=0.0) for t in texts]
    again = [ex.extract(t, None, min_confidence=0.0) for t in texts]  # the registry's facts made already

    class Forgetful(dict):
        """A memo that never remembers: every phrase is looked up again."""

        def __contains__(self, key):
            return False

    init = _State.__init__

    def forgetful_init(self, *args):
        init(self, *args)
        self.phrases = Forgetful()

    monkeypatch.setattr(_State, "__init__", forgetful_init)
    monkeypatch.setattr(_State, "link", lambda self, text, label: self.ex.registry.link(text, label))
    without = [Extractor({e.id: e for e in ENTITIES}).extract(t, None, min_confidence=0.0) for t in texts]
    for results in (again, without):
        assert [[dataclasses.asdict(c) for c in r.candidates] for r in results] == \
            [[dataclasses.asdict(c) for c in r.candidates] for r in with_memo]
        assert [r.new_entities for r in results] == [r.new_entities for r in with_memo]
    assert sum(len(r.candidates) for r in with_memo) > 10
