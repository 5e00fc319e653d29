"""Each named question answers what the bundled CNRP sources say (facts curated by hand from the articles)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph import sparql


def ask(build, name: str, union: bool = False, **params) -> list[dict]:
    """Rows as dicts of plain strings; space-separated document lists become sets (GROUP_CONCAT has no order).

    Without the union default graph, as `query --name` runs them."""
    q = sparql.question(name)
    text = sparql.prepare(q.text, sparql.question_terms(q, {k: str(v) for k, v in params.items()}), source=q.file)
    result = sparql.run_local(build, text, timeout=None, union=union)
    return [{k: (frozenset(t.value.split()) if k == "documents" and " " in t.value else t.value)
             for k, t in row.items()} for row in result.rows]


def test_library_is_complete_and_documented():
    qs = sparql.questions()
    assert len(qs) >= 12
    for q in qs.values():
        assert q.description and q.file.endswith(f"{q.name}.rq")
        for p in q.params:
            assert p.default and p.help
        sparql.check_syntax(q.text, q.file)


@pytest.mark.parametrize("name", sorted(sparql.questions()))
def test_question_gives_the_same_answer_with_or_without_the_union_default_graph(name, bundled_build, synth_build):
    """Claims are read only inside GRAPH, so a question runs on any server, union default graph or not (and
    locally without it, which is faster). Limits are lifted: which claims a limit keeps is the store's order."""
    unlimited = {p.name: "0" for p in sparql.question(name).params if p.kind == "limit"}
    for build in (bundled_build, synth_build):
        plain = ask(build, name, union=False, **unlimited)
        assert sorted(map(repr, plain)) == sorted(map(repr, ask(build, name, union=True, **unlimited)))


SORT_KEY = re.compile(r'BIND\(CONCAT\("~", \?(\w+)\) AS \?\1_key\)')


@pytest.mark.parametrize("name", sorted(n for n, q in sparql.questions().items() if SORT_KEY.search(q.text)))
def test_sort_keys_give_the_order_of_the_labels_they_copy(name, bundled_build, synth_build):
    """Some questions sort by copies of their labels made in the query (Oxigraph compares those in memory);
    sorted by the labels themselves, they give the same rows in the same order."""
    q = sparql.question(name)
    head, order = q.text.rsplit("ORDER BY", 1)
    # every key it sorts by is a copy made by CONCAT("~", ...), the only form whose order is the label's
    assert set(re.findall(r"\?(\w+)_key\b", order)) <= set(SORT_KEY.findall(q.text))
    by_labels = head + "ORDER BY" + re.sub(r"\?(\w+)_key\b", lambda m: "?" + m.group(1), order)
    assert by_labels != q.text
    terms = sparql.question_terms(q, {p.name: "0" for p in q.params if p.kind == "limit"})
    answered = 0
    for build in (bundled_build, synth_build):
        keyed_rows, label_rows = ([repr(row) for row in sparql.run_local(
            build, sparql.prepare(text, terms, source=q.file), timeout=None, union=False).rows]
            for text in (q.text, by_labels))
        assert keyed_rows == label_rows
        answered += len(keyed_rows)
    assert answered > 1, "nothing to sort: the test needs a question that answers"


def test_charges_against_person(bundled_build):
    rows = ask(bundled_build, "charges-against-person", person="Kem Sokha")
    assert rows == [{"name": "Kem Sokha", "charge": "Conspiring with a foreign power",
                     "article": "Criminal Code, Article 443", "max_years": "30",
                     "documents": frozenset({"khmer-daily-2019-11-amnesty-kem-sokha-reprieve",
                                             "rfa-2018-09-12-hrw-political-prisoners"})}]
    # an alias, in any case, finds the same person
    assert ask(bundled_build, "charges-against-person", person="MR. SOKHA") == rows


def test_claims_about_person(bundled_build):
    rows = ask(bundled_build, "claims-about-person", person="Kem Sokha")
    arrest = [r for r in rows if r["predicate"] == "arrestedOn"]
    assert {r["document"] for r in arrest} == {"khmer-daily-2019-11-amnesty-kem-sokha-reprieve",
                                               "rfa-2018-09-12-hrw-political-prisoners"}
    assert any("3 September 2017" in r["quote"] for r in arrest)
    assert {"Amnesty International", "Human Rights Watch"} <= {
        r["subject"] for r in rows if r["predicate"] == "callsForReleaseOf"}
    # two documents disagree on his age; both stay
    assert {r["object"] for r in rows if r["predicate"] == "age"} == {"65", "66"}


def test_timeline(bundled_build):
    rows = ask(bundled_build, "timeline", actor="Kem Sokha")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert {"date": "2017-09-03", "event": "Arrest of Kem Sokha (3 September 2017)", "kind": "Arrest",
            "relation": "arrestedOn"}.items() <= next(r for r in rows if r["date"] == "2017-09-03").items()
    assert ("2018-09-10", "bailGranted") in {(r["date"], r["relation"]) for r in rows}
    assert ("2019-11-10", "Release") in {(r["date"], r["kind"]) for r in rows}


