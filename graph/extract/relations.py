"""Relation rules over spaCy's dependency parse: which words, in which grammatical roles, state which relation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# --- vocabulary --------------------------------------------------------------------------------------------


def forms(*verbs: str) -> frozenset[str]:
    """A verb's written forms (arrest, arrests, arrested, arresting); irregular ones are listed by hand."""
    out = set()
    for v in verbs:
        if "/" in v:
            out.update(v.split("/"))
            continue
        out.add(v)
        stem = v[:-1] if v.endswith("e") else v
        out.update({v + "s", stem + "ed", stem + "ing"})
        if v.endswith("y"):
            out.update({v[:-1] + "ies", v[:-1] + "ied"})
        if re.search(r"[^aeiou][aeiou][pbtdgmnr]$", v) and len(v) <= 4:
            out.update({v + v[-1] + "ed", v + v[-1] + "ing"})
    return frozenset(out)


ARREST = forms("arrest")
CHARGE = forms("charge", "indict")
CONVICT = forms("convict")
SENTENCE = forms("sentence", "jail")
RELEASE = forms("release", "free/freed/freeing/frees")
GRANT = forms("grant", "give/gave/given/gives")
PARDON = forms("pardon")
DISSOLVE = forms("dissolve", "disband")
BAN = forms("ban", "bar")
CONDEMN = forms("condemn", "denounce", "decry")
CALL = forms("call", "urge", "demand", "ask", "press")
DEMAND = forms("demand", "seek/sought/seeks/seeking")
HOLD = forms("hold/held/holds/holding", "detain", "jail", "imprison", "incarcerate", "keep/kept/keeps/keeping",
             "lock")
SEND = forms("send/sent/sends/sending", "transfer", "move")
TRY = forms("try/tried/tries/trying")
LEAD = forms("lead/led/leads/leading", "head", "chair")
ACCUSE = forms("accuse")
DENY = forms("deny", "dismiss", "reject", "refute")
DROP = forms("drop", "withdraw/withdrew/withdrawn/withdraws/withdrawing", "quash")
SAY = forms("say/said/says/saying", "tell/told/tells/telling", "state", "claim", "allege", "add", "note",
            "announce", "write/wrote/written/writes", "report", "argue", "insist", "warn")
MODAL_NOT_FACT = {"should", "must", "could", "may", "might", "can", "ought", "would", "to"}
CAUTION = {"allegedly", "reportedly", "purportedly", "apparently", "possibly", "likely"}

LEADER_TITLES = {"president", "leader", "chairman", "chairwoman", "chairperson", "chair", "head", "chief",
                 "founder", "co-founder", "vice-president", "secretary-general", "premier"}
SPOKES_TITLES = {"spokesman", "spokeswoman", "spokesperson"}
MEMBER_TITLES = {"member", "lawmaker", "legislator", "mp", "senator", "activist", "official", "politician",
                 "councillor", "councilor", "organiser", "organizer"}
STAFF_TITLES = {"director", "researcher", "adviser", "advisor", "officer", "coordinator", "representative",
                "campaigner", "analyst", "secretary", "deputy", "manager", "investigator", "monitor", "lawyer",
                "counsel", "editor", "reporter", "correspondent", "minister", "consultant"}
TITLES = LEADER_TITLES | SPOKES_TITLES | MEMBER_TITLES | STAFF_TITLES

# Words that make a phrase a criminal charge when the registry does not know it.
OFFENCE_WORDS = {"treason", "conspiracy", "conspiring", "plotting", "plot", "incitement", "inciting", "incite",
                 "insurrection", "espionage", "defamation", "sedition", "terrorism", "rebellion", "attack",
                 "attempt", "felony", "subversion", "fraud", "corruption", "murder", "violence", "obstruction",
                 "treachery", "libel", "insult", "forgery", "disobedience", "spying", "mutiny", "coup",
                 "trafficking", "money-laundering", "laundering", "embezzlement", "bribery", "rioting", "riot"}

SAY_WORDS = SAY | ACCUSE
PRONOUNS = {"he": "Person", "she": "Person", "him": "Person", "her": "Person", "his": "Person"}
# "the party", "the court": a definite noun that names the last entity of its type.
TYPE_NOUNS = {"party": "PoliticalParty", "court": "Court", "group": "NGO", "organisation": "NGO",
              "organization": "NGO", "watchdog": "NGO", "ministry": "GovernmentBody", "government": "GovernmentBody"}

TRIGGERS = (ARREST | CHARGE | CONVICT | SENTENCE | RELEASE | GRANT | PARDON | DISSOLVE | BAN | CONDEMN | CALL
            | forms("describe", "label", "brand", "term")
            | DEMAND | HOLD | SEND | TRY | LEAD | ACCUSE | DENY | TITLES
            | {"dissolution", "release", "exile", "exiled", "self-exiled", "guilty", "bail", "pardon",
               "carries", "carry", "carried", "carrying", "punishable", "faces", "face", "facing", "trial",
               "article", "articles"}
            | {t + "s" for t in TITLES})
TRIGGER_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(t) for t in TRIGGERS), key=len, reverse=True))
                        + r")\b|,\s\d{2},|\d{2}-year-old", re.I)
