"""Rules added for recall (issue 6), each on sentences written for the tests, and a held-out check of precision."""

from pathlib import Path

import pytest

import extract_helpers as helpers
from extract_helpers import DAY
from sources.model import Entity

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"

# The shared test registry, with a few entities these rules need: a country, a park, events of the registry.
MORE = [
    Entity("nortia", "Place", "Nortia"),
    Entity("free-party-dissolution", "Dissolution", "Dissolution of the Free Party"),
    Entity("bo-chan-verdict-2020", "Verdict", "Verdict in the trial of Bo Chan (2020)"),
    Entity("election-2019", "Election", "2019 general election"),
    Entity("free-party-rally-2020", "Protest", "Free Party rally in Paris (January 2020)"),
]


def facts(text: str) -> set[tuple]:
    return helpers.facts(text, extra=tuple(MORE))


def test_coordinated_charges_are_each_a_charge():
    found = facts("Bo Chan was charged with incitement and conspiracy on Monday.")
    assert {("bo-chan", "chargedWith", "charge-incitement"), ("bo-chan", "chargedWith", "charge-conspiracy")} <= found
    assert not any("and" in str(o) for _, _, o in found)  # never one charge "incitement and conspiracy"
    found = facts("Ana Lee, who faces charges of treason and espionage, is in hiding.")
    assert {("ana-lee", "chargedWith", "charge-treason"), ("ana-lee", "chargedWith", "charge-espionage")} <= found
    assert {("bo-chan", "convictedOf", "charge-plotting"), ("bo-chan", "convictedOf", "charge-sedition")} <= facts(
        "Bo Chan was convicted of plotting and sedition.")


def test_subject_to_charges_including():
    assert ("bo-chan", "chargedWith", "charge-plotting") in facts(
        "Bo Chan, who has been subject to charges of plotting, spoke.")


def test_articles_respectively_pair_in_order_and_only_when_the_lists_agree():
    found = facts("Bo Chan was charged with incitement and conspiracy under Articles 217 and 312 of the Penal Code, "
                  "respectively.")
    assert {("charge-incitement", "lawArticle", "Penal Code, Article 217"),
            ("charge-conspiracy", "lawArticle", "Penal Code, Article 312")} <= found
    found = facts("The charges include “plotting”, “incitement” and “criminal attempt” under Articles 453, 494 "
                  "and 451 of the Criminal Code, respectively.")
    assert {("charge-plotting", "lawArticle", "Criminal Code, Article 453"),
            ("charge-incitement", "lawArticle", "Criminal Code, Article 494"),
            ("charge-criminal-attempt", "lawArticle", "Criminal Code, Article 451")} <= found
    # three charges, four articles: which goes with which is not said
    assert not any(p == "lawArticle" for _, p, _ in facts(
        "The charges include “plotting”, “incitement” and “criminal attempt” under Articles 453, 494, 495 "
        "and 451 of the Criminal Code, respectively."))
    # without "respectively" the pairing is not stated either
    assert not any(p == "lawArticle" for _, p, _ in facts(
        "Ana Lee was charged with treason and fraud under Articles 10 and 11 of the Penal Code."))


def test_indefinite_apposition_is_a_description():
    assert ("bo-chan", "description", "expert on regional politics") in facts(
        "Bo Chan, an expert on regional politics, told reporters.")
    assert ("ana-lee", "description", "prominent land activist") in facts(
        "Ana Lee—a prominent land activist—was freed.")
    assert ("watch-group", "description", "New York-based human rights group") in facts(
        "Watch Group, a New York-based human rights group, said nothing.")


def test_a_post_or_a_definite_apposition_is_no_description():
    found = facts("Bo Chan, a spokesman for the Free Party, said nothing.")
    assert ("bo-chan", "spokespersonOf", "free-party") in found
    assert not any(p == "description" for _, p, _ in found)
    assert not any(p == "description" for _, p, _ in facts("Bo Chan, the party's candidate, told reporters."))
    assert not any(p == "description" for _, p, _ in facts("Bo Chan, a Free Party member, told reporters."))


def test_rejecting_criticism_by_someone():
    assert ("bo-chan", "rejectsCriticismBy", "watch-group") in facts(
        "Bo Chan rejected criticism by Watch Group on Monday.")
    assert ("ana-lee", "rejectsCriticismBy", "watch-group") in facts(
        "Watch Group published a report on Monday.\nAna Lee, a Free Party official, denied the report's allegations.")


def test_an_allegation_the_accused_denies():
    found = facts("Bo Chan has accused the Free Party of plotting with foreign governments, an allegation the party "
                  "denies.")
    assert {("free-party", "accusedBy", "bo-chan"), ("free-party", "rejectsCriticismBy", "bo-chan")} <= found


