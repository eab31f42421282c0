"""Pure rules of meetings: the agenda people type, durations, when to remind (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta

from gromada.text import clean

MAX_AGENDA = 10
MAX_ITEM = 200
MIN_DURATION = timedelta(minutes=15)
MAX_DURATION = timedelta(hours=12)
MAX_AHEAD = timedelta(days=366)
DAY_REMINDER = timedelta(hours=24)
HOUR_REMINDER = timedelta(hours=1)
REMINDER_LEADS = {"day": DAY_REMINDER, "hour": HOUR_REMINDER}
# A decision poll's result is read onto the meeting card a moment after the poll closes.
RESULT_DELAY = timedelta(minutes=1)


def free_items(text: str | None) -> list[str]:
    """Agenda items typed as one line, separated by “;” (empty ones dropped)."""
    items = (clean(part, one_line=True) for part in (text or "").split(";"))
    return [item[:MAX_ITEM] for item in items if item]


def reminder_moments(starts_at: datetime, now: datetime) -> dict[str, datetime]:
    """The reminders still ahead, by name ("day", "hour"); one already past is skipped."""
    moments = {name: starts_at - lead for name, lead in REMINDER_LEADS.items()}
    return {name: moment for name, moment in moments.items() if moment > now}
