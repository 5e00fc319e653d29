"""Relation rules over spaCy's dependency parse: which words, in which grammatical roles, state which relation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.extract.ner import EVENT_HEADS, EVENT_TYPES, stem

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
ACQUIT = forms("acquit/acquitted/acquitting/acquits")
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
CRITICISM_WORDS = {"criticism", "criticisms", "allegation", "allegations", "accusation", "accusations", "claim",
                   "claims", "charge", "charges", "concerns", "complaints", "remarks", "comments", "findings"}
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
              "organization": "NGO", "watchdog": "NGO", "ministry": "GovernmentBody", "government": "GovernmentBody",
              "authorities": "GovernmentBody"}

STOP_WORDS = forms("stop", "end", "cease", "halt", "misuse", "abuse", "harass", "persecute", "repress", "intimidate")
"""What a speaker demands someone stop, or accuses them of doing: criticism of them."""
TRIGGERS = (ARREST | CHARGE | CONVICT | SENTENCE | RELEASE | GRANT | PARDON | DISSOLVE | BAN | CONDEMN | CALL
            | forms("describe", "label", "brand", "term")
            | DEMAND | HOLD | SEND | TRY | LEAD | ACCUSE | DENY | TITLES
            | {"dissolution", "release", "exile", "exiled", "self-exiled", "guilty", "bail", "pardon",
               "carries", "carry", "carried", "carrying", "punishable", "faces", "face", "facing", "trial",
               "article", "articles", "capital", "freeing"}
            | {t + "s" for t in TITLES} | set(EVENT_HEADS)
            | forms("arrive", "face", "start", "open", "begin/began/begun")
            | {"cannot", "can't", "allowed", "permitted"} | STOP_WORDS)
TRIGGER_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(t) for t in TRIGGERS), key=len, reverse=True))
                        + r")\b|,\s\d{2},|\d{2}-year-old", re.I)
"""Sentences without any of these words (or an age) go through the fast path: names only, no parse."""

_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
_AGE = re.compile(r",\s\d{2},|\d{2}-year-old")


def trigger_words(sentence: str) -> frozenset[str]:
    """The words of a sentence as the trigger vocabulary is written (lower case; "self-exiled" also as "self" and
    "exiled"): a set lookup per sentence instead of a search with a regular expression of 700 words."""
    words = set()
    for w in _WORD.findall(sentence.lower()):
        words.add(w)
        if "-" in w:
            words.update(w.split("-"))
    if _AGE.search(sentence):
        words.add("<age>")
    return frozenset(words)


ONE_NAME_TRIGGERS = (ARREST | CHARGE | CONVICT | SENTENCE | RELEASE | PARDON | BAN | HOLD | SEND
                     | {"bail", "exile", "exiled", "self-exiled", "guilty", "should", "must", "cannot", "can't",
                        "freeing", "entry"}
                     | set(EVENT_HEADS) | forms("face") | STOP_WORDS)
ONE_NAME_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(t) for t in ONE_NAME_TRIGGERS), key=len, reverse=True))
                         + r")\b|,\s\d{2},|\d{2}-year-old", re.I)
"""Relations that need only one name in the sentence (the other side is an event, a charge or an activity)."""
TRIGGER_WORDS = frozenset(t.lower() for t in TRIGGERS) | {"<age>"}
ONE_NAME_WORDS = frozenset(t.lower() for t in ONE_NAME_TRIGGERS) | {"<age>"}
APPOS_RE = re.compile(r"[,—–]\s*(?:an?|one of the)\s+\w")
"""An indefinite apposition after a name ("X, a human rights lawyer, ..."): a description worth a parse."""
NO_NAME_RE = re.compile(r"\b(?:carr(?:y|ies|ied|ying)|punishable|faces?|facing)\b[^.]{0,60}\byears?\b|"
                        r"\bArticles?\s+\d|\bthe\s+\d{2}-year-old|"
                        r"\b(?:the|these|their)\s+(?:charges|counts)\b[^.]{0,60}\b(?:include|includes|included|"
                        r"comprise|comprises)\b|\bthey\s+(?:face|faced|are\s+facing|were\s+charged)\b|"
                        r"\b(?:part|culmination|apogee|climax|continuation|escalation)\s+of\b[^.]{0,50}"
                        r"\b(?:campaign|crackdown|persecution|repression)\b", re.I)
"""Penalties and law articles belong to a charge, which needs no name; "the 65-year-old" names someone earlier;
"They face charges of ..." and "The charges include ..." refer to defendants named before, and "these cases
are the culmination of a campaign of persecution" to cases named before (discourse.py)."""


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

    kind: str  # an ontology class: Arrest, Release, Bail, Pardon, Sentence, Dissolution, Ban, Detention, ...
    who: object  # Mention
    known_only: bool = False  # only the registry's event: structure around an event nobody named is not proposed
    words: frozenset = frozenset()  # words of the mention ("pre-trial detention") that tell events of a kind apart


@dataclass(frozen=True)
class PhraseSlot:
    """A charge or an activity named by the words of the text rather than by a proper name."""

    kind: str  # Charge | Activity
    text: str
    start: int
    end: int
    quoted: bool
    known_only: bool = False  # only the registry's charge or activity, never a new one


# --- walking the parse -------------------------------------------------------------------------------------


