"""Run extraction over one article: clean, find and link names, read relations, resolve dates."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field

from graph.extract import EXTRACTOR_VERSION
from graph.extract.candidates import Candidate
from graph.extract.clean import clean
from graph.extract.dates import find_dates
from graph.extract.dates import resolve as resolve_date
from graph.extract.discourse import across_sentences
from graph.extract.ner import (
    EVENT_HEADS, GROUP_NOUNS, NUMBER_WORDS, QUANTITY_WORDS, EventIndex, GroupIndex, Mention, NameMarker, Registry,
    length_bound, load_model, make_ruler, name_words, new_type, norm, slug, stem)
from graph.extract.relations import (
    APPOS_RE, NO_NAME_RE, ONE_NAME_WORDS, PRONOUNS, SAY, TITLES, TRIGGER_WORDS, TYPE_NOUNS, EventSlot, Found,
    PhraseSlot, extract_relations, sent_of, sents_of, text_of, trigger_words)
from sources.model import PartialDate

# Sentence ends: a full stop, question or exclamation mark (and closing quotes) before a capital, a quote or
# a digit; not after a title or an initial.
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Lt|Col|Sgt|Capt|Prof|Rev|Hon|No|Art|Jan|Feb|Mar|Apr|Jun|"
                     r"Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|Inc|Co|Corp|Ltd)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z])\.$")
_END = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])")
_MAX_SENTENCE = 2000  # characters: longer runs (tables, lists without stops) are cut for the parser

CATEGORY_NOUNS = {"prison", "jail", "party", "court", "group", "ministry", "province", "city", "organisation",
                  "organization", "movement", "centre", "center", "camp"}
EVENT_PREDICATES = {"arrestedOn", "releasedOn", "bailGranted", "sentencedTo", "pardonedBy", "dissolvedBy",
                    "convictedOf", "chargedWith", "triedBy", "heldIn", "bannedFrom", "targetOf", "carriedOutBy",
                    "partOf", "tookPlaceIn", "participantIn"}


def sentences(text: str):
    """(start, end) of each sentence of the cleaned text; paragraphs never share a sentence."""
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        body = para.group(0)
        pos = 0
        for m in _END.finditer(body):
            if _ABBREV.search(body[pos:m.start() + 1]):
                continue
            yield from _cut(start + pos, start + m.end(), text)
            pos = m.end()
        if pos < len(body):
            yield from _cut(start + pos, start + len(body), text)


def _cut(a: int, b: int, text: str):
    while b - a > _MAX_SENTENCE:
        yield a, a + _MAX_SENTENCE
        a += _MAX_SENTENCE
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        yield a, b


@dataclass
class Result:
    """What extraction made of one article."""

    cleaned: str
    candidates: list[Candidate]
    new_entities: dict[str, dict]  # proposed id -> {id, type, name}
    removed: dict[str, int] = field(default_factory=dict)
    sentences: int = 0
    parsed: int = 0


class Extractor:
    """The spaCy pipeline and the registry's names, set up once and used for many articles."""

    def __init__(self, entities: dict, schema=None):
        from ontology.schema import load_schema

        self.registry = Registry(entities)
        self.groups = GroupIndex(entities)
        self.event_index = EventIndex(entities)
        self.schema = schema or load_schema()
        self.nlp = load_model()
        self.ruler = NameMarker(make_ruler(self.nlp, self.registry))
        if not self.ruler.patterns:
            self.ruler = _no_names  # an empty registry: nothing to mark (and spaCy would warn on every sentence)
        self.ner = self.nlp.get_pipe("ner")
        self.events: dict[str, list] = {}
        for eid, e in sorted(entities.items()):
            self.events.setdefault(e.type, []).append(e)
        self._facts: dict[str, _Facts] = {}  # entity id -> what `_event` and `_phrase` compare, made once
        self._days: dict[str, list] = {}

    # -- the article ----------------------------------------------------------------------------------------

    def extract(self, text: str, doc_date: PartialDate | None, source: str = "", min_confidence: float = 0.0,
                already_clean: bool = False) -> Result:
        cleaned = clean(text) if not already_clean else None
        body = cleaned.text if cleaned else text
        spans = list(sentences(body))
        state = _State(self, body)
        found_all = []
        parsed = 0
        for (a, b), doc in self._annotated(body, spans):
            doc.user_data["offset"] = a
            mentions = state.mentions(doc)
            quoted_para = state.quoted_paragraph(a)
            if not quoted_para and not _says(body[a:b]) and body.rfind("\n", 0, a) + 1 == a:
                caption = _caption(body, a, mentions)
                # a paragraph of narration ends the quotation; a caption under a pull quote ("Jane Roe, Regional
                # Director") names who speaks
                state.speaker = caption
            if doc.has_annotation("DEP"):
                parsed += 1
                speaker = state.speaker if quoted_para else None
                if quoted_para:
                    doc.user_data["quoted"] = True  # every sentence of a quoted paragraph, not only its first
                for sent in sents_of(doc):
                    resolve = state.resolver(doc)
                    for f in extract_relations(sent, resolve, speaker) + _group_facts(sent, resolve):
                        found_all.append((f, doc, a, b))
                state.note_speaker(doc, body[a:b])
            state.remember(mentions, paragraph_start=body.rfind("\n", 0, a) + 1)
        candidates = []
        for f, doc, a, b in found_all:
            c = self._candidate(f, doc, a, b, body, doc_date, source, state)
            if c is not None:
                candidates.append(c)
        candidates += across_sentences(self, found_all, candidates, body, doc_date, source, state)
        candidates = _best(_speaking_for(candidates))
        candidates = [c for c in candidates if c.confidence >= min_confidence]
        used = {c.subject for c in candidates} | {c.object for c in candidates if c.object} | {
            c.according_to for c in candidates if c.according_to}
        new = {k: v for k, v in sorted(state.new.items()) if k in used}
        return Result(cleaned=body, candidates=candidates, new_entities=new,
                      removed=cleaned.removed if cleaned else {}, sentences=len(spans), parsed=parsed)

    def _annotated(self, body: str, spans: list[tuple[int, int]], chunk: int = 400):
        """(span, doc) for every sentence, annotated a chunk at a time so that a huge article does not hold
        every parsed sentence in memory at once."""
        for k in range(0, len(spans), chunk):
            part = spans[k:k + chunk]
            yield from zip(part, self._annotate(body, part))

    def _annotate(self, body: str, spans: list[tuple[int, int]]) -> list:
        """Tokenise every sentence and mark the registry's names; run spaCy's recogniser only where a name
        the registry lacks may be, and the parser only where a relation's trigger word meets a name.

        Running the whole pipeline on every sentence is about 2.5 times slower (bench/bench_extract.py)."""
        docs = [self.ruler(self.nlp.make_doc(body[a:b])) for a, b in spans]
        for d, (a, b) in zip(docs, spans):
            d.user_data["text"] = body[a:b]  # what `text_of` would rebuild from the tokens
        # A sentence that will not be parsed could only have a name the registry lacks proposed, never used:
        # the recogniser (as costly per word as tok2vec and parser together) skips it. A possible unknown name
        # counts as one name in that decision.
        unknown = [i for i, d in enumerate(docs) if _may_hold_relation(body, *spans[i], d) and _unknown_names(d)
                   and _worth_parsing(body, *spans[i], d, guessed=1)]
        # The recogniser keeps the registry's names already set and labels the rest around them.
        for i, d in zip(unknown, self.ner.pipe([docs[i] for i in unknown], batch_size=256)):
            docs[i] = d
        with_ner = set(unknown)
        chosen = [i for i, (a, b) in enumerate(spans) if _worth_parsing(body, a, b, docs[i])]
        for i in chosen:
            if i not in with_ner:
                docs[i] = _add_dates(docs[i])  # only a parsed sentence's dates are ever read
        batch = [docs[i] for i in chosen]
        for name in ("tok2vec", "tagger", "parser"):
            batch = list(self.nlp.get_pipe(name).pipe(batch, batch_size=256))
        for i, d in zip(chosen, batch):
            d.tensor = d.tensor[:0]  # the rules need the parse, not the vectors behind it
            docs[i] = d
        return docs

    # -- from a rule's finding to a candidate ---------------------------------------------------------------

    def _candidate(self, f, doc, a, b, body, doc_date, source, state) -> Candidate | None:
        relation = self.schema.relations.get(f.predicate)
        if relation is None or f.subject is None:
            return None
        date = None
        if f.predicate in EVENT_PREDICATES and f.extra.get("date_text"):
            # a day of a list the rule read ("hearings on 3 May, 10 May and 17 May")
            date = resolve_date(f.extra["date_text"], doc_date, f.trigger is not None and any(
                c.lower_ in ("will", "shall") for c in f.trigger.children))
        elif f.predicate in EVENT_PREDICATES and f.date_token is not None:
            key = (a, f.date_token.i)  # a sentence's offset and a token: several facts share a trigger
            if key not in state.dates:
                state.dates[key] = _date_of(f.date_token, doc_date)
            date = state.dates[key]
        subj = self._entity(f.subject, state, date)
        if subj is None:
            return None
        conf = f.confidence * _certainty(f.subject)
        obj = value = obj_type = None
        if relation.is_attribute:
            value = f.value
        else:
            o = self._entity(f.object, state, date)
            if o is None:
                return None
            obj, obj_type = o
            conf *= _certainty(f.object)
            if not self.schema.fits(obj_type, relation.range) or obj == subj[0]:
                return None
        if not self.schema.fits(subj[1], relation.domain):
            return None
        according = None
        if f.according_to is not None:
            according = self._entity(f.according_to, state, None)
            according = according[0] if according else None
        quote = body[a:b].strip()
        return Candidate(
            subject=subj[0], subject_type=subj[1], predicate=f.predicate, object=obj, object_type=obj_type,
            value=value, role=f.role, according_to=according, date=date.text if date else None,
            date_precision=date.precision if date else None, quote=quote, start=a, end=a + len(quote),
            confidence=round(min(conf, 0.99), 2), extractor=EXTRACTOR_VERSION, source=source)

    def _entity(self, thing, state, date) -> tuple[str, str] | None:
        if isinstance(thing, Mention):
            if not thing.known:
                state.new.setdefault(thing.entity, {"id": thing.entity, "type": thing.type,
                                                    "name": state.names.get(thing.entity, thing.text)})
            return thing.entity, thing.type
        if isinstance(thing, EventSlot):
            return self._event(thing, state, date)
        if isinstance(thing, PhraseSlot):
            return self._phrase(thing, state)
        return None

    def _event(self, ev: EventSlot, state, date) -> tuple[str, str] | None:
        """The registry's event of this kind for this person or group (the year must agree when both are
        known), or a new one; None for an event only the registry may give (`known_only`)."""
        who = self.registry.entities.get(ev.who.entity)
        names = {norm(ev.who.text), ev.who.entity.replace("-", " ")}
        group_words = set()
        if who is not None:
            names |= self._event_facts(who).names
            if who.type in ("PersonGroup", "LegalCase"):
                group_words = self._event_facts(who).words
        fits = []
        for e in self.events.get(ev.kind, []):
            facts = self._event_facts(e)
            hay, words = facts.hay, facts.hay_words
            named = any(n and (n in words if " " not in n else n in hay) for n in names)
            # A group is named by what its name shares with the event's: "14 CNRP activists pardoned in 2018".
            if named or len(group_words & facts.words) >= 3:
                years = facts.years
                if date is None or not years or date.text[:4] in years:
                    fits.append(e)
        if ev.words and ev.kind == "Event":
            # an event of no particular kind must say what it was ("arrival")
            fits = [e for e in fits if set(ev.words) & self._event_facts(e).words]
        if len(fits) > 1 and date is not None and date.precision == "day":
            # "the hearing on 14 January": the one of several whose name gives that day
            on_day = [e for e in fits if any(d == date for d in self._event_days(e))]
            if len(on_day) == 1:
                fits = on_day
        if len(fits) > 1 and ev.words:
            scores = sorted(((len(set(ev.words) & self._event_facts(e).words), e.id, e) for e in fits),
                            reverse=True, key=lambda x: (x[0], x[1]))
            if scores[0][0] > scores[1][0]:
                fits = [scores[0][2]]
        if len(fits) == 1:
            return fits[0].id, fits[0].type
        if ev.known_only:
            return None
        year = f"-{date.text[:4]}" if date else ""
        eid = f"{ev.who.entity}-{ev.kind.lower()}{year}"
        label = ev.kind
        state.new.setdefault(eid, {"id": eid, "type": ev.kind,
                                   "name": f"{label} of {state.names.get(ev.who.entity, ev.who.text)}"
                                           + (f" ({date.text[:4]})" if date else "")})
        return eid, ev.kind

    def _phrase(self, ph: PhraseSlot, state) -> tuple[str, str] | None:
        """A charge or an activity: the registry's when its name or an alias fits, or a new one."""
        looked_up = (ph.kind, ph.text)
        if looked_up not in state.phrases:
            state.phrases[looked_up] = self._registry_phrase(ph.kind, ph.text)
        e = state.phrases[looked_up]
        if e is not None:
            return e.id, e.type
        if ph.known_only:
            return None
        prefix = "charge-" if ph.kind == "Charge" else ""
        eid = prefix + slug(ph.text)
        state.new.setdefault(eid, {"id": eid, "type": ph.kind, "name": ph.text})
        return eid, ph.kind

    def _registry_phrase(self, kind: str, text: str):
        """The registry's charge or activity whose name or alias is the phrase, or failing that the one most
        like it (a score of at least 0.85); None when none is."""
        key = norm(text)
        words = name_words(text)
        best = None
        for e in self.events.get(kind, []):
            for n, same in self._event_facts(e).phrase_names:
                if n == key:
                    return e
                # the same letters, or the same words ("leave Cambodia" / "Leaving Cambodia")
                both = words | same
                shared = len(words & same) / len(both) if both else 0.0
                if shared < 0.85 and length_bound(len(n), len(key)) < 0.85:
                    continue  # difflib's ratio cannot reach 0.85 with these lengths: the score stays under it
                score = max(difflib.SequenceMatcher(None, n, key).ratio(), shared)
                if score >= 0.85 and (best is None or score > best[0]):
                    best = (score, e)
        return best[1] if best else None

    def _event_facts(self, e) -> _Facts:
        """What the registry says of an entity, in the forms the linking compares (made once per entity)."""
        facts = self._facts.get(e.id)
        if facts is None:
            hay = " ".join([e.id.replace("-", " "), norm(e.name), *(norm(x) for x in e.aliases),
                            (e.note or "").lower()])
            normed = [norm(e.name), *(norm(x) for x in e.aliases)]
            facts = self._facts[e.id] = _Facts(
                hay=hay, hay_words=frozenset(re.findall(r"[\w'-]+", hay)),
                words=frozenset(name_words(e.name, *e.aliases)),
                years=frozenset(re.findall(r"\b(?:19|20)\d{2}\b", e.id + " " + e.name)),
                names=frozenset({norm(e.name)} | {norm(x) for x in e.aliases if len(x) > 2}),
                phrase_names=tuple((n, frozenset(name_words(n))) for n in normed))
        return facts

    def _event_days(self, e) -> list:
        """The dates an event's name gives, resolved without a document date (made once per entity)."""
        days = self._days.get(e.id)
        if days is None:
            days = self._days[e.id] = [resolve_date(e.name[a:b], None) for a, b in find_dates(e.name)]
        return days


