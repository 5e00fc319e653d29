"""Run extraction over one article: clean, find and link names, read relations, resolve dates."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from graph.extract import EXTRACTOR_VERSION
from graph.extract.candidates import Candidate
from graph.extract.clean import clean
from graph.extract.dates import find_dates
from graph.extract.dates import resolve as resolve_date
from graph.extract.ner import Mention, Registry, load_model, make_ruler, new_type, norm, slug
from graph.extract.relations import (
    NO_NAME_RE, ONE_NAME_RE, PRONOUNS, SAY, TRIGGER_RE, TYPE_NOUNS, EventSlot, PhraseSlot, extract_relations)
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
                    "convictedOf", "chargedWith", "triedBy", "heldIn", "bannedFrom"}


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
        self.schema = schema or load_schema()
        self.nlp = load_model()
        self.ruler = make_ruler(self.nlp, self.registry)
        self.ner = self.nlp.get_pipe("ner")
        self.events: dict[str, list] = {}
        for eid, e in sorted(entities.items()):
            self.events.setdefault(e.type, []).append(e)

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
                state.speaker = None  # a paragraph of narration ends the quotation
            if doc.has_annotation("DEP"):
                parsed += 1
                speaker = state.speaker if quoted_para else None
                for sent in doc.sents:
                    for f in extract_relations(sent, state.resolver(doc), speaker):
                        found_all.append((f, doc, a, b))
                state.note_speaker(doc, body[a:b])
            state.remember(mentions, paragraph_start=body.rfind("\n", 0, a) + 1)
        candidates = []
        for f, doc, a, b in found_all:
            c = self._candidate(f, doc, a, b, body, doc_date, source, state)
            if c is not None:
                candidates.append(c)
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
        unknown = [i for i, d in enumerate(docs) if _unknown_names(d)]
        # The recogniser keeps the registry's names already set and labels the rest around them.
        for i, d in zip(unknown, self.ner.pipe([docs[i] for i in unknown], batch_size=256)):
            docs[i] = d
        with_ner = set(unknown)
        for i in range(len(docs)):
            if i not in with_ner:
                docs[i] = _add_dates(docs[i])
        chosen = [i for i, (a, b) in enumerate(spans) if _worth_parsing(body, a, b, docs[i])]
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
        subj = self._entity(f.subject, state, None)
        if subj is None:
            return None
        conf = f.confidence * _certainty(f.subject)
        date = None
        if f.predicate in EVENT_PREDICATES and f.date_token is not None:
            date = _date_of(f.date_token, doc_date)
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

    def _event(self, ev: EventSlot, state, date) -> tuple[str, str]:
        """The registry's event of this kind for this person (the year must agree when both are known), or a new one."""
        who = self.registry.entities.get(ev.who.entity)
        names = {norm(ev.who.text), ev.who.entity.replace("-", " ")}
        if who is not None:
            names |= {norm(who.name)} | {norm(x) for x in who.aliases if len(x) > 4}
        fits = []
        for e in self.events.get(ev.kind, []):
            hay = " ".join([e.id.replace("-", " "), norm(e.name), *(norm(x) for x in e.aliases),
                            (e.note or "").lower()])
            if any(n and n in hay for n in names):
                years = set(re.findall(r"\b(?:19|20)\d{2}\b", e.id + " " + e.name))
                if date is None or not years or date.text[:4] in years:
                    fits.append(e)
        if len(fits) == 1:
            return fits[0].id, fits[0].type
        year = f"-{date.text[:4]}" if date else ""
        eid = f"{ev.who.entity}-{ev.kind.lower()}{year}"
        label = ev.kind
        state.new.setdefault(eid, {"id": eid, "type": ev.kind,
                                   "name": f"{label} of {state.names.get(ev.who.entity, ev.who.text)}"
                                           + (f" ({date.text[:4]})" if date else "")})
        return eid, ev.kind

    def _phrase(self, ph: PhraseSlot, state) -> tuple[str, str] | None:
        """A charge or an activity: the registry's when its name or an alias fits, or a new one."""
        key = norm(ph.text)
        best = None
        for e in self.events.get(ph.kind, []):
            names = [norm(e.name), *(norm(x) for x in e.aliases)]
            for n in names:
                if n == key:
                    return e.id, e.type
                score = difflib.SequenceMatcher(None, n, key).ratio()
                if score >= 0.85 and (best is None or score > best[0]):
                    best = (score, e)
        if best:
            return best[1].id, best[1].type
        prefix = "charge-" if ph.kind == "Charge" else ""
        eid = prefix + slug(ph.text)
        state.new.setdefault(eid, {"id": eid, "type": ph.kind, "name": ph.text})
        return eid, ph.kind


def _certainty(thing) -> float:
    if isinstance(thing, Mention):
        return thing.certainty
    if isinstance(thing, EventSlot):
        return 1.0  # the person's link is already counted as the subject
    if isinstance(thing, PhraseSlot):
        return 1.0 if thing.quoted else 0.95
    return 1.0


