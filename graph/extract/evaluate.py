"""Measure extraction against curated statements: precision, recall and F1 per relation and overall."""

from __future__ import annotations

import re
from pathlib import Path

from graph.extract import ExtractError

CORE = ("memberOf", "leaderOf", "spokespersonOf", "chargedWith", "arrestedOn", "triedBy", "convictedOf",
        "sentencedTo", "bailGranted", "releasedOn", "pardonedBy", "dissolvedBy", "bannedFrom", "condemnedBy",
        "callsForReleaseOf", "heldIn", "exiledIn")
"""The ontology's 17 core relations (binary shortcuts used by the network view)."""


def _target(obj, value) -> str:
    if obj is not None:
        return obj
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return f"n:{value:g}"
    return "s:" + re.sub(r"[\W_]+", " ", str(value)).strip().lower()


def statement_key(document: str, subject: str, predicate: str, obj, value) -> tuple:
    """What a candidate must share with a curated statement to count as the same fact.

    Same document, subject, predicate and object (an entity id) or value (numbers by value, text ignoring case
    and punctuation). Role, date, quote and `according_to` are not compared.
    """
    return (document, subject, predicate, _target(obj, value))


FREE_TEXT = frozenset({"description"})
"""Literal relations whose value is free text in the curator's words: these alone may also be matched relaxed."""
RELAXED_COVER = 0.5
"""Relaxed match: the shorter value's content words all occur in the longer one and make at least half of them."""
_FUNCTION_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "and", "or", "as", "s", "its",
                   "his", "her", "their"}


def content_words(value) -> frozenset[str]:
    return frozenset(re.sub(r"[\W_]+", " ", str(value)).lower().split()) - _FUNCTION_WORDS


def relaxed_same(found_value, gold_value) -> bool:
    """Whether two free-text values say the same under the relaxed match ("Geneva-based human rights group" and
    "human rights group": 3 of 4 content words, all of the shorter's)."""
    a, b = content_words(found_value), content_words(gold_value)
    small, large = sorted((a, b), key=len)
    return bool(small) and small <= large and len(small) / len(large) >= RELAXED_COVER


def _relaxed_pairs(gold: dict, found: dict) -> dict:
    """Extracted free-text statements that miss a curated one exactly but match one relaxed: found key -> gold key,
    each curated statement used once."""
    exact = set(gold) & set(found)
    open_gold = sorted(k for k in gold if k not in exact and k[2] in FREE_TEXT)
    pairs, used = {}, set()
    for k in sorted(k for k in found if k not in exact and k[2] in FREE_TEXT):
        for g in open_gold:
            if g not in used and g[:3] == k[:3] and relaxed_same(found[k].value, gold[g].value):
                pairs[k] = g
                used.add(g)
                break
    return pairs


def _prf(tp: int, n_found: int, n_gold: int) -> dict:
    p = tp / n_found if n_found else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": n_gold, "extracted": n_found, "correct": tp, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(f, 3)}


