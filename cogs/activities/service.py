"""Activities: series, their dates, seats, reminders' bookkeeping and what members did (no Discord).

Every function takes `now` from its caller. A seat is taken by inserting a signup into a free
slot; the unique constraint on (occurrence, slot) decides races, so of two people pressing
Join for the last seat exactly one gets it, on SQLite and PostgreSQL. Dates of a series are
created on a rolling window (`extend`); the Discord side (cards, Scheduled Events, DMs,
timers) lives in cogs/activities/flows.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from cogs.activities import calendar, rules
from gromada import guild_config
from gromada.commands import Command
from gromada.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gromada.guild_config import Purpose, declare_purpose
from gromada.i18n import N_, _n
from gromada.localtime import parse_day, parse_start, to_utc
from gromada.seats import take_free_slot
from gromada.text import clean
from models.activities import (
    ActivityOccurrence,
    ActivitySeries,
    ActivitySignup,
    ActivitySubscription,
    CalendarFeed,
    OccurrenceStatus,
    Repeat,
    Report,
)
from models.core import BindingKind
from models.meetings import Answer, Meeting, MeetingStatus

# Deadlines. The window timer's ref_id is a series; the others' an occurrence.
WINDOW_TIMER = "activities.window"
CALL_TIMER = "activities.call"
DAY_TIMER = "activities.remind_day"
HOUR_TIMER = "activities.remind_hour"
FOLLOWUP_TIMER = "activities.followup"
# A date's deadlines by the names rules.reminder_moments gives them.
OCCURRENCE_TIMERS = {"call": CALL_TIMER, "day": DAY_TIMER, "hour": HOUR_TIMER, "followup": FOLLOWUP_TIMER}
# The flag each deadline claims before it acts, so it acts once however often it is armed.
FLAGS = {CALL_TIMER: "called", DAY_TIMER: "reminded_day", HOUR_TIMER: "reminded_hour", FOLLOWUP_TIMER: "followed_up"}

CHANNEL_PURPOSE = declare_purpose(
    Purpose("activities", BindingKind.CHANNEL, N_("activities"), description=N_("Activities and meetings"))
)
COORDINATOR_PURPOSE = declare_purpose(
    Purpose("activity_coordinator", BindingKind.ROLE, N_("Activity coordinator"), create=False)
)

GONE = N_("That activity no longer exists.")
QUESTION_NOT_THEIRS = N_("This question is for someone else.")


@dataclass
class ActivityFields:
    title: str
    start_local: str
    duration: timedelta
    seats: int
    timezone: str
    description: str = ""
    place: str = ""
    place_channel_id: int | None = None
    required_role_id: int | None = None
    repeat: Repeat = Repeat.NONE
    until: str | None = None


@dataclass
class Planned:
    """A validated activity: its first start in UTC and the local time the rule repeats."""

    fields: ActivityFields
    first_local: datetime
    first_start: datetime
    until: date | None


def plan(values: ActivityFields, now: datetime) -> Planned:
    """Check what a coordinator typed (cleaned first); the refusal says what to fix."""
    values = replace(
        values,
        title=clean(values.title, one_line=True),
        description=clean(values.description),
        place=clean(values.place, one_line=True),
    )
    if not values.title:
        raise InvalidInput(N_("The activity needs a title."))
    if not 1 <= values.seats <= rules.MAX_SEATS:
        raise InvalidInput(N_("Seats must be between 1 and {n}."), n=rules.MAX_SEATS)
    if not rules.MIN_DURATION <= values.duration <= rules.MAX_DURATION:
        raise InvalidInput(N_("An activity lasts between 15 minutes and 24 hours."))
    first_local, first_start = parse_start(values.start_local, values.timezone, now)
    if first_start > now + rules.MAX_AHEAD:
        raise InvalidInput(N_("An activity can be planned up to a year ahead."))
    until = None
    if values.repeat != Repeat.NONE:
        if not values.until:
            raise InvalidInput(N_("A repeating activity needs the date it repeats until."))
        until = parse_day(values.until)
        if until < first_local.date():
            raise InvalidInput(N_("The series must end after its first date."))
        if until - first_local.date() > rules.MAX_SERIES:
            raise InvalidInput(N_("A series can run for at most two years."))
    return Planned(values, first_local, first_start, until)


async def create_series(guild_id: int, planned: Planned, creator_id: int, now: datetime) -> ActivitySeries:
    values = planned.fields
    return await ActivitySeries.create(
        guild_id=guild_id,
        title=values.title[:100],
        description=values.description[:1000],
        place=values.place[:200],
        place_channel_id=values.place_channel_id,
        seats=values.seats,
        duration_minutes=int(values.duration.total_seconds() // 60),
        required_role_id=values.required_role_id,
        repeat=values.repeat,
        first_local=planned.first_local.strftime(rules.STORED_LOCAL),
        timezone=values.timezone,
        until_date=planned.until,
        creator_id=creator_id,
        created_at=now,
    )


def _first_local(series: ActivitySeries) -> datetime:
    return datetime.strptime(series.first_local, rules.STORED_LOCAL)


def _starts(series: ActivitySeries, after: datetime | None, through: datetime):
    return rules.starts(
        _first_local(series), series.timezone, Repeat(series.repeat), series.until_date, after=after, through=through
    )


async def extend(series: ActivitySeries, now: datetime) -> list[ActivityOccurrence]:
    """Create the series' dates that fall in the window (from the last one created on)."""
    if series.cancelled_at is not None:
        return []
    created = []
    latest = series.created_through
    through = rules.window_end(now)
    if latest is None:  # the first date is created however far ahead it is
        through = max(through, to_utc(_first_local(series), series.timezone))
    for starts_at in _starts(series, latest, through):
        try:
            occurrence = await ActivityOccurrence.create(
                series_id=series.pk,
                guild_id=series.guild_id,
                title=series.title,
                place=series.place,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=series.duration_minutes),
                seats=series.seats,
            )
        except IntegrityError:
            continue  # created by a window check running at the same time
        created.append(occurrence)
        latest = starts_at
    if latest != series.created_through:
        series.created_through = latest
        await ActivitySeries.filter(id=series.pk).update(created_through=latest)
    return created


