"""Meetings: planning one with its agenda, RSVPs, minutes, and agenda items put to a poll (no Discord).

Every function takes `now` from its caller. An RSVP is one row per person and meeting,
changed in place, so the counts on the card are the rows' counts. An agenda item is linked to
its decision poll with a conditional update, so two coordinators pressing at once make one
poll's link, not two. The Discord side (card, Scheduled Event, DMs, the poll) lives in
cogs/meetings/flows.py; the poll itself is created by cogs/polls.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from cogs.meetings import rules
from gromada.errors import Conflict, InvalidInput, NotFound
from gromada.i18n import N_, Plural
from gromada.localtime import parse_start
from gromada.text import clean
from models.initiatives import Initiative, InitiativeStatus
from models.meetings import AgendaItem, Answer, ItemSource, Meeting, MeetingStatus, Rsvp
from models.polls import Poll, PollStatus

DAY_TIMER = "meetings.remind_day"
HOUR_TIMER = "meetings.remind_hour"
# ref_id: an agenda item whose decision poll closes then.
RESULT_TIMER = "meetings.result"
REMINDER_TIMERS = {"day": DAY_TIMER, "hour": HOUR_TIMER}
FLAGS = {DAY_TIMER: "reminded_day", HOUR_TIMER: "reminded_hour"}
# The purposes meetings share with activities (declared there): the channel of their cards and
# the role of those who coordinate them, named by key so that neither feature imports the other.
CHANNEL_PURPOSE = "activities"
COORDINATOR_PURPOSE = "activity_coordinator"

GONE = N_("That meeting no longer exists.")
ITEM_GONE = N_("That agenda item no longer exists.")


@dataclass
class MeetingFields:
    title: str
    start_local: str
    duration: timedelta
    timezone: str
    place: str = ""
    place_channel_id: int | None = None
    agenda: str | None = None
    include_open: bool = False


@dataclass
class PlannedMeeting:
    fields: MeetingFields
    starts_at: datetime
    items: list[tuple[str, ItemSource, int | None]] = field(default_factory=list)


async def open_items(guild_id: int) -> list[tuple[str, ItemSource, int | None]]:
    """Open initiatives and open polls of the server, as agenda items."""
    items: list[tuple[str, ItemSource, int | None]] = []
    initiatives = await Initiative.filter(
        guild_id=guild_id, status__in=[InitiativeStatus.PROPOSED, InitiativeStatus.ACTIVE]
    ).order_by("id")
    items += [(initiative.title, ItemSource.INITIATIVE, initiative.pk) for initiative in initiatives]
    polls = await Poll.filter(guild_id=guild_id, status=PollStatus.OPEN).order_by("id")
    items += [(poll.question[: rules.MAX_ITEM], ItemSource.POLL, poll.pk) for poll in polls]
    return items


async def plan(values: MeetingFields, guild_id: int, now: datetime) -> PlannedMeeting:
    """Check what a coordinator typed (cleaned first) and build the agenda; the refusal says what to fix."""
    values = replace(values, title=clean(values.title, one_line=True), place=clean(values.place, one_line=True))
    if not values.title:
        raise InvalidInput(N_("The meeting needs a title."))
    if not rules.MIN_DURATION <= values.duration <= rules.MAX_DURATION:
        raise InvalidInput(N_("A meeting lasts between 15 minutes and 12 hours."))
    _local, starts_at = parse_start(values.start_local, values.timezone, now)
    if starts_at > now + rules.MAX_AHEAD:
        raise InvalidInput(N_("A meeting can be planned up to a year ahead."))
    items = await open_items(guild_id) if values.include_open else []
    items += [(text, ItemSource.FREE, None) for text in rules.free_items(values.agenda)]
    if len(items) > rules.MAX_AGENDA:
        raise InvalidInput(
            Plural(
                "An agenda has at most {n} item. Keep the most important one.",
                "An agenda has at most {n} items. Keep the most important ones.",
                rules.MAX_AGENDA,
            )
        )
    return PlannedMeeting(values, starts_at, items)


async def create_meeting(guild_id: int, planned: PlannedMeeting, creator_id: int, now: datetime) -> Meeting:
    values = planned.fields
    meeting = await Meeting.create(
        guild_id=guild_id,
        title=values.title[:100],
        place=values.place[:200],
        place_channel_id=values.place_channel_id,
        starts_at=planned.starts_at,
        ends_at=planned.starts_at + values.duration,
        creator_id=creator_id,
        created_at=now,
    )
    await AgendaItem.bulk_create(
        [
            AgendaItem(meeting_id=meeting.pk, position=position, text=text, source=source, source_ref=ref)
            for position, (text, source, ref) in enumerate(planned.items, start=1)
        ]
    )
    return meeting


async def discard(meeting: Meeting) -> None:
    """Undo a meeting whose card could not be posted."""
    await Meeting.filter(id=meeting.pk).delete()


async def meeting_by_id(meeting_id: int, guild_id: int | None = None) -> Meeting:
    query = Meeting.filter(id=meeting_id)
    if guild_id is not None:
        query = query.filter(guild_id=guild_id)
    meeting = await query.first()
    if meeting is None:
        raise NotFound(GONE)
    return meeting


async def attach_card(meeting_id: int, channel_id: int, message_id: int) -> None:
    await Meeting.filter(id=meeting_id).update(channel_id=channel_id, message_id=message_id)


async def attach_event(meeting_id: int, event_id: int | None) -> None:
    await Meeting.filter(id=meeting_id).update(event_id=event_id)


async def agenda(meeting_id: int) -> list[AgendaItem]:
    return await AgendaItem.filter(meeting_id=meeting_id).order_by("position")


# ---------------------------------------------------------------- RSVP


async def answer(meeting: Meeting, user_id: int, given: Answer, now: datetime) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(N_("**{title}** is cancelled."), title=meeting.title)
    if meeting.ends_at <= now:
        raise Conflict(N_("**{title}** is over."), title=meeting.title)
    updated = await Rsvp.filter(meeting_id=meeting.pk, user_id=user_id).update(answer=given, answered_at=now)
    if updated:
        return
    try:
        await Rsvp.create(
            meeting_id=meeting.pk, guild_id=meeting.guild_id, user_id=user_id, answer=given, answered_at=now
        )
    except IntegrityError:  # answered a moment ago (a double click): the later answer wins
        await Rsvp.filter(meeting_id=meeting.pk, user_id=user_id).update(answer=given, answered_at=now)


async def counts(meeting_id: int) -> Counter[Answer]:
    return Counter(Answer(value) for value in await Rsvp.filter(meeting_id=meeting_id).values_list("answer", flat=True))


async def coming(meeting_id: int) -> list[int]:
    return list(await Rsvp.filter(meeting_id=meeting_id, answer=Answer.COMING).values_list("user_id", flat=True))


# ---------------------------------------------------------------- reminders, minutes, decisions


async def claim(meeting_id: int, kind: str) -> Meeting | None:
    """Claim a reminder once (its flag False -> True); None if sent already or cancelled."""
    flag = FLAGS[kind]
    claimed = await Meeting.filter(id=meeting_id, status=MeetingStatus.PLANNED, **{flag: False}).update(**{flag: True})
    return await Meeting.get(id=meeting_id) if claimed else None


async def save_minutes(meeting: Meeting, text: str, user_id: int) -> None:
    cleaned = clean(text)
    if not cleaned:
        raise InvalidInput(N_("Write the minutes first."))
    await Meeting.filter(id=meeting.pk).update(minutes=cleaned, minutes_by=user_id)
    meeting.minutes, meeting.minutes_by = cleaned, user_id


async def set_minutes_message(meeting_id: int, message_id: int) -> None:
    await Meeting.filter(id=meeting_id).update(minutes_message_id=message_id)


async def item_by_id(item_id: int, guild_id: int, meeting_id: int | None = None) -> AgendaItem:
    """An agenda item of the server; of that meeting alone when `meeting_id` is given (a card's
    select lists its own meeting's items, but a client can send any item's id)."""
    found = AgendaItem.filter(id=item_id, meeting__guild_id=guild_id)
    if meeting_id is not None:
        found = found.filter(meeting_id=meeting_id)
    item = await found.prefetch_related("meeting").first()
    if item is None:
        raise NotFound(ITEM_GONE)
    return item


def require_undecided(item: AgendaItem) -> None:
    if item.decision_poll is not None:
        raise Conflict(N_("That agenda item is already put to a poll (#{id})."), id=item.decision_poll)


async def link_poll(item: AgendaItem, poll_id: int) -> bool:
    """Link the item to its decision poll; False if another poll was linked meanwhile."""
    return bool(await AgendaItem.filter(id=item.pk, decision_poll=None).update(decision_poll=poll_id))


def require_not_proposed(item: AgendaItem) -> None:
    if item.source == ItemSource.INITIATIVE:
        raise Conflict(N_("That agenda item is an initiative already."))
    if item.proposed_initiative is not None:
        raise Conflict(N_("That agenda item is already proposed as an initiative."))


async def link_initiative(item: AgendaItem, initiative_id: int) -> bool:
    """Link the item to the initiative proposed from it; False if another was linked meanwhile."""
    return bool(await AgendaItem.filter(id=item.pk, proposed_initiative=None).update(proposed_initiative=initiative_id))


async def initiatives(initiative_ids: list[int]) -> dict[int, Initiative]:
    return {row.pk: row for row in await Initiative.filter(id__in=initiative_ids)}


async def decision_polls(poll_ids: list[int]) -> dict[int, Poll]:
    return {poll.pk: poll for poll in await Poll.filter(id__in=poll_ids)}


async def cancel_meeting(meeting: Meeting, now: datetime) -> bool:
    """Cancel a meeting to come; False when it was cancelled already."""
    if meeting.ends_at <= now:
        raise Conflict(N_("**{title}** is over."), title=meeting.title)
    cancelled = await Meeting.filter(id=meeting.pk, status=MeetingStatus.PLANNED).update(status=MeetingStatus.CANCELLED)
    meeting.status = MeetingStatus.CANCELLED
    return bool(cancelled)


# ---------------------------------------------------------------- reading


async def listing(guild_id: int, now: datetime, *, past: timedelta = timedelta(days=180)) -> list[Meeting]:
    """Meetings of the last half year and to come, soonest to come first, then the past ones."""
    meetings = await Meeting.filter(guild_id=guild_id, starts_at__gt=now - past).order_by("starts_at")
    upcoming = [meeting for meeting in meetings if meeting.ends_at > now]
    done = [meeting for meeting in meetings if meeting.ends_at <= now]
    return upcoming + list(reversed(done))


def awaiting_reminder(name: str, now: datetime) -> QuerySet[Meeting]:
    """Planned meetings whose reminder `name` ("day", "hour") is ahead and not sent yet."""
    return Meeting.filter(
        status=MeetingStatus.PLANNED,
        starts_at__gt=now + rules.REMINDER_LEADS[name],
        **{FLAGS[REMINDER_TIMERS[name]]: False},
    )


async def items_awaiting_results() -> list[tuple[AgendaItem, datetime]]:
    """Items whose decision poll is still open, with when it closes (the card shows the result then)."""
    items = await AgendaItem.filter(decision_poll__isnull=False).prefetch_related("meeting")
    polls = await decision_polls([item.decision_poll for item in items])
    return [
        (item, polls[item.decision_poll].closes_at)
        for item in items
        if item.decision_poll in polls and polls[item.decision_poll].status == PollStatus.OPEN
    ]


async def meeting_of_item(item_id: int) -> int | None:
    item = await AgendaItem.get_or_none(id=item_id)
    return item.meeting_id if item else None
