"""The bundled CNRP corpus: what the five seed articles state, checked against their texts."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from graph.store import open_store, select
from main import cli
from sources import BUNDLED
from sources.load import load_sources
from sources.text import normalise


@pytest.fixture(scope="module")
def corpus(seeds):
    return load_sources(BUNDLED, texts=seeds)


def text_of(corpus, seeds, publisher_id: str) -> tuple[str, list]:
    [doc] = [d for d in corpus.documents.values() if d.publisher == publisher_id]
    return normalise((seeds / doc.text).read_text(encoding="utf-8", errors="replace")), \
        [s for s in corpus.statements if s.document == doc.id]


def claims_supported_by(store, *publishers) -> list[dict]:
    values = " ".join(f"<https://w3id.org/rightsgraph/id/{p}>" for p in publishers)
    return select(store, f"""
        PREFIX rg: <https://w3id.org/rightsgraph/ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?claim (COUNT(DISTINCT ?doc) AS ?n) WHERE {{
          VALUES ?publisher {{ {values} }}
          ?claim a rg:Claim ; prov:wasDerivedFrom ?doc . ?doc rg:publishedBy ?publisher .
        }} GROUP BY ?claim HAVING (COUNT(DISTINCT ?doc) = {len(publishers)})""", union=False)


def test_every_seed_article_has_a_document(corpus, seeds):
    assert sorted(d.text for d in corpus.documents.values()) == sorted(p.name for p in seeds.glob("*.txt"))


def test_the_two_copies_of_amnestys_mass_trial_statement_corroborate(bundled_build):
    """Articles 000 (UrduPoint) and 001 (Amnesty) report the same statement: shared facts are one claim each."""
    shared = claims_supported_by(open_store(bundled_build), "urdupoint-news", "amnesty-international")
    assert len(shared) >= 8


def test_no_document_supports_the_same_claim_twice(corpus):
    """Article 002 prints a paragraph twice; its facts are recorded once."""
    per_doc = Counter((s.document, s.claim_key()) for s in corpus.statements)
    assert [k for k, n in per_doc.items() if n > 1] == []


@pytest.mark.parametrize("publisher, body_start, body_end", [
    ("the-khmer-daily", "In response to the announcement", "All contents and images are copyright"),
    ("business-standard", "Millions of Cambodians", "Disclaimer:"),
])
def test_page_furniture_yields_nothing(corpus, seeds, publisher, body_start, body_end):
    """Menus, related posts and subscription offers around the article state nothing."""
    if publisher not in corpus.entities:
        pytest.skip(f"{publisher} is not the publisher id in this corpus")
    text, statements = text_of(corpus, seeds, publisher)
    body = text[text.index(body_start): text.index(body_end)]
    assert statements
    assert [s.quote for s in statements if normalise(s.quote) not in body] == []


def test_every_entity_takes_part_in_a_statement(corpus):
    used = {s.subject for s in corpus.statements} | {s.object for s in corpus.statements}
    used |= {s.according_to for s in corpus.statements} | {d.publisher for d in corpus.documents.values()}
    assert sorted(set(corpus.entities) - used) == []


def test_kem_sokhas_charge_carries_its_article_and_penalty(bundled_build):
    rows = select(open_store(bundled_build), """
        PREFIX rg: <https://w3id.org/rightsgraph/ns#>
        SELECT ?article ?min ?max WHERE {
          <https://w3id.org/rightsgraph/id/kem-sokha> rg:chargedWith ?charge .
          ?charge rg:lawArticle ?article ; rg:maximumPenaltyYears ?max .
          OPTIONAL { ?charge rg:minimumPenaltyYears ?min }
          FILTER(CONTAINS(?article, "443"))
        }""")
    assert rows and rows[0]["max"] == 30 and rows[0]["min"] == 15


def test_the_dissolution_of_the_cnrp_is_dated_november_2017(bundled_build):
    rows = select(open_store(bundled_build), """
        PREFIX rg: <https://w3id.org/rightsgraph/ns#>
        SELECT DISTINCT ?date WHERE {
          GRAPH ?claim { <https://w3id.org/rightsgraph/id/cnrp> rg:dissolvedBy ?court }
          ?court a rg:Court . ?claim rg:date ?date .
        }""", union=False)
    assert [r["date"] for r in rows] == ["2017-11"]


def test_all_entity_kinds_the_articles_mention_are_there(corpus):
    kinds = Counter(e.type for e in corpus.entities.values())
    for kind in ("Person", "PoliticalParty", "Court", "NGO", "GovernmentBody", "MediaOutlet", "Prison",
                 "Place", "Charge", "Arrest", "Trial", "Dissolution", "Election", "Pardon", "Bail"):
        assert kinds[kind] >= 1, kind


def test_stats_on_the_bundled_build(bundled_build, corpus):
    result = CliRunner().invoke(cli, ["stats", "--store", str(bundled_build)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"Entities: {len(corpus.entities)}"
    assert f"Documents: {len(corpus.documents)}" in lines
    assert any(line.startswith("Claims supported by more than one document: ") for line in lines)
