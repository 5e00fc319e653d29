"""Relation rules on sentences written for the tests, with the real spaCy English pipeline."""

import pytest

from extract_helpers import DAY, extractor, facts
from graph.extract.evaluate import CORE

# One sentence per core relation (and the attributes the rules read), with the fact it must yield.
CASES = [
    ("Ana Lee, a member of the Free Party, spoke on Monday.", ("ana-lee", "memberOf", "free-party")),
    ("Free Party leader Bo Chan said the vote was unfair.", ("bo-chan", "leaderOf", "free-party")),
    ("Bo Chan, a spokesman for the Free Party, said nothing.", ("bo-chan", "spokespersonOf", "free-party")),
    ("Ms. Lee was charged with plotting.", ("ana-lee", "chargedWith", "charge-plotting")),
    ("Police arrested Ana Lee on 8 January.", ("ana-lee", "arrestedOn", "ana-lee-arrest-2020")),
    ("Bo Chan was tried by the City Court in 2019.", ("bo-chan", "triedBy", "city-court")),
    ("Bo Chan was convicted of plotting.", ("bo-chan", "convictedOf", "charge-plotting")),
    ("Bo Chan was sentenced to five years in prison on Friday.", ("bo-chan", "sentencedTo", "bo-chan-sentence-2020")),
    ("The High Court granted bail to Ana Lee on Tuesday.", ("ana-lee", "bailGranted", "ana-lee-bail-2020")),
    ("Ana Lee was released from prison last month.", ("ana-lee", "releasedOn", "ana-lee-release-2019")),
    ("Bo Chan was pardoned by King Tan in May 2019.", ("bo-chan", "pardonedBy", "king-tan")),
    ("The Free Party was dissolved by the High Court in November 2017.", ("free-party", "dissolvedBy", "high-court")),
    ("The City Court banned Bo Chan from political activity.", ("bo-chan", "bannedFrom", "politics")),
    ("The Ministry of Interior was condemned by Watch Group.", ("interior-ministry", "condemnedBy", "watch-group")),
    ("Watch Group called for the immediate release of Bo Chan.", ("watch-group", "callsForReleaseOf", "bo-chan")),
    ("Bo Chan is held in North Prison.", ("bo-chan", "heldIn", "north-prison")),
    ("Ana Lee, who lives in exile in Paris, spoke to reporters.", ("ana-lee", "exiledIn", "paris")),
    ("Ms. Lee was charged with plotting under Article 451 of the Criminal Code.",
     ("charge-plotting", "lawArticle", "Criminal Code, Article 451")),
    ("She was charged with “plotting”, which carries up to 10 years in prison.",
     ("charge-plotting", "maximumPenaltyYears", 10)),
    ("Bo Chan, 66, is the President of the Free Party.", ("bo-chan", "age", 66)),
]


def test_every_core_relation_has_a_case():
    assert {fact[1] for _, fact in CASES} >= set(CORE)


@pytest.mark.parametrize("sentence,fact", CASES, ids=[c[1][1] for c in CASES])
def test_rule_reads_the_relation(sentence, fact):
    assert fact in facts(sentence)


def test_dates_are_resolved_against_the_article_date():
    result = extractor().extract("Police arrested Ana Lee on Wednesday.", DAY)
    (c,) = [c for c in result.candidates if c.predicate == "arrestedOn"]
    assert (c.date, c.date_precision) == ("2020-01-08", "day")
    result = extractor().extract("The Free Party was dissolved by the High Court on 10 November.", DAY)
    (c,) = result.candidates
    assert c.date == "2019-11-10"  # a November before the January article


def test_negated_and_hypothetical_events_are_not_facts():
    assert not facts("Bo Chan was not arrested.")
    assert not any(p == "convictedOf" for _, p, _ in facts("Bo Chan faces ten years if convicted of plotting."))