def text_of(doc) -> str:
    """A document's text, kept (spaCy's `Doc.text` joins every token anew on each call)."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def sents_of(doc) -> list:
    """The sentences of a parsed document, listed once (spaCy's `Doc.sents` walks every token each time)."""
    sents = doc.user_data.get("sents")
    if sents is None:
        sents = doc.user_data["sents"] = list(doc.sents)
    return sents


def sent_of(tok):
    """The sentence of a token; spaCy's `Token.sent` walks the whole document on every call."""
    for sent in sents_of(tok.doc):
        if sent.start <= tok.i < sent.end:
            return sent
    return tok.doc[:]


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
        if tok.dep_ == "pcomp" and tok.head.lower_ == "as" and not passive and tok.head.head.tag_.startswith("VB"):
            # "AP quoted X as telling the forum", "described X as leading the protest": X does it
            objs = children(tok.head.head, {"dobj"})
            return objs[0] if objs else None
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
    text = text_of(title.doc)[run[-1].idx:title.idx + len(title.text)] if run else title.text
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
    for j in range(max(i - limit, sent_of(tok).start), min(i + 2, len(doc))):
        if doc[j].text in _OPEN_Q and doc[j].text not in ("'",):
            for k in range(j + 1, min(j + 14, sent_of(tok).end)):
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
    others = {x.i for c in tok.children if c.dep_ in ("conj", "cc") for x in c.subtree}  # "A and B": two charges
    words = [t for t in tok.subtree if t.i not in others
             and t.dep_ not in ("det", "punct", "cc", "predet", "poss", "case")
             and t.lower_ not in ("charge", "charges", "politically", "motivated", "trumped-up", "other", "all")]
    words = [t for t in words if t.ent_type_ not in ("DATE", "LAW", "CARDINAL")]
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
    text = text_of(tok.doc)[start:end]
    return PhraseSlot("Charge", text, start, end, False)


CHARGE_NOUNS = {"charge", "charges", "count", "counts"}


def charge_phrases(tok) -> list[PhraseSlot]:
    """Every charge a token names, one for each coordinated phrase: 'incitement and conspiracy', 'charges of
    treason and espionage', '“plotting”, “incitement” and “criminal attempt”'."""
    base = tok
    if tok.lower_ in CHARGE_NOUNS and not quoted_after(tok):
        inner = follow(tok, ["prep=of|including", "pobj"])
        if inner:
            base = inner[0]
    out = []
    for t in [base, *base.conjuncts]:
        ph = charge_phrase(t)
        if ph is not None and all((ph.start, ph.end) != (o.start, o.end) for o in out):
            out.append(ph)
    return out


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
    return PhraseSlot("Activity", text_of(tok.doc)[start:end], start, end, False)


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
        if low in ("transfer", "move", "release", "return") and tok.tag_.startswith("NN"):
            # "X's transfer to house arrest", "the release of X from pre-trial detention"
            found += _detention_rules(tok, _mentions(resolve, children(tok, {"poss"}) + follow(tok, [
                "prep=of", "pobj"]), PEOPLE), 1.0, resolve)
        if low == "freeing" and (tok.tag_.startswith("NN") or tok.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj")):
            found += _freeing(tok, resolve)
        if low in ("release", "dissolution", "exile", "bail"):
            found += _noun_rules(tok, low, resolve)
        if low in EVENT_HEADS:
            found += _event_roles(tok, resolve)
        if (low in EVENT_HEADS or low in ("cases", "case")) and tok.tag_.startswith("NN"):
            found += _epithet(tok, resolve)
        if low == "subject" and tok.dep_ in ("acomp", "amod", "oprd"):
            found += _subject_to_charges(tok, resolve)
        if low == "including" and tok.dep_ == "prep":
            found += _listed_members(tok, resolve)
        if low == "among" and tok.dep_ == "prep" and tok.head.lower_ in ("is", "are", "was", "were"):
            found += _among(tok, resolve)
        if low in INCLUDE and tok.tag_.startswith("VB"):
            found += _the_charges_include(tok)
        if low == "capital" and tok.tag_ == "NN":
            found += _capital(tok, resolve)
        if low == "based" and tok.dep_ == "amod":
            found += _located(tok, resolve)
        if tok.ent_type_ in ("FAC", "LOC") or low in CATEGORY_PLACES:
            # a site, not a country or city ("the border with Viet Nam in Y province" is about the border)
            found += _located(tok, resolve)
        if tok.tag_.startswith("VB") and (low in STOP or low in ABUSE):
            found += _criticism(tok, low, resolve)
        if tok.tag_ == "VB" and _forbidden(tok):
            found += _restriction(tok, resolve)
        if tok.dep_ == "appos" and tok.tag_.startswith("NN"):
            found += _description(tok, resolve)
        if tok.dep_ in ("attr", "acomp") and tok.head.lower_ in ("is", "are", "was", "were", "be", "been"):
            found += _called_so(tok, resolve)
            if low in PART_WORDS:
                found += _part_of_campaign(tok, resolve)
        if low in ("carries", "carry", "carried", "carrying", "punishable", "faces", "face", "facing"):
            found += _penalty_rules(tok, resolve)
        if low in ("article", "articles") and tok.text[0].isupper():
            found += _law_article_rules(tok, resolve)
        if low == "articles" and tok.text[0].isupper():
            found += _law_articles_respectively(tok)
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


TRIAL_WORDS = {"trial", "trials", "hearing", "hearings"}


def _trial_rules(v, agent, resolve, hedge) -> list[Found]:
    """'The court will hold trial hearings in six cases involving 150 defendants': the cases, the defendants and
    the registry's trial and hearing are tried by the court; the defendants are defendants in the cases."""
    sessions = [d for d in children(v, {"dobj"}) + follow(v, ["prep=on|with", "pobj"]) if d.lower_ in TRIAL_WORDS]
    courts = _mentions(resolve, agent, {"Court"})
    if not courts and not children(v, {"nsubj", "nsubjpass"}):
        # The parser sometimes hangs the court on a phrase before it ("According to X, the court will hold
        # ..."): with no subject, the one court named before the verb holds the trial.
        before = _mentions(resolve, [t for t in sent_of(v) if t.i < v.i and t.dep_ in ("appos", "nsubj")], {"Court"})
        courts = before if len(before) == 1 else []
    if not sessions or not courts:
        return []
    s = sessions[0]
    case_toks = follow(v, ["prep=in|over|into", "pobj"]) + follow(s, ["prep=in|over|into|for", "pobj"])
    cases = _mentions(resolve, case_toks, {"LegalCase"})
    defendants = _mentions(resolve, follow(s, ["prep=of|for", "pobj"]) + [
        d for c in case_toks for d in follow(c, ["acl", "dobj"]) + follow(c, ["prep=against|of", "pobj"])], PEOPLE)
    conf = 0.8 * hedge
    out = _pairs("triedBy", cases + defendants, courts, conf, v)
    out += _pairs("defendantIn", defendants, cases, conf, v)
    who = (defendants or cases)[:1]
    words = {w.lower_ for w in s.subtree}
    if not cases and s.lower_ == "trial":
        # "the court opened the trial of 43 members of X": they are the defendants of the registry's trial
        out += [Found("defendantIn", m, EventSlot("Trial", m, True), confidence=conf, trigger=v, date_token=v)
                for m in defendants if m.type == "PersonGroup"]
    for m in who:
        trial = EventSlot("Trial", m, True)
        out += [Found("triedBy", trial, c, confidence=conf, trigger=v, date_token=v) for c in courts]
        out += [Found("partOf", trial, k, confidence=conf, trigger=v, date_token=v) for k in cases]
        if words & {"hearing", "hearings"}:
            hearing = EventSlot("Hearing", m, True)
            out += [Found("triedBy", hearing, c, confidence=conf, trigger=v, date_token=v) for c in courts]
            out.append(Found("partOf", hearing, trial, confidence=conf, trigger=v, date_token=v))
            # "hearings ... on four dates: 14 January, 22 January and 4 March": the registry's hearing of each day
            for day in _listed_dates(v) if s.lower_ == "hearings" else []:
                out += [Found("triedBy", hearing, c, confidence=conf, trigger=v, extra={"date_text": day})
                        for c in courts]
                out.append(Found("partOf", hearing, trial, confidence=conf, trigger=v, extra={"date_text": day}))
    return out


_DAY_LIST = re.compile(r"\b(?:on|dates?)\s*:?\s*((?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2})"
                       r"(?:\s*(?:,|and|,\s*and)\s*(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}))+)")


def _listed_dates(v) -> list[str]:
    """The days of a list after the verb's "on" or "dates:" ("on 3 and 10 May" is not read; "on 3 May, 10 May and
    17 May" and "across four dates: 14 January, 22 January and 4 March" are), as written."""
    sent = sent_of(v)
    text = text_of(v.doc)[v.idx:sent.end_char]
    m = _DAY_LIST.search(text)
    if m is None:
        return []
    from graph.extract.dates import find_dates

    return [m.group(1)[a:b] for a, b in find_dates(m.group(1))]


DETENTION_WORDS = {"detention", "custody", "arrest", "confinement", "prison", "jail"}


def _detention_rules(v, who, hedge, resolve) -> list[Found]:
    """'X was sent to pre-trial detention', 'released from house arrest': X was the target of the registry's
    detention of that kind."""
    out = []
    for p in follow(v, ["prep=to|into|from|in", "pobj"]):
        if p.lower_ not in DETENTION_WORDS or (p.lower_ == "arrest" and not children(p, {"compound"})):
            continue
        words = frozenset(stem(w.text) for w in p.subtree if w.text not in "-")
        for m in who:
            ev = EventSlot("Detention", m, True, words)
            out.append(Found("targetOf", m, ev, confidence=0.8 * hedge, trigger=v, date_token=v))
            if p.head.lower_ in ("to", "into", "in"):
                # "sent to pre-trial detention in X prison": where the detention took place
                places = follow(p, ["prep=in|at", "pobj"]) + follow(v, ["prep=in|at", "pobj"])
                out += [Found("tookPlaceIn", ev, pl, confidence=0.75 * hedge, trigger=v, date_token=v)
                        for pl in _mentions(resolve, places, {"Prison", "Place"})[:1]]
    return out


PARTICIPATORY = {"Protest", "Election", "ReturnAttempt", "Event"}
TARGETED = {"Dissolution", "Ban", "Detention", "Crackdown"}
"""Events whose target has no relation of its own (unlike arrestedOn, sentencedTo, pardonedBy): `targetOf`."""
ATTEND = forms("attend", "join", "participate", "address", "tell/told/tells/telling")
CONTEST = forms("win/won/wins/winning", "lose/lost/loses/losing", "contest", "boycott")
"""What a party or a candidate does in an election: taking part in it."""
CARRY_OUT = forms("undertake/undertook/undertaken/undertakes/undertaking", "launch", "conduct", "organise", "organize",
                  "stage", "wage", "make/made/makes/making", "issue", "publish")
SERVE = forms("serve", "receive", "get/got/gets/getting", "hand/handed")
ROLE_WORDS = {"role", "roles", "part", "involvement", "participation"}


def _event_roles(tok, resolve) -> list[Found]:
    """Who took part in, was targeted by or carried out an event the registry knows, and where it took place,
    from the phrase that names it: "the planned return of CNRP leaders, including A and B", "Hun Sen's crackdown",
    "a demonstration held by the party", "the gathering in Hanoi"; and from the verb it depends on: "X attended
    the rally", "X undertook a crackdown", "X was convicted for their role in the protest"."""
    evs = [m for m in resolve(tok) if m.type in EVENT_TYPES]
    if not evs:
        return []
    ev = evs[0]
    kind = ev.type
    of_ = follow(tok, ["prep=of", "pobj"])
    of_ += [x for o in of_ for x in follow(o, ["prep=including|as|like", "pobj"])] + follow(tok, [
        "prep=including", "pobj"])  # "the return of the leaders, including A and B"
    poss = children(tok, {"poss"})
    by = follow(tok, ["prep=by", "pobj"]) + follow(tok, ["acl", "agent", "pobj"])
    against = follow(tok, ["prep=against|on|targeting", "pobj"])
    out = []

    def add(pred, subjects, objects, conf=0.8):
        out.extend(Found(pred, a, b, confidence=conf, trigger=tok, date_token=tok)
                   for a in subjects for b in objects if a != b)

    participants, targets, doers = [], [], _mentions(resolve, by, AGENTS)
    if kind in PARTICIPATORY:
        participants += _mentions(resolve, of_, AGENTS)
        if kind == "Protest":
            doers += _mentions(resolve, poss, AGENTS)
        else:
            participants += _mentions(resolve, poss, AGENTS)
        doers += _mentions(resolve, children(tok, {"compound"}), ORGS - {"Prison"})
    elif kind == "Crackdown":
        doers += _mentions(resolve, poss, AGENTS)
        targets += _mentions(resolve, against + of_, AGENTS)
    elif kind in TARGETED:
        targets += _mentions(resolve, of_ + poss + against, AGENTS)
    elif kind == "PublicStatement":
        doers += _mentions(resolve, poss, AGENTS)
        if tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.lower_ in SAY:
            # "X said in a statement", "In a report titled ..., the group said": the speaker's statement; a
            # spokesperson's or director's is their organisation's ("a U.S. Embassy spokesperson said")
            speaker = subject_of(tok.head.head, False)
            if speaker is not None:
                doers += _mentions(resolve, [speaker], AGENTS) or _mentions(
                    resolve, children(speaker, {"compound", "poss"}) if speaker.lower_ in TITLES else [], ORGS)
    head = tok.head
    as_object = tok.dep_ == "dobj"
    if tok.dep_ == "appos" and head.dep_ == "dobj":
        # "X launched Y, a new webpage": the apposition names the object of the verb
        head, as_object = head.head, True
    # "X will attend the rally" names a registry event all the same; other hedges and negations do not count
    planned = head.lower_ in ATTEND and any(c.lower_ in ("will", "would") for c in head.children)
    if as_object and head.lower_ in ATTEND | CARRY_OUT and (planned or not not_a_fact(head)):
        subj = _mentions(resolve, [subject_of(head, False)] if subject_of(head, False) is not None else [], AGENTS)
        (participants if head.lower_ in ATTEND else doers).extend(subj)
    # "convicted for their role in EVENT" (the "in" on the noun, or on the verb that has "for their role")
    role_on_verb = tok.dep_ == "pobj" and head.lower_ == "in" and any(
        r.lower_ in ROLE_WORDS for r in follow(head.head, ["prep=for", "pobj"]))
    if tok.dep_ == "pobj" and head.lower_ == "in" and (head.head.lower_ in ROLE_WORDS or head.head.lower_ in ATTEND
                                                        or role_on_verb):
        verb = head.head if head.head.lower_ in ATTEND or role_on_verb else head.head.head
        while verb.dep_ == "prep":
            verb = verb.head
        if verb.dep_ == "acl":
            participants += _mentions(resolve, [verb.head], AGENTS)  # "campaigners convicted for their roles in"
        elif verb.tag_.startswith("VB"):
            s_ = subject_of(verb, is_passive(verb))
            participants += _mentions(resolve, [s_] if s_ is not None else [], AGENTS)
    if kind == "Sentence" and tok.dep_ == "dobj" and head.lower_ in SERVE and not not_a_fact(head):
        # "X, who was serving a long sentence for insurrection": sentenced, and so convicted of the offence
        s_ = subject_of(head, False)
        who = _mentions(resolve, [s_] if s_ is not None else [], PEOPLE)
        add("sentencedTo", who, [ev], 0.8)
        for c in follow(tok, ["prep=for", "pobj"]):
            ph = charge_phrase(c)
            if ph:
                out.extend(Found("convictedOf", m, ph, confidence=0.75, trigger=tok, date_token=tok) for m in who)
    if kind == "Election":
        participants += _contestants(tok, resolve)
    if kind in TARGETED:
        targets += _victims(tok, resolve)
    add("participantIn", participants, [ev])
    if kind in TARGETED:
        add("targetOf", targets, [ev])
    add("carriedOutBy", [ev], doers)
    # the first place only: "a demonstration at Freedom Park in the capital" took place at the park
    add("tookPlaceIn", [ev], _mentions(resolve, follow(tok, ["prep=in|at", "pobj"]), {"Place", "Prison"})[:1])
    return out


VICTIM_WORDS = {"victim", "victims", "target", "targets", "scapegoat", "scapegoats", "casualty", "casualties"}
BEFALL = ARREST | CHARGE | HOLD | SENTENCE | forms("target", "detain", "imprison", "prosecute", "sweep/swept")


def _victims(tok, resolve) -> list:
    """'X was a victim of the crackdown', 'X was a scapegoat in Y's crackdown', 'X was arrested in the
    crackdown': X was its target."""
    if tok.dep_ != "pobj" or tok.head.lower_ not in ("in", "of", "during"):
        return []
    h = tok.head.head
    if h.lower_ in VICTIM_WORDS and h.dep_ == "attr" and not not_a_fact(h.head):
        return _mentions(resolve, children(h.head, {"nsubj"}), AGENTS)
    if any(a.lower_ in VICTIM_WORDS for a in children(h, {"attr"})) and not not_a_fact(h):
        return _mentions(resolve, children(h, {"nsubj"}), AGENTS)  # the parser hangs "in ..." on "was"
    if h.tag_ == "VBN" and h.lower_ in BEFALL and is_passive(h) and not not_a_fact(h):
        s_ = subject_of(h, True)
        return _mentions(resolve, [s_] if s_ is not None else [], AGENTS)
    return []


def _contestants(tok, resolve) -> list:
    """'X won 41 seats in the election', 'X boycotted the vote', 'the elections in which X won every seat'."""
    verb = tok.head
    while verb.dep_ in ("prep", "pobj", "dobj") and not verb.tag_.startswith("VB") and verb.head.i != verb.i:
        verb = verb.head
    verbs = [verb] if verb.tag_.startswith("VB") and tok.dep_ in ("dobj", "pobj") else []
    # "the elections in which his party won": the clause's "in which" stands for the election
    verbs += [r for r in children(tok, {"relcl"}) if any(w.lower_ == "which" for p in follow(r, ["prep=in"])
                                                          for w in p.children)]
    out = []
    for v in verbs:
        if v.lower_ in CONTEST and not not_a_fact(v):
            s_ = subject_of(v, False)
            out += _mentions(resolve, [s_] if s_ is not None else [], {"Person", "PoliticalParty", "Organization"})
    return out


BEHEST = {"behest", "request", "urging", "initiative", "order", "orders", "instruction", "instructions", "command"}


def _pardon_structure(v, who, givers, resolve, conf) -> list[Found]:
    """A pardon the registry knows: whoever granted it (and at whose behest) carried it out; the pardoned were
    released by it."""
    behest = []
    for p in follow(v, ["prep=at|on|upon", "pobj"]):
        if p.lower_ in BEHEST:  # "at X's request", "on the orders of X"
            behest += _mentions(resolve, children(p, {"poss"}) + follow(p, ["prep=of", "pobj"]),
                                {"Person", "GovernmentBody"})
    out = []
    for m in who:
        ev = EventSlot("Pardon", m, True)
        out += [Found("carriedOutBy", ev, g, confidence=conf, trigger=v, date_token=v) for g in givers + behest]
        out.append(Found("releasedOn", m, ev, confidence=conf * 0.9, trigger=v, date_token=v))
    return out


def _structure(kind, targets, agents, conf, trigger, words=frozenset()) -> list[Found]:
    """An event of the registry's, found through whom it befell: `targetOf` for them, `carriedOutBy` for whoever
    did it ("X was dissolved by the court" -> X targetOf the dissolution, the dissolution carriedOutBy the court).
    Nothing when the registry has no such event: the relation itself already says it (dissolvedBy)."""
    out = []
    for t in targets:
        ev = EventSlot(kind, t, True, frozenset(words))
        out.append(Found("targetOf", t, ev, confidence=conf, trigger=trigger, date_token=trigger))
        out += [Found("carriedOutBy", ev, a, confidence=conf, trigger=trigger, date_token=trigger)
                for a in agents if a != t]
    if not targets:
        for a in agents:
            ev = EventSlot(kind, a, True, frozenset(words))
            out.append(Found("carriedOutBy", ev, a, confidence=conf, trigger=trigger, date_token=trigger))
    return out


def _verdict(who, courts, conf, trigger) -> list[Found]:
    """'The court convicted X', 'X was acquitted by the court': the registry's verdict on X was the court's."""
    return [Found("carriedOutBy", EventSlot("Verdict", m, True), c, confidence=conf, trigger=trigger,
                  date_token=trigger) for m in who for c in courts]


def _pairs(pred, subjects, objects, conf, trigger, **kw):
    return [Found(pred, s, o, confidence=conf, trigger=trigger, date_token=trigger, **kw)
            for s in subjects for o in objects if s != o]


FACE = forms("face")
ARRIVE = forms("arrive")


def _place_under(preps, resolve) -> list:
    """The first place named inside prepositional phrases, however deep ("in a raid on his home in X")."""
    for p in preps:
        for t in p.subtree:
            ms = [m for m in resolve(t) if m.type in ("Place", "Prison") and m.how != "coref"] if t.ent_type_ else []
            if ms:
                return ms[:1]
    return []
OPEN_TRIAL = forms("hold/held/holds/holding", "start", "open", "begin/began/begun/begins/beginning", "conduct",
                   "resume")
STAND = frozenset({"stand", "stood", "stands", "standing", "appear", "appeared", "appears", "appearing"})
LIVE = frozenset({"live", "lives", "lived", "living", "remain", "remains", "remained"})
FLEE = frozenset({"exiled", "fled", "flee", "flees", "fleeing"})
RESIDE = frozenset({"live", "lives", "lived", "living"}) | forms("reside")
VERB_TRIGGERS = (ARREST | CHARGE | CONVICT | SENTENCE | RELEASE | GRANT | PARDON | DISSOLVE | BAN | CONDEMN | HOLD
                 | SEND | TRY | LEAD | ACCUSE | DENY | CALL | DEMAND | DROP | STAND | LIVE | FLEE | RESIDE
                 | forms("describe", "label", "brand", "term") | OPEN_TRIAL | FACE | ARRIVE | ACQUIT)


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
        # "arrested in a raid on his home in Phnom Penh": the first place named in the verb's "in"/"at" phrase
        places = _place_under(follow(v, ["prep=in|at"]), resolve)
        out += [Found("tookPlaceIn", EventSlot("Arrest", m), p, confidence=0.75 * hedge, trigger=v,
                      date_token=v) for m in who for p in places]
        # "arrested on treason charges"
        for c in follow(v, ["prep=on|for", "pobj"]):
            for ph in charge_phrases(c):
                out += [Found("chargedWith", m, ph, confidence=0.75 * hedge, trigger=v) for m in who]
    elif low in CHARGE:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        for c in follow(v, ["prep=with", "pobj|pcomp"]) + follow(v, ["prep=with"]):
            phs = charge_phrases(c)
            for ph in phs:
                out += [Found("chargedWith", m, ph, confidence=0.85 * hedge, trigger=v, date_token=v) for m in who]
            if phs and not who and passive and _plural_pronoun(subj):
                out += _charges_of_previous(v, phs, 0.8 * hedge)
            if phs:
                break
    elif low in CONVICT:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        for c in follow(v, ["prep=of|for", "pobj|pcomp"]):
            for ph in charge_phrases(c):
                out += [Found("convictedOf", m, ph, confidence=0.85 * hedge, trigger=v, date_token=v) for m in who]
        courts = _mentions(resolve, agent, {"Court"})
        if not passive:
            out += _pairs("triedBy", who, courts, 0.7 * hedge, v)
        out += _verdict(who, courts, 0.8 * hedge, v)
    elif low in ACQUIT:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        out += _verdict(who, _mentions(resolve, agent, {"Court"}), 0.8 * hedge, v)
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
            # "granted a pardon at X's request to Y": the "to" may hang from the phrase before it
            who = _mentions(resolve, follow(v, ["prep=to", "pobj"]) + follow(v, ["dobj", "prep=to", "pobj"])
                            + follow(v, ["prep", "pobj", "prep=to", "pobj"])
                            + children(v, {"dative"}) + follow(v, ["dative", "pobj"]), PEOPLE)
            givers = _mentions(resolve, agent, AUTHORITIES - {"Court"} | {"Person"})
            out += _pairs("pardonedBy", who, givers, 0.8 * hedge, v)
            out += _pardon_structure(v, who, givers, resolve, 0.8 * hedge)
    elif low in PARDON:
        who = subjects if passive else _mentions(resolve, dobj, PEOPLE)
        givers = _mentions(resolve, agent, {"Person", "GovernmentBody"})
        out += _pairs("pardonedBy", who, givers, 0.85 * hedge, v)
        out += _pardon_structure(v, who, givers, resolve, 0.85 * hedge)
    elif low in DISSOLVE:
        orgs = (_mentions(resolve, [subj] if subj is not None else [], ORGS) if passive
                else _mentions(resolve, dobj, ORGS))
        by = _mentions(resolve, agent, {"Court", "GovernmentBody"})
        out += _pairs("dissolvedBy", orgs, by, 0.9 * hedge, v)
        out += _structure("Dissolution", orgs, by, 0.85 * hedge, v)
    elif low in BAN:
        who = (_mentions(resolve, [subj] if subj is not None else [], AGENTS) if passive
               else _mentions(resolve, dobj, AGENTS))
        for a in follow(v, ["prep=from", "pobj|pcomp"]):
            ph = activity_phrase(a)
            if ph:
                out += [Found("bannedFrom", m, ph, confidence=0.8 * hedge, trigger=v, date_token=v) for m in who]
        out += _structure("Ban", who, _mentions(resolve, agent, {"Court", "GovernmentBody", "Person"}),
                          0.8 * hedge, v)
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
    elif low in DENY and passive:
        # "X was denied entry into Y": X is banned from entering Y (the registry's activity only)
        for e in children(v, {"dobj"}):
            if e.lower_ == "entry":
                for y in follow(e, ["prep=into|to", "pobj"]):
                    ph = PhraseSlot("Activity", f"entering {y.text}", y.idx, y.idx + len(y.text), False, True)
                    out += [Found("bannedFrom", m, ph, confidence=0.75 * hedge, trigger=v, date_token=v)
                            for m in _mentions(resolve, [subj] if subj is not None else [], PEOPLE)]
    elif low in DENY and not passive:
        denier = _mentions(resolve, agent, AGENTS)
        critics = _mentions(resolve, follow(v, ["dobj", "poss"]), AGENTS)
        # "rejected criticism by Y", "dismissed accusations from Y"
        critics += [m for m in _mentions(resolve, follow(v, [f"dobj={'|'.join(sorted(CRITICISM_WORDS))}",
                                                          "prep=by|from", "pobj"]), AGENTS) if m not in critics]
        if v.dep_ == "relcl" and v.head.lower_ in CRITICISM_WORDS and v.head.head.lower_ in ACCUSE:
            # "X accused Y of plotting, an allegation Y denies": Y rejects X's criticism
            accuser = v.head.head
            critics += _mentions(resolve, children(accuser, {"nsubj"}), AGENTS)
            denier = denier or _mentions(resolve, children(accuser, {"dobj"}), AGENTS)
        if not critics:
            # "denied the report's allegations": the organisation whose report it is, the last one named
            doc_words = [p for d in children(v, {"dobj"}) if d.lower_ in CRITICISM_WORDS
                         for p in children(d, {"poss"}) if p.lower_ in DOCUMENT_WORDS
                         and any(c.lower_ == "the" for c in p.children)]
            critics = [m for d in doc_words for m in resolve(_Stand("group", d)) if m.type == "NGO"]
        out += _pairs("rejectsCriticismBy", denier, critics, 0.7 * hedge, v)
    if low in CALL or low in DEMAND:
        out += _call_rules(v, low, agent, resolve)
        out += _urged_to_stop(v, agent, resolve)
    if low in LABEL:
        out += _labelled(v, agent, resolve)
    if low in STAND:
        if any(c.lower_ == "trial" for c in dobj) or low.startswith("appear"):
            courts = _mentions(resolve, follow(v, ["prep=before|at|in", "pobj"]), {"Court"})
            who = _mentions(resolve, agent, PEOPLE)
            out += _pairs("triedBy", who, courts, 0.75 * hedge, v)
    if low in OPEN_TRIAL:
        out += _trial_rules(v, agent, resolve, hedge)
    if low in FACE:
        # "X, who faces charges of espionage", "X is facing treason charges"
        for c in children(v, {"dobj"}):
            phs = charge_phrases(c) if c.lower_ in CHARGE_NOUNS else []
            holders = _mentions(resolve, agent, PEOPLE)
            for ph in phs:
                out += [Found("chargedWith", m, ph, confidence=0.75 * hedge, trigger=v, date_token=v)
                        for m in holders]
            if phs and not holders and any(_plural_pronoun(a) for a in agent):
                out += _charges_of_previous(v, phs, 0.75 * hedge)  # "They face charges of A and B"
    if low in SEND | RELEASE | forms("refuse") and not_a_fact(v) is False:
        out += _detention_rules(v, subjects if passive else _mentions(resolve, dobj, PEOPLE), hedge, resolve)
    if low in ARRIVE and not passive:
        # "X arrived in Y on Saturday": the registry's arrival of X, if it has one
        for m in _mentions(resolve, agent, PEOPLE):
            ev = EventSlot("Event", m, True, frozenset({"arrival"}))
            out.append(Found("participantIn", m, ev, confidence=0.75 * hedge, trigger=v, date_token=v))
            out += [Found("tookPlaceIn", ev, p, confidence=0.75 * hedge, trigger=v, date_token=v)
                    for p in _mentions(resolve, follow(v, ["prep=in|at", "pobj"]), {"Place"})[:1]]
    if low in RESIDE and v.dep_ == "relcl" and not any(c.lower_ == "exile" for c in follow(v, ["prep=in", "pobj"])):
        # "X, who lives in Y": where X lives; exile only if the article speaks of exile (discourse.py)
        out += _pairs("_residesIn", _mentions(resolve, agent, {"Person"}),
                      _mentions(resolve, follow(v, ["prep=in", "pobj"]), {"Place"})[:1], 0.65 * hedge, v)
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


EVENT_VERBS = {**{w: "Dissolution" for w in DISSOLVE}, **{w: "Arrest" for w in ARREST},
               **{w: "Ban" for w in BAN}, **{w: "Sentence" for w in SENTENCE if not w.startswith("jail")}}


def _clause_event(tok, resolve) -> list:
    """The registry's event a clause states, for a "which" the parser hung on a noun inside it: "the court ruled
    to dissolve the party and annulled its members' mandates, which X called ...": the dissolution."""
    verb, steps = tok, 0
    while not verb.tag_.startswith("VB") and verb.dep_ in ("pobj", "prep", "dobj", "conj", "appos") and steps < 6:
        verb, steps = verb.head, steps + 1
    if not verb.tag_.startswith("VB"):
        return []
    verbs = [verb] + ([verb.head] if verb.dep_ == "conj" else [])
    verbs += [x for v in list(verbs) for x in children(v, {"xcomp"})]
    for v in verbs:
        kind = EVENT_VERBS.get(v.lower_)
        if kind is None or not_a_fact(v):
            continue
        passive = is_passive(v)
        subj = subject_of(v, True) if passive else None
        whom = _mentions(resolve, [subj] if subj is not None else [], AGENTS) if passive else _mentions(
            resolve, children(v, {"dobj"}), AGENTS)
        return [EventSlot(kind, m, True) for m in whom]
    return []


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
            named += _events([v.head], resolve) or _clause_event(v.head, resolve)
            continue
        named += _mentions(resolve, [t], AGENTS) + _events([t], resolve)
    return _pairs("condemnedBy", named, _mentions(resolve, agent, AGENTS), 0.75, v)


CATEGORY_PLACES = {"prison", "jail", "park", "province", "district", "village", "centre", "center", "camp", "square",
                   "street", "road", "temple", "pagoda", "market", "airport", "stadium", "university", "building"}


def _subject_to_charges(tok, resolve) -> list[Found]:
    """'X have been subject to charges including “treason” and “fraud”': X charged with each."""
    verb = tok.head
    s_ = subject_of(verb, False) or subject_of(verb, True)
    if not verb.tag_.startswith("VB") or s_ is None or not_a_fact(verb):
        return []
    who = _mentions(resolve, [s_], PEOPLE)
    return [Found("chargedWith", m, ph, confidence=0.75 * caution(verb), trigger=verb, date_token=verb)
            for c in follow(tok, ["prep=to", "pobj"]) if c.lower_ in CHARGE_NOUNS for ph in charge_phrases(c)
            for m in who]


INCLUDE = forms("include", "comprise")
COMPRISE = INCLUDE | {"is", "are", "was", "were"}
PREVIOUS = "previous"
"""The subject of a finding about whoever the previous sentences named (discourse.py resolves it)."""


def _listed_members(t, resolve) -> list[Found]:
    """'43 members of X, including senior leaders such as A, B and C', 'the defendants comprise activists of X
    including A and B': A, B and C are among the group (an internal `_listedIn` the article-level pass in
    discourse.py turns into the group's trials for each)."""
    people = []
    for p in children(t, {"pobj"}):
        ms = _mentions(resolve, [p], {"Person"}) or _mentions(resolve, follow(p, ["prep=as", "pobj"]), {"Person"})
        people += [m for m in ms if m not in people]
    if not people:
        return []
    head = t.head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    if head.dep_ in ("dobj", "attr") and head.head.lower_ in COMPRISE:
        holders = children(head.head, {"nsubj"})  # "the defendants comprise politicians ... including A"
    elif head.lower_ in TRIAL_WORDS:
        holders = follow(head, ["prep=of|against", "pobj"])  # the parser hangs the list on "the trial of ..."
    else:
        holders = [head]
    groups = _mentions(resolve, holders, {"PersonGroup"})[:1]
    if not groups and _the_defendants(holders):
        groups = [PREVIOUS]  # "The defendants comprise ...": the defendants the sentences before spoke of
    return [Found("_listedIn", m, g, confidence=0.8, trigger=t) for m in people for g in groups]


def _among(t, resolve) -> list[Found]:
    """'X was among 11 party members who were jailed', 'X and Y were among the defendants': X is one of the group
    (`_listedIn`, as for a list)."""
    v = t.head
    if not_a_fact(v) or any(c.dep_ == "neg" for c in v.children):
        return []  # "X was not among those released"
    people = _mentions(resolve, children(v, {"nsubj"}), {"Person"})
    if not people:
        return []
    pobj = children(t, {"pobj"})
    groups = _mentions(resolve, pobj, {"PersonGroup"})[:1]
    if not groups and _the_defendants(pobj):
        groups = [PREVIOUS]
    return [Found("_listedIn", m, g, confidence=0.8, trigger=t) for m in people for g in groups]


PART_WORDS = {"part", "culmination", "apogee", "climax", "continuation", "escalation", "chapter", "example",
              "instance"}
BACK_NOUNS = {"cases": ("LegalCase",), "lawsuits": ("LegalCase",), "prosecutions": ("LegalCase",),
              "trials": ("Trial", "LegalCase"), "verdicts": ("Verdict",), "convictions": ("Verdict",),
              "sentences": ("Sentence",), "arrests": ("Arrest",), "detentions": ("Detention", "Arrest"),
              "hearings": ("Hearing",)}
"""Plural nouns that, with "these", "the" or "such", refer back to events or cases of these kinds named before."""


def _part_of_campaign(attr, resolve) -> list[Found]:
    """'These cases are the culmination of a relentless campaign of persecution', 'the detentions were part of
    a wider crackdown' (said by Y): the events or cases are part of the registry's campaign; a campaign the
    speaker calls persecution, repression or a crackdown is condemned by the speaker. What "these cases" are is
    whatever cases the article named just before (discourse.py)."""
    if not_a_fact(attr.head) or any(c.dep_ == "neg" for c in attr.head.children):
        return []
    campaigns = [m for c in follow(attr, ["prep=of", "pobj"]) for m in resolve(c)
                 if m.type in ("Crackdown", "Event")][:1]
    if not campaigns:
        return []
    camp = campaigns[0]
    out = []
    for subj in children(attr.head, {"nsubj"}):
        parts = [m for m in _mentions(resolve, [subj]) if m.type in EVENT_TYPES or m.type == "LegalCase"]
        if parts:
            out += [Found("partOf", m, camp, confidence=0.75, trigger=attr.head) for m in parts if m != camp]
            continue
        # "this onslaught of cases", "such an influx of lawsuits", "the detentions"
        noun = subj if subj.lower_ in BACK_NOUNS else next(iter(follow(subj, ["prep=of", "pobj"])), None)
        if noun is not None and noun.lower_ in BACK_NOUNS and any(
                c.lower_ in ("this", "these", "the", "such") for t in (subj, noun) for c in t.children):
            out.append(Found("_partOfPrevious", PREVIOUS, camp, confidence=0.8, trigger=attr.head,
                             extra={"kinds": BACK_NOUNS[noun.lower_]}))
    words = {w.lower_ for c in follow(attr, ["prep=of", "pobj"]) for w in c.subtree}
    if out and words & CONDEMNING:
        out.append(Found("condemnedBy", camp, None, confidence=0.7, trigger=attr.head,
                         extra={"speaker_is_object": True}))
    return out


def _the_defendants(toks) -> bool:
    """Whether one of the tokens is "the defendants" or "these accused": a group named before."""
    return any(t.lower_ in ("defendants", "accused") and any(c.lower_ in ("the", "these") for c in t.children)
               for t in toks)


def _plural_pronoun(tok) -> bool:
    return tok is not None and tok.lower_ in ("they", "them")


def _charges_of_previous(v, phrases, conf) -> list[Found]:
    """Charges whose holder is only referred to ("They face charges of A and B", "The charges include A"): the
    defendants and the case of the sentences before, found by discourse.py."""
    return [Found("_chargesOfPrevious", PREVIOUS, ph, confidence=conf, trigger=v, date_token=v) for ph in phrases]


def _the_charges_include(v) -> list[Found]:
    """'The charges vary in each case and include “plotting” and “criminal attempt”', 'Their charges include
    treason and espionage': the charges of the group and case the previous sentences spoke of."""
    if not_a_fact(v):
        return []
    s_ = subject_of(v, False)
    if s_ is None or s_.lower_ not in ("charges", "counts") or not any(
            c.lower_ in ("the", "these", "those", "their") for c in s_.children):
        return []
    if any(c.dep_ in ("prep", "poss") and c.lower_ != "their" for c in s_.children):
        return []  # "the charges against Y include ...", "Y's charges": a holder named here, not before
    phrases = _quoted_list_after(v)
    if not phrases:
        phrases = [ph for d in children(v, {"dobj", "attr"}) for ph in charge_phrases(d)]
    return _charges_of_previous(v, phrases, 0.8)


def _country(adjective: str, resolve):
    """The registry's country a demonym names ("Nortian" -> "Nortia"), by its exact name only."""
    if not hasattr(resolve, "lookup") or not adjective.endswith("n"):
        return None
    m = resolve.lookup(adjective[:-1])
    return m if m is not None and m.type == "Place" and norm_text(m.text) == norm_text(adjective[:-1]) else None


def norm_text(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _capital(tok, resolve) -> list[Found]:
    """'the Nortian capital Paris', 'Paris, the capital of Nortia': the city is in the country."""
    cities = [m for m in _mentions(resolve, children(tok, {"appos"}), {"Place"}) if m.how != "coref"]
    if tok.dep_ == "appos":
        cities += [m for m in _mentions(resolve, [tok.head], {"Place"}) if m.how != "coref"]
    if len(cities) != 1:
        return []
    countries = _mentions(resolve, follow(tok, ["prep=of", "pobj"]), {"Place"})
    for c in children(tok, {"amod", "compound"}):
        if c.ent_type_ in ("NORP", "GPE") or c.text[:1].isupper():
            m = _country(c.text, resolve)
            if m is not None:
                countries.append(m)
    return _pairs("locatedIn", cities, countries[:1], 0.75, tok)


def _located(tok, resolve) -> list[Found]:
    """'the New York-based Human Rights Watch', 'Freedom Park in the capital Phnom Penh', 'X prison in Y
    province': where an organisation, a place or a prison is."""
    if tok.lower_ == "based":
        places = _mentions(resolve, children(tok, {"npadvmod", "compound", "nmod"}), {"Place"})
        org = tok.head.head if tok.head.dep_ == "appos" and not resolve(tok.head) else tok.head
        return _pairs("locatedIn", _mentions(resolve, [org], ORGS), places, 0.75, tok)
    if tok.dep_ in ("compound", "nmod") or tok.i + 1 < len(tok.doc) and tok.nbor(1).dep_ == "compound" and \
            tok.nbor(1).head.i == tok.i:
        return []
    here = [m for m in resolve(tok) if m.type in ("Place", "Prison") and m.how != "coref"]
    inside = _mentions(resolve, follow(tok, ["prep=in", "pobj"]), {"Place"})
    return _pairs("locatedIn", here[:1], inside[:1], 0.7, tok)


STOP = forms("stop", "end", "cease", "halt")
ABUSE = forms("misuse", "abuse", "harass", "persecute", "repress", "intimidate", "silence", "crush")
WRONGS = {"repression", "repressions", "persecution", "harass", "harassing", "harassment", "intimidation",
          "intimidating", "crackdown", "abuse", "abuses", "attacks", "prosecuting", "persecuting", "threats",
          "violence", "torture", "detaining", "jailing", "arresting", "silencing", "targeting", "crushing", "misuse"}


def _criticism(v, low, resolve) -> list[Found]:
    """Said by someone: "X must stop harassing critics", "X must end its repression", "X routinely misuses the
    courts": the speaker criticizes X. A country named as the doer is its government ("Nortia must end ...")."""
    if low in STOP:
        modal_on = [v, v.head] if v.dep_ == "conj" else [v]  # "must release X and end the harassment"
        if not any(c.lower_ in ("must", "should") for t in modal_on for c in t.children) or any(
                c.dep_ == "neg" for t in modal_on for c in t.children):
            return []
        if not any(w.lower_ in WRONGS for c in v.children if c.dep_ in ("dobj", "xcomp") for w in c.subtree):
            return []
    elif not_a_fact(v) or is_passive(v):
        return []
    doers = []
    for m in _mentions(resolve, [s] if (s := subject_of(v, False)) is not None else []):
        if m.type == "Place" and hasattr(resolve, "lookup"):
            m = resolve.lookup(f"government of {m.text}") or resolve.lookup(f"{m.text} government")
        if m is not None and m.type in AGENTS:
            doers.append(m)
    out = [Found("criticizes", None, m, confidence=0.7, trigger=v, extra={"speaker_is_subject": True})
           for m in doers]
    if low in STOP:
        out += _stopped_campaigns(v, doers, resolve, None)
    return out


def _stopped_campaigns(act, doers, resolve, according_to) -> list[Found]:
    """'X must end its repression of dissent', 'urged X to put an end to the crackdown': a campaign of the
    registry that X is told to stop is X's, as whoever demands it says."""
    things = children(act, {"dobj"}) + follow(act, ["dobj=end|halt|stop", "prep=to", "pobj"])
    if act.lower_ in ("put", "bring", "puts", "brings", "putting", "bringing", "brought"):
        things += follow(act, ["prep=to", "pobj"])  # "put an end to X": the parser may hang "to X" on the verb
    events = [m for t in things if t.lower_ not in ("end", "halt", "stop") for m in resolve(t)
              if m.type == "Crackdown"]
    return [Found("carriedOutBy", e, d, confidence=0.7, trigger=act, according_to=according_to,
                  extra={"needs_speaker": True}) for e in events for d in doers]


def _urged_to_stop(v, agent, resolve) -> list[Found]:
    """'X urged the authorities to put an end to repression', 'X called on Y to stop harassing critics': X
    criticizes Y."""
    out = []
    for y in children(v, {"dobj"}) + follow(v, ["prep=on", "pobj"]):
        for act in children(y, {"acl", "relcl"}) + children(v, {"xcomp", "ccomp"}):
            stops = act.lower_ in STOP or (act.lower_ in ("put", "bring") and follow(act, ["dobj=end|halt|stop"]))
            if stops and any(w.lower_ in WRONGS for w in act.subtree):
                targets = []
                for m in _mentions(resolve, [y]):
                    if m.type == "Place" and hasattr(resolve, "lookup"):
                        m = resolve.lookup(f"government of {m.text}") or resolve.lookup(f"{m.text} government")
                    if m is not None and m.type in AGENTS:
                        targets.append(m)
                urgers = _mentions(resolve, agent, AGENTS)
                out += _pairs("criticizes", urgers, targets, 0.75, v)
                out += _stopped_campaigns(act, targets, resolve, urgers[0] if urgers else None)
    return out


def _forbidden(v) -> bool:
    """'cannot leave', 'may not meet', 'is not allowed to travel': a verb its subject is kept from doing."""
    kids = {c.lower_ for c in v.children if c.dep_ in ("aux", "neg")}
    if {"ca", "can", "may", "must"} & kids and {"not", "n't", "nt"} & kids:
        return True
    return v.dep_ == "xcomp" and v.head.lower_ in ("allowed", "permitted") and any(
        c.dep_ == "neg" for c in v.head.children)


def _restriction(v, resolve) -> list[Found]:
    """'He cannot leave the country': banned from an activity the registry names (what someone cannot do is
    too often plain inability to be proposed as a new activity)."""
    subj = (subject_of(v, False) or subject_of(v, True) if v.dep_ != "xcomp"
            else subject_of(v.head, True) or subject_of(v.head, False))
    who = _mentions(resolve, [subj] if subj is not None else [], PEOPLE)
    out = []
    for verb in [v, *(c for c in v.conjuncts if c.head.i == v.i)]:
        if verb.tag_ not in ("VB", "VBP"):
            continue
        words = [t for t in verb.subtree if t.i == verb.i or t.i > verb.i and t.dep_ not in (
                 "punct", "cc", "conj", "aux", "neg") and not (t.head.i == verb.i and t.dep_ in ("advcl", "ccomp"))]
        later = {c.i for c2 in verb.conjuncts if c2.head.i == verb.i for c in c2.subtree}
        words = [t for t in words if t.i not in later]  # "cannot leave X and meet Y": each verb its own
        if not words or len(words) > 8:
            continue
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        text = text_of(v.doc)[start:end]
        ph = PhraseSlot("Activity", text, start, end, False, known_only=True)
        out += [Found("bannedFrom", m, ph, confidence=0.75, trigger=v, date_token=v) for m in who]
    return out


DESCRIBED = {"Person", "PersonGroup", "Organization", "PoliticalParty", "NGO", "GovernmentBody", "MediaOutlet",
             "Court"}
_DESCRIPTION_STOP = {"who", "which", "that", "whose", "where", "when"}
_BREAKS = {",", ";", ":", "—", "–", "(", "-"}


def _description(t, resolve) -> list[Found]:
    """'X, an expert on regional politics, said', 'X—a prominent land activist—was freed': an indefinite
    apposition describes X in the text's own words. Not when the apposition names an organisation (a post,
    "a member of Y", is a relation the title rules read) or is a name itself."""
    dets = [c for c in t.children if c.dep_ == "det"]
    if not dets or dets[0].lower_ not in ("a", "an") or dets[0].i != t.left_edge.i:
        return []
    if t.ent_type_ or any(resolve(t)):
        return []
    whom = [m for m in resolve(t.head) if m.type in DESCRIBED and m.how in ("name", "alias", "acronym", "partial")]
    if not whom:
        return []
    words = []
    for w in t.subtree:
        if w.i <= dets[0].i:
            continue
        if w.i > t.i and (w.lower_ in _DESCRIPTION_STOP or w.dep_ in ("relcl", "appos") or w.text in _BREAKS):
            break
        words.append(w)
    while words and (words[-1].is_punct or words[-1].dep_ in ("cc", "prep")):
        words.pop()
    if not words or len(words) > 10 or words[-1].i < t.i:
        return []
    for w in words:
        if w.i != t.i and any(m.type in ORGS for m in resolve(w) if m.how != "coref") and w.dep_ != "npadvmod":
            return []  # "a spokesman for the party", "a member of Y": the title rules' relation, not a description
    if t.lower_ in TITLES and any(w.ent_type_ in ("ORG", "NORP", "GPE") for w in words):
        return []
    text = text_of(t.doc)[words[0].idx:words[-1].idx + len(words[-1].text)]
    return [Found("description", m, value=text, confidence=0.7, trigger=t) for m in whom[:1]]


EPITHETS = {"sham", "unjust", "unfair", "arbitrary", "bogus", "baseless", "fabricated", "trumped-up", "farcical",
            "politically-motivated", "unlawful", "illegal"}
"""Adjectives that condemn the event they qualify ("sham elections", "politically motivated cases")."""


def _epithet(tok, resolve) -> list[Found]:
    """'..., arguing that the releases came after sham elections', Y said: an event of the registry qualified
    as a sham, arbitrary or politically motivated is condemned by whoever says so; said by nobody (the
    article's own words), nothing."""
    mods = children(tok, {"amod", "compound", "nmod"})
    if not any(m.lower_ in EPITHETS or (m.lower_ == "motivated" and any(c.lower_ == "politically"
                                                                           for c in m.children)) for m in mods):
        return []
    named = [m for m in resolve(tok) if m.type in EVENT_TYPES or m.type == "LegalCase"]
    return [Found("condemnedBy", m, None, confidence=0.65, trigger=tok, extra={"speaker_is_object": True})
            for m in named]


def _called_so(attr, resolve) -> list[Found]:
    """'These trials are an affront to justice, X said': an event (or a case) said to be an affront, a sham,
    politically motivated, is condemned by whoever says so; with nobody saying it, nothing."""
    if not any(w.lower_ in CONDEMNING for w in attr.subtree) or not_a_fact(attr.head):
        return []
    things = children(attr.head, {"nsubj"})
    named = [m for m in _mentions(resolve, things) if m.type in EVENT_TYPES or m.type == "LegalCase"]
    return [Found("condemnedBy", m, None, confidence=0.7, trigger=attr.head, extra={"speaker_is_object": True})
            for m in named]


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
                targets += follow(r2, ["dobj=charges|charge|case|cases", "prep=including", "prep=against", "pobj"])
                if follow(r2, ["dobj=charges|charge|case|cases"]):  # "drop all charges, including against X"
                    targets += follow(r2, ["prep=including", "prep=against", "pobj"])
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


def _hyphenated_title(t):
    """The first part of a post written with a hyphen ("vice" of "vice-president"), or None."""
    doc = t.doc
    if t.i >= 2 and doc[t.i - 1].text == "-" and f"{doc[t.i - 2].lower_}-{t.lower_}" in TITLES:
        return doc[t.i - 2]
    return None


def _title_rules(t, resolve) -> list[Found]:
    """Posts: 'X, president of Y', 'Y President X', 'Y's director X', 'X is the spokesman for Y'."""
    low = t.lower_ if t.lower_ in TITLES else t.lower_[:-1]
    people: list = []
    if t.dep_ == "appos":
        people = _mentions(resolve, [t.head], {"Person"})
    elif t.dep_ == "conj" and t.left_edge.i > 0 and t.doc[t.left_edge.i - 1].text == "," and \
            t.head.ent_type_ == "PERSON":
        # "Jane Roe, X's Regional Director, said": an apposition the parser took for a conjunct
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
    # "vice-president", "secretary-general": the tokenizer splits the post, and the parser hangs "Y's" on its
    # first part
    split = _hyphenated_title(t)
    orgs = _mentions(resolve, follow(t, ["prep=of|for|at|with|in", "pobj"])
                     + follow(t, ["prep=for|of", "pcomp", "dobj"])
                     + children(t, {"compound", "poss", "nmod"})
                     + (children(split, {"poss", "compound", "nmod"}) if split is not None else []),
                     ORGS - {"Prison"})
    # "Amnesty's director in the region" or "CNRP member" also reach the org through the title's own modifiers.
    for c in children(t, {"compound", "nmod", "amod"}):
        orgs += [m for m in _mentions(resolve, children(c, {"poss", "compound"}), ORGS - {"Prison"}) if m not in orgs]
        if not orgs and c.lower_ == "party":
            orgs = [m for m in resolve(_Stand("party", c)) if m.type == "PoliticalParty"]  # "senior party leaders"
    head_of_state = low in ("minister", "president", "premier", "chancellor") and (
        low != "minister" or any(c.lower_ == "prime" for c in t.children))
    if not orgs and head_of_state and hasattr(resolve, "lookup"):
        # "Cambodian Prime Minister X": the government the registry calls "Cambodian government"
        for c in t.children:
            if c.dep_ in ("amod", "compound") and re.search(r"(?:ian|ese|ish|an)$", c.lower_):
                orgs = [m for m in [resolve.lookup(f"{c.text} government")] if m and m.type == "GovernmentBody"]
    if not orgs:
        return []
    role = None if listed else title_role(t, orgs)
    if split is not None:
        low = f"{split.lower_}-{t.lower_}"
        role = None if listed else low[:1].upper() + low[1:]
    out = []
    for o in orgs:
        if low in LEADER_TITLES or head_of_state:
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


def _freeing(t, resolve) -> list[Found]:
    """'the freeing by royal decree of X and three other campaigners': X released by the registry's release of
    X (never a new event: the noun is too often a demand's object)."""
    for a in [t, *t.ancestors]:
        if a.lower_ in CALL | DEMAND | SAY_DEMAND or (a.tag_.startswith("VB") and not_a_fact(a)):
            return []
    # only a freeing the sentence tells as done: its subject, or what something followed or came after
    told = t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "dobj" and t.head.lower_ in SEQUENCE) or (
        t.dep_ == "pobj" and t.head.lower_ in ("after", "since", "following"))
    if not told:
        return []
    who = []
    # "the freeing of X", "the freeing by royal decree of X" (the parser hangs "of X" on the decree)
    for p in follow(t, ["prep=of", "pobj"]) + follow(t, ["prep=by", "pobj", "prep=of", "pobj"]):
        who += [m for m in _mentions(resolve, [p], PEOPLE) if m not in who]
    out = []
    for m in who:
        ev = EventSlot("Release", who[0], True)  # the release is named after the first of those freed
        out.append(Found("releasedOn", m, ev, confidence=0.7, trigger=t, date_token=t))
    return out


SAY_DEMAND = forms("seek/sought/seeks/seeking", "want", "press")
SEQUENCE = forms("follow", "precede", "trigger", "prompt")


def _noun_rules(t, low, resolve) -> list[Found]:
    out = []
    if low == "release" and t.dep_ in ("pobj", "dobj"):
        # "calls for the release of X" is read by the call rules from the verb's side; here "X's release" as fact
        return out
    if low == "bail":
        # "the granting of bail to X", "bail for X": a bail granted, and a release on it
        grant = t.head.head if t.dep_ == "pobj" and t.head.lower_ == "of" else None
        who = follow(t, ["prep=to|for", "pobj"])
        if grant is not None and (grant.lower_ in GRANT or grant.lower_ in ("granting", "grant")):
            who += follow(grant, ["prep=to|for", "pobj"])
            if grant.dep_ == "dobj":  # "welcomed the granting of bail to X": the parser may hang "to X" on the verb
                who += follow(grant.head, ["prep=to", "pobj"])
        elif not who:
            return out
        for m in _mentions(resolve, who, PEOPLE):
            out.append(Found("bailGranted", m, EventSlot("Bail", m), confidence=0.75, trigger=t, date_token=t))
            out.append(Found("releasedOn", m, EventSlot("Bail", m), confidence=0.7, trigger=t, date_token=t))
    if low == "dissolution":
        orgs = _mentions(resolve, follow(t, ["prep=of", "pobj"]), ORGS)
        by = _mentions(resolve, follow(t, ["prep=by", "pobj"]), {"Court", "GovernmentBody"})
        out += _pairs("dissolvedBy", orgs, by, 0.8, t)
        out += _structure("Dissolution", orgs, by, 0.8, t)
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
    years = [y for y in sent_of(t) if y.lower_ in ("years", "year") and y.i > t.i and y.i - t.i <= 10]
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
    for c in sent_of(t):
        if c.lower_ in ("of", "with") and c.head.lower_ in CONVICT | CHARGE and c.i > t.i:
            for p in children(c, {"pobj", "pcomp"}):
                ph = charge_phrase(p)
                if ph:
                    return ph
    best = None
    for c in sent_of(t):
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


_CODE_AFTER = re.compile(r"\s*of\s+(?:the\s+|\w+['’]s\s+)?((?:[A-Z][\w’'-]*\s+){0,3}(?:Code|Law|Constitution))\b")


_LIST_GLUE = {",", "and", ";"}


def _quoted_list_before(tok) -> list[PhraseSlot]:
    """The quoted phrases listed right before a token ('“A”, “B” and “C” under ...'), in order; the list
    ends at the first word outside quotes that is not a comma or "and"."""
    out = _quoted_run(tok, -1)
    return out if len(out) >= 2 else []


def _quoted_list_after(tok) -> list[PhraseSlot]:
    """The quoted phrases listed right after a token ('include “A”, “B” and “C”'), in order."""
    return _quoted_run(tok, 1)


def _quoted_run(tok, step: int) -> list[PhraseSlot]:
    """The run of quoted phrases, joined by commas and "and", next to a token: after it (`step` 1) or before
    it (-1); in the text's order."""
    doc, out = tok.doc, []
    sent = sent_of(tok)
    lo, hi = sent.start, sent.end
    first, last = (_OPEN_Q, _CLOSE_Q) if step > 0 else (_CLOSE_Q, _OPEN_Q)
    k = tok.i + step
    while lo <= k < hi:
        if doc[k].text in first and doc[k].text != "'":
            j = k + step
            while lo <= j < hi and doc[j].text not in last:
                j += step
            if not lo <= j < hi or not 2 <= abs(j - k) <= 12:
                break
            a, b = sorted((doc[k + step], doc[j - step]), key=lambda t: t.i)
            text = text_of(doc)[a.idx:b.idx + len(b.text)].strip(" .,;")
            out.append(PhraseSlot("Charge", text, a.idx, a.idx + len(text), True))
            k = j + step
        elif doc[k].lower_ in _LIST_GLUE and out:
            k += step
        else:
            break
    return out if step > 0 else out[::-1]


def _law_articles_respectively(t) -> list[Found]:
    """'charged with A and B under Articles 217 and 312 of the Penal Code, respectively': the charges and the
    articles paired in order; nothing unless the text says "respectively" and the two lists are equally long."""
    sent = sent_of(t)
    if t.i == 0 or t.doc[t.i - 1].lower_ != "under" or not any(w.lower_ == "respectively" for w in sent):
        return []
    numbers, k = [], t.i + 1
    while k < sent.end and (t.doc[k].text.isdigit() or t.doc[k].lower_ in (",", "and")):
        if t.doc[k].text.isdigit():
            numbers.append(t.doc[k].text)
        k += 1
    text = text_of(t.doc)
    m = _CODE_AFTER.match(text, t.doc[k - 1].idx + len(t.doc[k - 1].text)) if k > t.i + 1 else None
    if len(numbers) < 2 or m is None:
        return []
    # the coordinated charges just before "under": the first conjunct and its conjuncts, in order
    anchor = t.doc[t.i - 1].head
    while anchor.dep_ == "conj" and anchor.head.i != anchor.i:
        anchor = anchor.head
    if anchor.tag_.startswith("VB"):
        heads = follow(anchor, ["prep=with|of|for", "pobj"])
        anchor = heads[0] if heads else anchor
    charges = sorted(charge_phrases(anchor), key=lambda ph: ph.start)
    if len(charges) != len(numbers):
        charges = _quoted_list_before(t.doc[t.i - 1])  # the parser often breaks a list of quoted names
    if len(charges) != len(numbers):
        return []
    code = m.group(1)
    return [Found("lawArticle", ph, value=f"{code[:1].upper()}{code[1:]}, Article {n}", confidence=0.8, trigger=t)
            for ph, n in zip(charges, numbers)]


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
            if not people and 15 <= n <= 110:
                # ... who may be the person the paragraph before was about (discourse.py)
                return [Found("_agePrevious", PREVIOUS, value=n, confidence=conf, trigger=t)]
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


DOCUMENT_WORDS = {"report", "statement", "letter", "study", "webpage", "website", "release", "submission"}


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
                if not subj and subject_of(head, False) is not None:
                    subj = [subject_of(head, False)]  # "Y quoted X as saying that ...": X says it
                ms = _mentions(resolve, subj, AGENTS) or _mentions(resolve, [
                    c for s_ in subj if s_.lower_ in DOCUMENT_WORDS for c in children(s_, {"compound", "poss"})],
                    AGENTS)  # "the Human Rights Watch report said": the organisation says it
                if ms:
                    said_by = ms[0]
                    break
        if cur.head.i == cur.i:
            # The root itself may be a saying verb with the claim in a parataxis child ("X is held, Y said").
            # ... or a saying verb joined to it after the quote ("X must be released," Y added).
            for c in cur.children:
                if c.dep_ in ("parataxis", "conj") and c.lower_ in SAY_WORDS and c.i > tok.i:
                    ms = _mentions(resolve, children(c, {"nsubj"}), AGENTS)
                    if ms:
                        said_by = ms[0]
            break
        cur = cur.head
    if said_by is None and speaker is not None and _in_quotes(tok):
        said_by = speaker
    if f.extra.get("needs_speaker") and said_by is None and f.according_to is None:
        f.extra["denied"] = True  # a demand nobody makes says nothing about anyone
        return
    if f.extra.get("speaker_is_object"):
        f.object = said_by  # None when nobody says it: no candidate
        return
    if f.extra.get("speaker_is_subject"):
        f.subject = said_by
        return
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
    sent = sent_of(tok)
    text = text_of(tok.doc)[sent.start_char:tok.idx]
    return "“" in text or text.lstrip().startswith('"') or tok.doc.user_data.get("quoted", False)
