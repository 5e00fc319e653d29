"""Relations across sentences: charges referred back to, people listed from a group on trial, where exiles live."""

from __future__ import annotations

import extract_helpers as helpers
from extract_helpers import DAY
from sources.model import Entity

# An invented mass trial: a group the registry names, its trial, its charges, a few of its members.
TRIAL = [
    Entity("zel-defendants", "PersonGroup", "30 Free Party members tried in 2020"),
    Entity("zel-trial", "Trial", "Mass trial of Free Party members (2020)"),
    Entity("cy-dorn", "Person", "Cy Dorn"),
    Entity("mo-ferris", "Person", "Mo Ferris"),
    Entity("charge-treason", "Charge", "treason"),
    Entity("charge-sedition", "Charge", "sedition"),
    Entity("charge-rioting", "Charge", "rioting"),
    Entity("lyon", "Place", "Lyon"),
    Entity("zel-jailed", "PersonGroup", "Nine Free Party members jailed since 2018"),
    Entity("zel-jailed-sentences", "Sentence", "Long sentences of nine Free Party members"),
    Entity("zel-campaign", "Crackdown", "Campaign of repression against the Free Party"),
]


def facts(text: str, min_confidence: float = 0.5) -> set[tuple]:
    return helpers.facts(text, min_confidence=min_confidence, extra=tuple(TRIAL))


OPENING = "The City Court on Monday opened the trial of 30 members of the Free Party."


def test_the_trial_of_a_group_makes_them_its_defendants():
    found = facts(OPENING)
    assert ("zel-defendants", "defendantIn", "zel-trial") in found
    assert ("zel-defendants", "triedBy", "city-court") in found


def test_they_face_charges_refers_to_the_group_on_trial_before():
    found = facts(OPENING + " They face charges of treason and sedition under Articles 12 and 14 of the Penal Code.")
    for charge in ("charge-treason", "charge-sedition"):
        assert ("zel-defendants", "chargedWith", charge) in found
        assert ("zel-trial", "hasCharge", charge) in found


def test_the_charges_include_refers_to_the_group_on_trial_before():
    found = facts(OPENING + " The charges vary from one defendant to another and include “treason” and "
                            "“rioting”.")
    assert {("zel-defendants", "chargedWith", "charge-treason"), ("zel-defendants", "chargedWith", "charge-rioting"),
            ("zel-trial", "hasCharge", "charge-treason"), ("zel-trial", "hasCharge", "charge-rioting")} <= found


def test_charges_with_no_group_on_trial_before_are_nobodys():
    # "They" with no group on trial before it, and charges whose holder is named in the phrase itself
    found = facts("Ana Lee met foreign diplomats on Monday. They face charges of treason and sedition under "
                  "Articles 12 and 14 of the Penal Code.")
    assert not {f for f in found if f[1] in ("chargedWith", "hasCharge")}
    found = facts(OPENING + " The charges against Bo Chan include “treason” and “rioting”.")
    assert not {f for f in found if f[1] == "hasCharge"}
    assert ("zel-defendants", "chargedWith", "charge-rioting") not in found


def test_charges_far_back_are_not_reached():
    filler = " ".join(f"Paragraph {k} is about the weather in the hills and the price of rice." for k in range(30))
    found = facts(OPENING + "\n\n" + filler + "\n\nThey face charges of treason under Article 12 of the Penal Code.")
    assert ("zel-defendants", "chargedWith", "charge-treason") not in found


def test_people_listed_from_a_group_on_trial_are_its_defendants():
    found = facts("The City Court on Monday opened the trial of 30 members of the Free Party, including senior "
                  "party leaders such as Cy Dorn and Mo Ferris.")
    assert ("cy-dorn", "defendantIn", "zel-trial") in found
    assert ("mo-ferris", "defendantIn", "zel-trial") in found


def test_the_defendants_comprise_refers_to_the_group_on_trial_before():
    found = facts(OPENING + " The defendants comprise activists and supporters of the Free Party including Cy Dorn "
                            "and Mo Ferris.")
    assert ("cy-dorn", "defendantIn", "zel-trial") in found
    assert ("mo-ferris", "defendantIn", "zel-trial") in found


