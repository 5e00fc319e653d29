"""The synthetic corpus: exactly N statements, the same files for a seed, and facts for every named question."""

from __future__ import annotations

import json
from collections import Counter

from sources.synth import synthesise
from tests.conftest import SYNTH_STATEMENTS as N
from tests.test_queries import ask


def _statements(sources):
    for path in sorted((sources / "documents").glob("*.jsonl")):
        yield from map(json.loads, path.read_text(encoding="utf-8").splitlines()[1:])


def test_exactly_n_statements_and_the_same_files_for_a_seed(synth_corpus, tmp_path):
    sources, made = synth_corpus
    assert made["statements"] == N == sum(1 for _ in _statements(sources))
    synthesise(N, tmp_path, seed=1, fmt="jsonl")
    for path in sorted(sources.rglob("*.*")):
        assert (tmp_path / path.relative_to(sources)).read_bytes() == path.read_bytes(), path


def test_a_small_share_of_allegations_dissolutions_bans_and_disagreeing_values(synth_corpus):
    sources, _ = synth_corpus
    statements = list(_statements(sources))
    kinds = Counter(s["predicate"] for s in statements)
    alleged = [s for s in statements if "according_to" in s]
    assert alleged and all(s["according_to"] == "government" and s["predicate"] == "memberOf" for s in alleged)
    # about 1.5% of the facts together, repeated now and then by later documents like any other fact
    assert 0.005 < (len(alleged) + kinds["dissolvedBy"] + kinds["bannedFrom"]) / N < 0.03
    assert kinds["dissolvedBy"] and kinds["bannedFrom"]
    penalties = {(s["subject"], s["value"]) for s in statements if s["predicate"] == "maximumPenaltyYears"}
    assert len({subject for subject, _ in penalties}) < len(penalties)  # some charge has two maximum penalties


def test_the_questions_that_need_them_answer_on_a_synthetic_build(synth_build):
    allegations = ask(synth_build, "allegations")
    assert allegations and {r["according_to"] for r in allegations} == {"Ministry of Interior"}
    measures = {r["measure"] for r in ask(synth_build, "dissolutions-and-bans")}
    assert measures == {"dissolved by", "banned from"}
    disagreements = ask(synth_build, "disagreements")
    assert disagreements and {r["relation"] for r in disagreements} == {"maximumPenaltyYears"}
    # every disagreement lists at least two values for its subject
    assert all(n > 1 for n in Counter(r["subject"] for r in disagreements).values())
