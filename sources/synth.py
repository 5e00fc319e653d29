"""Write a synthetic sources directory with the structure of real repression corpora, for benchmarks."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

_SYLLABLES = ("Sok", "Chan", "Vann", "Sam", "Kem", "Mu", "Meas", "Chea", "Heng", "Pich", "Rath", "Sophal",
              "Dara", "Vuthy", "Kosal", "Nary", "Sreymom", "Bopha", "Vanna", "Thida", "Rithy", "Sovann",
              "Piseth", "Chhay", "Eang", "Ly", "Ouk", "Prak", "Seng", "Tep", "Yim", "Nhem")
_CHARGES = (  # (name, article, maximum years): shaped like the Criminal Code charges in the real corpus
    ("plotting", 453, 10), ("incitement to commit a felony", 494, 2), ("inciting military disobedience", 471, 5),
    ("criminal attempt", 451, 30), ("conspiring with a foreign power", 443, 30), ("insurrection", 459, 30),
    ("defamation", 305, 0), ("espionage", 445, 15), ("attack", 451, 30), ("forgery", 629, 10),
    ("violence against officials", 218, 5), ("obstruction", 523, 3),
)
_PLACES = ("Phnom Penh", "Battambang", "Siem Reap", "Kampong Cham", "Takeo", "Kandal", "Prey Veng", "Kampot",
           "Svay Rieng", "Pursat", "Kratie", "Tbong Khmum", "Koh Kong", "Kep", "Pailin", "Stung Treng")


@dataclass
class _World:
    rng: random.Random
    entities: list[dict] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, kind: str, eid: str, etype: str, name: str) -> tuple[str, str]:
        self.entities.append({"id": eid, "type": etype, "name": name})
        self.groups.setdefault(kind, []).append((eid, name))
        return eid, name

    def pick(self, kind: str, skew: float = 1.0) -> tuple[str, str]:
        """Power-law choice: low indices are picked far more often when skew > 1."""
        items = self.groups[kind]
        return items[min(len(items) - 1, int(len(items) * self.rng.random() ** skew))]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_SYLLABLES)} {rng.choice(_SYLLABLES)}{rng.choice(('', ' ' + rng.choice(_SYLLABLES)))}"


def _world(n: int, rng: random.Random) -> _World:
    w = _World(rng)
    n_people = max(50, n // 6)
    for i in range(n_people):
        w.add("person", f"person-{i:07d}", "Person", _name(rng))
    for i in range(max(3, min(40, n_people // 3000))):
        w.add("party", f"party-{i:03d}", "PoliticalParty", f"{_name(rng).split()[0]} National Party {i}")
    for i in range(max(2, n // 25000 + 2)):
        w.add("ngo", f"ngo-{i:03d}", "NGO", f"Rights Watch {i}")
    for i in range(max(3, n // 20000 + 3)):
        w.add("media", f"media-{i:03d}", "MediaOutlet", f"Daily Courier {i}")
    for i, place in enumerate(_PLACES):
        w.add("place", f"place-{i:02d}", "Place", place)
    for i in range(max(2, len(_PLACES) // 2)):
        w.add("court", f"court-{i:02d}", "Court", f"{_PLACES[i]} Municipal Court")
        w.add("prison", f"prison-{i:02d}", "Prison", f"Correctional Center {i + 1}")
    w.add("government", "government", "GovernmentBody", "Ministry of Interior")
    w.add("activity", "activity-politics", "Activity", "political activity")
    for i, (name, _, _) in enumerate(_CHARGES):
        w.add("charge", f"charge-{i:02d}", "Charge", name)
    for i in range(max(4, n // 400)):
        w.add("trial", f"trial-{i:06d}", "Trial", f"Mass trial {i}")
    return w


def _yaml(item: dict, list_item: bool = False) -> str:
    """One mapping as YAML, strings JSON-quoted (YAML reads them as double-quoted scalars)."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in item.items()]
    if not list_item:
        return "".join(lines)
    return "  - " + lines[0] + "".join("    " + line for line in lines[1:])


def _jsonl(item: dict) -> str:
    return json.dumps(item, ensure_ascii=False) + "\n"