def evaluate(corpus, texts: Path, min_confidence: float = 0.5, extractor=None) -> dict:
    """Extract from every document of `corpus` whose text is in `texts`; compare with its curated statements."""
    from graph.extract.frontmatter import read_article
    from graph.extract.pipeline import Extractor

    texts = Path(texts)
    if not texts.is_dir():
        raise ExtractError(f"{texts}: no such texts directory; pass --texts DIR with the documents' full texts")
    ex = extractor or Extractor(corpus.entities)
    gold: dict[tuple, object] = {}
    found: dict[tuple, object] = {}
    used, skipped = [], []
    for did, doc in sorted(corpus.documents.items()):
        if not doc.text or not (texts / doc.text).is_file():
            skipped.append(did)
            continue
        used.append(did)
        article = read_article(texts / doc.text)
        result = ex.extract(article.text, doc.date, source=doc.text, min_confidence=min_confidence)
        for c in result.candidates:
            k = statement_key(did, c.subject, c.predicate, c.object, c.value)
            if k not in found or c.confidence > found[k].confidence:
                found[k] = c
        for s in corpus.statements:
            if s.document == did:
                gold.setdefault(statement_key(did, s.subject, s.predicate, s.object, s.value), s)
    correct = set(gold) & set(found)
    predicates = sorted({k[2] for k in gold} | {k[2] for k in found})
    per = {}
    for p in predicates:
        g = {k for k in gold if k[2] == p}
        f = {k for k in found if k[2] == p}
        per[p] = _prf(len(g & f), len(f), len(g))

    def subset(preds):
        g = {k for k in gold if k[2] in preds}
        f = {k for k in found if k[2] in preds}
        return _prf(len(g & f), len(f), len(g))

    # The relaxed match renames a free-text candidate to the curated statement it matches; nothing else changes.
    pairs = _relaxed_pairs(gold, found)
    found_r = {pairs.get(k, k): v for k, v in found.items()}

    def subset_r(preds):
        g = {k for k in gold if k[2] in preds}
        f = {k for k in found_r if k[2] in preds}
        return _prf(len(g & f), len(f), len(g))

    relaxed = {"overall": subset_r(set(predicates)), "core": subset_r(set(CORE)),
               "extractable": subset_r({p for p in predicates if per[p]["extracted"] or p in CORE}),
               "per_relation": {p: subset_r({p}) for p in predicates if p in FREE_TEXT},
               "matched": [{"document": k[0], "subject": k[1], "predicate": k[2], "found": found[k].value,
                            "curated": gold[g].value} for k, g in sorted(pairs.items())]}
    return {
        "documents": used,
        "relaxed": relaxed,
        "skipped": skipped,
        "min_confidence": min_confidence,
        "overall": _prf(len(correct), len(found), len(gold)),
        "core": subset(set(CORE)),
        "extractable": subset({p for p in predicates if per[p]["extracted"] or p in CORE}),
        "per_relation": per,
        "false_positives": [_row(k, found[k]) for k in sorted(set(found) - correct)],
        "misses": [_row(k, gold[k]) for k in sorted(set(gold) - correct)],
    }


def _row(key, item) -> dict:
    doc, subject, predicate, target = key
    return {"document": doc, "subject": subject, "predicate": predicate,
            "object": target, "quote": item.quote,
            "confidence": getattr(item, "confidence", None)}


def format_report(report: dict, show_lists: bool = True) -> str:
    lines = [f"documents: {len(report['documents'])} compared"
             + (f", {len(report['skipped'])} without text skipped" if report["skipped"] else "")
             + f"; candidates with confidence >= {report['min_confidence']}", ""]
    lines.append(f"{'relation':<22}{'gold':>6}{'found':>7}{'correct':>9}{'P':>8}{'R':>8}{'F1':>8}")
    for name, row in report["per_relation"].items():
        lines.append(_line(name, row))
    lines.append("")
    lines.append(_line("ALL statements", report["overall"]))
    lines.append(_line("17 core relations", report["core"]))
    lines.append(_line("rules' relations", report["extractable"]))
    relaxed = report.get("relaxed")
    if relaxed:
        lines += ["", f"relaxed match for free-text values ({', '.join(sorted(FREE_TEXT))}; content words of the "
                      f"shorter all in the longer, covering >= {RELAXED_COVER:g}); other relations as above:"]
        for name, row in relaxed["per_relation"].items():
            lines.append(_line(name, row))
        lines.append(_line("ALL statements", relaxed["overall"]))
        lines.append(_line("17 core relations", relaxed["core"]))
        lines.append(_line("rules' relations", relaxed["extractable"]))
        if show_lists and relaxed["matched"]:
            lines += [f"  {r['document']}: {r['subject']} {r['predicate']} \"{r['found']}\" ~ \"{r['curated']}\""
                      for r in relaxed["matched"]]
    if show_lists:
        lines += ["", f"false positives ({len(report['false_positives'])}):"]
        lines += [f"  {r['document']}: {r['subject']} {r['predicate']} {r['object']} ({r['confidence']}) "
                  f"\"{_short(r['quote'])}\"" for r in report["false_positives"]]
        lines += ["", f"misses ({len(report['misses'])}):"]
        lines += [f"  {r['document']}: {r['subject']} {r['predicate']} {r['object']} \"{_short(r['quote'])}\""
                  for r in report["misses"]]
    return "\n".join(lines) + "\n"


def _line(name: str, row: dict) -> str:
    return (f"{name:<22}{row['gold']:>6}{row['extracted']:>7}{row['correct']:>9}{row['precision']:>8.2f}"
            f"{row['recall']:>8.2f}{row['f1']:>8.2f}")


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
