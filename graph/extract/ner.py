"""Find the people, parties, courts and places an article names, and link them to the entity registry."""

from __future__ import annotations

import difflib
import functools
import os
import re
import threading
import unicodedata
from dataclasses import dataclass

from graph.extract import MODEL, ExtractError

# Words that precede a name without being part of it.
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "madam", "lord", "lady", "prof", "professor", "the", "king",
              "queen", "prince", "princess", "samdech", "general", "gen", "lt", "colonel", "col", "judge", "justice",
              "minister", "president", "senator", "rev", "father", "brother", "sister", "oknha", "his", "her",
              "excellency"}
_SMALL = {"of", "the", "and", "for", "in", "on", "to", "a", "an", "de", "du"}

# Ontology types for names the registry lacks, from spaCy's label and telling words in the name.
_ORG_KINDS = [
    (re.compile(r"\b(?:court|tribunal|chamber)\b", re.I), "Court"),
    (re.compile(r"\b(?:party|movement|front)\b", re.I), "PoliticalParty"),
    (re.compile(r"\b(?:prison|correctional|jail|detention cent(?:er|re))\b", re.I), "Prison"),
    (re.compile(r"\b(?:ministry|government|council|assembly|senate|parliament|police|army|embassy|committee|"
                r"commission|department|authorit(?:y|ies)|state department|national election)\b", re.I),
     "GovernmentBody"),
    (re.compile(r"\b(?:watch|amnesty|rights|licadho|adhoc|foundation|institute|centre for|center for|"
                r"federation|league|alliance|network|international\b(?! airport))", re.I), "NGO"),
    (re.compile(r"\b(?:news|times|post|radio|press|daily|television|tv|journal|reuters|afp|agence|service|"
                r"broadcast|media|herald|gazette|tribune|voice of)\b", re.I), "MediaOutlet"),
]
_LABEL_TYPES = {"PERSON": "Person", "GPE": "Place", "LOC": "Place", "FAC": "Place", "ORG": "Organization"}
# Registry types shown to spaCy's EntityRuler as its own labels, so later rules can read `ent_type_`.
TYPE_LABELS = {"Person": "PERSON", "Place": "GPE", "Prison": "FAC"}


@dataclass(frozen=True)
class Mention:
    """One place where the text names an entity; offsets are into the cleaned text."""

    start: int
    end: int
    text: str
    entity: str  # a registry id, or a proposed id for a new entity
    type: str  # an ontology class
    known: bool  # True when the registry holds the entity
    how: str  # name | alias | acronym | partial | fuzzy | new | coref | group

    @property
    def certainty(self) -> float:
        """How much a link of this kind is worth; the relation rules multiply it into a confidence."""
        return {"name": 1.0, "alias": 1.0, "acronym": 0.95, "partial": 0.9, "fuzzy": 0.85, "new": 0.85,
                "coref": 0.75, "group": 0.85}[self.how]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entity"


_POSSESSIVE = re.compile(r"'s?$")
_NAME_WORD = re.compile(r"[\w.&'-]+")
_INITIALS = re.compile(r"^(?:\w\.)+$")


def norm(name: str) -> str:
    """A name as the registry index compares it: plain quotes, no possessive, no honorifics, lower case."""
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    name = _POSSESSIVE.sub("", name.strip())
    words = _NAME_WORD.findall(name.lower())
    while len(words) > 1 and words[0].rstrip(".") in HONORIFICS:
        words = words[1:]
    # (a word without a full stop is kept as it is: the common case, decided without a regular expression)
    return " ".join(w if "." not in w else w.strip(".") if not _INITIALS.match(w) else w.replace(".", "")
                    for w in words)


def acronym(name: str) -> str | None:
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", name) if w.lower() not in _SMALL]
    if len(words) < 2:
        return None
    return "".join(w[0].upper() for w in words)