"""Sentences without any of these words (or an age) go through the fast path: names only, no parse."""

ONE_NAME_TRIGGERS = (ARREST | CHARGE | CONVICT | SENTENCE | RELEASE | PARDON | BAN | HOLD | SEND
                     | {"bail", "exile", "exiled", "self-exiled", "guilty", "should", "must"})
ONE_NAME_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(t) for t in ONE_NAME_TRIGGERS), key=len, reverse=True))
                         + r")\b|,\s\d{2},|\d{2}-year-old", re.I)
"""Relations that need only one name in the sentence (the other side is an event, a charge or an activity)."""
NO_NAME_RE = re.compile(r"\b(?:carr(?:y|ies|ied|ying)|punishable|faces?|facing)\b[^.]{0,60}\byears?\b|"
                        r"\bArticle\s+\d|\bthe\s+\d{2}-year-old", re.I)
"""Penalties and law articles belong to a charge, which needs no name; "the 65-year-old" names someone earlier."""


@dataclass
class Found:
    """One relation the rules read in a sentence, before entities are linked and dates resolved."""

    predicate: str
    subject: object  # a Mention, or an EventSlot/ChargeSlot/ActivitySlot for objects made from words
    object: object = None
    value: object = None
    confidence: float = 0.8
    role: str | None = None
    according_to: object = None  # Mention of whoever the claim is attributed to
    date_token: object = None  # the token whose DATE entity dates the claim
    trigger: object = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EventSlot:
    """An event made from the sentence: the arrest, release, bail, pardon or sentence of `who`."""

    kind: str  # an ontology class: Arrest, Release, Bail, Pardon, Sentence
    who: object  # Mention


@dataclass(frozen=True)
class PhraseSlot:
    """A charge or an activity named by the words of the text rather than by a proper name."""

    kind: str  # Charge | Activity
    text: str
    start: int
    end: int
    quoted: bool


# --- walking the parse -------------------------------------------------------------------------------------


def children(tok, deps: set[str], words: set[str] | None = None):
    return [c for c in tok.children if c.dep_ in deps and (words is None or c.lower_ in words)]


def follow(tok, path: list[str]):
    """Tokens reached from `tok` by a path like ['prep=with', 'pobj|pcomp']; each step is dep[=word|word]."""
    current = [tok]
    for step in path:
        dep, _, words = step.partition("=")
        deps = set(dep.split("|"))
        ws = set(words.split("|")) if words else None
        current = [c for t in current for c in children(t, deps, ws)]
        if not current:
            return []
    return current


def subject_of(verb, passive: bool):
    """The grammatical subject of a verb, inherited from the verb it is coordinated with or depends on
    ("He was arrested ... and charged with", "The court ruled to dissolve", "remains banned from")."""
    want = {"nsubjpass"} if passive else {"nsubj"}
    seen = 0
    tok = verb
    while tok is not None and seen < 4:
        found = children(tok, want) or (children(tok, {"nsubj"}) if passive and tok.i != verb.i else [])
        if found:
            return found[0]
        if tok.dep_ == "relcl":
            return tok.head  # "Ana Lee, who was arrested": the noun the clause describes
        if tok.dep_ in ("conj", "xcomp", "acomp", "oprd") and tok.head.i != tok.i:
            tok = tok.head
            seen += 1
            continue
        if tok.dep_ == "advcl" and passive is False:
            return None
        return None
    return None


def is_passive(verb) -> bool:
    if children(verb, {"auxpass", "nsubjpass"}):
        return True
    if verb.tag_ != "VBN":
        return False
    if verb.dep_ in ("acomp", "oprd", "acl"):
        return True
    # "He was arrested ... and charged with": a bare participle shares the voice of the verb it joins.
    return verb.dep_ == "conj" and not children(verb, {"nsubj"}) and is_passive(verb.head)


DECIDE = forms("rule", "decide", "vote", "order", "move", "go/went/gone/goes/going")


def not_a_fact(verb) -> bool:
    """A negated, hypothetical or demanded event ("was not arrested", "should be released", "if convicted")."""
    decided = verb.dep_ == "xcomp" and verb.head.lower_ in DECIDE  # "the court ruled to dissolve the party"
    for t in [verb, *([verb.head] if verb.dep_ in ("xcomp", "conj") else [])]:
        for c in t.children:
            if c.dep_ == "neg":
                return True
            if c.dep_ in ("aux", "auxpass") and c.lower_ in MODAL_NOT_FACT and not (decided and c.lower_ == "to"):
                return True
            if c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether"):
                return True
    return False


def caution(verb) -> float:
    """Confidence factor for hedges near the verb ("allegedly arrested")."""
    return 0.7 if any(c.lower_ in CAUTION for c in verb.children) else 1.0