def test_tried_by_court(bundled_build):
    rows = ask(bundled_build, "tried-by-court", court_name="phnom penh municipal court")
    assert {(r["defendant"], r["kind"]) for r in rows} == {
        ("CNRP mass trials (2021)", "Trial"),
        ("CNRP mass-trial hearing of 14 January 2021", "Hearing"),
        ("Defendants in the 2021 CNRP mass trials", "PersonGroup"),
        ("Six CNRP cases at the Phnom Penh Municipal Court (2021)", "LegalCase")}


def test_co_defendants(bundled_build):
    rows = ask(bundled_build, "co-defendants", person="Mu Sochua")
    assert {r["co_defendant"] for r in rows} == {"Sam Rainsy", "Eng Chhai Eang", "Ho Vann",
                                                 "Defendants in the 2021 CNRP mass trials"}
    assert {r["case"] for r in rows} == {"Six CNRP cases at the Phnom Penh Municipal Court (2021)"}


def test_ngo_statements(bundled_build):
    rows = ask(bundled_build, "ngo-statements", person="Kem Sokha")
    assert {(r["ngo"], r["said"], r["about"]) for r in rows} >= {
        ("Amnesty International", "callsForReleaseOf", "Kem Sokha"),
        ("Human Rights Watch", "callsForReleaseOf", "Kem Sokha")}
    amnesty = next(r for r in rows if r["ngo"] == "Amnesty International")
    assert amnesty["document"] == "khmer-daily-2019-11-amnesty-kem-sokha-reprieve"
    assert "dropped immediately" in amnesty["quote"]
    # about a party: what NGOs said of the events that targeted it
    party = ask(bundled_build, "ngo-statements", person="CNRP")
    assert ("Amnesty International", "condemnedBy", "Dissolution of the CNRP (November 2017)") in {
        (r["ngo"], r["said"], r["about"]) for r in party}


def test_party_members_charged(bundled_build):
    rows = ask(bundled_build, "party-members-charged", party="CNRP")
    assert {"member": "Kem Sokha", "tie": "leaderOf", "charge": "Conspiring with a foreign power",
            "article": "Criminal Code, Article 443"} in rows
    assert ("Defendants in the 2021 CNRP mass trials", "Criminal attempt") in {(r["member"], r["charge"]) for r in rows}


def test_single_source_claims(bundled_build):
    rows = ask(bundled_build, "single-source-claims", predicate="chargedWith")
    assert ("Two former RFA reporters", "Espionage", "rfa-2018-09-12-hrw-political-prisoners") in {
        (r["subject"], r["object"], r["document"]) for r in rows}
    # Kem Sokha's charge has two documents, so it is not listed
    assert "Kem Sokha" not in {r["subject"] for r in rows}
    assert all(r["relation"] == "chargedWith" for r in rows)
    everything = ask(bundled_build, "single-source-claims", predicate="")
    assert len(everything) > len(rows)


def test_disagreements(bundled_build):
    rows = ask(bundled_build, "disagreements")
    ages = {(r["subject"], r["value"], r["documents"]) for r in rows if r["relation"] == "age"}
    assert ("Kem Sokha", "65", "rfa-2018-09-12-hrw-political-prisoners") in ages
    assert ("Kem Sokha", "66", "khmer-daily-2019-11-amnesty-kem-sokha-reprieve") in ages
    assert {"Criminal Code, Article 494", "Criminal Code, Article 495"} <= {
        r["value"] for r in rows if r["subject"] == "Incitement to commit a felony"}


def test_documents_by_publisher(bundled_build):
    rows = ask(bundled_build, "documents-by-publisher")
    by_id = {r["document"]: r for r in rows}
    assert len(rows) == len(list((Path(__file__).parent.parent / "sources" / "documents").glob("*.yaml")))
    amnesty = by_id["amnesty-2021-01-cnrp-mass-trials"]
    assert (amnesty["publisher"], amnesty["date"], amnesty["kind"]) == ("Amnesty International", "2021-01", "NGOStatement")
    assert int(amnesty["statements"]) > 0


def test_dissolutions_and_bans(bundled_build):
    rows = ask(bundled_build, "dissolutions-and-bans")
    assert {"target": "Cambodia National Rescue Party", "measure": "dissolved by",
            "by": "Supreme Court of Cambodia", "date": "2017-11"} in rows
    assert ("Kem Sokha", "Political activity") in {(r["target"], r["by"]) for r in rows}


def test_who_says_so(bundled_build):
    rows = ask(bundled_build, "who-says-so", relation="dissolvedBy")
    assert {(r["subject"], r["object"]) for r in rows} == {("Cambodia National Rescue Party", "Supreme Court of Cambodia")}
    assert {r["publisher"] for r in rows} == {"Amnesty International", "The Khmer Daily", "UrduPoint News"}
    assert all("November 2017" in r["quote"] for r in rows)


def test_allegations(bundled_build):
    rows = ask(bundled_build, "allegations")
    assert ("Government of Cambodia", "Cambodia National Rescue Party", "participantIn") in {
        (r["according_to"], r["subject"], r["relation"]) for r in rows}


