"""JSON Lines sources: the same corpus as YAML gives the same graph, and mistakes are located the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from main import cli
from tests.conftest import FIXTURES

TEXTS = FIXTURES / "texts"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def to_jsonl(src: Path, out: Path) -> Path:
    """Write the YAML corpus `src` as JSON Lines: the registry one entity a line, each document header first."""
    (out / "documents").mkdir(parents=True)
    registry = yaml.safe_load((src / "entities.yaml").read_text(encoding="utf-8"))["entities"]
    (out / "entities.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in registry),
                                        encoding="utf-8")
    for path in sorted((src / "documents").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        statements = doc.pop("statements")
        lines = [doc] + statements
        (out / "documents" / f"{path.stem}.jsonl").write_text(
            "".join(json.dumps(x, ensure_ascii=False, default=str) + "\n" for x in lines), encoding="utf-8")
    return out


@pytest.fixture
def jsonl_sources(tmp_path) -> Path:
    return to_jsonl(FIXTURES / "good", tmp_path / "sources")


def test_jsonl_corpus_builds_the_same_claims_as_yaml(jsonl_sources, small_build, tmp_path):
    out = tmp_path / "build"
    result = run("build", "--sources", jsonl_sources, "--texts", TEXTS, "--out", out)
    assert result.exit_code == 0, result.output
    # The union of assertions does not say where a statement was written, so it is byte-identical.
    assert (out / "graph.ttl").read_bytes() == (small_build / "graph.ttl").read_bytes()
    built = json.loads((out / "manifest.json").read_text())["counts"]
    assert built == json.loads((small_build / "manifest.json").read_text())["counts"]
    nq = (out / "graph.nq").read_text(encoding="utf-8")
    assert '"documents/daily-2020-01-10.jsonl"' in nq and ".yaml" not in nq


def first_line_with(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(src: Path) -> list[str]:
    result = run("validate", "--sources", src, "--texts", TEXTS)
    assert result.exit_code == 1 and "Traceback" not in result.output
    return result.stderr.splitlines()[:-1]


@pytest.mark.parametrize("old, new, message", [
    ('"predicate": "chargedWith"', '"predicate": "chargedwith"',
     "unknown predicate 'chargedwith' (did you mean 'chargedWith'?)"),
    ('"object": "charge-plotting"', '"object": "charge-plottin"',
     "unknown entity 'charge-plottin' as object (did you mean 'charge-plotting'?); add it to the registry or fix the id"),
])
def test_mistakes_name_the_line_and_the_column_of_the_value(jsonl_sources, old, new, message):
    daily = jsonl_sources / "documents" / "daily-2020-01-10.jsonl"
    replace(daily, old, new)
    value = new.split(": ")[1]
    line = first_line_with(daily, value)
    col = daily.read_text(encoding="utf-8").splitlines()[line - 1].index(value) + 1
    assert problems(jsonl_sources) == [f"{daily}:{line}:{col}: {message}"]


@pytest.mark.parametrize("bad, message", [
    ('{"subject": "ana-lee", "predicate": ', "malformed JSON: Expecting value; each line must be one JSON object"),
    ('["ana-lee", "leaderOf"]', "each line must be one JSON object {...}"),
    ('{"subject": "ana-lee", "subject": "free-party", "predicate": "leaderOf", "object": "free-party", '
     '"quote": "x"}', "key 'subject' appears twice in this object"),
])
def test_broken_lines_are_reported_and_the_rest_still_checked(jsonl_sources, bad, message):
    daily = jsonl_sources / "documents" / "daily-2020-01-10.jsonl"
    with daily.open("a", encoding="utf-8") as f:
        f.write(bad + "\n")
    line = len(daily.read_text(encoding="utf-8").splitlines())
    col = len(bad) + 1 if "malformed" in message else 1
    assert problems(jsonl_sources) == [f"{daily}:{line}:{col}: {message}"]


def test_statements_key_in_a_jsonl_header_is_refused(jsonl_sources):
    daily = jsonl_sources / "documents" / "daily-2020-01-10.jsonl"
    replace(daily, '"id": "daily-2020-01-10"', '"id": "daily-2020-01-10", "statements": []')
    found = problems(jsonl_sources)
    assert len(found) == 1 and found[0].startswith(f"{daily}:1:")
    assert "the statements are the lines after the first" in found[0]


def test_two_registries_are_refused(jsonl_sources):
    (jsonl_sources / "entities.yaml").write_text((FIXTURES / "good" / "entities.yaml").read_text())
    assert problems(jsonl_sources) == [
        f"{jsonl_sources / 'entities.jsonl'}: there are two registries; keep entities.yaml or entities.jsonl"]


def test_synth_writes_the_same_corpus_in_both_formats(tmp_path):
    for fmt in ("yaml", "jsonl"):
        assert run("synth", "--statements", 400, "--seed", 3, "--format", fmt, "--out", tmp_path / fmt).exit_code == 0
        result = run("build", "--sources", tmp_path / fmt, "--texts", tmp_path / fmt / "texts",
                     "--out", tmp_path / f"build-{fmt}")
        assert result.exit_code == 0, result.output
    assert (tmp_path / "build-yaml" / "graph.ttl").read_bytes() == (tmp_path / "build-jsonl" / "graph.ttl").read_bytes()
