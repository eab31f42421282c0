"""Text made only of invisible characters is no text, wherever a person types it."""

from __future__ import annotations

import unicodedata

import pytest

from gromada.text import clean, comparable

# Zero-width spaces and joiners (a poll of them was once stored and posted), and more that
# str.strip() keeps: word joiner, byte-order mark, soft hyphen, right-to-left mark, the Hangul
# filler and the Braille blank.
INVISIBLE = {
    "zero-width": "\u200b\u200c\u200d",
    "other blanks": " \u2060\ufeff\u00ad\u200f\u3164\u2800 ",
}


# ---------------------------------------------------------------- clean


@pytest.mark.parametrize("text", [*INVISIBLE.values(), "", None, "\t\n ", "\U000e0067\U000e007f"])
def test_text_of_invisible_characters_only_is_empty(text):
    assert clean(text) == ""


def test_edges_are_trimmed_and_the_inside_kept_as_typed():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, held together by joiners
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a non-joiner inside a word
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tags close the flag

    assert clean(f"\u200b {family} \ufeff") == family
    assert clean(f"\u2060{persian}\u200b") == persian
    assert clean(f"Go {scotland}\u200b ") == f"Go {scotland}"
    assert clean("Zebra\u00adcrossing\n\nsecond line") == "Zebra\u00adcrossing\n\nsecond line"


def test_text_is_composed_and_one_line_text_has_single_spaces():
    decomposed = "Zako\u0301nczone"
    assert clean(decomposed) == unicodedata.normalize("NFC", decomposed) == "Zakónczone"
    assert clean("  Community\u200b   garden\n plot ", one_line=True) == "Community\u200b garden plot"


def test_texts_that_look_the_same_compare_the_same():
    assert comparable("Yes") == comparable("y\u200bes\u2060") == comparable(" YES ")
    assert comparable("Yes") != comparable("No")
