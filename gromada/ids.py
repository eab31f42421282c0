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


def id_in_text(text: str) -> int | None:
    """The number in "12" or "#12", or None when the text cannot be one of our ids."""
    digits = (text or "").strip().lstrip("#")
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_ID)):
        return None
    number = int(digits)
    return number if 1 <= number <= MAX_ID else None
