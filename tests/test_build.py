"""The build: golden serialisations, byte-stable output, claims and their provenance, round trips."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.triples import is_assertion, nquad, quads
from graph.writers import write_build, write_serialisations
from ontology.schema import load_schema
from sources.load import load_sources
from sources.model import Corpus, PartialDate, Statement
from tests.conftest import FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden"
FORMATS = {"graph.trig": "trig", "graph.nq": "nquads", "graph.ttl": "turtle"}


def dataset_quads(path, fmt) -> set:
    ds = Dataset()
    ds.parse(path, format=fmt)
    return {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in ds.quads((None, None, None, None))}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_serialisations_match_golden_files(small_build, name, update_golden):
    """Compared as RDF, not as text; refresh with `pytest --update-golden`."""
    golden = GOLDEN / f"small.{name.split('.')[1]}"
    if update_golden:
        shutil.copyfile(small_build / name, golden)
    fmt = FORMATS[name]
    if fmt == "turtle":
        assert isomorphic(Graph().parse(small_build / name), Graph().parse(golden))
    else:
        assert dataset_quads(small_build / name, fmt) == dataset_quads(golden, fmt)


def test_formats_agree(small_build):
    assert dataset_quads(small_build / "graph.trig", "trig") == dataset_quads(small_build / "graph.nq", "nquads")


def test_building_twice_gives_byte_identical_files(tmp_path):
    """Separate processes with different hash seeds: nothing may depend on set or dict order."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"b{seed}"
        env = {"PYTHONHASHSEED": seed, "PATH": ""}
        subprocess.run([sys.executable, str(ROOT / "main.py"), "build", "--sources", str(FIXTURES / "good"),
                        "--out", str(out)], check=True, cwd=tmp_path, env=env, capture_output=True)
        outs.append(out)
    for name in [*FORMATS, "manifest.json"]:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_manifest_records_digests_and_counts(small_build):
    manifest = json.loads((small_build / "manifest.json").read_text())
    assert manifest["counts"]["claims"] == 6
    assert manifest["counts"]["statements"] == 7
    assert manifest["counts"]["corroborated_claims"] == 1
    assert set(manifest["sha256"]) == set(FORMATS)


def test_store_answers_with_claims_as_named_graphs(small_build):
    store = pyoxigraph.Store.read_only(str(small_build / "store"))
    query = """PREFIX rg: <https://w3id.org/rightsgraph/ns#>
        SELECT ?claim ?n ?quote WHERE {
          GRAPH ?claim { ?s rg:leaderOf ?party }
          ?claim rg:supportCount ?n ; rg:role "President" ; rg:evidence/rg:quote ?quote .
        } ORDER BY ?quote"""
    rows = list(store.query(query))
    assert [r["quote"].value for r in rows] == ["Ana Lee, president of the Free Party",
                                                 "Ana Lee, who leads the Free Party as its president"]
    assert {r["n"].value for r in rows} == {"2"}


def test_store_holds_exactly_the_quads_of_graph_nq(small_build):
    """The store is loaded from a pipe while graph.nq is written: both must hold the same quads."""
    store = pyoxigraph.Store.read_only(str(small_build / "store"))
    from_file = pyoxigraph.Dataset(pyoxigraph.parse(path=str(small_build / "graph.nq"),
                                                    format=pyoxigraph.RdfFormat.N_QUADS))

    def canonical(q):  # Oxigraph keeps decimals as numbers: "1.00" comes back as "1"
        o = q.object
        if isinstance(o, pyoxigraph.Literal) and o.datatype.value.endswith("#decimal"):
            o = Decimal(o.value)
        return (q.subject, q.predicate, o, q.graph_name)

    assert len(store) == len(from_file) > 0
    assert set(map(canonical, store)) == set(map(canonical, from_file))


