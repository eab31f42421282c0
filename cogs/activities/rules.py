"""Pure rules of activities: local times, repeating dates, seats and reminders (no I/O).

Dates repeat in the server's wall-clock time: a shift at 10:00 every Saturday stays at 10:00
when daylight saving time begins or ends, so its moment in UTC moves by an hour. The dates
come from dateutil's rrule over naive local times, each then placed in the zone with zoneinfo.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, rrule

from gromada.localtime import SkippedTime, local_of, to_utc
from models.activities import Repeat, Report

MAX_SEATS = 50
MIN_DURATION = timedelta(minutes=15)
MAX_DURATION = timedelta(hours=24)
# Dates of a series are created this far ahead; later ones when the window reaches them.
WINDOW = timedelta(days=28)
# How far ahead an activity may start, and how long a series may run.
MAX_AHEAD = timedelta(days=366)
MAX_SERIES = timedelta(days=731)
DAY_REMINDER = timedelta(hours=24)
HOUR_REMINDER = timedelta(hours=1)
EMPTY_SEATS_CALL = timedelta(hours=48)
# How long before a date's start each of its reminders goes (the follow-up goes at its end).
REMINDER_LEADS = {"call": EMPTY_SEATS_CALL, "day": DAY_REMINDER, "hour": HOUR_REMINDER}
STORED_LOCAL = "%Y-%m-%dT%H:%M"


def _rule(first_local: datetime, repeat: Repeat, until: date | None):
    frequency, interval = {
        Repeat.WEEKLY: (WEEKLY, 1),
        Repeat.BIWEEKLY: (WEEKLY, 2),
        Repeat.MONTHLY: (MONTHLY, 1),
    }[repeat]
    until_local = datetime.combine(until, time.max) if until else None
    return rrule(frequency, interval=interval, dtstart=first_local, until=until_local)


def starts(
    first_local: datetime, zone: str, repeat: Repeat, until: date | None, *, after: datetime | None, through: datetime
) -> Iterator[datetime]:
    """The UTC starts of a series later than `after` (None: from the first) and up to `through`.

    A monthly series on the 31st skips months without one (the rule of RFC 5545). A date
    whose local time is skipped by a clock change is left out rather than moved.
    """
    if repeat == Repeat.NONE:
        moments: Iterable[datetime] = [first_local]
    else:
        after_local = local_of(after, zone) if after is not None else None
        rule = _rule(first_local, repeat, until)
        moments = rule.xafter(after_local, inc=False) if after_local is not None else iter(rule)
    for local in moments:
        try:
            moment = to_utc(local, zone)
        except SkippedTime:
            continue
        if moment > through:
            return
        if after is None or moment > after:
            yield moment


def window_end(now: datetime) -> datetime:
    return now + WINDOW


def next_window_check(next_start: datetime, now: datetime) -> datetime:
    """When the date after the window enters it (never in the past)."""
    return max(next_start - WINDOW, now)


def reminder_moments(starts_at: datetime, ends_at: datetime, now: datetime) -> dict[str, datetime]:
    """Which of a date's deadlines are still ahead, by name: a reminder already past is skipped."""
    moments = {name: starts_at - lead for name, lead in REMINDER_LEADS.items()}
    ahead = {name: moment for name, moment in moments.items() if moment > now}
    ahead["followup"] = max(ends_at, now)
    return ahead


def happened(reports: Iterable[Report | None]) -> bool:
    """Whether a date happened, by its participants' answers: unless most who answered say it
    did not, it counts (nobody answering is not evidence that it did not)."""
    answered = [report for report in reports if report is not None]
    not_happened = sum(1 for report in answered if report == Report.NOT_HAPPENED)
    return not_happened * 2 <= len(answered)


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)
