"""The extract command's work: read each article, extract, and write its candidates and cleaned text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.extract import ExtractError
from graph.extract.candidates import jsonl_text, review_yaml, write_atomic
from graph.extract.frontmatter import read_article
from graph.extract.ner import norm, slug
from sources.model import PartialDate

KINDS = ("NewsArticle", "NGOStatement", "Report")


@dataclass
class Outcome:
    stdout: str
    failed: int
    candidates: int


def _date(value, where: str) -> PartialDate | None:
    if value in (None, ""):
        return None
    try:
        return PartialDate.parse(str(value))
    except ValueError as e:
        raise ExtractError(f"{where}: {e}") from None


def extract_files(files, fmt: str = "yaml", out: Path | None = None, date: str | None = None,
                  publisher: str | None = None, sources: Path | None = None, min_confidence: float = 0.5,
                  report=print, extractor=None) -> Outcome:
    """Extract every file; an unreadable file is reported and skipped, the others carry on."""
    from graph.extract.pipeline import Extractor
    from sources.load import load_sources

    default_date = _date(date, "--date")
    entities = load_sources(sources).entities if sources is not None else {}
    ex = extractor or Extractor(entities)
    chunks: list[str] = []
    failed = total = 0
    for f in files:
        path = Path(f)
        try:
            article = read_article(path)
            doc_date = _date(article.meta.get("date"), f"{path}: front matter 'date'") or default_date
            if not article.text.strip():
                report(f"{path}: empty; nothing to extract")
            elif len(article.text) > 1_000_000:
                report(f"{path}: {len(article.text) / 1e6:.1f} million characters; this takes about "
                       f"{len(article.text) / 35_000:.0f} s")
            result = ex.extract(article.text, doc_date, source=str(path), min_confidence=min_confidence)
        except ExtractError as e:
            report(f"error: {e}")
            failed += 1
            continue
        meta = _document(article, path, doc_date, publisher, ex, result.new_entities)
        stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
        if out is not None and path.suffix.lower() in (".html", ".htm", ".md", ".markdown"):
            # Quotes are sentences of the cleaned text; markup in the original would keep them from matching.
            meta["text"] = f"{stem}.clean.txt"
        if doc_date is None and article.text.strip():
            report(f"{path}: no date (front matter or --date): relative dates such as 'on Friday' are left out")
        removed = "; ".join(f"{n} {k}" for k, n in sorted(result.removed.items()))
        report(f"{path}: {len(result.candidates)} candidate{'s' if len(result.candidates) != 1 else ''}"
               f" from {result.sentences} sentences"
               + (f", {len(result.new_entities)} new entities proposed" if result.new_entities else "")
               + (f" (cleaning: {removed})" if removed else ""))
        total += len(result.candidates)
        if fmt == "jsonl":
            text = jsonl_text(result.candidates)
        else:
            text = review_yaml(meta, result.candidates, result.new_entities, str(path))
        if out is None:
            chunks.append(text if fmt == "jsonl" else ("---\n" if chunks else "") + text)
        else:
            write_atomic(Path(out) / f"{stem}.clean.txt", result.cleaned)
            write_atomic(Path(out) / f"{stem}.candidates.{fmt}", text)
    return Outcome(stdout="".join(chunks), failed=failed, candidates=total)


def _document(article, path: Path, doc_date, publisher, ex, new_entities: dict) -> dict:
    """The document fields of the review file, from the front matter and the command's options."""
    meta = article.meta
    kind = meta.get("kind") if meta.get("kind") in KINDS else "NewsArticle"
    name = meta.get("publisher") or publisher
    pub = None
    if name:
        name = str(name)
        if name in ex.registry.entities:
            pub = name
        else:
            link = ex.registry.link(name, "ORG")
            if link:
                pub = link[0]
            else:
                pub = slug(norm(name))
                new_entities.setdefault(pub, {"id": pub, "type": "MediaOutlet", "name": name})
    title = meta.get("title") or next((line.strip() for line in article.text.splitlines() if line.strip()), "")
    stem = path.name.rsplit(".", 1)[0]
    return {"id": str(meta.get("id") or slug(stem)), "title": str(title)[:200], "kind": kind, "publisher": pub,
            "date": doc_date.text if doc_date else None, "url": meta.get("url"), "text": path.name}