def test_a_failure_while_writing_leaves_nothing_and_stops_the_store_loader(tmp_path):
    corpus = load_sources(FIXTURES / "good")

    def failing():
        yield from quads(corpus)
        raise RuntimeError("the disk is full")

    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_build(tmp_path / "build", failing(), {})
    assert list(tmp_path.iterdir()) == []
    assert threading.active_count() == threads


def test_dated_event_carries_its_date_inside_the_claim(small_build):
    ds = Dataset()
    ds.parse(small_build / "graph.trig", format="trig")
    arrest = URIRef("https://w3id.org/rightsgraph/id/ana-lee-arrest-2020")
    date = URIRef("https://w3id.org/rightsgraph/ns#date")
    dates = [(o, g) for _, _, o, g in ds.quads((arrest, date, None, None))]
    assert [str(o) for o, _ in dates] == ["2020-01-08"]
    assert str(dates[0][1]).startswith("https://w3id.org/rightsgraph/claim/")


# --- round trips over generated statements ---------------------------------------------------------

SMALL = load_sources(FIXTURES / "good")
SCHEMA = load_schema()


def _valid_triples():
    """Every (subject, relation, object) the small registry allows, by the ontology's domains and ranges."""
    out = []
    for r in SCHEMA.relations.values():
        if r.is_attribute:
            continue
        for s in SMALL.entities.values():
            for o in SMALL.entities.values():
                if SCHEMA.fits(s.type, r.domain) and SCHEMA.fits(o.type, r.range) and s.id != o.id:
                    out.append((s.id, r.name, o.id))
    return out


TRIPLES = _valid_triples()
# Any text the loader accepts: every character but surrogates and control characters other than tab and newline.
text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
               min_size=1, max_size=40).filter(str.strip)
dates = st.dates().map(lambda d: PartialDate(d.isoformat()))
statements = st.builds(
    lambda t, quote, doc, date, role, conf: Statement(
        document=doc, subject=t[0], predicate=t[1], object=t[2], quote=quote.strip(), date=date,
        role=role, confidence=conf),
    st.sampled_from(TRIPLES), text, st.sampled_from(sorted(SMALL.documents)),
    st.none() | dates, st.none() | text.map(str.strip), st.sampled_from([0.5, 0.75, 1.0]),
)


def corpus_of(items) -> Corpus:
    return Corpus(entities=SMALL.entities, documents=SMALL.documents, statements=list(items))


def written(items) -> tuple[dict, dict]:
    """Write the statements' serialisations; return (file texts, digests)."""
    with tempfile.TemporaryDirectory() as folder:
        digests = write_serialisations(quads(corpus_of(items)), Path(folder))
        return {p.name: p.read_text(encoding="utf-8") for p in Path(folder).iterdir()}, digests


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statements, min_size=1, max_size=12))
def test_turtle_round_trip_is_isomorphic(items):
    """Statements -> Turtle -> parse gives the same graph as the assertions themselves."""
    texts, _ = written(items)
    expected = Graph().parse(data="".join(nquad((s, p, o, None)) for s, p, o, g in quads(corpus_of(items))
                                          if is_assertion((s, p, o, g))), format="nt")
    assert isomorphic(Graph().parse(data=texts["graph.ttl"], format="turtle"), expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statements, min_size=1, max_size=12), st.randoms())
def test_reordering_statements_changes_nothing(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert written(items)[1] == written(shuffled)[1]


@settings(max_examples=25, deadline=None)
@given(st.lists(statements, min_size=1, max_size=8))
def test_trig_and_nquads_hold_the_same_quads(items):
    texts, _ = written(items)
    ident = lambda d: {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in d.quads((None, None, None, None))}
    trig, nq = Dataset(), Dataset()
    trig.parse(data=texts["graph.trig"], format="trig")
    nq.parse(data=texts["graph.nq"], format="nquads")
    assert ident(trig) == ident(nq) and len(ident(nq)) == len(texts["graph.nq"].splitlines())