def next_window_check(series: ActivitySeries, now: datetime) -> datetime | None:
    """When to create the series' next date, or None when it has no more."""
    if series.cancelled_at is not None or series.repeat == Repeat.NONE:
        return None
    upcoming = next(iter(_starts(series, series.created_through, now + rules.MAX_SERIES * 2)), None)
    return None if upcoming is None else rules.next_window_check(upcoming, now)


async def series_by_id(series_id: int) -> ActivitySeries | None:
    return await ActivitySeries.get_or_none(id=series_id)


async def open_series() -> list[ActivitySeries]:
    """Repeating series not cancelled (their window must keep moving)."""
    return await ActivitySeries.filter(cancelled_at=None).exclude(repeat=Repeat.NONE)


async def occurrence(occurrence_id: int, guild_id: int | None = None) -> ActivityOccurrence:
    query = ActivityOccurrence.filter(id=occurrence_id)
    if guild_id is not None:
        query = query.filter(guild_id=guild_id)
    found = await query.prefetch_related("series").first()
    if found is None:
        raise NotFound(GONE)
    return found


async def attach_card(occurrence_id: int, channel_id: int, message_id: int) -> None:
    await ActivityOccurrence.filter(id=occurrence_id).update(channel_id=channel_id, message_id=message_id)


async def attach_event(occurrence_id: int, event_id: int | None) -> None:
    await ActivityOccurrence.filter(id=occurrence_id).update(event_id=event_id)


# ---------------------------------------------------------------- seats


def _require_open(occurrence: ActivityOccurrence, now: datetime) -> None:
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise Conflict(N_("This date of **{title}** is cancelled."), title=occurrence.title)
    if occurrence.starts_at <= now:
        raise Conflict(N_("**{title}** has already started."), title=occurrence.title)


def _require_role(series: ActivitySeries, member_role_ids: set[int]) -> None:
    if series.required_role_id is not None and series.required_role_id not in member_role_ids:
        raise NotAllowed(
            N_("To join **{title}** you need the role {role}."),
            title=series.title,
            role=f"<@&{series.required_role_id}>",
        )


