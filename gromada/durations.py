"""The one parser for durations people type: "90m", "36h", "3d", "1w", "1d12h", "1d 12h".

Anyone can type a duration (a poll's length, a timeout) and Discord lets them send 6,000
characters, so the parser refuses text longer than any real duration, then reads the rest
once from left to right, a token at a time. One pattern for the whole text, a repeated
group of optional spaces, digits and a unit, once tried exponentially many ways to split
"1d 1d 1d … !" before giving up, and froze the bot for everyone.
"""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_timedelta

from gromada.errors import InvalidInput
from gromada.i18n import N_, current_locale

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# One token: a run of digits, a unit letter, or a run of spaces. Each alternative starts with
# a different kind of character, so matching one never backtracks into another.
_TOKEN = re.compile(r"(\d+)|([smhdw])|\s+")
MAX_DURATION = timedelta(days=366)
# Far longer than "1w 6d 23h 59m 59s", far shorter than what would cost time to read.
MAX_TEXT = 64
# Nine significant digits are 31 years in seconds, beyond every maximum the bot uses;
# more is refused as out of range before any arithmetic on it.
MAX_DIGITS = 9


def _parts(raw: str) -> list[tuple[str, str]] | None:
    """The (digits, unit) pairs of `raw` in order, or None when it is not made of them."""
    parts: list[tuple[str, str]] = []
    amount: str | None = None
    position = 0
    while position < len(raw):
        token = _TOKEN.match(raw, position)
        if token is None:
            return None
        position = token.end()
        digits, unit = token.groups()
        if digits is not None:
            if amount is not None:  # "12 3h": two numbers in a row
                return None
            amount = digits
        elif unit is not None:
            if amount is None:  # "h" with no number before it
                return None
            parts.append((amount, unit))
            amount = None
    if amount is not None:  # "1d 12": a number without its unit
        return None
    return parts


def parse_duration(
    text: str, *, minimum: timedelta = timedelta(minutes=1), maximum: timedelta = MAX_DURATION
) -> timedelta:
    text = text or ""
    if len(text) > MAX_TEXT:
        raise InvalidInput(N_("That is too long to be a duration. Write it like 90m, 36h, 3d or 1w."))
    parts = _parts(text.strip().lower())
    if not parts:
        raise InvalidInput(N_("“{text}” is not a duration. Write it like 90m, 36h, 3d or 1w."), text=text[:40])
    if any(len(digits.lstrip("0")) > MAX_DIGITS for digits, _unit in parts):
        raise _out_of_range(minimum, maximum)
    seconds = sum(int(digits) * _UNITS[unit] for digits, unit in parts)
    # Compared as whole seconds: a sum beyond timedelta's range must be refused, not crash.
    if not minimum.total_seconds() <= seconds <= maximum.total_seconds():
        raise _out_of_range(minimum, maximum)
    return timedelta(seconds=seconds)


def _out_of_range(minimum: timedelta, maximum: timedelta) -> InvalidInput:
    return InvalidInput(
        N_("The duration must be between {minimum} and {maximum}."),
        minimum=format_duration(minimum),
        maximum=format_duration(maximum),
    )


def format_duration(duration: timedelta, locale: str | None = None) -> str:
    """A readable duration in the reader's language ("3 dni", "36 часов")."""
    return format_timedelta(duration, threshold=2, locale=locale or current_locale())