def title_role(title, skip: list) -> str:
    """The words naming a post ("Asia-Pacific Regional Director", "acting President"), without the org.

    `skip` holds the organisations' mentions, whose words are not part of the post."""
    off = title.doc.user_data.get("offset", 0)
    dropped = set()
    for t in title.subtree:
        if t.dep_ in ("poss", "appos", "relcl", "prep", "acl") and t.i < title.i:
            dropped |= {x.i for x in t.subtree}
    words = [t for t in title.subtree if t.i <= title.i and t.i not in dropped
             and t.dep_ not in ("det", "case", "predet", "punct") and t.lower_ not in ("a", "an", "the")
             and not any(m.start <= off + t.idx < m.end for m in skip)]
    # Keep the contiguous run of words that ends with the title itself.
    run = []
    for t in reversed(words):
        if run and t.i != run[-1].i - 1 and not (t.i == run[-1].i - 2 and t.nbor(1).text == "-"):
            break
        run.append(t)
    text = title.doc.text[run[-1].idx:title.idx + len(title.text)] if run else title.text
    text = re.sub(r"\s*-\s*", "-", text)
    return text[:1].upper() + text[1:]


# --- phrases: charges and activities -----------------------------------------------------------------------

_OPEN_Q = "“\"‘'"
_CLOSE_Q = "”\"’'"


def quoted_after(tok, limit: int = 3):
    """The quoted words starting at or just after `tok` ('charged with “plotting”'), as (start, end) tokens."""
    doc = tok.doc
    i = tok.i
    # Look for an opening quote at most `limit` tokens before the anchor (the parser attaches the quoted word).
    for j in range(max(i - limit, tok.sent.start), min(i + 2, len(doc))):
        if doc[j].text in _OPEN_Q and doc[j].text not in ("'",):
            for k in range(j + 1, min(j + 14, tok.sent.end)):
                if doc[k].text in _CLOSE_Q or doc[k].text == "”":
                    if k > j + 1:
                        return doc[j + 1], doc[k - 1]
                    return None
            return None
    return None


def charge_phrase(tok) -> PhraseSlot | None:
    """The charge a token names: a quoted phrase, 'treason' in 'treason charges', 'charges of treason'."""
    q = quoted_after(tok)
    if q:
        a, b = q
        span = tok.doc[a.i:b.i + 1]
        text = span.text.strip(" .,;")
        if 0 < len(text.split()) <= 8:
            return PhraseSlot("Charge", text, span.start_char, span.start_char + len(text), True)
    if tok.lower_ in ("charge", "charges", "count", "counts"):
        parts = children(tok, {"compound", "amod"}) or follow(tok, ["prep=of", "pobj"])
        if parts:
            tok = parts[-1]
        else:
            return None
    words = [t for t in tok.subtree if t.dep_ not in ("det", "punct", "cc", "predet", "poss", "case")
             and t.lower_ not in ("charge", "charges", "politically", "motivated", "trumped-up", "other", "all")]
    words = [t for t in words if not t.ent_type_ in ("DATE", "LAW", "CARDINAL")]
    # Keep the noun phrase: stop at a relative clause or a following preposition that adds circumstance.
    cut = [t for t in tok.subtree if t.dep_ in ("relcl", "acl", "advcl")
           or (t.dep_ == "prep" and t.lower_ in ("under", "in", "for", "after", "since", "on"))]
    if cut:
        stop = min(c.left_edge.i for c in cut)
        words = [t for t in words if t.i < stop]
    if not words or len(words) > 6:
        return None
    if not any(t.lower_ in OFFENCE_WORDS for t in words):
        return None
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    text = tok.doc.text[start:end]
    return PhraseSlot("Charge", text, start, end, False)


def activity_phrase(tok) -> PhraseSlot | None:
    """What someone is banned from: 'politics', 'engaging in any political activity', 'leaving the country'."""
    if tok.tag_.startswith("VB") or tok.dep_ == "pcomp":
        inner = follow(tok, ["prep", "pobj"]) or follow(tok, ["dobj"])
        if inner:
            tok = inner[0]
    words = [t for t in tok.subtree if t.dep_ not in ("det", "punct", "predet", "cc") and t.i <= tok.i
             and t.lower_ not in ("any", "all", "some")]
    if not words or len(words) > 4:
        return None
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    return PhraseSlot("Activity", tok.doc.text[start:end], start, end, False)


# --- the rules ---------------------------------------------------------------------------------------------


def extract_relations(sent, resolve, speaker=None):
    """Every relation the rules read in one parsed sentence.

    `resolve(token)` returns the Mentions a token stands for (its entity, conjuncts, or what a pronoun or
    "the party" refers to); `speaker` is the Mention a quoted paragraph is attributed to, if any.
    """
    found: list[Found] = []
    for tok in sent:
        low = tok.lower_
        if tok.tag_.startswith("VB") or tok.tag_ == "MD":
            found += _verb_rules(tok, low, resolve)
        if low in TITLES or (low.endswith("s") and low[:-1] in TITLES):
            found += _title_rules(tok, resolve)
        if low in ("release", "dissolution", "exile"):
            found += _noun_rules(tok, low, resolve)
        if low in ("carries", "carry", "carried", "carrying", "punishable", "faces", "face", "facing"):
            found += _penalty_rules(tok, resolve)
        if low in ("article", "articles") and tok.text[0].isupper():
            found += _law_article_rules(tok, resolve)
        if tok.like_num and tok.dep_ in ("appos", "amod", "npadvmod") and tok.text.isdigit():
            found += _age_rules(tok, resolve)
        if low.endswith("year-old") and tok.text[:2].isdigit():
            found += _age_rules(tok, resolve)
        if low == "old":
            # "the 65-year-old opposition chief": spaCy splits the age into 65 - year - old
            years = [y for y in children(tok, {"npadvmod"}) if y.lower_ == "year"]
            nums = [n for y in years for n in children(y, {"nummod"}) if n.text.isdigit()]
            if nums:
                found += _age_rules(tok, resolve, int(nums[0].text))
    for f in found:
        attribute(f, resolve, speaker)
    return [f for f in found if not f.extra.get("denied")]


