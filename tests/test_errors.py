"""Bad input: one located line per problem, exit code 1, no traceback, and the previous build untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from main import cli
from tests.conftest import FIXTURES

TEXTS = FIXTURES / "texts"
DAILY = "documents/daily-2020-01-10.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(out: Path) -> dict:
    return {p.relative_to(out): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*"))
            if p.is_file() and "store" not in p.parts}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def breaks(kind: str, src: Path) -> str:
    """Break the small corpus in one way; return the one line the user should see."""
    daily = src / DAILY
    if kind == "malformed-yaml":
        daily.write_text("id: daily-2020-01-10\ntitle: [unclosed\n", encoding="utf-8")
        return f"{daily}:3:1: malformed YAML: did not find expected ',' or ']'"
    if kind == "unknown-entity":
        edit(daily, "object: charge-plotting", "object: charge-plottin")
        return (f"{daily}:20:13: unknown entity 'charge-plottin' as object (did you mean 'charge-plotting'?); "
                "add it to the registry or fix the id")
    if kind == "unknown-predicate":
        edit(daily, "predicate: chargedWith", "predicate: chargedwith")
        return f"{daily}:19:16: unknown predicate 'chargedwith' (did you mean 'chargedWith'?)"
    if kind == "wrong-subject-type":
        edit(daily, "  - subject: ana-lee\n    predicate: leaderOf", "  - subject: free-party\n    predicate: leaderOf")
        return (f"{daily}:8:14: subject 'free-party' is a PoliticalParty, but 'leaderOf' expects Person "
                "as its subject (shape leaderOf-subject)")
    if kind == "impossible-date":
        edit(daily, 'date: "2020-01-08"', "date: 2021-02-30")
        return f"{daily}:16:11: '2021-02-30' is not a real date: February 2021 has 28 days"
    if kind == "quote-not-in-text":
        edit(daily, "was arrested on Wednesday", "was detained on Wednesday")
        return (f"{daily}:17:12: quote not found in daily.txt: \"was detained on Wednesday\"; "
                "copy the words exactly as the text has them")
    if kind == "empty-directory":
        for p in sorted(src.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        return (f"{src}: the sources directory is empty: it needs entities.yaml and documents/*.yaml "
                "(see sources/FORMAT.md)")
    if kind == "not-utf8":
        with open(src / "entities.yaml", "ab") as f:
            f.write(b"  - id: caf\xe9\n")
        return f"{src / 'entities.yaml'}:28:12: the file is not UTF-8 (byte 0xe9); save it as UTF-8"
    raise AssertionError(kind)


KINDS = ["malformed-yaml", "unknown-entity", "unknown-predicate", "wrong-subject-type", "impossible-date",
         "quote-not-in-text", "empty-directory", "not-utf8"]


@pytest.mark.parametrize("kind", KINDS)
def test_validate_reports_one_located_line(kind, good_sources):
    expected = breaks(kind, good_sources)
    result = run("validate", "--sources", good_sources, "--texts", TEXTS)
    assert result.exit_code == 1
    assert result.stderr == f"{expected}\n1 problem found; fix them and run validate again\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", KINDS)
def test_failed_build_leaves_previous_build_untouched(kind, good_sources, tmp_path):
    out = tmp_path / "build"
    assert run("build", "--sources", good_sources, "--texts", TEXTS, "--out", out).exit_code == 0
    before = snapshot(out)
    expected = breaks(kind, good_sources)
    result = run("build", "--sources", good_sources, "--texts", TEXTS, "--out", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == expected
    assert result.stderr.splitlines()[-1] == f"1 problem found; nothing was written ({out} is unchanged)"
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "sources"]  # no partial directory left


def test_all_problems_are_reported_at_once(good_sources):
    daily = good_sources / DAILY
    breaks("unknown-predicate", good_sources)
    breaks("impossible-date", good_sources)
    edit(good_sources / "entities.yaml", "type: Court", "type: Cort")
    result = run("validate", "--sources", good_sources)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{daily}:16:11: '2021-02-30' is not a real date: February 2021 has 28 days",
        f"{daily}:19:16: unknown predicate 'chargedwith' (did you mean 'chargedWith'?)",
        f"{good_sources / 'entities.yaml'}:14:11: unknown type 'Cort' (did you mean 'Court'?)",
        "3 problems found; fix them and run validate again",
    ]


@pytest.mark.parametrize("change, expected", [
    (("id: ana-lee\n", "id: Ana Lee\n"),
     "entities.yaml:3:9: id 'Ana Lee' may hold only lower-case letters, digits and '-' (e.g. 'kem-sokha')"),
    (("id: free-party\n", "id: ana-lee\n"),
     "entities.yaml:9:9: duplicate entity id 'ana-lee' (first defined at {src}/entities.yaml:3:5)"),
    (("    name: City Court\n", "    name: City Court\n    nmae: x\n"),
     "entities.yaml:16:11: unknown key 'nmae' in an entity (did you mean 'name'?)"),
])
def test_registry_mistakes(good_sources, change, expected):
    edit(good_sources / "entities.yaml", *change)
    result = run("validate", "--sources", good_sources)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{good_sources}/" + expected.format(src=good_sources)


@pytest.mark.parametrize("change, expected", [
    (("    value: 10\n", "    object: city-court\n"),
     ":24:13: 'maximumPenaltyYears' takes a literal: write 'value:' instead of 'object:'"),
    (("    value: 10\n", "    value: ten\n"),
     ":24:12: the value of 'maximumPenaltyYears' must be a whole number, not 'ten'"),
    (('    quote: "was arrested on Wednesday"\n', ""),
     ":13:5: a statement has no 'quote'"),
    (('role: President', 'role: "Pres\\fident"'),
     ":11:11: 'role' of a statement contains the control character U+000C; remove it"),
    (("text: daily.txt", "text: daily.txt\nurl: javascript:alert(1)"),
     ":7:6: 'javascript:alert(1)' is not a web address; write it as http:// or https://..."),
    (("id: daily-2020-01-10", "id: daily-2020"),
     ":1:5: document id 'daily-2020' differs from its file name; rename the file to daily-2020.yaml"),
])
def test_statement_mistakes(good_sources, change, expected):
    edit(good_sources / DAILY, *change)
    result = run("validate", "--sources", good_sources)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{good_sources / DAILY}" + expected


def test_khmer_script_and_emoji_round_trip(good_sources, tmp_path):
    from rdflib import Graph, Literal

    edit(good_sources / "entities.yaml", "name: Watch Group", "name: ក្រុមឃ្លាំមើល Watch 👁")
    out = tmp_path / "build"
    result = run("build", "--sources", good_sources, "--texts", TEXTS, "--out", out)
    assert result.exit_code == 0, result.output
    g = Graph().parse(out / "graph.ttl")
    assert Literal("ក្រុមឃ្លាំមើល Watch 👁") in set(g.objects())
    assert Literal("អាណា លី", lang="km") in set(g.objects())


def test_output_that_is_not_a_build_directory_is_refused(tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run("build", "--sources", FIXTURES / "good", "--out", precious)
    assert result.exit_code == 1
    assert result.stderr == f"error: {precious} exists and is not a rightsgraph build directory; choose another --out\n"
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_stats_without_a_build_says_what_to_do(tmp_path):
    result = run("stats", "--store", tmp_path / "nothing")
    assert result.exit_code == 1
    assert result.stderr == f"error: no build in {tmp_path / 'nothing'}; run 'rightsgraph build' first (or pass --store DIR)\n"


def test_every_command_has_help_and_the_group_a_version():
    assert run("--version").output == "rightsgraph, version 0.1.0\n"
    for name, command in sorted(cli.commands.items()):
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and command.help.strip(), f"{name} has no help text"


def test_pyshacl_and_the_loader_agree_on_a_wrong_type(good_sources):
    """The loader checks domains and ranges itself (fast at any size); pySHACL, run on the same statement
    with the loader's check bypassed, reports the same problem in the same words."""
    import dataclasses

    from graph.shacl import check_shapes
    from graph.triples import quads, to_dataset
    from sources.load import load_sources

    corpus = load_sources(good_sources)
    corpus.statements = [dataclasses.replace(s, subject="free-party") if s.predicate == "leaderOf" else s
                         for s in corpus.statements]
    problems = check_shapes(to_dataset(quads(corpus)), corpus)
    assert sorted({p.message for p in problems}) == [
        "subject 'free-party' is a PoliticalParty, but 'leaderOf' expects Person as its subject "
        "(shape leaderOf-subject)"]
    assert sorted((Path(p.location.path).name, p.location.line) for p in problems) == [
        ("daily-2020-01-10.yaml", 8), ("watch-2020-01-12.yaml", 9)]