def test_verdict_carried_out_by_the_court_that_convicts_or_acquits():
    assert ("bo-chan-verdict-2020", "carriedOutBy", "city-court") in facts(
        "The City Court acquitted Bo Chan of incitement but convicted him of plotting.")
    assert ("bo-chan-verdict-2020", "carriedOutBy", "city-court") in facts(
        "The City Court convicted Bo Chan of plotting.")


def test_which_after_a_clause_names_the_clauses_event():
    found = facts("In May, the High Court ruled to dissolve the Free Party and annulled the mandates of all its "
                  "members, which Watch Group called a \"blatant act of political repression\".")
    assert ("free-party-dissolution", "condemnedBy", "watch-group") in found


def test_winning_seats_in_an_election_and_addressing_a_rally_are_taking_part():
    assert ("free-party", "participantIn", "election-2019") in facts(
        "The Free Party won 41 seats in the 2019 general election.")
    assert ("ana-lee", "participantIn", "free-party-rally-2020") in facts(
        "Ana Lee addressed the Free Party rally in Paris on Sunday.")
    # a loss is taking part too; a planned boycott is not a fact
    assert not any(p == "participantIn" for _, p, _ in facts(
        "The Free Party may boycott the 2019 general election."))


def test_capital_of_a_country():
    assert ("paris", "locatedIn", "nortia") in facts("Bo Chan flew to Paris, the capital of Nortia, on Monday.")
    assert ("paris", "locatedIn", "nortia") in facts("The protest took place in the Nortian capital Paris.")


def test_based_organisation_in_apposition():
    assert ("watch-group", "locatedIn", "paris") in facts("Watch Group, a Paris-based human rights group, spoke.")


def test_demand_joined_to_a_release_call_is_criticism_of_the_doer():
    found = facts("Ministry of Interior officials spoke.\n“The authorities must release Ana Lee and end the "
                  "harassment of activists,” Bo Chan said.")
    assert ("bo-chan", "criticizes", "interior-ministry") in found
    # the same demand nobody makes is nothing
    assert not any(p == "criticizes" for _, p, _ in facts(
        "Ministry of Interior officials spoke.\nThe authorities must release Ana Lee and end the harassment."))


@pytest.mark.parametrize("strict", [True, False])
def test_heldout_articles_keep_precision(strict):
    """Seven invented articles (other countries, parties, courts and NGOs), with gold written before the extractor
    was run on them: precision must stay high on text the rules were not written from."""
    from graph.extract.evaluate import evaluate
    from sources.load import load_sources

    corpus = load_sources(HELDOUT)
    report = evaluate(corpus, HELDOUT / "texts", extractor=None)
    overall = report["overall"] if strict else report["relaxed"]["overall"]
    assert len(report["documents"]) == len(list((HELDOUT / "documents").glob("*.yaml")))
    assert overall["precision"] >= 0.9
    assert overall["extracted"] >= 20  # the check measures something


def test_relaxed_match_is_containment_of_content_words():
    from graph.extract.evaluate import relaxed_same

    assert relaxed_same("Geneva-based human rights group", "human rights group")
    assert relaxed_same("expert on Cambodian politics", "Expert on Cambodian politics.")
    assert not relaxed_same("human rights lawyer", "human rights group")  # "lawyer" is not in the other
    assert not relaxed_same("group", "regional human rights group in exile")  # 1 of 5 content words


def _facts_with(extra: list[Entity], text: str) -> list:
    ex = helpers.extractor(tuple(MORE + extra))
    return [(c.subject, c.predicate, c.object, c.according_to) for c in ex.extract(text, DAY).candidates]


CAMPAIGN = [Entity("nortia-government", "GovernmentBody", "Government of Nortia"),
            Entity("nortia-repression", "Crackdown", "Repression of peaceful dissent in Nortia"),
            Entity("bo-chan-release-2019", "Release", "Release of Bo Chan (2019)")]


def test_a_campaign_someone_is_told_to_stop_is_theirs_as_the_speaker_says():
    found = _facts_with(CAMPAIGN, "“Nortia must end its relentless repression of peaceful dissent,” Watch Group "
                                  "said.")
    assert ("nortia-repression", "carriedOutBy", "nortia-government", "watch-group") in found
    found = _facts_with(CAMPAIGN, "Watch Group urged the Government of Nortia to put an end to the repression of "
                                  "peaceful dissent.")
    assert ("nortia-repression", "carriedOutBy", "nortia-government", "watch-group") in found
    # nobody demands it: no claim at all
    assert not any(p == "carriedOutBy" for _, p, _, _ in _facts_with(
        CAMPAIGN, "Nortia must end its relentless repression of peaceful dissent."))


