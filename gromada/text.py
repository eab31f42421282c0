"""Free text as people type it: the one place that decides what counts as written.

Every text a person gives the bot (a slash-command option, a form field, a content pack's
card) goes through `clean` before a service checks that it is not empty and not too long,
and what `clean` returns is what is stored and shown.

Discord passes along characters that show nothing yet are not whitespace to `str.strip()`:
zero-width spaces and joiners, the word joiner, the byte-order mark, bidirectional marks
(all Unicode category Cf, "format"), and a few letters that render blank (the Hangul
fillers, the Braille blank). A poll question of zero-width spaces would otherwise pass as a
question and be posted as an empty line.

What `clean` removes, and why no more:
- Invisible characters and whitespace at both ends: they never carry meaning there.
- Nothing inside the text. A zero-width joiner holds an emoji family together (👨‍👩‍👧),
  a zero-width non-joiner shapes Persian and Indic words, a soft hyphen marks where a long
  word may break. The text stays as typed, so a limit counts the characters stored.
- Everything, when nothing visible is left: text of invisible characters only is empty.
The one exception at the end: Unicode tag characters (Cf, U+E0020-U+E007F) close a
subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿, Scotland), so they stay when the text has anything visible.

The text is put in Unicode NFC first, so "ó" typed as o + combining accent and "ó" typed as
one character are stored, counted and compared alike.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode counts as visible but fonts draw as nothing.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_TAGS = range(0xE0020, 0xE0080)
_WORD_BREAKS = re.compile(r"[\s_\-]+")


def invisible(char: str) -> bool:
    """Whether a character shows nothing: whitespace, a format character or a blank letter."""
    return char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"


def clean(text: str | None, *, one_line: bool = False) -> str:
    """The text to check and store: NFC, trimmed of invisible characters, "" if nothing shows.

    `one_line` also turns each run of whitespace inside into one space (titles and names).
    """
    text = unicodedata.normalize("NFC", text or "")
    start, end = 0, len(text)
    while start < end and invisible(text[start]):
        start += 1
    if start == end:
        return ""
    while invisible(text[end - 1]) and ord(text[end - 1]) not in _TAGS:
        end -= 1
    text = text[start:end]
    return " ".join(text.split()) if one_line else text


def comparable(text: str) -> str:
    """The text as a reader tells it apart from another: case and invisible characters aside."""
    return "".join(char for char in clean(text).casefold() if not invisible(char))


def search_words(text: str) -> list[str]:
    """The words of a search as a person types it: case aside, underscores and hyphens as spaces."""
    words = (comparable(word) for word in _WORD_BREAKS.split(text))
    return [word for word in words if word]


def matches_search(typed: str, *texts: str) -> bool:
    """Whether every word typed is found in one of the texts, in any order, as a whole word or a part."""
    found_in = " ".join(" ".join(search_words(text)) for text in texts)
    return all(word in found_in for word in search_words(typed))
