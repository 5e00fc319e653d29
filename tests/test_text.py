"""Quote matching's normal form: the shortcut for plain quotes gives what the full mapping gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sources.text import _DASH, _SPACE, _TYPOGRAPHY, normalise


def plain_normalise(text: str) -> str:
    return _DASH.sub("-", _SPACE.sub(" ", text.translate(_TYPOGRAPHY))).strip()


# the characters where the two paths could part: spaces of every kind, dashes, quotes, controls
TRICKY = st.sampled_from([" ", "  ", "-", " - ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
                          "\u00a0", "\u2009", "\u3000", "\u2013", "\u2019", "\u201c", "\ufffd", "'", '"'])
TEXT = st.lists(st.one_of(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6),
                          TRICKY, st.text(max_size=3)), max_size=12).map("".join)


@settings(max_examples=2000, deadline=None)
@given(TEXT)
@example("Kem Sokha was arrested on 3 September 2017 -- at midnight.")
@example(" leading and trailing ")
@example("a -b")
@example("a- b")
@example("x\x1fy")
def test_normalise_equals_the_full_mapping(text):
    assert normalise(text) == plain_normalise(text)
