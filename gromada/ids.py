"""Numbers people type to name a row: a poll, a purchase, a moderation case.

Those rows are numbered by 32-bit integer columns (PostgreSQL's `integer`). A larger
number cannot name one of them, and sent to the database it overflows the column and
fails as an incident instead of a plain "not found". Slash options take `IdOption`, so
Discord refuses such a number before the bot sees it; text is read with `id_in_text`.
"""

from __future__ import annotations

from discord import app_commands

MAX_ID = 2**31 - 1
IdOption = app_commands.Range[int, 1, MAX_ID]


def number_in(text: object, *, lowest: int = 1, highest: int = MAX_ID) -> int | None:
    """The whole number `text` spells in ASCII digits, if it lies from `lowest` to `highest`; else None.

    For values a client sends (a select's choice): anything else, even a number too large for
    the column it would be looked up in, reads as no number at all.
    """
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (isinstance(text, str) and text.isascii() and text.isdigit()) or len(text) > len(str(highest)):
        return None
    number = int(text)
    return number if lowest <= number <= highest else None


def id_in_text(text: str) -> int | None:
    """The number in "12" or "#12", or None when the text cannot be one of our ids."""
    return number_in((text or "").strip().lstrip("#"))
