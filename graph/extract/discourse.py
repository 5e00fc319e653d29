"""Relations across sentences: charges referred back to, members listed from a group, where exiles live."""

from __future__ import annotations

import re
from dataclasses import replace

from graph.extract.ner import Mention, norm
from graph.extract.relations import PREVIOUS

EXILE_CUE = re.compile(r"\b(?:exile|exiled|exiles|self-exiled|in absentia|abroad|fled|flee|flees|fleeing)\b", re.I)
"""'X, who lives in Y' is exile only in an article that speaks of exile; otherwise it is just an address."""
BACK = 1200
"""Characters back that "they" or "the charges" may reach for the defendants they refer to (two paragraphs)."""
INHERITED = ("defendantIn", "arrestedOn", "convictedOf", "sentencedTo", "releasedOn", "participantIn", "heldIn")
"""What a person listed among a group ("the defendants, including A and B", "X was among 11 members who were
jailed") shares with it: what befell the whole group befell each of them. Not its charges (they often vary
from one defendant to another: "the charges vary in each case"), nor who tried it, what it is a member of or
what it is the target of, which a list does not say of each one."""


def across_sentences(ex, found_all, candidates, body, doc_date, source, state) -> list:
    """Candidates the article states across sentences, from the internal findings (predicates starting with "_")
    the sentence rules leave for this pass and the candidates already made. Cheap: no parsing, one pass over
    the findings."""
    internal = [x for x in found_all if x[0].predicate.startswith("_")]
    if not internal:
        return []
    make = ex._candidate
    out = []
    for f, doc, a, b in internal:
        if f.predicate == "_chargesOfPrevious":
            defendants, cases = _previous_defendants(candidates, a, ex.registry.entities)
            if not defendants:
                continue
            # the charge is looked up once, not once per defendant and case; by its exact name first, because
            # the lookup by words (difflib over every charge of the registry) is the costly part
            charge = _charge_by_name(ex, f.object.text) or ex._entity(f.object, state, None)
            if charge is None:
                continue
            f = replace(f, object=Mention(a, a, f.object.text, *charge, charge[0] in ex.registry.entities, "name"),
                        confidence=f.confidence * (1.0 if f.object.quoted else 0.95))
            for who in defendants:
                out.append(make(replace(f, predicate="chargedWith", subject=who), doc, a, b, body, doc_date, source,
                                state))
            for case in cases:
                out.append(make(replace(f, predicate="hasCharge", subject=case), doc, a, b, body, doc_date, source,
                                state))
        elif f.predicate == "_listedIn":
            if f.object == PREVIOUS:
                groups = {g.entity for g in _previous_defendants(candidates, a, ex.registry.entities)[0]}
            else:
                groups = {f.object.entity}
            for c in candidates:
                if c.subject in groups and c.predicate in INHERITED and c.object in ex.registry.entities:
                    # never surer than what is said of the group (a hedged or reported arrest stays so), and
                    # discounted as coreference; the person's own link counts in `make`
                    obj = Mention(c.start, c.start, c.object, c.object, c.object_type, True, "name")
                    by = (Mention(c.start, c.start, c.according_to, c.according_to,
                                  ex.registry.entities[c.according_to].type, True, "name")
                          if c.according_to in ex.registry.entities else None)
                    out.append(make(replace(f, predicate=c.predicate, object=obj, according_to=by,
                                            confidence=min(f.confidence * 0.75, c.confidence)),
                                    doc, a, b, body, doc_date, source, state))
        elif f.predicate == "_partOfPrevious":
            for part in _previous_of_kind(candidates, a, f.extra["kinds"], ex.registry.entities)[:1]:
                out.append(make(replace(f, predicate="partOf", subject=part), doc, a, b, body, doc_date, source,
                                state))
        elif f.predicate == "_agePrevious" and body.rfind("\n", 0, a) + 1 == a:
            # "The 65-year-old opposition chief ..." opening a paragraph: the one person the sentence before
            # it was about
            for who in _previous_person(candidates, a, ex.registry.entities):
                out.append(make(replace(f, predicate="age", subject=who), doc, a, b, body, doc_date, source, state))
        elif f.predicate == "_residesIn" and EXILE_CUE.search(body):
            out.append(make(replace(f, predicate="exiledIn"), doc, a, b, body, doc_date, source, state))
    return [c for c in out if c is not None]


def _previous_defendants(candidates, before: int, registry) -> tuple[list[Mention], list[Mention]]:
    """The group on trial and its case or trial in the nearest sentence before `before` that says so (a group's
    `defendantIn`), within `BACK` characters: what "they" and "the charges" refer to."""
    near = [c for c in candidates if c.predicate == "defendantIn" and c.subject_type == "PersonGroup"
            and before - BACK <= c.start < before and c.subject in registry and c.object in registry]
    if not near:
        return [], []
    last = max(c.start for c in near)
    near = [c for c in near if c.start == last]
    groups = {c.subject: c.subject_type for c in near}
    cases = {c.object: c.object_type for c in near}
    return ([Mention(last, last, g, g, t, True, "coref") for g, t in sorted(groups.items())],
            [Mention(last, last, k, k, t, True, "coref") for k, t in sorted(cases.items())])


def _previous_of_kind(candidates, before: int, kinds, registry) -> list[Mention]:
    """The entity of one of these kinds (events or cases) named nearest before `before`, within `BACK`
    characters: what "these cases" or "the arrests" refer to. Two different ones equally near: none."""
    seen: dict[str, int] = {}
    for c in candidates:
        if not before - BACK <= c.start < before:
            continue
        for eid, etype in ((c.subject, c.subject_type), (c.object, c.object_type)):
            if etype in kinds and eid in registry:
                seen[eid] = max(seen.get(eid, -1), c.start)
    if not seen:
        return []
    last = max(seen.values())
    nearest = sorted(e for e, at in seen.items() if at == last)
    if len(nearest) > 1:
        return []
    return [Mention(last, last, nearest[0], nearest[0], registry[nearest[0]].type, True, "coref")]


def _previous_person(candidates, before: int, registry) -> list[Mention]:
    """The one person the nearest sentence before `before` states something of (as subject), within `BACK`
    characters; none when that sentence is about several people."""
    near = [c for c in candidates if c.subject_type == "Person" and before - BACK <= c.start < before
            and c.subject in registry]
    if not near:
        return []
    last = max(c.start for c in near)
    people = {c.subject for c in near if c.start == last}
    if len(people) != 1:
        return []
    who = people.pop()
    return [Mention(last, last, who, who, "Person", True, "coref")]


def _charge_by_name(ex, text: str) -> tuple[str, str] | None:
    """The registry's charge whose name or alias is exactly this text (as `norm` compares names), or None."""
    key = norm(text)
    for e in ex.events.get("Charge", []):
        if key == norm(e.name) or any(key == norm(x) for x in e.aliases):
            return e.id, e.type
    return None