class Registry:
    """The entity registry seen as names: exact names and aliases, acronyms, surnames, fuzzy matches."""

    def __init__(self, entities: dict):
        self.entities = entities  # id -> sources.model.Entity
        self.by_name: dict[str, str] = {}
        self.by_alias: dict[str, str] = {}
        self.by_acronym: dict[str, set[str]] = {}
        self.by_word: dict[str, set[str]] = {}
        for eid, e in sorted(entities.items()):
            self.by_name.setdefault(norm(e.name), eid)
            for a in e.aliases:
                self.by_alias.setdefault(norm(a), eid)
            a = acronym(e.name)
            if a:
                self.by_acronym.setdefault(a.lower(), set()).add(eid)
            if e.type in ("Person",):
                for w in norm(e.name).split():
                    if len(w) > 2:
                        self.by_word.setdefault(w, set()).add(eid)
        self._names = sorted(set(self.by_name) | set(self.by_alias))
        self._normal_names: dict[str, str] = {}
        self._narrower: dict[tuple[str, str], str | None] = {}  # (entity, place) -> narrower(); scans the registry
        # The names by length: difflib's first test rejects a name whose length alone keeps it under the cutoff,
        # so only the lengths that can pass are handed to it (the same matches, found without the others).
        self._by_length: dict[int, list[str]] = {}
        for n in self._names:
            self._by_length.setdefault(len(n), []).append(n)

    def normal_name(self, eid: str) -> str:
        """`norm` of an entity's name, made once per entity."""
        n = self._normal_names.get(eid)
        if n is None:
            n = self._normal_names[eid] = norm(self.entities[eid].name)
        return n

    def narrower(self, eid: str, place: str) -> str | None:
        """The one other entity of `eid`'s type whose name or alias holds every word of `eid`'s name and names
        `place` too, or None: "Korvania's Interior Ministry" is the registry's "Interior Ministry of Korvania"
        (or "Korvanian Interior Ministry"), not a plain "Interior Ministry" that belongs to another country."""
        key = (eid, place)
        if key not in self._narrower:
            self._narrower[key] = self._find_narrower(eid, norm(place).split())
        return self._narrower[key]

    def _find_narrower(self, eid: str, where: list[str]) -> str | None:
        e = self.entities[eid]
        words = set(self.normal_name(eid).split())
        if not where:
            return None
        hits = set()
        for other, o in self.entities.items():
            if other == eid or o.type != e.type:
                continue
            for n in (o.name, *o.aliases):
                ws = norm(n).split()
                if words <= set(ws) and all(any(_names_place(w, p) for w in ws) for p in where):
                    hits.add(other)
        return next(iter(hits)) if len(hits) == 1 else None

    def names(self):
        """(surface name, entity id) pairs for the EntityRuler."""
        for eid, e in sorted(self.entities.items()):
            if e.type in _RULER_TYPES:
                for n in (e.name, *e.aliases):
                    yield n, eid

    def link(self, text: str, label: str) -> tuple[str, str] | None:
        """(entity id, how) for a mention, or None when the registry has nothing that fits."""
        key = norm(text)
        if not key:
            return None
        if key in self.by_name:
            return self.by_name[key], "name"
        if key in self.by_alias:
            return self.by_alias[key], "alias"
        bare = text.strip().replace(".", "")
        if bare.isupper() and 2 <= len(bare) <= 8:
            hits = self.by_acronym.get(bare.lower(), set())
            if len(hits) == 1:
                return next(iter(hits)), "acronym"
        words = key.split()
        if label == "PERSON" and len(words) == 1 and words[0] in self.by_word:
            hits = self.by_word[words[0]]
            if len(hits) == 1:
                return next(iter(hits)), "partial"
        if len(key) >= 6:
            close = difflib.get_close_matches(key, self._near(key), n=1, cutoff=_FUZZY)
            if close:
                eid = self.by_name.get(close[0]) or self.by_alias[close[0]]
                if _fits(self.entities[eid].type, label):
                    return eid, "fuzzy"
        return None

    def _near(self, key: str) -> list[str]:
        """The registry's names whose length lets them reach the fuzzy cutoff against `key`."""
        k = len(key)
        return [n for length, names in self._by_length.items() if length_bound(length, k) >= _FUZZY for n in names]


_FUZZY = 0.88
"""How alike (difflib's ratio) a name must be to a registry name to be linked to it as a misspelling."""


