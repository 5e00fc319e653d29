"""The extract, review and evaluate commands, end to end through the command line."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graph.extract.candidates import JSONL_KEYS
from main import cli
from sources import BUNDLED

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = """---
title: Opposition leader held
publisher: Daily News
date: 2020-01-10
---
Menu
Share on Facebook

Ana Lee, president of the Free Party, was arrested on Wednesday in the capital.

She was charged with "plotting", which carries up to 10 years in prison.

Watch Group calls for the immediate release of Ana Lee.

Copyright 2020 Daily News
"""


@pytest.fixture
def sources(tmp_path):
    dest = tmp_path / "sources"
    shutil.copytree(FIXTURES / "good", dest)
    return dest


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_extract_jsonl_has_exactly_the_documented_keys(tmp_path, sources):
    art = tmp_path / "article.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    r = run("extract", art, "--format", "jsonl", "--sources", sources)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all(tuple(row) == JSONL_KEYS for row in rows)
    arrest = next(row for row in rows if row["predicate"] == "arrestedOn")
    assert arrest["subject"] == "ana-lee" and arrest["object"] == "ana-lee-arrest-2020"
    assert (arrest["date"], arrest["date_precision"]) == ("2020-01-08", "day")
    assert arrest["source"] == str(art) and arrest["extractor"].startswith("rightsgraph-extract")
    assert 0 < arrest["confidence"] <= 1


def test_extract_writes_cleaned_text_that_offsets_point_into(tmp_path, sources):
    art = tmp_path / "article.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    r = run("extract", art, "--format", "jsonl", "--out", out, "--sources", sources)
    assert r.exit_code == 0, r.output
    cleaned = (out / "article.clean.txt").read_text(encoding="utf-8")
    assert "Share on" not in cleaned and "Copyright" not in cleaned
    for line in (out / "article.candidates.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert cleaned[row["start"]:row["end"]] == row["quote"]
    again = tmp_path / "again"
    run("extract", art, "--format", "jsonl", "--out", again, "--sources", sources)
    assert (again / "article.candidates.jsonl").read_bytes() == (out / "article.candidates.jsonl").read_bytes()


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "empty; nothing to extract"),
    ("blob.bin", bytes(range(256)) * 10, "binary file"),
    ("latin.txt", "Caf\u00e9 Lee was arrested.".encode("latin-1"), "is not UTF-8 text"),
])
def test_bad_input_gives_a_message_not_a_traceback(tmp_path, name, content, message):
    f = tmp_path / name
    f.write_bytes(content)
    r = CliRunner().invoke(cli, ["extract", str(f), "--format", "jsonl"])
    assert message in r.stderr
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_missing_file_and_bad_date_are_clear(tmp_path):
    r = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.txt")])
    assert r.exit_code == 1 and "cannot be read" in r.stderr
    f = tmp_path / "a.txt"
    f.write_text("Ana Lee was arrested.", encoding="utf-8")
    r = CliRunner().invoke(cli, ["extract", str(f), "--date", "2020-13"])
    assert r.exit_code == 1 and "has no month 13" in r.stderr


def _candidates(tmp_path, sources) -> Path:
    art = tmp_path / "article.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "cand"
    assert run("extract", art, "--out", out, "--sources", sources).exit_code == 0
    return out / "article.candidates.yaml"


def test_review_writes_only_accepted_candidates_and_they_validate(tmp_path, sources):
    path = _candidates(tmp_path, sources)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["candidates"] is True and data["publisher"] == "daily-news"
    ids = {(s["subject"], s["predicate"]): s["id"] for s in data["statements"]}
    before = sorted(p.name for p in (sources / "documents").iterdir())
    r = run("review", path, "--reject", ids[("ana-lee", "leaderOf")], "--sources", sources)
    assert r.exit_code == 0 and "0 accepted" in r.output
    assert sorted(p.name for p in (sources / "documents").iterdir()) == before  # nothing merged yet

    arrest, call = ids[("ana-lee", "arrestedOn")], ids[("watch-group", "callsForReleaseOf")]
    texts = tmp_path / "texts"
    shutil.copytree(FIXTURES / "texts", texts)
    shutil.copy(tmp_path / "article.txt", texts)
    r = run("review", path, "--accept", arrest, "--accept", call, "--edit", arrest, "role=", "--sources", sources,
            "--texts", texts)
    assert r.exit_code == 0, r.output
    doc = yaml.safe_load((sources / "documents" / "article.yaml").read_text(encoding="utf-8"))
    assert [(s["subject"], s["predicate"]) for s in doc["statements"]] == [
        ("ana-lee", "arrestedOn"), ("watch-group", "callsForReleaseOf")]
    assert all(s["quote"] for s in doc["statements"]) and doc["date"] == "2020-01-10"
    assert run("validate", "--sources", sources, "--texts", texts).exit_code == 0
    statuses = {s["id"]: s["status"] for s in yaml.safe_load(path.read_text(encoding="utf-8"))["statements"]}
    assert statuses[arrest] == "merged" and statuses[ids[("ana-lee", "leaderOf")]] == "rejected"
    # Accepting again does not write the statements twice; a later acceptance is appended to the file.
    run("review", path, "--accept", arrest, "--sources", sources)
    doc = yaml.safe_load((sources / "documents" / "article.yaml").read_text(encoding="utf-8"))
    assert len(doc["statements"]) == 2
    r = run("review", path, "--accept", ids[("ana-lee", "chargedWith")], "--sources", sources, "--texts", texts)
    assert r.exit_code == 0, r.output
    text = (sources / "documents" / "article.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Statements accepted in review")
    assert [s["predicate"] for s in yaml.safe_load(text)["statements"]] == [
        "arrestedOn", "callsForReleaseOf", "chargedWith"]
    assert run("validate", "--sources", sources, "--texts", texts).exit_code == 0


def test_review_refuses_an_edit_that_does_not_validate(tmp_path, sources):
    path = _candidates(tmp_path, sources)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cid = data["statements"][0]["id"]
    r = CliRunner().invoke(cli, ["review", str(path), "--accept", cid, "--edit", cid, "predicate=arestedOn",
                                 "--sources", str(sources)])
    assert r.exit_code == 1 and "did you mean 'arrestedOn'" in r.stderr and "nothing was written" in r.stderr
    assert not (sources / "documents" / "article.yaml").exists()
    r = CliRunner().invoke(cli, ["review", str(path), "--accept", "c00000000", "--sources", str(sources)])
    assert r.exit_code == 1 and "no candidate with id c00000000" in r.stderr


def test_review_interactively(tmp_path, sources):
    path = _candidates(tmp_path, sources)
    n = len(yaml.safe_load(path.read_text(encoding="utf-8"))["statements"])
    # accept the first, reject the second, skip the rest
    r = run("review", path, "-i", "--sources", sources, input="a\nr\n" + "s\n" * (n - 2))
    assert r.exit_code == 0, r.output
    assert f"1 accepted into the sources, 1 rejected, {n - 2} still to review" in r.output
    assert (sources / "documents" / "article.yaml").exists()


def test_evaluate_on_the_bundled_corpus(seeds):
    r = CliRunner().invoke(cli, ["evaluate", "--texts", str(seeds), "--format", "json", "--sources", str(BUNDLED)])
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert len(report["documents"]) >= 5
    overall = report["overall"]
    assert overall["precision"] > overall["recall"]
    assert overall["precision"] >= 0.8
    assert report["per_relation"] and report["misses"]
    text = CliRunner().invoke(cli, ["evaluate", "--texts", str(seeds), "--no-lists"]).stdout
    assert "17 core relations" in text and "ALL statements" in text


def test_evaluate_needs_texts():
    r = CliRunner().invoke(cli, ["evaluate"])
    assert r.exit_code == 1 and "--texts" in r.stderr


def test_html_and_markdown_articles(tmp_path, sources):
    html = tmp_path / "page.html"
    html.write_text("<html><body><nav><a>Home</a> <a>World</a></nav><article><p>Ana Lee, president of the "
                    "Free Party, was arrested on Wednesday.</p></article><footer>© 2020</footer></body></html>",
                    encoding="utf-8")
    md = tmp_path / "note.md"
    md.write_text("---\ndate: 2020-01-10\n---\n# Update\n\n**Watch Group** calls for the release of "
                  "[Ana Lee](http://example.org).\n", encoding="utf-8")
    r = run("extract", html, md, "--format", "jsonl", "--date", "2020-01-10", "--sources", sources)
    assert r.exit_code == 0, r.output
    rows = {(row["subject"], row["predicate"], row["object"]) for row in map(json.loads, r.stdout.splitlines())}
    assert ("ana-lee", "arrestedOn", "ana-lee-arrest-2020") in rows
    assert ("watch-group", "callsForReleaseOf", "ana-lee") in rows


def test_evaluate_matching_rule_and_a_perfect_small_corpus():
    from graph.extract.evaluate import statement_key

    assert statement_key("d", "s", "lawArticle", None, "Criminal Code, Article 443") == statement_key(
        "d", "s", "lawArticle", None, "criminal code article 443")
    assert statement_key("d", "s", "age", None, 66) != statement_key("d", "s", "age", None, 65)
    r = run("evaluate", "--sources", FIXTURES / "good", "--texts", FIXTURES / "texts", "--format", "json")
    report = json.loads(r.stdout)
    assert report["overall"]["gold"] == 7 and report["overall"]["f1"] == 1.0


def test_html_article_reviewed_against_its_cleaned_text(tmp_path, sources):
    page = tmp_path / "page.html"
    page.write_text("<html><body><nav>Home</nav><p>Ana Lee, president of the <b>Free Party</b>, was arrested on "
                    "Wednesday.</p></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert run("extract", page, "--out", out, "--date", "2020-01-10", "--publisher", "Daily News",
               "--sources", sources).exit_code == 0
    data = yaml.safe_load((out / "page.candidates.yaml").read_text(encoding="utf-8"))
    assert data["text"] == "page.clean.txt"
    cid = next(s["id"] for s in data["statements"] if s["predicate"] == "arrestedOn")
    texts = tmp_path / "texts"
    shutil.copytree(FIXTURES / "texts", texts)
    shutil.copy(out / "page.clean.txt", texts)
    r = run("review", out / "page.candidates.yaml", "--accept", cid, "--sources", sources, "--texts", texts)
    assert r.exit_code == 0, r.output
    assert run("validate", "--sources", sources, "--texts", texts).exit_code == 0
