"""The benchmark runs every step end to end on a small synthetic corpus and writes its figures as JSON.

It measures nothing here (timings on a shared test machine mean little); it checks that each step ran on
real data and that both engines agree wherever rdflib answered.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_benchmark_runs_every_step_and_writes_its_figures(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--sizes", "300", "--repeat", "1", "--sample", "2",
         "--rdflib-timeout", "1", "--workdir", str(tmp_path / "work"), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    row, = json.loads(out.read_text())["results"]
    assert row["statements"] == 300
    for step in ("build", "rdflib_parse", "store_load", "report", "view"):
        assert row[step]["seconds"] > 0, (step, row[step])
    assert row["build"]["peak_mb"] > 0 and row["rdflib_parse"]["peak_mb"] > 0
    assert row["view"]["bytes"] > 0

    questions = row["questions"]["questions"]
    assert len(questions) == 14
    for name, q in questions.items():
        assert q["oxigraph_ms"] > 0 and q["rows"] >= 0, name
        assert q["typical_ms"] > 0 and q["one_typical_ms"] > 0, name
        # rdflib parsed this corpus under the cap, so it was asked every question: it answered the same
        # number of rows or was stopped at its timeout
        assert q["rdflib_timed_out"] or q["rdflib_rows"] == q["rows"], name

    table = done.stdout.splitlines()
    assert table[0].split()[:2] == ["statements", "validate+build"]
    assert table[1].split()[0] == "300"
    assert any("questions:" in line and "rdflib:" in line for line in table)
