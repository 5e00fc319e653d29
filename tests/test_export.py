"""Exports re-parse with rdflib into the same dataset, byte-identically each time, written atomically."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.export import HOLDS_GRAPHS, RDF_FORMATS, load_dataset, union
from main import cli

RDFLIB_FORMAT = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt", "jsonld": "json-ld"}


def quads(ds: Dataset) -> set:
    return {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None))}


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_round_trip(bundled_build, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    r = CliRunner().invoke(cli, ["export", "--format", fmt, "--out", str(out), "--store", str(bundled_build)])
    assert r.exit_code == 0, r.output
    original = load_dataset(bundled_build)
    if HOLDS_GRAPHS[fmt]:
        again = Dataset()
        again.parse(out, format=RDFLIB_FORMAT[fmt])
        # no blank nodes in a build, so equal quads means an isomorphic dataset, named graphs included
        assert quads(again) == quads(original)
        assert len({g for *_, g in quads(again)}) > 100
    else:
        g = Graph().parse(out, format=RDFLIB_FORMAT[fmt])
        assert isomorphic(g, union(original))
    # the same build gives the same bytes
    second = tmp_path / f"again.{fmt}"
    CliRunner().invoke(cli, ["export", "--format", fmt, "--out", str(second), "--store", str(bundled_build)])
    assert out.read_bytes() == second.read_bytes()


def test_jsonld_context_is_inline(small_build):
    r = CliRunner().invoke(cli, ["export", "--format", "jsonld", "--store", str(small_build)])
    doc = json.loads(r.output)
    assert isinstance(doc["@context"], dict) and doc["@context"]["rg"] == "https://w3id.org/rightsgraph/ns#"
    assert all(isinstance(v, str) for v in doc["@context"].values())  # prefixes only, nothing to fetch


def test_failed_export_keeps_the_old_file(tmp_path, small_build):
    out = tmp_path / "graph.trig"
    out.write_text("old\n")
    r = CliRunner().invoke(cli, ["export", "--format", "trig", "--out", str(out), "--store", str(tmp_path / "none")])
    assert r.exit_code == 1 and "rightsgraph build" in r.output and "Traceback" not in r.output
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.trig"]  # no temp file left behind
    r = CliRunner().invoke(cli, ["export", "--format", "nq", "--out", str(tmp_path), "--store", str(small_build)])
    assert r.exit_code != 0 and "Traceback" not in r.output


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv-edges"])
def test_network_formats_are_dispatched(small_build, tmp_path, fmt):
    out = tmp_path / f"network.{fmt}"
    r = CliRunner().invoke(cli, ["export", "--format", fmt, "--out", str(out), "--store", str(small_build)])
    assert r.exit_code == 0, r.output
    assert "Ana Lee" in out.read_text(encoding="utf-8")