def test_most_corroborated(bundled_build):
    rows = ask(bundled_build, "most-corroborated", min_documents=3)
    assert rows[0] == {"documents": "4", "subject": "Cambodia National Rescue Party", "relation": "targetOf",
                       "object": "Dissolution of the CNRP (November 2017)"}
    assert {"documents": "3", "subject": "Cambodia National Rescue Party", "relation": "dissolvedBy",
            "object": "Supreme Court of Cambodia"} in rows
    assert all(int(r["documents"]) >= 3 for r in rows)


def test_queries_command_lists_every_question():
    from click.testing import CliRunner

    from main import cli

    r = CliRunner().invoke(cli, ["queries"])
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(sparql.questions())
    assert "--param person=..." in next(line for line in lines if line.startswith("charges-against-person"))
    verbose = CliRunner().invoke(cli, ["queries", "-v"]).output
    assert "--param person='Kem Sokha' (name)" in verbose


def test_every_question_has_a_test():
    import re

    asked = set(re.findall(r'ask\(bundled_build, "([\w-]+)"', Path(__file__).read_text(encoding="utf-8")))
    assert asked == set(sparql.questions())


# --- parameter kinds the questions use to stay fast on large graphs -----------------------------------

def test_name_parameter_matches_any_case(bundled_build):
    rows = ask(bundled_build, "charges-against-person", person="Kem Sokha")
    assert rows
    for typed in ("kem sokha", "KEM SOKHA", "mr. sokha", "Mr.  SOKHA", "kEm SoKhA"):
        assert ask(bundled_build, "charges-against-person", person=typed) == rows, typed
    # an alias with an apostrophe, typed in another case and with a curly apostrophe
    assert ask(bundled_build, "timeline", actor="hun sen’s GOVERNMENT") == ask(bundled_build, "timeline",
                                                                               actor="Hun Sen's government")
    # the key is a literal in one VALUES block, escaped like any other
    bound = sparql.bind("SELECT * WHERE { ?who rdfs:label ?person }",
                        {"person": sparql.param_term('a" } DROP ALL #', "name")})
    assert bound.count("VALUES") == 1 and 'a\\" } drop all #' in bound


def test_relation_parameter_is_an_ontology_term(bundled_build):
    assert ask(bundled_build, "who-says-so", relation="rg:dissolvedBy") == ask(bundled_build, "who-says-so",
                                                                                  relation="dissolvedBy")
    import pytest

    with pytest.raises(sparql.QueryError, match="did you mean 'dissolvedBy'"):
        sparql.param_term("disolvedBy", "relation")
    with pytest.raises(sparql.QueryError, match="not a relation"):
        sparql.param_term("> } DROP ALL", "relation")
    from click.testing import CliRunner

    from main import cli

    r = CliRunner().invoke(cli, ["query", "--store", str(bundled_build), "--name", "who-says-so",
                                 "--param", "relation=nonsense"])
    assert r.exit_code == 1 and "Traceback" not in r.output and "not a relation of the ontology" in r.output


def test_limit_parameter_sets_the_questions_limit(bundled_build):
    full = ask(bundled_build, "most-corroborated", limit=0)
    assert len(full) == 40  # the claims with two or more documents
    assert ask(bundled_build, "most-corroborated") == full  # within the default of 100
    top = ask(bundled_build, "most-corroborated", limit=3)
    assert len(top) == 3 and top[0] == full[0] and all(r["documents"] >= "3" for r in top)
    assert len(ask(bundled_build, "single-source-claims", predicate="", limit=5)) == 5
    assert len(ask(bundled_build, "documents-by-publisher", limit=2)) == 2
    import pytest

    for bad in ("-1", "5 ; DROP ALL", "ten"):
        with pytest.raises(sparql.QueryError, match="not a valid limit"):
            sparql.param_term(bad, "limit")
    with pytest.raises(sparql.QueryError, match="exactly one 'LIMIT"):
        sparql.bind("SELECT * WHERE { ?s ?p ?o }", {"limit": sparql.param_term("3", "limit")})


def test_disagreements_lists_every_attribute_of_the_ontology():
    import re

    from ontology.schema import load_schema

    text = sparql.question("disagreements").text
    attributes = {n for n, r in load_schema().relations.items() if r.is_attribute}
    for values in re.findall(r"VALUES \?p \{([^}]*)\}", text):
        assert set(re.findall(r"rg:(\w+)", values)) == attributes


def test_values_reach_the_subquery_that_uses_the_parameter():
    text = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x rdfs:label ?who } LIMIT 5 } ?x a ?type }"
    bound = sparql.bind(text, {"who": sparql.param_term("Ana", "text"), "type": sparql.param_term("<http://e/T>", "iri")})
    assert bound == ('SELECT ?x WHERE { VALUES (?type) { (<http://e/T>) }  { SELECT ?x WHERE { VALUES (?who) '
                     '{ ("Ana") }  ?x rdfs:label ?who } LIMIT 5 } ?x a ?type }')