def _mentions(resolve, toks, types=None):
    out = []
    for t in toks:
        for m in resolve(t):
            if m not in out and (types is None or m.type in types):
                out.append(m)
    return out


PEOPLE = {"Person", "PersonGroup"}
ORGS = {"Organization", "PoliticalParty", "Court", "NGO", "GovernmentBody", "MediaOutlet", "Prison"}
AGENTS = PEOPLE | ORGS
AUTHORITIES = {"Court", "GovernmentBody", "Person", "Organization"}


def _pairs(pred, subjects, objects, conf, trigger, **kw):
    return [Found(pred, s, o, confidence=conf, trigger=trigger, date_token=trigger, **kw)
            for s in subjects for o in objects if s != o]


STAND = frozenset({"stand", "stood", "stands", "standing", "appear", "appeared", "appears", "appearing"})
LIVE = frozenset({"live", "lives", "lived", "living", "remain", "remains", "remained"})
FLEE = frozenset({"exiled", "fled", "flee", "flees", "fleeing"})
VERB_TRIGGERS = (ARREST | CHARGE | CONVICT | SENTENCE | RELEASE | GRANT | PARDON | DISSOLVE | BAN | CONDEMN | HOLD
                 | SEND | TRY | LEAD | ACCUSE | DENY | CALL | DEMAND | DROP | STAND | LIVE | FLEE
                 | forms("describe", "label", "brand", "term"))