async def _take_seat(occurrence: ActivityOccurrence, user_id: int, now: datetime) -> ActivitySignup | None:
    """Insert a signup into a free slot; None when every seat is taken."""
    return await take_free_slot(
        ActivitySignup,
        {"occurrence_id": occurrence.pk},
        occurrence.seats,
        user_id,
        Conflict(N_("You already joined **{title}** on that date."), title=occurrence.title),
        guild_id=occurrence.guild_id,
        joined_at=now,
    )


async def join(
    occurrence: ActivityOccurrence, user_id: int, member_role_ids: set[int], now: datetime
) -> ActivitySignup:
    _require_open(occurrence, now)
    _require_role(occurrence.series, member_role_ids)
    if await ActivitySignup.exists(occurrence_id=occurrence.pk, user_id=user_id):
        raise Conflict(N_("You already joined **{title}** on that date."), title=occurrence.title)
    signup = await _take_seat(occurrence, user_id, now)
    if signup is None:
        raise Conflict(N_("Every seat of **{title}** on that date is taken."), title=occurrence.title)
    return signup


async def leave(occurrence: ActivityOccurrence, user_id: int, now: datetime) -> None:
    if occurrence.starts_at <= now and occurrence.status == OccurrenceStatus.SCHEDULED:
        raise Conflict(N_("**{title}** has already started."), title=occurrence.title)
    if not await ActivitySignup.filter(occurrence_id=occurrence.pk, user_id=user_id).delete():
        raise NotFound(N_("You have not joined **{title}** on that date."), title=occurrence.title)