def test_a_freeing_told_as_done_is_a_release_a_hoped_for_one_is_not():
    assert ("bo-chan", "releasedOn", "bo-chan-release-2019", None) in _facts_with(
        CAMPAIGN, "Their release followed the freeing by royal decree of Bo Chan and three other campaigners.")
    assert not any(p == "releasedOn" for _, p, _, _ in _facts_with(
        CAMPAIGN, "Watch Group hopes for the freeing of Bo Chan."))
    assert not any(p == "releasedOn" for _, p, _, _ in _facts_with(
        CAMPAIGN, "Watch Group called for the freeing of Bo Chan."))


HEARINGS = [Entity("bo-chan-trial", "Trial", "Trial of Bo Chan (2020)"),
            Entity("bo-chan-hearing-2020-01-14", "Hearing", "Hearing in the trial of Bo Chan on 14 January 2020"),
            Entity("bo-chan-hearing-2020-02-04", "Hearing", "Hearing in the trial of Bo Chan on 4 February 2020"),
            Entity("bo-chan-hearing-2020-03-03", "Hearing", "Hearing in the trial of Bo Chan on 3 March 2020"),
            Entity("paris-forum-2020", "Event", "Paris Economic Forum gathering (2020)")]


def test_hearings_on_a_list_of_dates_are_each_the_registrys_hearing_of_that_day():
    found = _facts_with(HEARINGS, "The City Court will hold trial hearings of Bo Chan across three dates: 14 January, "
                                  "4 February and 3 March.")
    for day in ("2020-01-14", "2020-02-04", "2020-03-03"):
        assert (f"bo-chan-hearing-{day}", "partOf", "bo-chan-trial", None) in found
        assert (f"bo-chan-hearing-{day}", "triedBy", "city-court", None) in found


def test_quoted_as_saying_makes_the_quoted_person_the_speaker():
    found = _facts_with(HEARINGS, "On Wednesday, Watch Group quoted Bo Chan as telling the Paris Economic Forum "
                                  "gathering that he was innocent.")
    assert ("bo-chan", "participantIn", "paris-forum-2020", None) in found
    # what the quoted person is quoted as saying is their claim, not a fact
    found = _facts_with(HEARINGS, "Watch Group quoted Bo Chan as saying that the High Court arrested Ana Lee.")
    assert ("ana-lee", "arrestedOn", "ana-lee-arrest-2020", "bo-chan") in found


def test_denied_entry_is_a_ban_on_entering_only_for_the_registrys_activity():
    extra = [Entity("entering-nortia", "Activity", "Entering Nortia")]
    assert ("bo-chan", "bannedFrom", "entering-nortia", None) in _facts_with(
        extra, "Bo Chan was denied entry into Nortia to defend himself.")
    assert not any(p == "bannedFrom" for _, p, _, _ in _facts_with(extra, "Bo Chan was denied entry to Paris."))
    assert not any(p == "bannedFrom" for _, p, _, _ in _facts_with(extra, "Bo Chan was not denied entry into Nortia."))


CRACKDOWN = [Entity("nortia-crackdown-2019", "Crackdown", "Crackdown on the Free Party (2019)")]


def test_a_victim_or_someone_arrested_in_a_crackdown_is_its_target():
    found = _facts_with(CRACKDOWN, "Bo Chan said he was a scapegoat in the 2019 crackdown on the Free Party.")
    assert ("bo-chan", "targetOf", "nortia-crackdown-2019", None) in found
    found = _facts_with(CRACKDOWN, "Ana Lee was arrested in the crackdown on the Free Party in 2019.")
    assert ("ana-lee", "targetOf", "nortia-crackdown-2019", None) in found
    found = _facts_with(CRACKDOWN, "Ana Lee was not arrested in the crackdown on the Free Party in 2019.")
    assert not any(s == "ana-lee" for s, _, _, _ in found)


def test_a_sham_election_is_condemned_by_whoever_calls_it_so():
    assert ("election-2019", "condemnedBy", "watch-group", None) in _facts_with(
        [], "The releases came after the sham 2019 general election, Watch Group said.")
    # the article's own adjective is nobody's condemnation
    assert not _facts_with([], "The releases came after the sham 2019 general election.")


def test_a_post_written_with_a_hyphen():
    found = _facts_with([], "Ana Lee, the Free Party's vice-president, said nothing.")
    assert ("ana-lee", "leaderOf", "free-party", None) in found
    (c,) = [c for c in helpers.extractor(tuple(MORE)).extract("Ana Lee, the Free Party's vice-president, said nothing.",
                                                      DAY).candidates if c.predicate == "leaderOf"]
    assert c.role == "Vice-president"