@dataclass(frozen=True)
class _Facts:
    """An entity's names as `Extractor._event` and `Extractor._registry_phrase` compare them."""

    hay: str  # id, names, aliases and note, normalised, in one string
    hay_words: frozenset[str]
    words: frozenset[str]  # name_words of the name and aliases
    years: frozenset[str]  # years the id or name gives
    names: frozenset[str]  # normalised name, and aliases longer than 2 characters
    phrase_names: tuple  # (normalised name or alias, its name_words), name first


def _certainty(thing) -> float:
    if isinstance(thing, Mention):
        return thing.certainty
    if isinstance(thing, EventSlot):
        return 1.0  # the person's link is already counted as the subject
    if isinstance(thing, PhraseSlot):
        return 1.0 if thing.quoted else 0.95
    return 1.0


SPOKEN_FOR = {"callsForReleaseOf": "subject", "condemnedBy": "object"}
# (criticism stays the speaker's own: what a director says of a government is their criticism, as curators record it)


def _speaking_for(candidates: list[Candidate]) -> list[Candidate]:
    """A director or spokesperson who calls for a release or condemns speaks for their organisation: the claim
    becomes the organisation's, according to the person (as NGO statements mean it)."""
    import dataclasses

    posts: dict[str, set[tuple[str, str]]] = {}
    for c in candidates:
        if c.predicate in ("worksFor", "spokespersonOf", "leaderOf") and c.object_type in ("NGO", "GovernmentBody"):
            posts.setdefault(c.subject, set()).add((c.object, c.object_type))
    out = []
    for c in candidates:
        side = SPOKEN_FOR.get(c.predicate)
        person = getattr(c, side) if side else None
        orgs = posts.get(person, set()) if person else set()
        if len(orgs) != 1:
            out.append(c)
            continue
        org, org_type = next(iter(orgs))
        out.append(dataclasses.replace(c, **{side: org, f"{side}_type": org_type}, according_to=person,
                                       confidence=round(c.confidence * 0.9, 2)))
    return out