def _verb_rules(v, low, resolve) -> list[Found]:
    if low not in VERB_TRIGGERS:
        return []
    out: list[Found] = []
    if not_a_fact(v) and low not in CALL and low not in DEMAND:
        # Demands ("should be released") are read by the call rules below, never as facts.
        if low in RELEASE or low in DROP:
            return _demanded_release(v, resolve)
        return out
    passive = is_passive(v)
    hedge = caution(v)
    subj = subject_of(v, passive)
    subjects = _mentions(resolve, [subj], PEOPLE) if subj is not None else []
    if passive:
        agent = follow(v, ["agent", "pobj"])
    else:
        agent = children(v, {"nsubj"}) or ([subject_of(v, False)] if subject_of(v, False) is not None else [])
    dobj = children(v, {"dobj"})

    if low in ARREST:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        out += [Found("arrestedOn", m, EventSlot("Arrest", m), confidence=0.85 * hedge, trigger=v, date_token=v)
                for m in who]
        # "arrested on treason charges"
        for c in follow(v, ["prep=on|for", "pobj"]):
            ph = charge_phrase(c)
            if ph:
                out += [Found("chargedWith", m, ph, confidence=0.75 * hedge, trigger=v) for m in who]
    elif low in CHARGE:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        for c in follow(v, ["prep=with", "pobj|pcomp"]) + follow(v, ["prep=with"]):
            ph = charge_phrase(c)
            if ph:
                out += [Found("chargedWith", m, ph, confidence=0.85 * hedge, trigger=v, date_token=v) for m in who]
                break
    elif low in CONVICT:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        for c in follow(v, ["prep=of|for", "pobj|pcomp"]):
            ph = charge_phrase(c)
            if ph:
                out += [Found("convictedOf", m, ph, confidence=0.85 * hedge, trigger=v, date_token=v) for m in who]
        if not passive:
            courts = _mentions(resolve, agent, {"Court"})
            out += _pairs("triedBy", who, courts, 0.7 * hedge, v)
    elif low in SENTENCE and low not in ("jail", "jails", "jailed", "jailing"):
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        if follow(v, ["prep=to", "pobj"]):
            out += [Found("sentencedTo", m, EventSlot("Sentence", m), confidence=0.85 * hedge, trigger=v,
                          date_token=v) for m in who]
        courts = _mentions(resolve, agent, {"Court"})
        out += _pairs("triedBy", who, courts, 0.7 * hedge, v)
    elif low in RELEASE:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        on_bail = any(c.lower_ == "bail" for c in follow(v, ["prep=on", "pobj"]))
        kind = "Bail" if on_bail else "Release"
        out += [Found("releasedOn", m, EventSlot(kind, m), confidence=0.8 * hedge, trigger=v, date_token=v)
                for m in who]
        if on_bail:
            out += [Found("bailGranted", m, EventSlot("Bail", m), confidence=0.8 * hedge, trigger=v, date_token=v)
                    for m in who]
    elif low in GRANT:
        things = [c.lower_ for c in dobj] + [c.lower_ for c in children(v, {"nsubjpass"})]
        if "bail" in things:
            who = (_mentions(resolve, follow(v, ["prep=to", "pobj"]) + follow(v, ["dobj", "prep=to", "pobj"])
                             + children(v, {"dative"}) + follow(v, ["dative", "pobj"]), PEOPLE)
                   or (subjects if passive else []))
            out += [Found("bailGranted", m, EventSlot("Bail", m), confidence=0.8 * hedge, trigger=v, date_token=v)
                    for m in who]
        if "pardon" in things:
            who = _mentions(resolve, follow(v, ["prep=to", "pobj"]) + follow(v, ["dobj", "prep=to", "pobj"])
                            + children(v, {"dative"}) + follow(v, ["dative", "pobj"]), PEOPLE)
            givers = _mentions(resolve, agent, AUTHORITIES - {"Court"} | {"Person"})
            out += _pairs("pardonedBy", who, givers, 0.8 * hedge, v)
    elif low in PARDON:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        givers = _mentions(resolve, agent, {"Person", "GovernmentBody"})
        out += _pairs("pardonedBy", who, givers, 0.85 * hedge, v)
    elif low in DISSOLVE:
        orgs = (_mentions(resolve, [subj] if subj is not None else [], ORGS) if passive
                else _mentions(resolve, dobj, ORGS))
        by = _mentions(resolve, agent, {"Court", "GovernmentBody"})
        out += _pairs("dissolvedBy", orgs, by, 0.9 * hedge, v)
    elif low in BAN:
        who = (_mentions(resolve, [subj] if subj is not None else [], AGENTS) if passive
               else _mentions(resolve, dobj, AGENTS))
        for a in follow(v, ["prep=from", "pobj|pcomp"]):
            ph = activity_phrase(a)
            if ph:
                out += [Found("bannedFrom", m, ph, confidence=0.8 * hedge, trigger=v, date_token=v) for m in who]
    elif low in CONDEMN:
        if passive:
            out += _pairs("condemnedBy", subjects + _mentions(resolve, [subj] if subj is not None else [], ORGS),
                          _mentions(resolve, agent, AGENTS), 0.8 * hedge, v)
        else:
            out += _pairs("condemnedBy", _mentions(resolve, dobj, AGENTS) + _events(dobj, resolve),
                          _mentions(resolve, agent, AGENTS), 0.8 * hedge, v)
    elif low in HOLD and passive:
        for p in follow(v, ["prep=in|at", "pobj"]):
            out += _pairs("heldIn", subjects, _mentions(resolve, [p], {"Prison"}), 0.85 * hedge, v)
    elif low in SEND and passive:
        places = follow(v, ["prep=to|in", "pobj"]) + follow(v, ["prep=to", "pobj", "prep=in|at", "pobj"])
        out += _pairs("heldIn", subjects, _mentions(resolve, places, {"Prison"}), 0.8 * hedge, v)
    elif low in TRY and passive:
        out += _pairs("triedBy", subjects, _mentions(resolve, agent, {"Court"}), 0.85 * hedge, v)
    elif low in LEAD and not passive:
        out += _pairs("leaderOf", _mentions(resolve, [subj] if subj is not None else [], {"Person"}),
                      _mentions(resolve, dobj, ORGS - {"Court", "Prison"}), 0.8 * hedge, v)
    elif low in ACCUSE:
        accused = subjects if passive else _mentions(resolve, dobj, AGENTS)
        accusers = _mentions(resolve, agent, AGENTS)
        out += _pairs("accusedBy", accused, accusers, 0.75 * hedge, v)
    elif low in DENY and not passive:
        denier = _mentions(resolve, agent, AGENTS)
        critics = _mentions(resolve, follow(v, ["dobj", "poss"]), AGENTS)
        out += _pairs("rejectsCriticismBy", denier, critics, 0.7 * hedge, v)
    if low in CALL or low in DEMAND:
        out += _call_rules(v, low, agent, resolve)
    if low in LABEL:
        out += _labelled(v, agent, resolve)
    if low in STAND:
        if any(c.lower_ == "trial" for c in dobj) or low.startswith("appear"):
            courts = _mentions(resolve, follow(v, ["prep=before|at|in", "pobj"]), {"Court"})
            who = _mentions(resolve, agent, PEOPLE)
            out += _pairs("triedBy", who, courts, 0.75 * hedge, v)
    if low in LIVE:
        if any(c.lower_ == "exile" for c in follow(v, ["prep=in", "pobj"])):
            places = follow(v, ["prep=in", "pobj=exile", "prep=in", "pobj"]) + [
                p for p in follow(v, ["prep=in", "pobj"]) if p.lower_ != "exile"]
            out += _pairs("exiledIn", _mentions(resolve, agent, PEOPLE), _mentions(resolve, places, {"Place"}),
                          0.85 * hedge, v)
    if low in FLEE and not not_a_fact(v):
        who = subjects if low == "exiled" else _mentions(resolve, agent, PEOPLE)
        places = follow(v, ["prep=in|to", "pobj"])
        out += _pairs("exiledIn", who, _mentions(resolve, places, {"Place"}), 0.8 if low == "exiled" else 0.6, v)
    return out


