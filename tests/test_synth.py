"""The synthetic corpus: exactly N statements, the same files for a seed, and facts for every named question."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from graph.build import build
from sources.synth import synthesise
from tests.test_queries import ask

N = 6000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    made = synthesise(N, out / "sources", seed=1, fmt="jsonl")
    return out, made


def _statements(sources):
    for path in sorted((sources / "documents").glob("*.jsonl")):
        yield from map(json.loads, path.read_text(encoding="utf-8").splitlines()[1:])


def test_exactly_n_statements_and_the_same_files_for_a_seed(corpus, tmp_path):
    out, made = corpus
    assert made["statements"] == N == sum(1 for _ in _statements(out / "sources"))
    synthesise(N, tmp_path, seed=1, fmt="jsonl")
    for path in sorted((out / "sources").rglob("*.*")):
        assert (tmp_path / path.relative_to(out / "sources")).read_bytes() == path.read_bytes(), path


def test_a_small_share_of_allegations_dissolutions_bans_and_disagreeing_values(corpus):
    out, _ = corpus
    statements = list(_statements(out / "sources"))
    kinds = Counter(s["predicate"] for s in statements)
    alleged = [s for s in statements if "according_to" in s]
    assert alleged and all(s["according_to"] == "government" and s["predicate"] == "memberOf" for s in alleged)
    # about 1.5% of the facts together, repeated now and then by later documents like any other fact
    assert 0.005 < (len(alleged) + kinds["dissolvedBy"] + kinds["bannedFrom"]) / N < 0.03
    assert kinds["dissolvedBy"] and kinds["bannedFrom"]
    penalties = {(s["subject"], s["value"]) for s in statements if s["predicate"] == "maximumPenaltyYears"}
    assert len({subject for subject, _ in penalties}) < len(penalties)  # some charge has two maximum penalties


def test_the_questions_that_need_them_answer_on_a_synthetic_build(corpus):
    out, _ = corpus
    build(out / "sources", out / "build", texts=out / "sources" / "texts", shacl=False)
    allegations = ask(out / "build", "allegations")
    assert allegations and {r["according_to"] for r in allegations} == {"Ministry of Interior"}
    measures = {r["measure"] for r in ask(out / "build", "dissolutions-and-bans")}
    assert measures == {"dissolved by", "banned from"}
    disagreements = ask(out / "build", "disagreements")
    assert disagreements and {r["relation"] for r in disagreements} == {"maximumPenaltyYears"}
    # every disagreement lists at least two values for its subject
    assert all(n > 1 for n in Counter(r["subject"] for r in disagreements).values())