def synthesise(n_statements: int, out: Path, seed: int = 0, fmt: str = "yaml") -> dict:
    """Write the registry, the documents and texts/*.txt holding exactly `n_statements` statements.

    `fmt` "yaml" writes entities.yaml and documents/*.yaml, "jsonl" entities.jsonl and documents/*.jsonl;
    the same seed gives the same corpus in either.
    """
    rng = random.Random(seed)
    w = _world(n_statements, rng)
    # The rarer kinds of fact (allegations, dissolutions, bans, disagreeing values) draw their details from a
    # second generator, so that adding them left every other fact of a seed's corpus as it was.
    rare = random.Random(f"{seed}-rare")
    out = Path(out)
    (out / "documents").mkdir(parents=True, exist_ok=True)
    (out / "texts").mkdir(exist_ok=True)
    arrests: dict[str, str] = {}
    recent: list[tuple] = []  # facts that later documents may repeat (corroboration)
    charges = w.groups["charge"]

    def fact() -> tuple:
        """One fact as (subject, predicate, object or None, value or None, sentence[, according to])."""
        r = rng.random()
        pid, pname = w.pick("person", skew=2.5)
        if r < 0.22:
            party, pn = w.pick("party", skew=3)
            return pid, "memberOf", party, None, f"{pname} is a member of the {pn}."
        if r < 0.40:
            trial, tn = w.pick("trial", skew=2)
            return pid, "defendantIn", trial, None, f"{pname} is among the defendants in the {tn}."
        if r < 0.55:
            cid, cn = w.pick("charge", skew=1.5)
            return pid, "chargedWith", cid, None, f"{pname} was charged with {cn}."
        if r < 0.62:
            if pid not in arrests:
                arrests[pid] = w.add("arrest", f"arrest-{pid}", "Arrest", f"Arrest of {pname}")[0]
            return pid, "arrestedOn", arrests[pid], None, f"{pname} was arrested."
        if r < 0.68:
            prison, prn = w.pick("prison")
            return pid, "heldIn", prison, None, f"{pname} is held in {prn}."
        if r < 0.76:
            ngo, nn = w.pick("ngo", skew=2)
            return ngo, "callsForReleaseOf", pid, None, f"{nn} called for the release of {pname}."
        if r < 0.82:
            trial, tn = w.pick("trial", skew=2)
            ngo, nn = w.pick("ngo", skew=2)
            return trial, "condemnedBy", ngo, None, f"{nn} condemned the {tn}."
        if r < 0.87:
            trial, tn = w.pick("trial")
            court, crn = w.pick("court", skew=2)
            return trial, "triedBy", court, None, f"The {tn} is heard by the {crn}."
        if r < 0.905:
            place, pln = w.pick("place", skew=2)
            return pid, "exiledIn", place, None, f"{pname} lives in exile in {pln}."
        if r < 0.92:
            return rare_fact(r, pid, pname, rng.random())
        if r < 0.96:
            party, pn = w.pick("party", skew=3)
            return pid, "leaderOf", party, None, f"{pname} leads the {pn}."
        i = rng.randrange(len(charges))
        years = _CHARGES[i][2]
        if rare.random() < 0.02:  # a document that gets the penalty wrong: the claims disagree
            years += rare.choice((1, 2, 5))
        return charges[i][0], "maximumPenaltyYears", None, years, \
            f"The charge of {_CHARGES[i][0]} carries up to {years} years."

    def rare_fact(r: float, pid: str, pname: str, u: float) -> tuple:
        """An allegation, a dissolution or a ban: 1.5% of the facts together; `u` is the one draw of the
        main generator that the exile fact they replace would have made."""
        if r < 0.912:  # the government's allegation, not a fact: the claim carries according_to
            party, pn = w.groups["party"][min(len(w.groups["party"]) - 1, int(len(w.groups["party"]) * u ** 3))]
            return pid, "memberOf", party, None, f"The Ministry of Interior alleges that {pname} is a member of the {pn}.", \
                "government"
        if r < 0.916:
            party, pn = w.groups["party"][min(len(w.groups["party"]) - 1, int(len(w.groups["party"]) * u ** 3))]
            by, bn = rare.choice(w.groups["court"][:2] + w.groups["government"])
            return party, "dissolvedBy", by, None, f"The {pn} was dissolved by the {bn}."
        return pid, "bannedFrom", "activity-politics", None, f"{pname} is banned from political activity."

    written = 0
    doc_index = 0
    while written < n_statements:
        size = min(n_statements - written, rng.randint(10, 70))
        year = rng.randint(2010, 2025)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        did = f"doc-{doc_index:07d}"
        publisher = w.pick("media" if rng.random() < 0.7 else "ngo", skew=1.5)[0]
        sentences, items = [], []
        for k in range(size):
            f = recent[rng.randrange(len(recent))] if recent and rng.random() < 0.25 else fact()
            if len(recent) < 5000:
                recent.append(f)
            else:
                recent[rng.randrange(len(recent))] = f
            subject, predicate, obj, value, sentence, *according_to = f
            sentence = f"{sentence[:-1]}, report {k + 1} says."  # each document words it its own way
            sentences.append(sentence)
            item = {"subject": subject, "predicate": predicate}
            item.update({"object": obj} if obj else {"value": value})
            if predicate in ("arrestedOn", "chargedWith", "dissolvedBy", "bannedFrom"):
                item["date"] = f"{year}-{month:02d}-{day:02d}"
            if according_to:
                item["according_to"] = according_to[0]
            item["quote"] = sentence
            items.append(item)
        header = {"id": did, "title": f"Synthetic report {doc_index}", "kind": "NewsArticle", "publisher": publisher,
                  "date": f"{year}-{month:02d}-{day:02d}", "text": f"{did}.txt"}
        if fmt == "jsonl":
            body = _jsonl(header) + "".join(map(_jsonl, items))
        else:
            body = _yaml(header) + "statements:\n" + "".join(_yaml(i, list_item=True) for i in items)
        (out / "documents" / f"{did}.{fmt}").write_text(body, encoding="utf-8")
        (out / "texts" / f"{did}.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
        written += size
        doc_index += 1
    if fmt == "jsonl":
        registry = "".join(map(_jsonl, w.entities))
    else:
        registry = "entities:\n" + "".join(_yaml(e, list_item=True) for e in w.entities)
    (out / f"entities.{fmt}").write_text(registry, encoding="utf-8")
    return {"statements": written, "documents": doc_index, "entities": len(w.entities)}