def test_people_listed_beside_a_trial_are_not_its_defendants():
    # the list belongs to the observers, not to the defendants
    found = facts(OPENING + " Several groups, including Watch Group and Human Rights Watch, sent observers such as "
                            "Cy Dorn and Mo Ferris.")
    assert not {f for f in found if f[0] in ("cy-dorn", "mo-ferris") and f[1] == "defendantIn"}


def test_who_lives_in_a_place_is_in_exile_only_where_the_article_speaks_of_exile():
    found = facts("Free Party leader Cy Dorn, who lives in Lyon, was sentenced in absentia to ten years in prison "
                  "by the City Court.")
    assert ("cy-dorn", "exiledIn", "lyon") in found
    found = facts("Free Party leader Cy Dorn, who lives in Lyon, was sentenced to ten years in prison by the City "
                  "Court.")
    assert ("cy-dorn", "exiledIn", "lyon") not in found


def test_one_among_a_group_shares_what_befell_it():
    found = facts("Cy Dorn was among nine Free Party members who had been jailed since 2018 and received long "
                  "sentences.")
    assert ("zel-jailed", "sentencedTo", "zel-jailed-sentences") in found
    assert ("cy-dorn", "sentencedTo", "zel-jailed-sentences") in found


def test_one_not_among_a_group_shares_nothing():
    found = facts("Cy Dorn was not among nine Free Party members who had been jailed since 2018 and received long "
                  "sentences.")
    assert ("cy-dorn", "sentencedTo", "zel-jailed-sentences") not in found


def test_a_groups_charges_are_not_passed_on_to_those_listed():
    # the charges may vary from one defendant to another: a list of defendants is not a list of charges
    found = facts(OPENING + " They face charges of treason and sedition under Articles 12 and 14 of the Penal Code. "
                            "The defendants include Cy Dorn and Mo Ferris.")
    assert ("zel-defendants", "chargedWith", "charge-treason") in found
    assert not {f for f in found if f[0] in ("cy-dorn", "mo-ferris") and f[1] == "chargedWith"}


def test_these_cases_are_the_culmination_of_a_campaign_said_by_someone():
    text = (OPENING + " “These trials are the culmination of a campaign of repression against the Free Party,” "
                      "Watch Group said.")
    found = facts(text)
    assert ("zel-campaign", "condemnedBy", "watch-group") in found
    # the trials' part in it is Watch Group's claim about trials named in another sentence: proposed, but below
    # the default confidence (reported speech and coreference each lower it)
    result = helpers.extractor(tuple(TRIAL)).extract(text, DAY)
    part = [c for c in result.candidates
            if (c.subject, c.predicate, c.object) == ("zel-trial", "partOf", "zel-campaign")]
    assert part and part[0].according_to == "watch-group" and part[0].confidence < 0.5


def test_a_campaign_nobody_calls_so_is_condemned_by_nobody():
    found = facts(OPENING + " These trials are part of a campaign of repression against the Free Party.")
    assert ("zel-trial", "partOf", "zel-campaign") in found
    assert not {f for f in found if f[1] == "condemnedBy"}
    # and what is not said to be part of it is not
    found = facts(OPENING + " These trials are not part of a campaign of repression against the Free Party, the "
                            "ministry said.")
    assert ("zel-trial", "partOf", "zel-campaign") not in found


def test_the_aged_epithet_opening_a_paragraph_is_the_person_just_spoken_of():
    found = facts("Cy Dorn, the Free Party leader, was released on bail on Monday.\n\nThe 61-year-old opposition "
                  "chief's release carried strict conditions.")
    assert ("cy-dorn", "age", 61) in found
    # two people in the sentence before: nobody can tell which
    found = facts("Cy Dorn and Mo Ferris were released on bail on Monday.\n\nThe 61-year-old opposition "
                  "chief's release carried strict conditions.")
    assert not {f for f in found if f[1] == "age"}
