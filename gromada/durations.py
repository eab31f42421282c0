"""The one parser for durations people type: "90m", "36h", "3d", "1w", "1d12h"."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_timedelta

from gromada.errors import InvalidInput
from gromada.i18n import N_, current_locale

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)\s*([smhdw])")
_WHOLE = re.compile(r"(?:\s*\d+\s*[smhdw]\s*)+")
MAX_DURATION = timedelta(days=366)


def parse_duration(
    text: str, *, minimum: timedelta = timedelta(minutes=1), maximum: timedelta = MAX_DURATION
) -> timedelta:
    raw = (text or "").strip().lower()
    if not raw or not _WHOLE.fullmatch(raw):
        raise InvalidInput(N_("“{text}” is not a duration. Write it like 90m, 36h, 3d or 1w."), text=text[:40])
    seconds = sum(int(amount) * _UNITS[unit] for amount, unit in _PART.findall(raw))
    duration = timedelta(seconds=seconds)
    if duration < minimum or duration > maximum:
        raise InvalidInput(
            N_("The duration must be between {minimum} and {maximum}."),
            minimum=format_duration(minimum),
            maximum=format_duration(maximum),
        )
    return duration


def format_duration(duration: timedelta, locale: str | None = None) -> str:
    """A readable duration in the reader's language ("3 dni", "36 часов")."""
    return format_timedelta(duration, threshold=2, locale=locale or current_locale())
