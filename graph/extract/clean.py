"""Clean article text: drop page furniture and repeated paragraphs, repair broken characters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Text decoded with the wrong code page ("â€™" for "’"): frequent in scraped pages.
_MOJIBAKE = {"â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\x9d": "”", "â€": "”", "â€“": "–", "â€”": "—", "Â ": " ",
             "Ã©": "é"}
_MOJIBAKE_RE = re.compile("|".join(re.escape(k) for k in sorted(_MOJIBAKE, key=len, reverse=True)))

# Lines that are part of the page, not the article: menus, share buttons, counters, subscription offers.
_FURNITURE = re.compile(
    r"""^(?:
        (?:share|tweet|pin|email|print)(?:\s+(?:on|this|via)\b.*)?
      | share\s+on\s+\w+.*
      | (?:previous|next|older|newer)\s+(?:post|article|story)
      | no\s+results?
      | view\s+all\s+results?
      | (?:read|see)\s+(?:more|also|full\s+story).{0,40}
      | (?:follow|like)\s+us\b.*
      | tags?\s*:.*
      | (?:categories|category|filed\s+under)\s*:.*
      | (?:home|menu|search|skip\s+to\s+content|toggle\s+navigation|close|log\s*in|sign\s*(?:in|up)|register)
      | (?:advertisement|sponsored|promoted)
      | (?:source|image|photo|credit|caption)\s*:.{0,80}
      | disclaimer\s*:.*
      | already\s+(?:a\s+)?subscriber.*|already\s+subscribed.*
      | subscribe\b.*
      | renews\s+automatically.*
      | (?:\d[\d,.]*\s*)?(?:shares|views|comments?|likes)
      | this\s+article\s+was\s+(?:first\s+)?(?:published|originally).*
      | all\s+contents?\s+and\s+images.*
      | (?:copyright|\(c\)|©).*
      | used\s+with\s+(?:the\s+)?permission\s+of\b.*
    )$""", re.I | re.X)
# Furniture named anywhere in a line: a subscription offer, a copyright notice. (These were `.*`-led branches of
# _FURNITURE; a search finds the same lines without backtracking over each line once per branch.)
_FURNITURE_ANYWHERE = re.compile(r"\bsubscription\b|\bnewsletters?\b.{0,60}$|\bfree\s+articles?\b|"
                                 r"\ball\s+rights\s+reserved\b|\bcopyright\s+(?:\(c\)|©|\d{4})", re.I)
# A bullet list item of one to four words is a menu entry.
_MENU = re.compile(r"^[•·▪►»|*-]\s*\S+(?:\s+\S+){0,3}$")
# Counters, prices, temperatures: no letters worth keeping.
_NO_WORDS = re.compile(r"^[\W\d_]*(?:[A-Za-z]{1,2}[\W\d_]*)?$")
# Once one of these appears, the rest of the page is about other articles or selling a subscription.
_TAIL = re.compile(r"^(?:related\s+(?:posts?|articles?|stories|news)|more\s+(?:stories|from|news)\b.*|"
                   r"(?:you\W?ve|you\s+have)\s+reached\s+your\s+limit.*|subscribe\s+to\s+(?:read|continue).*|"
                   r"recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|popular\s+(?:posts|stories)|"
                   r"leave\s+a\s+(?:reply|comment)|comments?\s*\(\d+\))$", re.I)

_NEIGHBOUR = re.compile(r"^(?:previous|next|older|newer)\s+(?:post|article|story)$", re.I)
# Breadcrumbs: "Home > World > Asia", "Home ASIA Cambodia".
_CRUMBS = re.compile(r"^home\b(?:\s*[>/»|]?\s*[\w&-]+){1,5}$", re.I)


@dataclass
class Cleaned:
    text: str
    removed: dict[str, int] = field(default_factory=dict)  # what was dropped, by kind, for the user's summary


def repair(text: str) -> tuple[str, int]:
    """Replace mojibake and U+FFFD left where a dash or an apostrophe was; return the text and the count."""
    count = 0

    def mojibake(m):
        nonlocal count
        count += 1
        return _MOJIBAKE[m.group(0)]

    text = _MOJIBAKE_RE.sub(mojibake, text)
    out: list[str] = []
    pos = 0
    for m in re.finditer("\ufffd+", text):
        count += 1
        left = text[m.start() - 1] if m.start() else " "
        right = text[m.end():m.end() + 3]
        out.append(text[pos:m.start()])
        if left.isalpha() and re.match(r"(?:s|t|re|ve|ll|d|m)\b", right):
            out.append("’")  # "don?t", "Cambodia?s": an apostrophe before a contraction or possessive
        elif left.strip() and right[:1].strip():
            out.append("—")  # between two words: an em dash written without spaces
        else:
            out.append("–")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), count


_NOT_LETTERS = re.compile(r"[\W_]+")


def _key(paragraph: str) -> str:
    """What two copies of a paragraph share: letters and digits, lower-cased."""
    return _NOT_LETTERS.sub(" ", paragraph).strip().lower()


_PULL_QUOTE_REACH = 200


def clean(text: str) -> Cleaned:
    """Article text without page furniture or repeats; paragraphs separated by one blank line."""
    removed: dict[str, int] = {}

    def drop(kind: str) -> None:
        removed[kind] = removed.get(kind, 0) + 1

    text, repaired = repair(text)
    if repaired:
        removed["broken characters repaired"] = repaired
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    kept: list[str] = []
    keys: list[str] = []
    seen: set[str] = set()
    body_words = 0
    skip_next = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if _TAIL.match(line) and body_words >= 15:
            drop("page tail (related posts, subscription offers)")
            break
        if skip_next:
            # The title under "Previous Post" / "Next Post" belongs to another article.
            skip_next = False
            drop("page furniture lines")
            continue
        if (_FURNITURE.match(line) or _FURNITURE_ANYWHERE.search(line) or _MENU.match(line) or _NO_WORDS.match(line)
                or _CRUMBS.match(line)):
            skip_next = bool(_NEIGHBOUR.match(line))
            drop("page furniture lines")
            continue
        key = _key(line)
        # A paragraph printed twice, or a pull quote repeating part of an earlier paragraph, is kept once. Pull
        # quotes sit near what they quote: looking back 200 paragraphs keeps a 5 MB text from taking minutes.
        if key in seen or (len(key) >= 40 and any(key in k for k in keys[-_PULL_QUOTE_REACH:])):
            drop("repeated paragraphs")
            continue
        kept.append(line)
        keys.append(key)
        seen.add(key)
        body_words += len(line.split())
    return Cleaned(text="\n\n".join(kept) + ("\n" if kept else ""), removed=removed)