def length_bound(a: int, b: int) -> float:
    """The highest ratio difflib can give two strings of these lengths: its `real_quick_ratio` (2 * shorter /
    sum of the lengths), computed as difflib computes it. A pair under a cutoff here is under it for good."""
    return 2.0 * min(a, b) / (a + b) if a + b else 1.0


def _names_place(word: str, place: str) -> bool:
    """A word of a name that is the place's name or its adjective: "korvania", "korvanian", "cambodian"."""
    return word == place or (len(place) > 3 and word.startswith(place.rstrip("aey")) and len(word) <= len(place) + 3)


# Types whose names the ruler marks in the text; events and charges are named in other ways.
_RULER_TYPES = {"Person", "PersonGroup", "Organization", "PoliticalParty", "Court", "NGO", "GovernmentBody",
                "MediaOutlet", "Place", "Prison"}


def _fits(etype: str, label: str) -> bool:
    if label == "PERSON":
        return etype == "Person"
    if label in ("GPE", "LOC", "FAC"):
        return etype in ("Place", "Prison")
    return etype not in ("Person", "Place")


def new_type(text: str, label: str) -> str | None:
    """The ontology type to propose for a name the registry lacks (None: not worth proposing)."""
    if label == "ORG" or label == "FAC":
        for pattern, etype in _ORG_KINDS:
            if pattern.search(text):
                return etype
    return _LABEL_TYPES.get(label)


_NLP = None
_LOCK = threading.Lock()


def load_model():
    """spaCy's English pipeline, loaded once per process; the lemmatizer is not needed by the rules."""
    global _NLP
    with _LOCK:
        if _NLP is None:
            try:
                # One BLAS thread: the matrices of a batch of sentences are small, and threads only wait on each
                # other (and on other processes) on a busy machine. Effective when numpy is not loaded yet.
                os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
                import spacy
                from thinc.api import use_ops

                # numpy's matrix product (OpenBLAS, tuned per CPU at run time) instead of thinc's bundled BLIS,
                # whose generic kernel was 4x slower on the development machine's CPU: 1.5x faster extraction.
                with use_ops("numpy", use_blis=False):
                    _NLP = spacy.load(MODEL, exclude=["lemmatizer", "senter", "attribute_ruler"])
            except (ImportError, OSError) as e:
                raise ExtractError(
                    f"the English pipeline '{MODEL}' is not installed ({e.__class__.__name__}); "
                    "install the extraction extra: pip install 'rightsgraph[nlp]'") from None
    return _NLP


def make_ruler(nlp, registry: Registry):
    """An EntityRuler for the registry's names and aliases, run after spaCy's own recogniser."""
    from spacy.pipeline import EntityRuler

    ruler = EntityRuler(nlp, name="registry", phrase_matcher_attr="LOWER", overwrite_ents=True)
    patterns = []
    for name, eid in registry.names():
        etype = registry.entities[eid].type
        label = TYPE_LABELS.get(etype, "ORG")
        patterns.append({"label": label, "pattern": name, "id": eid})
        if "’" in name or "'" in name:
            patterns.append({"label": label, "pattern": name.replace("’", "'").replace("'", "’"), "id": eid})
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(patterns)
    return ruler


