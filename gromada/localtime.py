"""Times people type and read in their server's clock (the `timezone` option), as UTC moments.

A coordinator writes "2026-12-05 10:00" meaning 10:00 where the community lives; the bot
stores the UTC moment and Discord shows it back in each reader's own clock. A wall-clock
time skipped when the clocks go forward does not exist and is refused; one that happens
twice when they go back is the first of the two. No discord import.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from gromada.errors import InvalidInput
from gromada.i18n import N_, format_day

# Year first only: 05.12.2026 is December to some readers and May to others.
LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
DATE_FORMATS = ("%Y-%m-%d",)


class NotALocalTime(ValueError):
    """The text is not a date and time we read."""


class SkippedTime(ValueError):
    """The local time does not exist that day (the hour skipped when clocks go forward)."""


def parse_local(text: str) -> datetime:
    """A naive local date and time from "2026-12-05 10:00" (or 2026-12-05T10:00)."""
    cleaned = " ".join(text.strip().split())
    for pattern in LOCAL_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    raise NotALocalTime(text)


def parse_date(text: str) -> date:
    cleaned = text.strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise NotALocalTime(text)


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` as an aware UTC moment (SkippedTime if it does not exist)."""
    tz = ZoneInfo(zone)
    aware = local.replace(tzinfo=tz, fold=0)
    back = aware.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != local:
        raise SkippedTime(local.isoformat())
    return aware.astimezone(UTC)


def local_of(moment: datetime, zone: str) -> datetime:
    """An aware moment as naive wall-clock time in `zone`."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def local_label(moment: datetime, zone: str) -> str:
    """A moment in the server's clock as plain text, where Discord renders no timestamp (an
    autocomplete choice): the month named in the reader's language, then the time."""
    local = local_of(moment, zone)
    return f"{format_day(local.date())} {local:%H:%M}"


def midday_of(day: date, zone: str) -> datetime:
    """Noon of a calendar day in `zone`: shown as a date, it is that day for readers anywhere."""
    return to_utc(datetime.combine(day, time(12)), zone)


def parse_moment(text: str, zone: str) -> tuple[datetime, datetime]:
    """A date and time typed in the server's clock: (its local time, its UTC moment).

    Raises InvalidInput saying what to fix, for the person who typed it.
    """
    try:
        local = parse_local(text)
    except NotALocalTime:
        raise InvalidInput(
            N_("“{text}” is not a date and time. Write it like 2026-12-05 10:00."), text=text[:40]
        ) from None
    try:
        return local, to_utc(local, zone)
    except SkippedTime:
        raise InvalidInput(
            N_("{text} does not exist in {zone}: the clocks skip that hour. Choose another time."),
            text=text[:40],
            zone=zone,
        ) from None


def parse_start(text: str, zone: str, now: datetime) -> tuple[datetime, datetime]:
    """A start typed in the server's clock: (its local time, its UTC moment), ahead of `now`."""
    local, moment = parse_moment(text, zone)
    if moment <= now:
        raise InvalidInput(N_("The start has passed. Choose a time ahead."))
    return local, moment


def parse_day(text: str) -> date:
    """A date a person typed ("2027-03-31"); InvalidInput if it is not one."""
    try:
        return parse_date(text)
    except NotALocalTime:
        raise InvalidInput(N_("“{text}” is not a date. Write it like 2027-03-31."), text=text[:40]) from None
