"""Cleaning article text, reading front matter, HTML and Markdown, resolving dates, linking names."""

import re

from extract_helpers import ENTITIES
from graph.extract.clean import clean, repair
from graph.extract.dates import resolve
from graph.extract.frontmatter import html_to_text, markdown_to_text, split_front_matter
from graph.extract.ner import Registry
from sources.model import PartialDate


def test_furniture_and_repeats_go_and_broken_dashes_are_repaired():
    page = ("Home > World > Asia\n• LATEST\n• ASIA\nShare on FacebookShare on Twitter\n33\nSHARES\n"
            "Ana Lee was arrested on Wednesday, her party said in a statement to reporters.\n\n"
            "Ana Lee was arrested on Wednesday, her party said in a statement to reporters.\n\n"
            "The charges were brought by prosecutors in the capital\ufffdfor the second time this year, "
            "and lawyers for the defence said they would appeal against them soon.\n\n"
            "Copyright © 2020 Daily News. All rights reserved.\nPrevious Post\nSome other story\n"
            "Related Posts\nA story about something else entirely\n")
    out = clean(page)
    assert out.text.count("Ana Lee was arrested") == 1
    assert "capital\u2014for" in out.text and "\ufffd" not in out.text
    for junk in ("Share on", "SHARES", "LATEST", "Copyright", "Related Posts", "something else", "Some other story",
                 "Home >"):
        assert junk not in out.text
    assert out.removed["repeated paragraphs"] == 1


def test_replacement_character_becomes_an_apostrophe_in_a_contraction():
    assert repair("Cambodia\ufffds party didn\ufffdt win")[0] == "Cambodia’s party didn’t win"


def test_seed_pages_lose_their_furniture(seeds):
    texts = {p.name[:3]: clean(p.read_text(encoding="utf-8")).text for p in sorted(seeds.glob("*.txt"))}
    assert "Share on Facebook" not in texts["002"] and "Related Posts" not in texts["002"]
    assert "Previous Post" not in texts["002"] and "GDP" not in texts["002"]
    assert "Subscribe" not in texts["003"] and "free articles" not in texts["003"]
    assert "Copyright" not in texts["004"] and "\ufffd" not in texts["004"]
    for text in texts.values():
        paragraphs = [re.sub(r"\W+", " ", p).strip().lower() for p in text.split("\n\n") if len(p) > 40]
        assert len(paragraphs) == len(set(paragraphs)), "a paragraph printed twice survived"


def test_front_matter_html_and_markdown(tmp_path):
    meta, body = split_front_matter("---\ntitle: T\ndate: 2020-01-10\npublisher: Daily News\n---\nBody.\n", tmp_path)
    assert meta == {"title": "T", "date": "2020-01-10", "publisher": "Daily News"} and body == "Body.\n"
    html = ("<html><head><title>x</title><script>var a=1;</script></head><body><nav>Home News</nav>"
            "<p>Ana Lee &amp; Bo Chan were <b>arrested</b>.</p><footer>© 2020</footer></body></html>")
    assert html_to_text(html).strip() == "Ana Lee & Bo Chan were arrested."
    md = "# Title\n\n**Ana Lee** was [arrested](http://x)."
    assert markdown_to_text(md).strip() == "Title\n\nAna Lee was arrested."


def test_dates_against_the_document_date():
    doc = PartialDate("2018-09-12")  # a Wednesday
    assert resolve("on Monday", doc).text == "2018-09-10"
    assert resolve("last month", doc).text == "2018-08"
    assert resolve("on 10 November", doc).text == "2017-11-10"
    assert resolve("in November 2017", doc).text == "2017-11"
    assert resolve("since 2014", doc).text == "2014"
    assert resolve("July 15, 2014", doc).text == "2014-07-15"
    assert resolve("Friday", PartialDate("2018-09")) is None  # no day to count back from
    for duration in ("15-30 years", "a year", "the 65-year-old", "1998-2016", "33 years"):
        assert resolve(duration, doc) is None


def test_names_link_through_aliases_honorifics_acronyms_and_fuzzy_matching():
    reg = Registry({e.id: e for e in ENTITIES})
    assert reg.link("Ms. Lee", "PERSON") == ("ana-lee", "alias")
    assert reg.link("Mr. Bo Chan", "PERSON") == ("bo-chan", "name")
    assert reg.link("HRW", "ORG") == ("human-rights-watch", "acronym")
    assert reg.link("Chan", "PERSON") == ("bo-chan", "partial")
    assert reg.link("Human Right Watch", "ORG") == ("human-rights-watch", "fuzzy")
    assert reg.link("Jane Doe", "PERSON") is None