def _best(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per fact: the most confident evidence, the earliest on a tie."""
    best: dict[tuple, Candidate] = {}
    for c in candidates:
        k = c.key()
        if k not in best or (c.confidence, -c.start) > (best[k].confidence, -best[k].start):
            best[k] = c
    return sorted(best.values(), key=lambda c: (c.start, c.predicate, c.subject, str(c.object or c.value)))


_NOT_NAMES = {"i", "the", "a", "an", "in", "on", "at", "but", "and", "as", "he", "she", "it", "they", "we", "this",
              "that", "these", "those", "his", "her", "their", "its", "our", "after", "since", "when", "while",
              "according", "under", "if", "for", "with", "by", "from", "last", "during", "there", "some", "many",
              "all", "several", "no", "not", "what", "who", "one", "two", "three", "mr", "ms", "mrs", "dr"} | {
    m.lower() for m in ("January February March April May June July August September October November December "
                        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split()}


_CAPITAL = re.compile(r"(?<![\w’'])[A-Z][A-Za-z]*")
_OPENERS = ("“", '"', "(", "‘", ":")


# Capitalised words that are not names worth a new entity: posts ("Prime Minister"), nationalities
# ("Cambodian"), law ("Article 443 of the Criminal Code"), a count ("Millions"), initials ("U.S.").
_NOT_NAME_WORDS = {t for t in TITLES} | {t + "s" for t in TITLES} | {
    "prime", "regional", "senior", "acting", "deputy", "executive", "general", "former", "another", "article",
    "articles", "criminal", "code", "penal", "constitution", "millions", "thousands", "hundreds", "dozens"}
_DEMONYM = ("ian", "ians", "ese", "ish", "ans")  # endings of nationalities ("Cambodian", "Vietnamese")


def _not_a_name(word: str) -> bool:
    low = word.lower()
    return low in _NOT_NAMES or low in _NOT_NAME_WORDS or len(word) == 1 or low.endswith(_DEMONYM)


def _unknown_names(doc) -> bool:
    """True when a capitalised word outside the registry's names may be a name spaCy should look at."""
    text = text_of(doc)
    covered = [(e.start_char, e.end_char) for e in doc.ents]
    words = [m for m in _CAPITAL.finditer(text)
             if not _not_a_name(m.group(0)) and not any(a <= m.start() < b for a, b in covered)]
    for k, m in enumerate(words):
        before = text[:m.start()].rstrip()
        if not before or before.endswith(_OPENERS):
            # A capital at the start of a sentence proves nothing unless the next word has one too.
            nxt = words[k + 1] if k + 1 < len(words) else None
            if nxt is not None and text[m.end():nxt.start()].strip() == "":
                return True
            continue
        return True
    return False


_PRONOUN_RE = re.compile(r"\b(?:he|she|him|his|her|the party|the court|the group|the organi[sz]ation)\b", re.I)


def _add_dates(doc):
    """Mark date phrases as DATE entities in a sentence spaCy's recogniser did not read."""
    from spacy.util import filter_spans

    spans = [doc.char_span(a, b, label="DATE", alignment_mode="expand") for a, b in find_dates(text_of(doc))]
    spans = [s for s in spans if s is not None]
    if spans:
        doc.ents = filter_spans(list(doc.ents) + spans)
    return doc


def _worth_parsing(body: str, a: int, b: int, doc, guessed: int = 0) -> bool:
    """Whether a sentence can hold a relation the rules read: the parser is the costly step.

    `guessed` counts names the recogniser has not looked for yet."""
    if _says(body[a:b]) or _no_name(body, a, b, doc):
        return True
    words = _words(doc)
    if words.isdisjoint(TRIGGER_WORDS) and words.isdisjoint(ONE_NAME_WORDS) and not APPOS_RE.search(body, a, b):
        return False  # no rule's word and no apposition: however many names, nothing to read (decided cheaply)
    pronouns = doc.user_data.get("pronouns")
    if pronouns is None:
        pronouns = doc.user_data["pronouns"] = set(_PRONOUN_RE.findall(text_of(doc)))
    names = len({e.text for e in doc.ents if e.label_ != "DATE"} | pronouns) + guessed
    if names >= 2 and not words.isdisjoint(TRIGGER_WORDS):
        return True
    if names >= 1 and APPOS_RE.search(body, a, b):
        return True  # "X, a human rights lawyer, ...": a description
    return names == 1 and not words.isdisjoint(ONE_NAME_WORDS)


def _no_name(body: str, a: int, b: int, doc) -> bool:
    """Whether NO_NAME_RE finds a penalty, a law article or a stand-in in the sentence (asked once per sentence)."""
    found = doc.user_data.get("no_name")
    if found is None:
        found = doc.user_data["no_name"] = NO_NAME_RE.search(body, a, b) is not None
    return found


def _words(doc) -> frozenset[str]:
    words = doc.user_data.get("words")
    if words is None:
        words = doc.user_data["words"] = trigger_words(text_of(doc))
    return words


_AFFILIATED = {"affiliated", "linked", "belonging", "loyal", "associated", "connected", "allied"}


def _group_facts(sent, resolve) -> list[Found]:
    """What a group's own noun phrase says: its size ("14 jailed activists") and its party ("CNRP activists")."""
    out = []
    for tok in sent:
        low = tok.lower_
        if not (low in GROUP_NOUNS or low in QUANTITY_WORDS or tok.like_num):
            continue
        ms = resolve(tok)
        info = resolve.group_info(tok)
        if not ms or not info or info[0] is None or info[0] is not ms[0] or info[0].type != "PersonGroup":
            continue
        m, count, orgs = info
        if count is not None:
            out.append(Found("groupSize", m, value=count, confidence=0.8, trigger=tok))
        out += [Found("memberOf", m, o, confidence=0.8, trigger=tok) for o in orgs]
    return out


def _caption(body: str, a: int, mentions: list[Mention]) -> Mention | None:
    """The person a caption paragraph names ("Jane Roe, Asia-Pacific Regional Director": short, no full
    stop, a person's name first), or None for a paragraph of narration."""
    end = body.find("\n", a)
    para = body[a:end if end >= 0 else len(body)].strip()
    if len(para.split()) > 12 or para.endswith((".", "!", "?", ":", "”", '"')) or not mentions:
        return None
    first = min(mentions, key=lambda m: m.start)
    return first if first.type == "Person" and first.start == a else None


def _below(t, head) -> list:
    """The ancestors of `t` under `head` (nearest first): none when `head` is not above `t`. The same as asking
    every ancestor whether `head` is above it, in one walk up."""
    out = []
    for a in t.ancestors:
        if a.i == head.i:
            return out
        out.append(a)
    return []


def _outside_clauses(tok) -> list:
    """`tok.subtree`, in its order, less what a relative or adverbial clause under `tok` holds (the clause's own
    verb stays): one walk down the tree instead of asking each token's ancestors."""
    out = []

    def walk(t, top: bool) -> None:
        cut = not top and t.dep_ in ("relcl", "advcl")
        if not cut:
            for c in t.lefts:
                walk(c, False)
        out.append(t)
        if not cut:
            for c in t.rights:
                walk(c, False)

    walk(tok, True)
    return out


def _found(doc) -> dict:
    """Groups and events already looked up in a sentence, kept with its document (token -> what it names)."""
    return doc.user_data.setdefault("linked", {})


def _no_names(doc):
    return doc


def _count(tok) -> int | None:
    """The number a token gives ("14", "fourteen"), or None."""
    low = tok.lower_.replace(",", "")
    if low.isdigit() and len(low) <= 6:
        return int(low)
    return NUMBER_WORDS.get(low)


def _may_hold_relation(body: str, a: int, b: int, doc) -> bool:
    """Whether any rule could read a relation in the sentence, whatever names it holds."""
    words = _words(doc)
    return (not words.isdisjoint(TRIGGER_WORDS) or not words.isdisjoint(ONE_NAME_WORDS)
            or _no_name(body, a, b, doc) or _says(body[a:b]))


def _says(sentence: str) -> bool:
    return sentence.rstrip().endswith(":") and re.search(r"\b(?:said|says|stated|added|told)\b", sentence) is not None


def _date_of(trigger, doc_date: PartialDate | None) -> PartialDate | None:
    """The date of the DATE phrase that modifies the trigger (not one belonging to another verb)."""
    future = any(c.lower_ in ("will", "shall") for c in trigger.children)
    best = None
    for ent in sent_of(trigger).ents:
        if ent.label_ != "DATE":
            continue
        tok = ent.root
        hops = 0
        while tok.head.i != tok.i and tok.i != trigger.i and hops < 6:
            if tok.i != ent.root.i and (tok.tag_.startswith("VB") or tok.tag_ == "MD"):
                break
            tok = tok.head
            hops += 1
        if tok.i == trigger.i:
            d = resolve_date(ent.text, doc_date, future)
            if d is not None and (best is None or d.precision == "day"):
                best = d
    return best


class _State:
    """What the article has said so far: mentions for pronouns, names given earlier, who is speaking."""

    def __init__(self, ex: Extractor, body: str):
        self.ex = ex
        self.body = body
        self.history: list[Mention] = []
        self.local: dict[str, tuple[str, str, bool]] = {}  # norm name -> (id, type, known) within the article
        self.surnames: dict[str, set[str]] = {}
        self.new: dict[str, dict] = {}
        self.names: dict[str, str] = {}
        self.speaker: Mention | None = None
        self.speaker_para: int = -1
        self.links: dict[tuple[str, str], tuple[str, str] | None] = {}  # (name, label) -> the registry's link
        self.phrases: dict[tuple[str, str], object] = {}  # (kind, phrase) -> the registry's charge or activity
        self.dates: dict[tuple[int, int], PartialDate | None] = {}  # (sentence offset, trigger) -> its date

    def link(self, text: str, label: str) -> tuple[str, str] | None:
        """`Registry.link`, asked once per name and label in an article (a name is often repeated)."""
        key = (text, label)
        if key not in self.links:
            self.links[key] = self.ex.registry.link(text, label)
        return self.links[key]

    def quoted_paragraph(self, a: int) -> bool:
        """True for a paragraph of quoted speech: it opens with a quote mark that does not just name a
        phrase ("“Criminal attempt” is punishable ..." is narration)."""
        para_start = self.body.rfind("\n", 0, a) + 1
        para_end = self.body.find("\n", para_start)
        para = self.body[para_start:para_end if para_end >= 0 else len(self.body)]
        if para[:1] not in ("“", '"'):
            return False
        close = re.search(r"[”\"]", para[1:])
        if close is None:
            return True
        ci = close.start() + 1
        return para[ci - 1] in ",.!?;:" or ci > len(para) * 0.6

    def mentions(self, doc) -> list[Mention]:
        off = doc.user_data["offset"]
        reg = self.ex.registry
        out: list[Mention] = []
        table: dict[int, Mention] = {}
        for ent in doc.ents:
            label = ent.label_
            if label not in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
                continue
            span = ent
            # "the Supreme Court" and "Hun Sen's" name the entity without their article and possessive.
            while len(span) > 1 and span[0].lower_ in ("the", "a", "an"):
                span = span[1:]
            while len(span) > 1 and span[-1].lower_ in ("'s", "’s", "'", "’"):
                span = span[:-1]
            text = span.text
            start, end = off + span.start_char, off + span.end_char
            m = None
            if ent.ent_id_:
                e = reg.entities[ent.ent_id_]
                how = "name" if norm(text) == reg.normal_name(e.id) else "alias"
                m = Mention(start, end, text, e.id, e.type, True, how)
            else:
                link = self.link(text, label)
                if link:
                    e = reg.entities[link[0]]
                    m = Mention(start, end, text, e.id, e.type, True, link[1])
                else:
                    m = self._local_or_new(text, label, start, end, span)
            if m is None:
                continue
            if m.known and span.start >= 2 and doc[span.start - 1].lower_ in ("'s", "’s"):
                m = self._narrowed(m, doc, span.start - 1)
            out.append(m)
            for i in range(span.start, span.end):
                table[i] = m
            if m.type == "PersonGroup" and m.how in ("name", "alias"):
                self._named_group(m, span, off)
            # (a name without an apostrophe holds no possessive: no need to look at its words)
            inner = self._possessor(span, off) if "'" in text or "’" in text else None
            if inner is not None:
                # "Hun Sen's government" names the government, and Hun Sen inside it: both are mentions.
                out.append(inner)
                for t in span:
                    if off + t.idx < inner.end:
                        table[t.i] = inner
            # "Long Name (ACR)": the acronym names the same entity for the rest of the article.
            nxt = span.end
            if nxt + 2 < len(doc) + 1 and nxt + 1 < len(doc) and doc[nxt].text == "(" and doc[nxt + 1].text.isupper():
                self.local[norm(doc[nxt + 1].text)] = (m.entity, m.type, m.known)
                self.names.setdefault(m.entity, text)
        doc.user_data["mentions"] = table  # with the document: no table outlives its sentence
        return out

    def _named_group(self, m: Mention, span, off: int) -> None:
        """A group the registry names in full ("two former RFA reporters"): its count and the organisations its
        name holds, for the group facts, as for a group found by its words."""
        count, orgs = None, []
        for t in span:
            if count is None and _count(t) is not None:
                count = _count(t)
            elif t.text[:1].isupper() and t.i != span[0].i or t.text.isupper():
                link = self.link(t.text, "ORG")
                e = self.ex.registry.entities.get(link[0]) if link else None
                if e is not None and e.type in ("PoliticalParty", "Organization", "MediaOutlet", "NGO"):
                    orgs.append(Mention(off + t.idx, off + t.idx + len(t.text), t.text, e.id, e.type, True, link[1]))
        _found(span.doc)[span[-1].i] = (m, count, orgs)

    def _narrowed(self, m: Mention, doc, possessive: int) -> Mention:
        """'Korvania's Interior Ministry': the registry's entity of that place, where it has one besides the
        plain "Interior Ministry" the name matched."""
        k = possessive
        while k > 0 and doc[k - 1].text[:1].isupper() and possessive - k < 4:
            k -= 1
        if k == possessive:
            return m
        eid = self.ex.registry.narrower(m.entity, doc[k:possessive].text)
        if eid is None:
            return m
        return Mention(m.start, m.end, m.text, eid, self.ex.registry.entities[eid].type, True, "alias")

    def _possessor(self, span, off: int) -> Mention | None:
        """The registry entity named before a possessive inside a longer name ("Hun Sen" in "Hun Sen's
        government"), or None."""
        for k, t in enumerate(span[:-1]):
            if k > 0 and t.lower_ in ("'s", "’s", "'", "’"):
                inner = span[:k]
                label = "PERSON" if inner[0].text[:1].isupper() and len(inner) <= 4 else "ORG"
                link = self.link(inner.text, label) or self.link(inner.text, "ORG")
                if link is None:
                    return None
                e = self.ex.registry.entities[link[0]]
                return Mention(off + inner.start_char, off + inner.end_char, inner.text, e.id, e.type, True, link[1])
        return None

    def _local_or_new(self, text, label, start, end, span) -> Mention | None:
        key = norm(text)
        if key in self.local:
            eid, etype, known = self.local[key]
            return Mention(start, end, text, eid, etype, known, "partial" if known else "new")
        words = key.split()
        if label == "PERSON" and len(words) == 1 and len(self.surnames.get(words[0], ())) == 1:
            eid = next(iter(self.surnames[words[0]]))
            etype = "Person"
            return Mention(start, end, text, eid, etype, eid in self.ex.registry.entities,
                           "partial" if eid in self.ex.registry.entities else "new")
        etype = new_type(text, label)
        if etype is None:
            return None
        if label == "PERSON" and (len(words) < 2 or not all(w[:1].isupper() for w in text.split()[-2:])):
            return None  # a lone word the model calls a person is too often wrong to propose
        if label in ("ORG", "FAC") and (len(words) < 2 and not text.isupper()):
            return None
        eid = slug(key)
        if eid in self.ex.registry.entities:
            eid = f"{eid}-{etype.lower()}"
        self.local[key] = (eid, etype, False)
        self.names.setdefault(eid, " ".join(text.split()))
        if etype == "Person":
            for w in words:
                self.surnames.setdefault(w, set()).add(eid)
        return Mention(start, end, text, eid, etype, False, "new")

    def remember(self, mentions: list[Mention], paragraph_start: int) -> None:
        for m in mentions:
            self.history.append(m)
            if m.type == "Person" and m.how in ("name", "alias", "new"):
                for w in norm(m.text).split():
                    if len(w) > 2:
                        self.surnames.setdefault(w, set()).add(m.entity)

    def note_speaker(self, doc, sentence: str) -> None:
        """'X said:' opens quoted paragraphs spoken by X."""
        if not _says(sentence):
            return
        table = doc.user_data.get("mentions", {})
        for tok in doc:
            if tok.lower_ in SAY:
                for c in tok.children:
                    if c.dep_ == "nsubj" and c.i in table:
                        self.speaker = table[c.i]
                        return
                    if c.dep_ == "nsubj":
                        # "X's Regional Director Jane Roe said:": the person named in the subject's phrase
                        people = [table[t.i] for t in c.subtree if t.i in table and table[t.i].type == "Person"]
                        if people:
                            self.speaker = people[-1]
                            return
                if tok.dep_ == "ROOT" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
                    # "..., Jane Roe, Regional Director of X, said:" parsed without a subject: the last person
                    # named before the verb speaks
                    before = [table[i] for i in range(max(0, tok.i - 14), tok.i) if i in table]
                    people = [m for m in before if m.type == "Person"]
                    if people:
                        self.speaker = people[-1]
                        return

    def resolver(self, doc):
        table = doc.user_data.get("mentions", {})
        off = doc.user_data["offset"]

        def direct(tok):
            if tok.i in table:
                return [table[tok.i]]
            for c in tok.children:
                if c.dep_ == "appos" and c.i in table:
                    if tok.lower_ in GROUP_NOUNS and table[c.i].type not in ("Person", "PersonGroup"):
                        continue  # "journalists of the newspaper X": the parser's apposition, not the same thing
                    return [table[c.i]]
            if tok.lower_ in CATEGORY_NOUNS:
                # "Correctional Center 3 prison", "the CNRP party": a name followed by what it is
                for c in tok.children:
                    if c.dep_ in ("compound", "nmod") and c.i in table:
                        return [table[c.i]]
            return []

        def resolve(tok):
            if tok is None:
                return []
            out = direct(tok)
            if not out and tok.i >= 0:
                g = group(tok) if tok.lower_ not in EVENT_HEADS else event(tok)
                out = [g] if g is not None else []
            low = tok.lower_
            if not out and low in PRONOUNS and tok.i < 0:
                # a stand-in ("the 65-year-old"): only a person named close before, in the same paragraph
                out = self._last("Person", off + tok.idx, table, limit=400)
            elif not out and low in PRONOUNS:
                out = self._last("Person", off + tok.idx, table)
            elif (not out and tok.i >= 0 and low in TITLES and tok.tag_ == "NN" and tok.dep_ in ("nsubj", "nsubjpass")
                  and any(c.lower_ == "the" for c in tok.children)
                  and not any(c.dep_ in ("compound", "poss", "nmod") or c.ent_type_ for c in tok.children)):
                # "the regional director also urged ...": the person last named, within a few paragraphs
                out = self._last("Person", off + tok.idx, table, limit=1500, same_paragraph=False)
            elif (not out and low in TYPE_NOUNS and (tok.i < 0 or any(c.lower_ == "the" for c in tok.children)
                                                      or (low == "authorities" and not list(tok.children)))
                  and not any(c.dep_ in ("compound", "amod") and c.ent_type_ for c in tok.children)):
                out = self._last(TYPE_NOUNS[low], off + tok.idx, table)
            elif not out and low in ("who", "which", "that") and tok.head.dep_ == "relcl":
                target = tok.head.head
                out = direct(target)
                if not out and target.lower_ in GROUP_NOUNS:
                    g = group(target)  # "14 jailed activists who were serving ..."
                    out = [g] if g is not None else []
                if not out and target.dep_ == "appos":
                    out = direct(target.head)  # "Ana Lee, a party member who was released"
            for c in tok.conjuncts:
                for m in direct(c):
                    if m not in out:
                        out.append(m)
            return out

        found = _found(doc)

        def group(tok):
            """A noun phrase naming a group of people the registry knows ("14 jailed CNRP activists",
            "hundreds of the party's supporters"), or a set of its legal cases ("six cases")."""
            key = tok.i
            if key in found:
                return found[key][0]
            found[key] = (None, None, [])
            head, count = tok, None
            if tok.like_num or tok.lower_ in QUANTITY_WORDS:
                inner = [c for p in tok.children if p.dep_ == "prep" and p.lower_ == "of"
                         for c in p.children if c.dep_ == "pobj"]
                if not inner:
                    return None
                head = inner[0]
                count = _count(tok)
            if head.lower_ not in GROUP_NOUNS or head.i in table:
                return None
            heads = [head] + [c for c in head.conjuncts if c.lower_ in GROUP_NOUNS]
            if count is None:
                for c in head.children:
                    if c.dep_ == "nummod" and _count(c) is not None:
                        count = _count(c)
            inside = [t for h in heads for t in h.subtree]
            words = name_words(*(t.text for t in inside))
            orgs = []
            for t in inside:
                m = table.get(t.i)
                if m is None and t.lower_ in TYPE_NOUNS and t.i != head.i:
                    ms = resolve(t)
                    m = ms[0] if ms else None
                if m is not None and m.type in ("PoliticalParty", "Organization", "MediaOutlet", "NGO"):
                    e = self.ex.registry.entities.get(m.entity)
                    words |= name_words(m.text, *((e.name, *e.aliases) if e else ()))
                    # "activists interviewed by RFA" are not RFA's; "activists affiliated with the CNRP" are.
                    between = _below(t, head)
                    in_clause = any((a.dep_ in ("relcl", "advcl", "acl") and a.lower_ not in _AFFILIATED)
                                    or a.lower_ == "by" for a in between)
                    if not in_clause and m not in orgs:
                        orgs.append(m)
            # What happened to them says which group: "have been jailed", "whom the page profiles".
            verb = tok.head
            while verb.dep_ in ("prep", "pobj", "conj") and verb.head.i != verb.i:
                verb = verb.head
            if verb.tag_.startswith("VB"):
                words.add(stem(verb.text))
            if count is not None:
                words.add(str(count))
            eid = self.ex.groups.link([h.text for h in heads], words)
            if eid is None:
                return None
            e = self.ex.registry.entities[eid]
            first = min([head.idx] + [t.idx for t in inside
                                      if t.i >= head.left_edge.i and t.dep_ not in ("det", "nummod", "quantmod")])
            last = max(h.idx + len(h.text) for h in heads)
            m = Mention(off + first, off + last, text_of(doc)[first:last], eid, e.type, True, "group")
            found[key] = (m, count, orgs)
            return m

        def event(tok):
            """A noun phrase naming an event the registry knows ("the planned return of CNRP leaders in 2019",
            "Hun Sen's crackdown on critics", "a July 15, 2014 demonstration")."""
            key = (tok.i, "event")
            if key in found:
                return found[key]
            found[key] = None
            if tok.i in table or not tok.tag_.startswith("NN"):
                return None
            inside = _outside_clauses(tok)[:25]
            words = name_words(*(t.text for t in inside))
            named = set()
            for t in inside:
                m = table.get(t.i)
                if m is None and t.lower_ in TYPE_NOUNS and t.i != tok.i:
                    ms = resolve(t)  # "the group's statement": the organisation named before
                    m = ms[0] if ms else None
                if m is not None:
                    e = self.ex.registry.entities.get(m.entity)
                    named |= name_words(m.text, *((e.name, *e.aliases) if e else ()))
            if tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass") and tok.head.tag_.startswith("VB"):
                words.add(stem(tok.head.text))  # "the planned return"
            years = {w for w in words if len(w) == 4 and w.isdigit() and w[:2] in ("19", "20")}
            eid = self.ex.event_index.link(tok.text, words | named, years, named)
            if eid is None:
                return None
            e = self.ex.registry.entities[eid]
            m = Mention(off + tok.idx, off + tok.idx + len(tok.text), tok.text, eid, e.type, True, "group")
            found[key] = m
            return m

        resolve.group_info = lambda tok: found.get(tok.i)
        resolve.lookup = self._lookup
        return resolve

    def _lookup(self, text: str) -> Mention | None:
        """The registry entity a phrase the text implies would name ("Cambodian government"), as a mention."""
        link = self.link(text, "ORG")
        if link is None:
            return None
        e = self.ex.registry.entities[link[0]]
        return Mention(-1, -1, text, e.id, e.type, True, "partial")

    def _last(self, etype: str, before: int, table, limit: int | None = None,
              same_paragraph: bool = True) -> list[Mention]:
        here = [m for m in table.values() if m.end <= before]
        para = self.body.rfind("\n", 0, before) + 1 if same_paragraph else 0
        # (the history is read backwards in place: copying it on every pronoun grows with the article)
        for m in itertools.chain(sorted(here, key=lambda m: m.start, reverse=True), reversed(self.history)):
            if limit is not None and (m.start < para or before - m.end > limit):
                break
            if m.type == etype:
                return [Mention(m.start, m.end, m.text, m.entity, m.type, m.known, "coref")]
        return []