SPOKEN_FOR = {"callsForReleaseOf": "subject", "condemnedBy": "object", "criticizes": "subject"}


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


def _unknown_names(doc) -> bool:
    """True when a capitalised word outside the registry's names may be a name spaCy should look at."""
    text = doc.text
    covered = [(e.start_char, e.end_char) for e in doc.ents]
    words = [m for m in _CAPITAL.finditer(text)
             if m.group(0).lower() not in _NOT_NAMES and not any(a <= m.start() < b for a, b in covered)]
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

    spans = [doc.char_span(a, b, label="DATE", alignment_mode="expand") for a, b in find_dates(doc.text)]
    spans = [s for s in spans if s is not None]
    if spans:
        doc.ents = filter_spans(list(doc.ents) + spans)
    return doc


def _worth_parsing(body: str, a: int, b: int, doc) -> bool:
    """Whether a sentence can hold a relation the rules read: the parser is the costly step."""
    if _says(body[a:b]) or NO_NAME_RE.search(body, a, b):
        return True
    names = {e.text for e in doc.ents if e.label_ != "DATE"} | set(_PRONOUN_RE.findall(doc.text))
    if len(names) >= 2:
        return TRIGGER_RE.search(body, a, b) is not None
    return len(names) == 1 and ONE_NAME_RE.search(body, a, b) is not None


def _says(sentence: str) -> bool:
    return sentence.rstrip().endswith(":") and re.search(r"\b(?:said|says|stated|added|told)\b", sentence) is not None


def _date_of(trigger, doc_date: PartialDate | None) -> PartialDate | None:
    """The date of the DATE phrase that modifies the trigger (not one belonging to another verb)."""
    future = any(c.lower_ in ("will", "shall") for c in trigger.children)
    best = None
    for ent in trigger.sent.ents:
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
        self.by_token: dict[int, dict[int, Mention]] = {}

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
                how = "name" if norm(text) == norm(e.name) else "alias"
                m = Mention(start, end, text, e.id, e.type, True, how)
            else:
                link = reg.link(text, label)
                if link:
                    e = reg.entities[link[0]]
                    m = Mention(start, end, text, e.id, e.type, True, link[1])
                else:
                    m = self._local_or_new(text, label, start, end, span)
            if m is None:
                continue
            out.append(m)
            for t in span:
                table[t.i] = m
            # "Long Name (ACR)": the acronym names the same entity for the rest of the article.
            nxt = span.end
            if nxt + 2 < len(doc) + 1 and nxt + 1 < len(doc) and doc[nxt].text == "(" and doc[nxt + 1].text.isupper():
                self.local[norm(doc[nxt + 1].text)] = (m.entity, m.type, m.known)
                self.names.setdefault(m.entity, text)
        self.by_token[id(doc)] = table
        return out

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
        table = self.by_token.get(id(doc), {})
        for tok in doc:
            if tok.lower_ in SAY:
                for c in tok.children:
                    if c.dep_ == "nsubj" and c.i in table:
                        self.speaker = table[c.i]
                        return

    def resolver(self, doc):
        table = self.by_token.get(id(doc), {})
        off = doc.user_data["offset"]

        def direct(tok):
            if tok.i in table:
                return [table[tok.i]]
            for c in tok.children:
                if c.dep_ == "appos" and c.i in table:
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
            low = tok.lower_
            if not out and low in PRONOUNS and tok.i < 0:
                # a stand-in ("the 65-year-old"): only a person named close before, in the same paragraph
                out = self._last("Person", off + tok.idx, table, limit=400)
            elif not out and low in PRONOUNS:
                out = self._last("Person", off + tok.idx, table)
            elif (not out and low in TYPE_NOUNS and (tok.i < 0 or any(c.lower_ == "the" for c in tok.children))
                  and not any(c.dep_ in ("compound", "amod") and c.ent_type_ for c in tok.children)):
                out = self._last(TYPE_NOUNS[low], off + tok.idx, table)
            elif not out and low in ("who", "which", "that") and tok.head.dep_ == "relcl":
                target = tok.head.head
                out = direct(target)
                if not out and target.dep_ == "appos":
                    out = direct(target.head)  # "Ana Lee, a party member who was released"
            for c in tok.conjuncts:
                for m in direct(c):
                    if m not in out:
                        out.append(m)
            return out

        return resolve

    def _last(self, etype: str, before: int, table, limit: int | None = None) -> list[Mention]:
        here = [m for m in table.values() if m.end <= before]
        para = self.body.rfind("\n", 0, before) + 1
        for m in sorted(here, key=lambda m: m.start, reverse=True) + self.history[::-1]:
            if limit is not None and (m.start < para or before - m.end > limit):
                break
            if m.type == etype:
                return [Mention(m.start, m.end, m.text, m.entity, m.type, m.known, "coref")]
        return []