EVENT_NOUNS = {"arrest": "Arrest", "detention": "Detention", "dissolution": "Dissolution", "sentence": "Sentence",
               "sentencing": "Sentence", "conviction": "Verdict", "ban": "Ban", "crackdown": "Crackdown"}


def _events(nouns, resolve) -> list:
    """'the arrest of Ana Lee', 'the party's dissolution': an event named by a noun and whom it befell."""
    out = []
    for n in nouns:
        kind = EVENT_NOUNS.get(n.lower_)
        if kind:
            for m in _mentions(resolve, follow(n, ["prep=of", "pobj"]) + children(n, {"poss"}), AGENTS):
                out.append(EventSlot(kind, m))
    return out


LABEL = forms("call", "describe", "label", "brand", "term", "denounce")
# Words that make calling something names a condemnation: "called it a blatant act of political repression".
CONDEMNING = {"repression", "persecution", "violation", "violations", "affront", "travesty", "outrage", "sham",
              "injustice", "unjust", "unlawful", "illegal", "arbitrary", "shameful", "disgrace", "assault",
              "attack", "crackdown", "abuse", "abuses", "farce", "blow", "setback", "setbacks", "politically"}


def _labelled(v, agent, resolve) -> list[Found]:
    """'X called the dissolution a blatant act of political repression': X condemns it."""
    labels = children(v, {"oprd", "xcomp", "attr"})
    if not any(w.lower_ in CONDEMNING for lab in labels for w in lab.subtree):
        return []
    things = children(v, {"dobj"})
    named = []
    for t in things:
        if t.lower_ in ("which", "that") and v.dep_ == "relcl":
            # "the dissolution of the party by the court, which X called ...": only an event noun is taken as
            # what "which" stands for; the parser often attaches it to the nearest name instead.
            named += _events([v.head], resolve)
            continue
        named += _mentions(resolve, [t], AGENTS) + _events([t], resolve)
    return _pairs("condemnedBy", named, _mentions(resolve, agent, AGENTS), 0.75, v)


def _call_rules(v, low, agent, resolve) -> list[Found]:
    """'X called for the release of Y', 'X urged the government to release Y', 'X demanded Y's release'."""
    callers = _mentions(resolve, agent, AGENTS)
    targets = []
    for r in follow(v, ["prep=for", "pobj=release|freedom"]) + follow(v, ["dobj=release|freedom"]):
        targets += follow(r, ["prep=of", "pobj"]) + children(r, {"poss"})
    for r in (follow(v, ["xcomp|advcl|ccomp"]) + follow(v, ["prep=on", "pobj", "acl|relcl|xcomp"])
              + follow(v, ["dobj", "acl|relcl|xcomp"])):
        for r2 in [r, *r.conjuncts]:
            if r2.lower_ in RELEASE or r2.lower_ in ("free",):
                targets += children(r2, {"dobj"})
            if r2.lower_ in DROP:
                # "drop the charges against X" asks for X's freedom too
                targets += follow(r2, ["dobj=charges|charge|case|cases", "prep=against", "pobj"])
    return _pairs("callsForReleaseOf", callers, _mentions(resolve, targets, PEOPLE), 0.85, v)


def _demanded_release(v, resolve) -> list[Found]:
    """'Y must be released immediately, X said': a call for release, attributed later to the speaker."""
    if not any(c.lower_ in ("should", "must", "ought") for c in v.children):
        return []
    if any(c.dep_ == "neg" for c in v.children):
        return []
    who = _mentions(resolve, children(v, {"nsubjpass"}), PEOPLE)
    if v.lower_ in DROP:
        who = _mentions(resolve, follow(v, ["nsubjpass=charges|charge", "prep=against", "pobj"]), PEOPLE)
    return [Found("callsForReleaseOf", None, m, confidence=0.75, trigger=v, extra={"caller_from_speaker": True})
            for m in who]


