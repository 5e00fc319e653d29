"""Large and nameless articles: a note or an empty result, never a traceback."""

import json

from click.testing import CliRunner

from main import cli


def test_a_5_mb_article_is_processed_with_a_note(tmp_path):
    # Distinct paragraphs (numbered, so that cleaning does not fold repeats) of plain narration without names.
    para = "Entry {n}. the weather in the valley stayed mild and dry for most of the season, farmers said."
    text = "\n\n".join(para.format(n=n) for n in range(55_000))
    assert len(text.encode()) > 5_000_000
    f = tmp_path / "big.txt"
    f.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["extract", str(f), "--format", "jsonl", "--date", "2020-01-10"])
    assert r.exit_code == 0, r.output
    assert "million characters; this takes about" in r.stderr
    assert "0 candidates from" in r.stderr and "Traceback" not in r.output
    assert r.stdout.strip() == ""


def test_an_article_without_entities_gives_an_empty_result(tmp_path):
    f = tmp_path / "plain.md"
    f.write_text("---\ndate: 2020-01-10\n---\nIt rained on Friday, and the market stayed closed until noon.\n",
                 encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["extract", str(f), "--format", "jsonl", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "0 candidates" in r.stderr
    assert (out / "plain.candidates.jsonl").read_text(encoding="utf-8") == ""
    assert [json.loads(x) for x in (out / "plain.candidates.jsonl").read_text().splitlines()] == []
