"""Reading documents in several processes gives the same corpus, and the same problems, as reading in one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sources.load import _split, load_sources
from sources.parallel import in_parallel
from sources.problems import SourcesError
from sources.synth import synthesise


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synthesise(3000, out, seed=5, fmt="jsonl")
    return out


def test_several_processes_read_the_same_corpus_as_one(corpus):
    one = load_sources(corpus, corpus / "texts", workers=1)
    three = load_sources(corpus, corpus / "texts", workers=3)
    assert three == one
    # the order of statements is the order of the files, whichever process read them
    assert [s.location for s in three.statements] == [s.location for s in one.statements]


def replace_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_problems_found_in_other_processes_are_all_reported_with_their_lines(corpus, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(corpus, broken)
    files = sorted((broken / "documents").glob("*.jsonl"))
    first, last = files[0], files[-1]  # read by the first process and by the last one
    replace_line(first, 2, '"predicate": "', '"predicate": "x')
    text = last.read_text(encoding="utf-8").splitlines()
    quote = text[1].split('"quote": "')[1].split('"')[0]
    replace_line(last, 2, quote, "words that are not in the article")
    (broken / "documents" / f"{first.stem}.yaml").write_text(f"id: {first.stem}\n", encoding="utf-8")

    def problems(workers: int) -> list[str]:
        with pytest.raises(SourcesError) as caught:
            load_sources(broken, broken / "texts", workers=workers)
        return [str(p) for p in caught.value.problems]

    found = problems(1)
    assert problems(3) == found
    assert any(f"{first.name}:2:" in p and "unknown predicate" in p for p in found)
    assert any(f"{last.name}:2:" in p and "quote not found" in p for p in found)
    assert any(f"{first.stem}.yaml" in p and "duplicate document id" in p for p in found)


def test_a_cut_never_separates_files_of_one_name(tmp_path):
    names = ["a.jsonl", "b.jsonl", "b.yaml", "c.yaml", "d.jsonl"]
    paths = []
    for name in names:
        (tmp_path / name).write_text("x" * 100, encoding="utf-8")
        paths.append(tmp_path / name)
    for n in range(1, 6):
        parts = _split(paths, n)
        assert [p for part in parts for p in part] == paths
        assert all(part for part in parts) and len(parts) <= n
        assert not any(part[-1].stem == parts[i + 1][0].stem for i, part in enumerate(parts[:-1]))


def double_or_die(part):
    if part == "die" and os.getpid() != PARENT:
        os._exit(3)  # a process killed for memory ends like this
    if part == "fail":
        raise ValueError("bad part")
    return part * 2


PARENT = os.getpid()


def test_a_process_that_dies_has_its_part_done_here_and_errors_come_back():
    assert in_parallel(double_or_die, ["a", "die", "c"]) == ["aa", "diedie", "cc"]
    with pytest.raises(ValueError, match="bad part"):
        in_parallel(double_or_die, ["a", "fail"])