class NameMarker:
    """Marks the registry's names in a document as `EntityRuler.__call__` does, match for match and span for
    span, without what that call costs on top on every sentence: a warnings filter around the matchers and a
    call to its token matcher, which the registry's ruler leaves empty (it holds phrases only)."""

    def __init__(self, ruler):
        from spacy.tokens import Span

        self._span = Span
        self.ruler = ruler
        self.patterns = ruler.patterns
        self._phrases = ruler.phrase_matcher
        self._tokens = ruler.matcher if len(ruler.matcher) else None
        self._ids = ruler._ent_ids
        self._overwrite = ruler.overwrite

    def __call__(self, doc):
        Span = self._span
        matches = list(self._phrases(doc))
        if self._tokens is not None:
            matches = list(self._tokens(doc)) + matches
        # EntityRuler.match: distinct non-empty matches, longest first, then leftmost
        matches = sorted({(m_id, start, end) for m_id, start, end in matches if start != end},
                         key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
        # EntityRuler.set_annotations
        entities = list(doc.ents)
        new_entities = []
        seen_tokens = set()
        for match_id, start, end in matches:
            if not self._overwrite and any(t.ent_type for t in doc[start:end]):
                continue
            if start not in seen_tokens and end - 1 not in seen_tokens:
                if match_id in self._ids:
                    label, ent_id = self._ids[match_id]
                    span = Span(doc, start, end, label=label, span_id=ent_id)
                else:
                    span = Span(doc, start, end, label=match_id)
                new_entities.append(span)
                if entities:
                    entities = [e for e in entities if not (e.start < end and e.end > start)]
                seen_tokens.update(range(start, end))
        doc.ents = entities + new_entities
        return doc


# --- groups: "14 jailed CNRP activists" as the registry's PersonGroup whose name says as much ---------------

GROUP_NOUNS = {"members", "activists", "supporters", "defendants", "politicians", "leaders", "prisoners",
               "reporters", "journalists", "campaigners", "critics", "detractors", "defenders", "officials",
               "lawmakers", "protesters", "demonstrators", "students", "monks", "workers", "farmers", "villagers",
               "detainees", "dissidents", "opponents", "exiles", "individuals", "people", "figures", "cases",
               "lawyers", "organisers", "organizers", "unionists", "youths", "candidates", "legislators", "mps"}
"""Plural nouns that name a group of people (or, "cases", a set of legal cases)."""
QUANTITY_WORDS = {"hundreds", "dozens", "thousands", "scores", "tens", "millions"}
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20,
                "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_GROUP_STOP = {"the", "of", "and", "a", "an", "in", "on", "at", "for", "to", "with", "by", "who", "which", "that",
               "had", "have", "has", "been", "were", "was", "be", "are", "is", "least", "more", "than", "about",
               "approximately", "some", "all", "those", "their", "its", "his", "her", "them", "they", "from", "as",
               "most", "other", "others", "s", "-", "(", ")", ",", "'", "’", "since", "or", "any"}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude English stem, the same on both sides of a comparison ("jailed", "jails" -> "jail")."""
    w = word.lower().replace("’", "'")
    w = re.sub(r"'s?$", "", w)
    if w in NUMBER_WORDS:
        return str(NUMBER_WORDS[w])
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if len(w) > len(suffix) + 2 and w.endswith(suffix) and not w.endswith("ss"):
            return w[: -len(suffix)] + repl
    if len(w) > 4 and w.endswith("e"):
        return w[:-1]  # "leave" as "leaving" -> "leav"
    return w


def name_words(*names: str) -> set[str]:
    """The stems of the words of names, without the small words."""
    out = set()
    for n in names:
        out |= _words_of(n)
    return out


@functools.lru_cache(maxsize=65536)
def _words_of(name: str) -> frozenset[str]:
    out = set()
    for w in re.findall(r"[\w'’-]+", name):
        for part in w.split("-"):
            if part and part.lower() not in _GROUP_STOP:
                out.add(stem(part))
    return frozenset(out)


def numbers_in(words: set[str]) -> set[str]:
    """Counts among stems (not years)."""
    return {w for w in words if w.isdigit() and not (len(w) == 4 and w[:2] in ("19", "20"))}


FATES = {"jail", "charg", "arrest", "pardon", "releas", "bann", "ban", "fre", "free", "detain", "imprison",
         "incarcerat", "sentenc", "convict", "exil", "acquitt", "tri", "kill", "disappear", "injur", "attack"}
"""Stems of what befell a group; a phrase and a group's name that give different ones name different groups."""


