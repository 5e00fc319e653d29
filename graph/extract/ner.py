"""Find the people, parties, courts and places an article names, and link them to the entity registry."""

from __future__ import annotations

import difflib
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
    how: str  # name | alias | acronym | partial | fuzzy | new | coref

    @property
    def certainty(self) -> float:
        """How much a link of this kind is worth; the relation rules multiply it into a confidence."""
        return {"name": 1.0, "alias": 1.0, "acronym": 0.95, "partial": 0.9, "fuzzy": 0.85, "new": 0.85,
                "coref": 0.75}[self.how]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entity"


def norm(name: str) -> str:
    """A name as the registry index compares it: plain quotes, no possessive, no honorifics, lower case."""
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    name = re.sub(r"'s?$", "", name.strip())
    words = re.findall(r"[\w.&'-]+", name.lower())
    while len(words) > 1 and words[0].rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(w.strip(".") if not re.match(r"^(?:\w\.)+$", w) else w.replace(".", "") for w in words)


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
            close = difflib.get_close_matches(key, self._names, n=1, cutoff=0.88)
            if close:
                eid = self.by_name.get(close[0]) or self.by_alias[close[0]]
                if _fits(self.entities[eid].type, label):
                    return eid, "fuzzy"
        return None


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
                import spacy

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
