"""Read an article file: decode it, split off YAML front matter, and turn HTML or Markdown into plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from graph.extract import ExtractError

MAX_BYTES = 20_000_000  # far above any article; guards against feeding a disk image to the parser
FRONT_KEYS = ("title", "publisher", "date", "url", "kind", "id")


@dataclass
class Article:
    path: Path
    text: str  # plain text before cleaning
    meta: dict = field(default_factory=dict)  # front matter: title, publisher, date, url


def read_article(path: Path) -> Article:
    """Read one article file; raise ExtractError for an unreadable, binary or non-UTF-8 file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ExtractError(f"{path}: is a directory; pass article files (.txt, .md, .html)") from None
    except OSError as e:
        raise ExtractError(f"{path}: cannot be read ({e.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ExtractError(f"{path}: {len(data) // 1_000_000} MB is too large for an article (limit "
                           f"{MAX_BYTES // 1_000_000} MB); split it into articles")
    if b"\x00" in data[:8192]:
        raise ExtractError(f"{path}: looks like a binary file, not an article; pass plain text, Markdown or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ExtractError(f"{path}: is not UTF-8 text (bad byte at position {e.start}); convert it first, "
                           f"e.g. iconv -f windows-1252 -t utf-8 {path.name} > fixed.txt") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, text = split_front_matter(text, path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm") or (suffix not in (".md", ".markdown", ".txt") and _looks_like_html(text)):
        text = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    return Article(path=path, text=text, meta=meta)


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    """Split `---` YAML front matter from the body; the body keeps no trace of it."""
    if not text.startswith("---\n"):
        return {}, text
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
    if end is None:
        raise ExtractError(f"{path}:1: front matter opened with '---' is never closed; end it with a '---' line")
    block = text[4:4 + end.start()]
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", 0) + 2
        raise ExtractError(f"{path}:{line}: front matter is not valid YAML; "
                           "write 'key: value' lines (title, publisher, date, url)") from None
    if not isinstance(meta, dict):
        raise ExtractError(f"{path}:2: front matter must be 'key: value' lines (title, publisher, date, url)")
    meta = {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items() if v is not None}
    return meta, text[4 + end.end():].lstrip("\n")


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<body" in head or "<!doctype html" in head


_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote",
          "header", "footer", "ul", "ol", "table", "figcaption", "pre", "hr", "title"}
# Whole elements that are never article text.
_SKIP = {"script", "style", "nav", "noscript", "template", "svg", "form", "button", "select", "iframe", "aside",
         "header", "footer", "head"}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping.append(tag)
        elif tag in _BLOCK and not self.skipping:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr") and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag in _BLOCK and not self.skipping:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Article text of an HTML page: block elements become paragraphs; scripts, menus and forms are dropped."""
    p = _TextParser()
    p.feed(html)
    p.close()
    lines = [line.strip() for line in "".join(p.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


_MD = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their words
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # block quotes
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"^\s*([-*_])\s*(?:\1\s*){2,}$", re.M), ""),  # rules
]


def markdown_to_text(md: str) -> str:
    """Plain text of Markdown: links, emphasis and heading marks go, the words stay."""
    for pattern, repl in _MD:
        md = pattern.sub(repl, md)
    return md