def test_demanded_release_is_a_call_by_the_speaker_not_a_release():
    found = facts("Ana Lee should be released immediately, Watch Group said.")
    assert found == {("watch-group", "callsForReleaseOf", "ana-lee")}


def test_reported_claims_are_attributed_to_whoever_made_them():
    result = extractor().extract("Bo Chan was arrested on Monday, the Ministry of Interior said.", DAY)
    (c,) = result.candidates
    assert (c.predicate, c.according_to) == ("arrestedOn", "interior-ministry")
    assert c.confidence < 0.85  # an attributed claim is less certain than one the article states


def test_denied_events_are_not_facts_and_accused_ones_are_the_accusers():
    assert not facts("The Ministry of Interior denied that Bo Chan was arrested.")
    result = extractor().extract("Watch Group accused the Ministry of Interior of arresting Bo Chan.", DAY)
    arrest = [c for c in result.candidates if c.predicate == "arrestedOn"]
    assert arrest and all(c.according_to == "watch-group" for c in arrest)
    assert ("interior-ministry", "rejectsCriticismBy", "watch-group") in facts(
        "The Ministry of Interior denied Watch Group's allegations.")


def test_accusation_is_the_accusers_claim():
    assert ("free-party", "accusedBy", "interior-ministry") in facts(
        "The Ministry of Interior accused the Free Party of plotting a coup.")
    assert not any(p == "chargedWith" for _, p, _ in facts(
        "The Ministry of Interior accused the Free Party of plotting a coup."))


def test_pronoun_and_the_party_follow_the_last_mention():
    found = facts("Bo Chan was arrested in March. He was later charged with plotting.")
    assert ("bo-chan", "chargedWith", "charge-plotting") in found
    result = extractor().extract("Bo Chan was arrested in March. He was later charged with plotting.", DAY)
    by_pred = {c.predicate: c for c in result.candidates}
    assert by_pred["chargedWith"].confidence < by_pred["arrestedOn"].confidence


def test_age_through_the_n_year_old_stays_within_the_paragraph():
    assert ("bo-chan", "age", 65) in facts("Bo Chan spoke on Monday. The 65-year-old opposition chief was tired.")
    assert not any(p == "age" for _, p, _ in facts("Bo Chan spoke on Monday.\n\nThe 65-year-old was tired."))


def test_calling_an_event_repression_condemns_it_but_only_an_event():
    assert ("free-party-dissolution", "condemnedBy", "watch-group") in facts(
        "The ruling led to the dissolution of the Free Party in 2017, which Watch Group called a blatant act of "
        "political repression.")
    # "which" may refer to the court or to the dissolution: no claim about the court is made.
    assert not any(p == "condemnedBy" for _, p, _ in facts(
        "The Free Party was dissolved by the High Court, which Watch Group called a blatant act of repression."))
    assert not facts("Bo Chan called the decision a great success.")


def test_new_entities_are_proposed_with_a_type():
    result = extractor().extract("Sok Dara, a spokesman for the People's Unity Party, was arrested on Monday.", DAY)
    assert result.new_entities["sok-dara"]["type"] == "Person"
    party = [v for k, v in result.new_entities.items() if v["type"] == "PoliticalParty"]
    assert party and "Unity Party" in party[0]["name"]
    assert {c.predicate for c in result.candidates} >= {"spokespersonOf", "arrestedOn"}


def test_offsets_point_into_the_cleaned_text():
    text = "Home\nShare on Facebook\n\nAna Lee was arrested on Wednesday.\n\nAna Lee was arrested on Wednesday.\n"
    result = extractor().extract(text, DAY)
    assert result.candidates
    for c in result.candidates:
        assert result.cleaned[c.start:c.end] == c.quote


def test_text_without_entities_gives_nothing():
    result = extractor().extract("The weather was fine and the markets rose slightly.", DAY)
    assert result.candidates == [] and result.new_entities == {}
    assert extractor().extract("", DAY).candidates == []