def _title_rules(t, resolve) -> list[Found]:
    """Posts: 'X, president of Y', 'Y President X', 'Y's director X', 'X is the spokesman for Y'."""
    low = t.lower_ if t.lower_ in TITLES else t.lower_[:-1]
    people: list = []
    if t.dep_ == "appos":
        people = _mentions(resolve, [t.head], {"Person"})
    elif t.dep_ == "compound" and t.head.ent_type_ == "PERSON":
        people = _mentions(resolve, [t.head], {"Person"})
    elif t.dep_ == "attr" and t.head.lower_ in ("is", "was", "are", "were", "be", "became", "become", "remains"):
        people = _mentions(resolve, children(t.head, {"nsubj"}), {"Person"})
    elif t.dep_ == "nsubj":
        # "the CNRP president, Kem Sokha, ...": a title followed by the name in apposition
        people = _mentions(resolve, children(t, {"appos"}), {"Person"})
    if not people and t.dep_ not in ("appos", "compound", "attr"):
        people = _mentions(resolve, children(t, {"appos"}), {"Person"})
    listed = False
    if not people and t.lower_.endswith("s"):
        # "senior party leaders such as A, B and C", "CNRP activists including A"
        people = _mentions(resolve, follow(t, ["prep=as|including|like", "pobj"]), {"Person"})
        listed = bool(people)
    if not people:
        return []
    orgs = _mentions(resolve, follow(t, ["prep=of|for|at|with|in", "pobj"])
                     + follow(t, ["prep=for|of", "pcomp", "dobj"])
                     + children(t, {"compound", "poss", "nmod"}),
                     ORGS - {"Prison"})
    # "Amnesty's director in the region" or "CNRP member" also reach the org through the title's own modifiers.
    for c in children(t, {"compound", "nmod", "amod"}):
        orgs += [m for m in _mentions(resolve, children(c, {"poss", "compound"}), ORGS - {"Prison"}) if m not in orgs]
        if not orgs and c.lower_ == "party":
            orgs = [m for m in resolve(_Stand("party", c)) if m.type == "PoliticalParty"]  # "senior party leaders"
    if not orgs:
        return []
    role = None if listed else title_role(t, orgs)
    out = []
    for o in orgs:
        if low in LEADER_TITLES:
            pred = "leaderOf"
        elif low in SPOKES_TITLES:
            pred = "spokespersonOf"
        elif low in MEMBER_TITLES and o.type in ("PoliticalParty", "Organization"):
            pred = "memberOf"
        elif low in STAFF_TITLES | MEMBER_TITLES:
            pred = "worksFor"
        else:
            continue
        conf = 0.85 if t.dep_ in ("appos", "compound") else 0.8
        if listed:
            conf = 0.75
        for p in people:
            out.append(Found(pred, p, o, confidence=conf, trigger=t,
                             role=None if pred == "memberOf" else role))
    return out


def _noun_rules(t, low, resolve) -> list[Found]:
    out = []
    if low == "release" and t.dep_ in ("pobj", "dobj"):
        # "calls for the release of X" is read by the call rules from the verb's side; here "X's release" as fact
        return out
    if low == "dissolution":
        orgs = _mentions(resolve, follow(t, ["prep=of", "pobj"]), ORGS)
        by = _mentions(resolve, follow(t, ["prep=by", "pobj"]), {"Court", "GovernmentBody"})
        out += _pairs("dissolvedBy", orgs, by, 0.8, t)
    if low == "exile" and t.dep_ == "pobj" and t.head.lower_ == "in":
        verb = t.head.head
        if verb.lower_ in ("live", "lives", "lived", "living", "remain", "remains", "remained"):
            return out  # read by the verb rule
        places = follow(t, ["prep=in", "pobj"])
        who = _mentions(resolve, [verb] if verb.ent_type_ == "PERSON" else [], PEOPLE)
        out += _pairs("exiledIn", who, _mentions(resolve, places, {"Place"}), 0.75, t)
    return out


_NUM = re.compile(r"^\d{1,2}$")


def _penalty_rules(t, resolve) -> list[Found]:
    """'which carries a prison sentence of 15-30 years', 'punishable by up to 30 years'."""
    years = [y for y in t.sent if y.lower_ in ("years", "year") and y.i > t.i and y.i - t.i <= 10]
    if not years:
        return []
    y = years[0]
    nums = [c for c in y.subtree if c.i < y.i and c.i > t.i]
    text = " ".join(c.text for c in nums)
    m = re.search(r"(\d{1,2})\s*[-–]\s*(\d{1,2})$", text) or re.search(r"(\d{1,2})\s+to\s+(\d{1,2})$", text)
    low_y, high_y = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    if not m:
        m = re.search(r"up\s+to\s+(\d{1,2})$", text)
        if not m:
            return []
        high_y = int(m.group(1))
    charge = _charge_before(t)
    if charge is None:
        return []
    out = [Found("maximumPenaltyYears", charge, value=high_y, confidence=0.8, trigger=t)]
    if low_y is not None:
        out.append(Found("minimumPenaltyYears", charge, value=low_y, confidence=0.8, trigger=t))
    return out


def _charge_before(t) -> PhraseSlot | None:
    """The charge a penalty or law article belongs to: the closest charge named earlier in the sentence,
    or the one named after 'if convicted of'."""
    for c in t.sent:
        if c.lower_ in ("of", "with") and c.head.lower_ in CONVICT | CHARGE and c.i > t.i:
            for p in children(c, {"pobj", "pcomp"}):
                ph = charge_phrase(p)
                if ph:
                    return ph
    best = None
    for c in t.sent:
        if c.i >= t.i:
            break
        if c.text in _OPEN_Q or c.lower_ in OFFENCE_WORDS:
            ph = charge_phrase(c) if c.text not in _OPEN_Q else charge_phrase(c.doc[c.i + 1])
            if ph:
                best = ph
    return best


def _law_article_rules(t, resolve) -> list[Found]:
    """'under Article 443 of the Criminal Code' after a single named charge."""
    nums = [c for c in t.children if c.like_num]
    if t.lower_ == "articles" or len(nums) != 1 or not nums[0].text.isdigit():
        return []
    code = follow(t, ["prep=of", "pobj"])
    code_name = None
    for c in code:
        span = t.doc[c.left_edge.i:c.i + 1].text
        if re.search(r"\bcode\b|\blaw\b|\bconstitution\b", span, re.I):
            code_name = re.sub(r"^(?:the|\w+['’]s)\s+", "", span.strip(), flags=re.I)
            code_name = re.sub(r"^\w+['’]s\s+", "", code_name)
    if code_name is None or t.head.lower_ != "under":
        return []
    charge = _charge_before(t)
    if charge is None:
        return []
    value = f"{code_name[:1].upper()}{code_name[1:]}, Article {nums[0].text}"
    return [Found("lawArticle", charge, value=value, confidence=0.8, trigger=t)]


