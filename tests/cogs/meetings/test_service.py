"""The meeting rules against the database: refusals at their boundaries, two servers, stored rows."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from cogs.meetings import rules, service
from gromada.errors import Conflict, InvalidInput, NotFound
from models.initiatives import Initiative, InitiativeStatus
from models.meetings import AgendaItem, Answer, ItemSource, Meeting, MeetingStatus, Rsvp
from models.polls import Poll, PollKind, PollStatus

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)
GUILD, OTHER = 1, 2
HOUR = timedelta(hours=1)


def fields(**values) -> service.MeetingFields:
    defaults = {"title": "Animation", "start_local": "2026-01-15 18:00", "duration": HOUR, "timezone": "UTC"}
    return service.MeetingFields(**(defaults | values))


async def meeting(starts_at=NOW + timedelta(days=5), *, guild=GUILD, duration=HOUR, title="Animation", agenda=()):
    planned = service.PlannedMeeting(
        fields(title=title, duration=duration), starts_at, [(text, ItemSource.FREE, None) for text in agenda]
    )
    return await service.create_meeting(guild, planned, creator_id=7, now=NOW)


async def initiative(title, status=InitiativeStatus.PROPOSED, guild=GUILD) -> Initiative:
    return await Initiative.create(
        guild_id=guild,
        proposer_id=7,
        title=title,
        slug=title.lower(),
        goal="g",
        needs="n",
        first_step="f",
        status=status,
        threshold=3,
        support_until=NOW + timedelta(days=7),
        card_channel_id=1,
        created_at=NOW,
    )


async def poll(question, status=PollStatus.OPEN, guild=GUILD, closes_at=NOW + timedelta(days=3)) -> Poll:
    return await Poll.create(
        guild_id=guild,
        channel_id=1,
        creator_id=7,
        question=question,
        options=["Yes", "No"],
        kind=PollKind.SINGLE,
        seed=1,
        status=status,
        created_at=NOW,
        closes_at=closes_at,
    )


async def refused(kind, call) -> str:
    with pytest.raises(kind) as caught:
        await call
    return str(caught.value)


async def test_plan_refuses_a_blank_title_and_durations_just_outside_the_limits(database):
    assert await refused(InvalidInput, service.plan(fields(title="\u200b \u2060"), GUILD, NOW)) == (
        "The meeting needs a title."
    )
    for wrong in (rules.MIN_DURATION - timedelta(seconds=1), rules.MAX_DURATION + timedelta(seconds=1)):
        assert await refused(InvalidInput, service.plan(fields(duration=wrong), GUILD, NOW)) == (
            "A meeting lasts between 15 minutes and 12 hours."
        )
    for edge in (rules.MIN_DURATION, rules.MAX_DURATION):
        assert (await service.plan(fields(duration=edge), GUILD, NOW)).fields.duration == edge


async def test_plan_accepts_a_start_exactly_a_year_ahead_and_refuses_a_minute_later(database):
    # NOW + 366 days is 2027-01-11 12:00.
    planned = await service.plan(fields(start_local="2027-01-11 12:00"), GUILD, NOW)
    assert planned.starts_at == NOW + rules.MAX_AHEAD

    assert await refused(InvalidInput, service.plan(fields(start_local="2027-01-11 12:01"), GUILD, NOW)) == (
        "A meeting can be planned up to a year ahead."
    )


async def test_plan_cleans_the_title_and_place_before_keeping_them(database):
    planned = await service.plan(
        fields(title="\u200bAnimation\nmeeting ", place=" \u2060Library,\nfirst floor\u200b"), GUILD, NOW
    )

    # Both are shown on one line (the card's title, the event's place).
    assert (planned.fields.title, planned.fields.place) == ("Animation meeting", "Library, first floor")
    assert planned.starts_at == datetime(2026, 1, 15, 18, tzinfo=UTC)


async def test_an_agenda_of_ten_items_is_kept_and_eleven_counting_open_ones_are_refused(database):
    ten = "; ".join(f"Item {n}" for n in range(1, 11))
    planned = await service.plan(fields(agenda=ten), GUILD, NOW)
    assert [text for text, _source, _ref in planned.items] == [f"Item {n}" for n in range(1, 11)]

    await initiative("Garden")
    message = await refused(InvalidInput, service.plan(fields(agenda=ten, include_open=True), GUILD, NOW))
    assert message == "An agenda has at most 10 items. Keep the most important ones."
    # Without include_open the open initiative is not on the agenda.
    assert len((await service.plan(fields(agenda=ten), GUILD, NOW)).items) == 10


async def test_open_items_are_this_servers_gathering_and_active_initiatives_then_open_polls(database):
    active = await initiative("Tool library", InitiativeStatus.ACTIVE)
    await initiative("Old fair", InitiativeStatus.ARCHIVED)
    await initiative("Expired idea", InitiativeStatus.EXPIRED)
    await initiative("Elsewhere", guild=OTHER)
    proposed = await initiative("Garden")
    long_question = "Q" * 250
    open_poll = await poll(long_question)
    await poll("Closed already?", PollStatus.CLOSED)
    await poll("Their poll?", guild=OTHER)

    planned = await service.plan(fields(agenda="Rota", include_open=True), GUILD, NOW)

    assert planned.items == [
        ("Tool library", ItemSource.INITIATIVE, active.pk),
        ("Garden", ItemSource.INITIATIVE, proposed.pk),
        ("Q" * rules.MAX_ITEM, ItemSource.POLL, open_poll.pk),
        ("Rota", ItemSource.FREE, None),
    ]


async def test_a_created_meeting_keeps_its_fields_within_their_columns_and_numbers_its_agenda(database):
    planned = service.PlannedMeeting(
        fields(title="T" * 150, place="P" * 250, place_channel_id=55, duration=timedelta(hours=2)),
        NOW + timedelta(days=1),
        [("Garden", ItemSource.INITIATIVE, 31), ("Rota", ItemSource.FREE, None)],
    )

    created = await service.create_meeting(GUILD, planned, creator_id=7, now=NOW)

    stored = await Meeting.get(id=created.pk)
    assert (stored.guild_id, stored.title, stored.place, stored.place_channel_id) == (GUILD, "T" * 100, "P" * 200, 55)
    assert (stored.starts_at, stored.ends_at) == (NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2))
    assert (stored.creator_id, stored.created_at, stored.status) == (7, NOW, MeetingStatus.PLANNED)
    items = await service.agenda(created.pk)
    assert [(i.position, i.text, i.source, i.source_ref) for i in items] == [
        (1, "Garden", ItemSource.INITIATIVE, 31),
        (2, "Rota", ItemSource.FREE, None),
    ]


async def test_a_meeting_of_another_server_is_not_found_and_discard_removes_only_its_own(database):
    ours = await meeting()
    theirs = await meeting(guild=OTHER)

    assert await refused(NotFound, service.meeting_by_id(theirs.pk, GUILD)) == "That meeting no longer exists."
    assert (await service.meeting_by_id(theirs.pk)).pk == theirs.pk
    assert (await service.meeting_by_id(ours.pk, GUILD)).pk == ours.pk

    await service.discard(ours)
    assert await refused(NotFound, service.meeting_by_id(ours.pk)) == "That meeting no longer exists."
    assert await Meeting.exists(id=theirs.pk)


async def test_the_card_event_and_minutes_message_are_stored_on_their_meeting_only(database):
    first, second = await meeting(), await meeting()

    await service.attach_card(first.pk, channel_id=11, message_id=12)
    await service.attach_event(first.pk, 13)
    await service.set_minutes_message(first.pk, 14)

    stored = await Meeting.get(id=first.pk)
    assert (stored.channel_id, stored.message_id, stored.event_id, stored.minutes_message_id) == (11, 12, 13, 14)
    untouched = await Meeting.get(id=second.pk)
    assert (untouched.channel_id, untouched.message_id, untouched.event_id, untouched.minutes_message_id) == (
        None,
        None,
        None,
        None,
    )
    await service.attach_event(first.pk, None)
    assert (await Meeting.get(id=first.pk)).event_id is None


async def test_an_answer_is_one_row_per_person_changed_in_place_until_the_meeting_ends(database):
    row, other = await meeting(NOW + HOUR), await meeting(NOW + HOUR)
    later = NOW + timedelta(minutes=30)
    await service.answer(other, 104, Answer.COMING, NOW)
    await service.answer(other, 100, Answer.NOT_COMING, NOW)

    await service.answer(row, 100, Answer.COMING, NOW)
    await service.answer(row, 101, Answer.COMING, NOW)
    await service.answer(row, 100, Answer.MAYBE, later)
    # The last second of the meeting still takes an answer.
    await service.answer(row, 102, Answer.NOT_COMING, row.ends_at - timedelta(seconds=1))

    rsvps = await Rsvp.filter(meeting_id=row.pk).order_by("user_id")
    assert [(r.user_id, r.guild_id, r.answer, r.answered_at) for r in rsvps] == [
        (100, GUILD, Answer.MAYBE, later),
        (101, GUILD, Answer.COMING, NOW),
        (102, GUILD, Answer.NOT_COMING, row.ends_at - timedelta(seconds=1)),
    ]
    assert await service.counts(row.pk) == Counter({Answer.MAYBE: 1, Answer.COMING: 1, Answer.NOT_COMING: 1})
    assert await service.coming(row.pk) == [101]
    # The same person's answer to another meeting is left as it was.
    assert await service.counts(other.pk) == Counter({Answer.COMING: 1, Answer.NOT_COMING: 1})

    assert await refused(Conflict, service.answer(row, 103, Answer.COMING, row.ends_at)) == "**Animation** is over."
    assert not await Rsvp.exists(user_id=103)


async def test_a_double_click_leaves_one_answer_the_later_one(database):
    row, other = await meeting(), await meeting()
    await service.answer(row, 101, Answer.NOT_COMING, NOW)
    await service.answer(other, 100, Answer.NOT_COMING, NOW)

    await asyncio.gather(
        service.answer(row, 100, Answer.COMING, NOW), service.answer(row, 100, Answer.MAYBE, NOW + HOUR)
    )

    (only,) = await Rsvp.filter(meeting_id=row.pk, user_id=100)
    assert (only.answer, only.answered_at) == (Answer.MAYBE, NOW + HOUR)
    # The later answer changes that person's row on that meeting, and no other.
    assert (await Rsvp.get(meeting_id=row.pk, user_id=101)).answer == Answer.NOT_COMING
    assert (await Rsvp.get(meeting_id=other.pk, user_id=100)).answer == Answer.NOT_COMING


async def test_a_cancelled_meeting_takes_no_answer_and_cannot_be_cancelled_twice(database):
    row, other = await meeting(title="Fair"), await meeting()

    assert await service.cancel_meeting(row, NOW) is True
    assert row.status == MeetingStatus.CANCELLED
    assert (await Meeting.get(id=row.pk)).status == MeetingStatus.CANCELLED
    assert (await Meeting.get(id=other.pk)).status == MeetingStatus.PLANNED
    assert await service.cancel_meeting(await Meeting.get(id=row.pk), NOW) is False

    assert await refused(Conflict, service.answer(row, 100, Answer.COMING, NOW)) == "**Fair** is cancelled."
    assert not await Rsvp.exists(meeting_id=row.pk)


async def test_a_meeting_cannot_be_cancelled_once_it_has_ended(database):
    row = await meeting(NOW - HOUR)

    assert await refused(Conflict, service.cancel_meeting(row, row.ends_at)) == "**Animation** is over."
    assert (await Meeting.get(id=row.pk)).status == MeetingStatus.PLANNED
    assert await service.cancel_meeting(row, row.ends_at - timedelta(seconds=1)) is True


async def test_each_reminder_is_claimed_once_and_none_for_a_cancelled_meeting(database):
    row, cancelled = await meeting(), await meeting()
    await service.cancel_meeting(cancelled, NOW)

    claimed = await service.claim(row.pk, service.DAY_TIMER)
    assert claimed is not None and (claimed.reminded_day, claimed.reminded_hour) == (True, False)
    assert await service.claim(row.pk, service.DAY_TIMER) is None
    hour = await service.claim(row.pk, service.HOUR_TIMER)
    assert hour is not None and (hour.reminded_day, hour.reminded_hour) == (True, True)
    assert await service.claim(cancelled.pk, service.DAY_TIMER) is None
    assert (await Meeting.get(id=cancelled.pk)).reminded_day is False


async def test_minutes_must_say_something_and_are_kept_cleaned_with_their_author(database):
    row, other = await meeting(), await meeting()

    assert await refused(InvalidInput, service.save_minutes(row, " \u200b ", 7)) == "Write the minutes first."
    assert (await Meeting.get(id=row.pk)).minutes is None

    await service.save_minutes(row, "\u200bWe agreed. ", 8)

    assert (row.minutes, row.minutes_by) == ("We agreed.", 8)
    stored = await Meeting.get(id=row.pk)
    assert (stored.minutes, stored.minutes_by) == ("We agreed.", 8)
    assert (await Meeting.get(id=other.pk)).minutes is None


async def test_an_item_is_put_to_one_poll_only_and_found_only_on_its_server(database):
    row = await meeting(agenda=["Fair", "Rota"])
    fair, rota = await service.agenda(row.pk)

    found = await service.item_by_id(fair.pk, GUILD)
    assert found.meeting.title == "Animation"
    assert await refused(NotFound, service.item_by_id(fair.pk, OTHER)) == "That agenda item no longer exists."
    service.require_undecided(found)

    assert await service.link_poll(found, 5) is True
    assert await service.link_poll(found, 6) is False
    assert (await AgendaItem.get(id=fair.pk)).decision_poll == 5
    assert (await AgendaItem.get(id=rota.pk)).decision_poll is None
    with pytest.raises(Conflict) as caught:
        service.require_undecided(await service.item_by_id(fair.pk, GUILD))
    assert str(caught.value) == "That agenda item is already put to a poll (#5)."
    assert await service.meeting_of_item(rota.pk) == row.pk
    assert await service.meeting_of_item(rota.pk + 100) is None


async def test_an_item_is_proposed_as_one_initiative_and_never_when_it_is_one(database):
    planned = service.PlannedMeeting(
        fields(), NOW + HOUR, [("Garden", ItemSource.INITIATIVE, 31), ("Fair", ItemSource.FREE, None)]
    )
    row = await service.create_meeting(GUILD, planned, creator_id=7, now=NOW)
    garden, fair = await service.agenda(row.pk)

    with pytest.raises(Conflict) as caught:
        service.require_not_proposed(garden)
    assert str(caught.value) == "That agenda item is an initiative already."
    service.require_not_proposed(fair)

    assert await service.link_initiative(fair, 40) is True
    assert await service.link_initiative(fair, 41) is False
    linked = await AgendaItem.get(id=fair.pk)
    assert linked.proposed_initiative == 40
    assert (await AgendaItem.get(id=garden.pk)).proposed_initiative is None
    with pytest.raises(Conflict) as caught:
        service.require_not_proposed(linked)
    assert str(caught.value) == "That agenda item is already proposed as an initiative."


async def test_initiatives_and_polls_are_read_by_id(database):
    garden, _fair = await initiative("Garden"), await initiative("Fair")
    freezer, _other = await poll("Freezer?"), await poll("Other?")

    assert {k: v.title for k, v in (await service.initiatives([garden.pk])).items()} == {garden.pk: "Garden"}
    assert {k: v.question for k, v in (await service.decision_polls([freezer.pk])).items()} == {freezer.pk: "Freezer?"}


async def test_the_listing_is_this_servers_half_year_upcoming_soonest_first_then_past_latest_first(database):
    past = timedelta(days=180)
    await meeting(NOW - past, title="Too old")
    oldest = await meeting(NOW - past + timedelta(minutes=1), title="Oldest kept")
    yesterday = await meeting(NOW - timedelta(days=1), title="Yesterday")
    just_ended = await meeting(NOW - HOUR, title="Just ended")
    later = await meeting(NOW + timedelta(days=3), title="Later")
    ongoing = await meeting(NOW - timedelta(minutes=30), title="Ongoing")
    soon = await meeting(NOW + timedelta(days=1), title="Soon")
    await meeting(NOW + timedelta(days=2), guild=OTHER, title="Theirs")

    listed = await service.listing(GUILD, NOW)

    assert [m.pk for m in listed] == [ongoing.pk, soon.pk, later.pk, just_ended.pk, yesterday.pk, oldest.pk]
    shorter = await service.listing(GUILD, NOW, past=timedelta(days=2))
    assert [m.title for m in shorter] == ["Ongoing", "Soon", "Later", "Just ended", "Yesterday"]


async def test_a_reminder_awaits_only_planned_meetings_starting_after_its_lead_and_not_sent(database):
    exactly_a_day = await meeting(NOW + rules.DAY_REMINDER)
    after_a_day = await meeting(NOW + rules.DAY_REMINDER + timedelta(minutes=1))
    sent = await meeting(NOW + timedelta(days=2))
    await service.claim(sent.pk, service.DAY_TIMER)
    cancelled = await meeting(NOW + timedelta(days=2))
    await service.cancel_meeting(cancelled, NOW)
    in_two_hours = await meeting(NOW + 2 * HOUR)

    day = {m.pk for m in await service.awaiting_reminder("day", NOW)}
    hour = {m.pk for m in await service.awaiting_reminder("hour", NOW)}

    assert day == {after_a_day.pk}
    assert hour == {exactly_a_day.pk, after_a_day.pk, sent.pk, in_two_hours.pk}


async def test_items_await_a_result_only_while_their_poll_is_open(database):
    row = await meeting(agenda=["Open", "Closed", "Undecided", "Lost poll"])
    open_item, closed_item, _undecided, lost = await service.agenda(row.pk)
    closes = NOW + timedelta(days=2)
    open_poll = await poll("Open?", closes_at=closes)
    closed_poll = await poll("Closed?", PollStatus.CLOSED)
    await service.link_poll(open_item, open_poll.pk)
    await service.link_poll(closed_item, closed_poll.pk)
    await service.link_poll(lost, closed_poll.pk + 100)

    awaiting = await service.items_awaiting_results()

    assert [(item.pk, item.meeting.pk, closes_at) for item, closes_at in awaiting] == [(open_item.pk, row.pk, closes)]