async def future_occurrences(series_id: int, now: datetime) -> list[ActivityOccurrence]:
    return (
        await ActivityOccurrence.filter(series_id=series_id, status=OccurrenceStatus.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .prefetch_related("series")
    )


@dataclass
class SeriesJoin:
    joined: list[ActivityOccurrence] = field(default_factory=list)
    full: list[ActivityOccurrence] = field(default_factory=list)


async def join_series(series: ActivitySeries, user_id: int, member_role_ids: set[int], now: datetime) -> SeriesJoin:
    """Join every date of a series, those created and those to come; full dates are listed."""
    if series.cancelled_at is not None:
        raise Conflict(N_("**{title}** is cancelled."), title=series.title)
    if series.repeat == Repeat.NONE:
        raise InvalidInput(N_("**{title}** does not repeat: join its date."), title=series.title)
    _require_role(series, member_role_ids)
    try:
        await ActivitySubscription.create(series_id=series.pk, guild_id=series.guild_id, user_id=user_id, joined_at=now)
    except IntegrityError:
        raise Conflict(N_("You already joined every date of **{title}**."), title=series.title) from None
    result = SeriesJoin()
    for date_ in await future_occurrences(series.pk, now):
        if await ActivitySignup.exists(occurrence_id=date_.pk, user_id=user_id):
            result.joined.append(date_)
            continue
        try:
            seated = await _take_seat(date_, user_id, now) is not None
        except Conflict:
            seated = True  # joined a moment ago
        (result.joined if seated else result.full).append(date_)
    return result


async def leave_series(series: ActivitySeries, user_id: int, now: datetime) -> list[ActivityOccurrence]:
    """Leave every date to come of a series; the dates left are returned (their cards change)."""
    subscribed = await ActivitySubscription.filter(series_id=series.pk, user_id=user_id).delete()
    left = []
    for date_ in await future_occurrences(series.pk, now):
        if await ActivitySignup.filter(occurrence_id=date_.pk, user_id=user_id).delete():
            left.append(date_)
    if not subscribed and not left:
        raise NotFound(N_("You have not joined any date of **{title}**."), title=series.title)
    return left


async def seat_subscribers(occurrence: ActivityOccurrence, now: datetime) -> int:
    """Those who joined the whole series take a seat in a new date, first come first served."""
    seated = 0
    for subscription in await ActivitySubscription.filter(series_id=occurrence.series_id).order_by("id"):
        try:
            if await _take_seat(occurrence, subscription.user_id, now) is None:
                break
        except Conflict:
            continue
        seated += 1
    return seated


async def participants(occurrence_id: int) -> list[ActivitySignup]:
    return await ActivitySignup.filter(occurrence_id=occurrence_id).order_by("slot")


async def forget_member(guild_id: int, user_id: int, now: datetime) -> list[int]:
    """Someone left the server: they leave every series and free their seats in dates to come
    (what they did stays for their certificate if they come back). The dates freed are returned."""
    await ActivitySubscription.filter(guild_id=guild_id, user_id=user_id).delete()
    freed = await ActivitySignup.filter(
        guild_id=guild_id,
        user_id=user_id,
        occurrence__starts_at__gt=now,
        occurrence__status=OccurrenceStatus.SCHEDULED,
    ).values_list("occurrence_id", flat=True)
    await ActivitySignup.filter(guild_id=guild_id, user_id=user_id, occurrence_id__in=list(freed)).delete()
    return list(freed)


# ---------------------------------------------------------------- cancelling and editing


async def cancel_occurrence(occurrence: ActivityOccurrence) -> bool:
    """Cancel one date; False when it was cancelled already."""
    return bool(
        await ActivityOccurrence.filter(id=occurrence.pk, status=OccurrenceStatus.SCHEDULED).update(
            status=OccurrenceStatus.CANCELLED
        )
    )


async def cancel_series(series: ActivitySeries, now: datetime) -> list[ActivityOccurrence]:
    """Cancel a series: no more dates are created, and every date to come is cancelled."""
    await ActivitySeries.filter(id=series.pk, cancelled_at=None).update(cancelled_at=now)
    series.cancelled_at = now
    cancelled = []
    for date_ in await future_occurrences(series.pk, now):
        if await cancel_occurrence(date_):
            cancelled.append(date_)
    return cancelled


def _renamed(changes: dict) -> dict:
    """The new title and place among `changes`, cleaned; one left empty is no change."""
    updates = {}
    title, place = clean(changes.get("title"), one_line=True), clean(changes.get("place"), one_line=True)
    if title:
        updates["title"] = title[:100]
    if place:
        updates["place"] = place[:200]
    return updates


async def edit_occurrence(occurrence: ActivityOccurrence, changes: dict, now: datetime) -> None:
    """Change one date: its title, place or start (a local time in the series' zone)."""
    _require_open(occurrence, now)
    updates = _renamed(changes)
    if changes.get("start"):
        _local, starts_at = parse_start(changes["start"], occurrence.series.timezone, now)
        updates["starts_at"] = starts_at
        updates["ends_at"] = starts_at + (occurrence.ends_at - occurrence.starts_at)
        # The reminders of the new time are still to send.
        updates.update(reminded_day=False, reminded_hour=False, called=False)
    if not updates:
        raise InvalidInput(N_("Say what to change: a title, a place or a start."))
    try:
        await ActivityOccurrence.filter(id=occurrence.pk).update(**updates)
    except IntegrityError:
        raise Conflict(N_("The series already has a date at that time.")) from None
    for key, value in updates.items():
        setattr(occurrence, key, value)


async def edit_series(series: ActivitySeries, changes: dict, now: datetime) -> list[ActivityOccurrence]:
    """Rename or move every date to come of a series to another place; those dates are returned.

    A new start moves one date only: a series' rhythm is changed by planning it anew.
    """
    if series.cancelled_at is not None:
        raise Conflict(N_("**{title}** is cancelled."), title=series.title)
    if changes.get("start"):
        raise InvalidInput(
            N_("A new start changes one date. To change the rhythm, cancel the series and plan it again.")
        )
    updates = _renamed(changes)
    if not updates:
        raise InvalidInput(N_("Say what to change: a title, a place or a start."))
    await ActivitySeries.filter(id=series.pk).update(**updates)
    dates = await future_occurrences(series.pk, now)
    await ActivityOccurrence.filter(id__in=[date_.pk for date_ in dates]).update(**updates)
    for date_ in dates:
        for key, value in updates.items():
            setattr(date_, key, value)
    return dates


# ---------------------------------------------------------------- deadlines


async def claim(occurrence_id: int, kind: str) -> ActivityOccurrence | None:
    """Claim a date's deadline (its flag False -> True); None if it was handled or the date is gone."""
    flag = FLAGS[kind]
    claimed = await ActivityOccurrence.filter(
        id=occurrence_id, status=OccurrenceStatus.SCHEDULED, **{flag: False}
    ).update(**{flag: True})
    if not claimed:
        return None
    return await ActivityOccurrence.get(id=occurrence_id).prefetch_related("series")


async def release(occurrence_id: int, kind: str) -> None:
    """A deadline that failed to act gives its claim back, so its retry acts."""
    await ActivityOccurrence.filter(id=occurrence_id).update(**{FLAGS[kind]: False})


def awaiting(name: str, now: datetime) -> QuerySet[ActivityOccurrence]:
    """Dates whose deadline `name` (as rules.reminder_moments names it) is still to act: not
    claimed yet, and for a reminder not already past."""
    dates = ActivityOccurrence.filter(status=OccurrenceStatus.SCHEDULED, **{FLAGS[OCCURRENCE_TIMERS[name]]: False})
    if name in rules.REMINDER_LEADS:
        return dates.filter(starts_at__gt=now + rules.REMINDER_LEADS[name])
    return dates


def deadline(name: str, occurrence: ActivityOccurrence, now: datetime) -> datetime:
    """When a date's deadline `name` is due (what rules.reminder_moments gives, for one date)."""
    return rules.reminder_moments(occurrence.starts_at, occurrence.ends_at, now)[name]


# ---------------------------------------------------------------- afterwards


async def signup_by_id(signup_id: int) -> ActivitySignup:
    signup = await ActivitySignup.get_or_none(id=signup_id).prefetch_related("occurrence")
    if signup is None:
        raise NotFound(GONE)
    return signup


async def record_report(signup_id: int, user_id: int, report: Report) -> ActivitySignup:
    signup = await signup_by_id(signup_id)
    if signup.user_id != user_id:
        raise NotAllowed(QUESTION_NOT_THEIRS)
    await ActivitySignup.filter(id=signup.pk).update(report=report)
    signup.report = report
    return signup


async def mark_no_show(occurrence: ActivityOccurrence, user_id: int, coordinator_id: int, now: datetime) -> None:
    if occurrence.starts_at > now:
        raise InvalidInput(N_("You can mark who did not come once the activity has started."))
    changed = await ActivitySignup.filter(occurrence_id=occurrence.pk, user_id=user_id).update(
        no_show=True, marked_by=coordinator_id
    )
    if not changed:
        raise NotFound(N_("That person had not joined this date."))


# ---------------------------------------------------------------- reading


async def upcoming(guild_id: int, now: datetime) -> list[ActivityOccurrence]:
    return (
        await ActivityOccurrence.filter(guild_id=guild_id, status=OccurrenceStatus.SCHEDULED, ends_at__gt=now)
        .order_by("starts_at", "id")
        .prefetch_related("series")
    )


async def recent_and_upcoming(guild_id: int, now: datetime, *, past: timedelta = timedelta(days=14)):
    """Dates a coordinator may act on: those to come and those of the last two weeks."""
    return (
        await ActivityOccurrence.filter(guild_id=guild_id, status=OccurrenceStatus.SCHEDULED, ends_at__gt=now - past)
        .order_by("starts_at", "id")
        .prefetch_related("series")
    )


async def taken_counts(occurrence_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = dict.fromkeys(occurrence_ids, 0)
    for occurrence_id in await ActivitySignup.filter(occurrence_id__in=occurrence_ids).values_list(
        "occurrence_id", flat=True
    ):
        counts[occurrence_id] += 1
    return counts


def counted(
    signup: ActivitySignup, occurrence: ActivityOccurrence, reports: list[Report | None], now: datetime
) -> bool:
    """Whether a signup counts as done: the date ended, was not cancelled, happened, they came."""
    return (
        occurrence.status == OccurrenceStatus.SCHEDULED
        and occurrence.ends_at <= now
        and not signup.no_show
        and signup.report != Report.NOT_HAPPENED
        and rules.happened(reports)
    )


@dataclass
class MemberActivities:
    upcoming: list[ActivityOccurrence]
    done: list[ActivityOccurrence]
    minutes: int

    @property
    def hours(self) -> float:
        return rules.hours(self.minutes)


async def member_activities(guild_id: int, user_id: int, now: datetime) -> MemberActivities:
    signups = await ActivitySignup.filter(guild_id=guild_id, user_id=user_id).prefetch_related("occurrence")
    occurrence_ids = [signup.occurrence_id for signup in signups]
    reports: dict[int, list[Report | None]] = {}
    for occurrence_id, report in await ActivitySignup.filter(occurrence_id__in=occurrence_ids).values_list(
        "occurrence_id", "report"
    ):
        reports.setdefault(occurrence_id, []).append(report)
    upcoming_, done = [], []
    minutes = 0
    for signup in sorted(signups, key=lambda signup: signup.occurrence.starts_at):
        date_ = signup.occurrence
        if date_.status == OccurrenceStatus.SCHEDULED and date_.ends_at > now:
            upcoming_.append(date_)
        elif counted(signup, date_, reports.get(date_.pk, []), now):
            done.append(date_)
            minutes += int((date_.ends_at - date_.starts_at).total_seconds() // 60)
    return MemberActivities(upcoming_, done, minutes)


async def certificate_line(guild_id: int, user_id: int, now: datetime) -> str | None:
    """The line a volunteer certificate gives the activities a member took part in (None: none)."""
    mine = await member_activities(guild_id, user_id, now)
    if not mine.done:
        return None
    return _n(
        "Took part in {n} activity ({hours} h)",
        "Took part in {n} activities ({hours} h)",
        len(mine.done),
        hours=f"{mine.hours:g}",
    )


# ---------------------------------------------------------------- calendar feeds

# Dates this old still show in a feed (a calendar app keeps what it saw; recent ones stay).
FEED_PAST = timedelta(days=30)
# Where the web server serves a feed (gromada/web/calendar.py); the token is its secret.
FEED_PATH = "/calendar/{token}.ics"


async def feed_token(guild_id: int, user_id: int | None, now: datetime, *, rotate: bool = False) -> str:
    """The secret token of a server's feed (user None) or a member's; a new one when rotating."""
    existing = await CalendarFeed.filter(guild_id=guild_id, user_id=user_id).order_by("id").first()
    if existing is not None and not rotate:
        return existing.token
    token = secrets.token_urlsafe(32)
    if existing is None:
        await CalendarFeed.create(guild_id=guild_id, user_id=user_id, token=token, created_at=now)
    else:
        await CalendarFeed.filter(id=existing.pk).update(token=token, created_at=now)
    return token


async def feed_by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return await CalendarFeed.get_or_none(token=token)


async def feed_entries(feed: CalendarFeed, now: datetime) -> list[calendar.Entry]:
    """What a feed shows: the server's dates and meetings, or those the member joined or is coming to."""
    since = now - FEED_PAST
    dates = ActivityOccurrence.filter(
        guild_id=feed.guild_id, status=OccurrenceStatus.SCHEDULED, ends_at__gt=since
    ).prefetch_related("series")
    meetings = Meeting.filter(guild_id=feed.guild_id, status=MeetingStatus.PLANNED, ends_at__gt=since)
    if feed.user_id is not None:
        dates = dates.filter(signups__user_id=feed.user_id)
        meetings = meetings.filter(rsvps__user_id=feed.user_id, rsvps__answer__in=[Answer.COMING, Answer.MAYBE])
    entries = [
        calendar.Entry(
            uid=f"activity-{date_.pk}@gromada",
            title=date_.title,
            start=date_.starts_at,
            end=date_.ends_at,
            place=date_.place,
            description=date_.series.description,
            stamp=date_.series.created_at,
        )
        for date_ in await dates.order_by("starts_at")
    ]
    entries += [
        calendar.Entry(
            uid=f"meeting-{meeting.pk}@gromada",
            title=meeting.title,
            start=meeting.starts_at,
            end=meeting.ends_at,
            place=meeting.place,
            stamp=meeting.created_at,
        )
        for meeting in await meetings.order_by("starts_at")
    ]
    return sorted(entries, key=lambda entry: entry.start)


async def feed_file(feed: CalendarFeed, calendar_name: str, now: datetime) -> bytes:
    """The feed as an iCalendar file, its times in the server's time zone."""
    zone = await guild_config.TIMEZONE.get(feed.guild_id)
    return calendar.build(calendar_name, zone, await feed_entries(feed, now), now)


COORDINATORS_ONLY = N_("Only activity coordinators can do that ({role} or Manage Server).")
NO_CHANNEL = N_("Activities are posted in a channel that is not set up. An admin can run {command}.")
NO_CHANNEL_COMMAND = Command("setup channel")