def _age_rules(t, resolve, years: int | None = None) -> list[Found]:
    """'Kem Sokha, 66, is ...' and 'the 65-year-old opposition chief' (the latter through coreference)."""
    if years is not None or t.lower_.endswith("year-old"):
        n = years if years is not None else int(re.match(r"\d+", t.text).group(0))
        head = t.head if t.dep_ in ("amod", "compound", "nmod") else t
        people = _mentions(resolve, [head], {"Person"})
        conf = 0.7
        if not people and (any(c.lower_ == "the" for c in head.children)
                           or (head.i == t.i and t.i > 0 and t.doc[t.i - 1].lower_ == "the")):
            # "the 65-year-old opposition chief": the person the article was just talking about
            people = [m for m in resolve(_HE(t)) if m.type == "Person"]
    else:
        n = int(t.text)
        if t.dep_ not in ("appos", "amod", "npadvmod") or t.head.ent_type_ != "PERSON":
            return []
        if not (t.i > 0 and t.doc[t.i - 1].text == "," and t.i + 1 < len(t.doc) and t.doc[t.i + 1].text == ","):
            return []
        people = _mentions(resolve, [t.head], {"Person"})
        conf = 0.85
    if not 15 <= n <= 110:
        return []
    return [Found("age", p, value=n, confidence=conf, trigger=t) for p in people]


class _Stand:
    """A stand-in word at a token's place ("he", "party"), so that `resolve` finds the last entity of its kind
    named before it."""

    dep_ = "nsubj"
    conjuncts = ()
    children = ()

    def __init__(self, word, tok):
        self.lower_ = word
        self.i = -1
        self.idx = tok.idx
        self.head = tok


def _HE(tok):
    return _Stand("he", tok)


# --- attribution -------------------------------------------------------------------------------------------


def attribute(f: Found, resolve, speaker) -> None:
    """Attribute a claim made inside reported speech to the speaker ("..., Human Rights Watch said"), an
    accusation to the accuser ("X accused Y of arresting Z"); mark a denied one ("X denied that ...")."""
    tok = f.trigger
    said_by = None
    up = tok
    clausal = False  # only a claim in the denied or accused clause, not a title in its subject
    for _ in range(8):
        if up.head.i == up.i:
            break
        clausal = clausal or up.dep_ in ("ccomp", "xcomp", "pcomp", "advcl")
        up = up.head
        if not clausal:
            continue
        if up.lower_ in DENY and f.predicate != "rejectsCriticismBy":
            f.extra["denied"] = True
            return
        if up.lower_ in ACCUSE and f.predicate not in ("accusedBy",):
            ms = _mentions(resolve, children(up, {"nsubj"}), AGENTS)
            if ms:
                said_by = ms[0]
                f.confidence *= 0.85  # an accusation is the accuser's word, not a finding
                break
    cur = tok
    for _ in range(0 if said_by is not None else 8):
        if cur.dep_ in ("ccomp", "parataxis", "xcomp") or (cur.dep_ == "ROOT" and cur.i != tok.i):
            head = cur.head if cur.dep_ != "ROOT" else cur
            if head.lower_ in SAY_WORDS:
                subj = children(head, {"nsubj"})
                ms = _mentions(resolve, subj, AGENTS)
                if ms:
                    said_by = ms[0]
                    break
        if cur.head.i == cur.i:
            # The root itself may be a saying verb with the claim in a parataxis child ("X is held, Y said").
            for c in cur.children:
                if c.dep_ in ("parataxis",) and c.lower_ in SAY_WORDS and c.i > tok.i:
                    ms = _mentions(resolve, children(c, {"nsubj"}), AGENTS)
                    if ms:
                        said_by = ms[0]
            break
        cur = cur.head
    if said_by is None and speaker is not None and _in_quotes(tok):
        said_by = speaker
    if f.predicate == "callsForReleaseOf" and f.subject is None:
        # A demand in the passive ("must be released") is the speaker's call.
        if said_by is not None:
            f.subject = said_by
        return
    if said_by is not None and f.predicate not in ("callsForReleaseOf", "condemnedBy", "accusedBy",
                                                     "rejectsCriticismBy"):
        if said_by.entity not in (getattr(f.subject, "entity", None), getattr(f.object, "entity", None)):
            f.according_to = said_by
            f.confidence *= 0.9


def _in_quotes(tok) -> bool:
    """True when the token's sentence is a quotation (opened by a quote mark in it or before it)."""
    sent = tok.sent
    text = tok.doc.text[sent.start_char:tok.idx]
    return "“" in text or text.lstrip().startswith('"') or tok.doc.user_data.get("quoted", False)