class GroupIndex:
    """The registry's groups of people and sets of cases, each as the words and counts of its names."""

    def __init__(self, entities: dict):
        self.groups = []
        for eid, e in sorted(entities.items()):
            if e.type in ("PersonGroup", "LegalCase"):
                words = name_words(e.name, *e.aliases)
                self.groups.append((eid, e.type, words, numbers_in(words)))

    def link(self, heads: list[str], words: set[str]) -> str | None:
        """The group whose names share the head noun and enough words with a noun phrase (a count the
        phrase gives must agree with a count in the name); None when none fits or two fit equally."""
        nums = numbers_in(words)
        heads = {stem(h) for h in heads}
        scored = []
        for eid, etype, gw, gnums in self.groups:
            if not heads & gw or (etype == "LegalCase") != (stem("cases") in heads):
                continue
            if nums and gnums and not nums & gnums:
                continue
            fates, gfates = words & FATES, gw & FATES
            if fates and gfates and not fates & gfates and not nums & gnums:
                # "three members who were jailed" are not the group "members charged since May" (but "14 jailed
                # activists" are the "14 activists pardoned": the count says so, and a group can be both)
                continue
            score = len(words & gw)
            if score >= 3 or (score >= 2 and nums and (not gnums or nums & gnums)):
                scored.append((score, eid))
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]


# --- events: "the planned return of CNRP leaders" as the registry's ReturnAttempt whose name says as much ------

EVENT_TYPES = frozenset({"Event", "Arrest", "Detention", "Hearing", "Trial", "Verdict", "Sentence", "Bail", "Release",
                         "Pardon", "Dissolution", "Ban", "Election", "PublicStatement", "Protest", "Crackdown",
                         "ReturnAttempt"})
EVENT_HEADS = {
    "return": {"ReturnAttempt"}, "returns": {"ReturnAttempt"},
    "protest": {"Protest"}, "protests": {"Protest"}, "demonstration": {"Protest"}, "demonstrations": {"Protest"},
    "rally": {"Protest", "Event"}, "rallies": {"Protest", "Event"}, "march": {"Protest"},
    "election": {"Election"}, "elections": {"Election"}, "polls": {"Election"}, "vote": {"Election"},
    "crackdown": {"Crackdown"}, "crackdowns": {"Crackdown"}, "campaign": {"Crackdown", "Event"},
    "repression": {"Crackdown"}, "persecution": {"Crackdown"},
    "gathering": {"Event"}, "summit": {"Event"}, "conference": {"Event"}, "forum": {"Event"}, "meeting": {"Event"},
    "arrival": {"Event"}, "visit": {"Event"}, "plot": {"Event"}, "coup": {"Event"},
    "trial": {"Trial"}, "trials": {"Trial"}, "hearing": {"Hearing"}, "hearings": {"Hearing"},
    "dissolution": {"Dissolution"}, "ban": {"Ban"}, "detention": {"Detention"}, "pardon": {"Pardon"},
    "pardons": {"Pardon"}, "releases": {"Release"}, "sentence": {"Sentence"}, "sentences": {"Sentence"},
    "report": {"PublicStatement"}, "statement": {"PublicStatement"}, "webpage": {"PublicStatement"},
    "comment": {"PublicStatement"}, "pledge": {"PublicStatement"},
}
"""Nouns that name an event, with the kinds of registry event each may name."""


class EventIndex:
    """The registry's events, each as the words of its names and the years they give."""

    def __init__(self, entities: dict):
        self.events = []
        for eid, e in sorted(entities.items()):
            if e.type in EVENT_TYPES:
                words = name_words(e.name, *e.aliases)
                years = set(re.findall(r"\b(?:19|20)\d{2}\b", e.name + " " + eid))
                self.events.append((eid, e.type, words, years))

    def link(self, head: str, words: set[str], years: set[str], named: set[str] = frozenset()) -> str | None:
        """The registry event of a kind the head noun allows that shares the head and enough words with the
        phrase (a year the phrase gives must be one the event's name gives); None unless exactly one fits best."""
        kinds = EVENT_HEADS.get(head.lower())
        if not kinds:
            return None
        h = stem(head)
        scored = []
        for eid, etype, ew, eyears in self.events:
            if etype not in kinds:
                continue
            if years and eyears and not years & eyears:
                continue
            score = len(words & ew)
            # the head and a named participant, or the head and most of a short phrase, or many words
            if (h in ew and (score >= 3 or (score >= 2 and (named & ew or len(words) <= 4)))) or score >= 4:
                scored.append((score, eid))
        scored.sort(reverse=True)
        if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]
