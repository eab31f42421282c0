"""Export, forget, retention and departures against the database: rows no test through Discord
can line up (the same key in two tables, a case about oneself), each server's own period."""

from datetime import UTC, datetime, timedelta

from cogs.privacy import service
from cogs.privacy.rules import pseudonym_label
from gromada.guild_config import set_option
from models.mediation import Ticket, TicketStatus
from models.meetings import Answer, Meeting, Rsvp
from models.moderation import CaseAction, ModCase
from models.onboarding import Journey
from models.polls import Poll, PollBallot, PollKind
from models.privacy import Departure, pseudonym_tag

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
GUILD, OTHER = 1, 2
YEAR = timedelta(days=365)
SECOND = timedelta(seconds=1)


async def ticket(guild, closed_at, status=TicketStatus.CLOSED) -> Ticket:
    ticket.channels = getattr(ticket, "channels", 1000) + 1
    return await Ticket.create(
        guild_id=guild,
        requester_id=5,
        channel_id=ticket.channels,
        status=status,
        what_happened="w",
        hoped_outcome="h",
        created_at=closed_at - timedelta(days=1),
        closed_at=closed_at,
    )


async def case(guild, created_at, action=CaseAction.NOTE, number=1, *, target=5, moderator=None, reason="r") -> ModCase:
    return await ModCase.create(
        guild_id=guild,
        number=number,
        action=action,
        target_id=target,
        moderator_id=moderator,
        reason=reason,
        created_at=created_at,
    )


async def test_closed_tickets_are_due_a_second_after_each_servers_own_period(database):
    await set_option(OTHER, "privacy_mediation_retention", "30d")
    due_here = await ticket(GUILD, NOW - YEAR - SECOND)
    await ticket(GUILD, NOW - YEAR)  # exactly the period: kept
    await ticket(GUILD, NOW - 2 * YEAR, TicketStatus.OPEN)
    due_there = await ticket(OTHER, NOW - timedelta(days=30) - SECOND)
    await ticket(OTHER, NOW - timedelta(days=30))

    due = await service.tickets_past_retention(NOW)

    assert sorted(t.pk for t in due) == sorted([due_here.pk, due_there.pk])


async def test_a_ticket_reopened_before_its_purge_is_kept(database):
    closed, reopened = await ticket(GUILD, NOW - 2 * YEAR), await ticket(GUILD, NOW - 2 * YEAR)
    recent = await ticket(GUILD, NOW - timedelta(days=1))
    await Ticket.filter(id=reopened.pk).update(status=TicketStatus.OPEN)

    assert await service.purge_ticket(closed.pk) is True
    assert await service.purge_ticket(reopened.pk) is False
    # Only the ticket named goes, not every closed one.
    assert sorted(t.pk for t in await Ticket.all()) == sorted([reopened.pk, recent.pk])


async def test_only_notes_past_each_servers_period_are_purged(database):
    await set_option(OTHER, "privacy_moderation_note_retention", "10d")
    await case(GUILD, NOW - YEAR - SECOND, number=1)
    kept_note = await case(GUILD, NOW - YEAR, number=2)
    warning = await case(GUILD, NOW - 3 * YEAR, CaseAction.WARN, number=3)
    await case(OTHER, NOW - timedelta(days=10) - SECOND, number=1)
    recent_there = await case(OTHER, NOW - timedelta(days=10), number=2)

    assert await service.purge_moderation_notes(NOW) == 2

    assert sorted(c.pk for c in await ModCase.all()) == sorted([kept_note.pk, warning.pk, recent_there.pk])


async def test_a_departure_is_one_row_per_person_and_server_with_that_servers_grace(database):
    await set_option(OTHER, "privacy_departure_grace", "2h")

    row, erase_at = await service.record_departure(GUILD, 5, NOW)
    again, erase_again = await service.record_departure(GUILD, 5, NOW + SECOND)
    there, erase_there = await service.record_departure(OTHER, 5, NOW)

    assert (erase_at, erase_again, erase_there) == (
        NOW + timedelta(days=30),
        NOW + timedelta(days=30, seconds=1),
        NOW + timedelta(hours=2),
    )
    assert again.pk == row.pk and there.pk != row.pk
    assert (await Departure.get(id=row.pk)).left_at == NOW + SECOND
    assert await Departure.all().count() == 2


async def test_coming_back_cancels_only_ones_own_departure_on_that_server(database):
    assert service.may_have_departed(GUILD, 5) is True  # nothing read yet
    assert await service.cancel_departure(GUILD, 5) is None
    assert service.may_have_departed(GUILD, 5) is False
    row, _ = await service.record_departure(GUILD, 5, NOW)
    there, _ = await service.record_departure(OTHER, 5, NOW)
    neighbour, _ = await service.record_departure(GUILD, 8, NOW)
    assert service.may_have_departed(GUILD, 5) is True
    assert service.may_have_departed(GUILD, 6) is False

    assert await service.cancel_departure(GUILD, 6) is None
    assert await service.cancel_departure(GUILD, 5) == row.pk
    assert await service.cancel_departure(GUILD, 5) is None

    assert service.may_have_departed(GUILD, 5) is False
    assert [d.pk for d in await Departure.all().order_by("id")] == [there.pk, neighbour.pk]
    assert (await service.departure(there.pk)).user_id == 5
    assert await service.departure(row.pk) is None


async def test_the_grace_period_ending_erases_onboarding_data_once_and_only_on_that_server(database):
    await Journey.create(guild_id=GUILD, user_id=5, joined_at=NOW, last_active_at=NOW)
    await Journey.create(guild_id=OTHER, user_id=5, joined_at=NOW, last_active_at=NOW)
    meeting = await Meeting.create(
        guild_id=GUILD, title="Animation", starts_at=NOW, ends_at=NOW, creator_id=9, created_at=NOW
    )
    await Rsvp.create(meeting=meeting, guild_id=GUILD, user_id=5, answer=Answer.COMING, answered_at=NOW)
    quoting = await case(GUILD, NOW, target=6, reason="Reported by <@5>.")
    row, _ = await service.record_departure(GUILD, 5, NOW)
    await service.cancel_departure(GUILD, 7)  # loads the server's departures into memory

    report = await service.erase_departed(row.pk)

    assert report is not None and report.deleted == 1
    assert [p.guild_id for p in await Journey.filter(user_id=5)] == [OTHER]
    # Leaving erases the onboarding data only: their answer to a meeting stays theirs.
    assert (await Rsvp.get(meeting_id=meeting.pk)).user_id == 5
    assert (await ModCase.get(id=quoting.pk)).reason == "Reported by <@5>."
    assert not await Departure.exists(id=row.pk)
    assert service.may_have_departed(GUILD, 5) is False
    assert await service.erase_departed(row.pk) is None


async def test_a_departure_recorded_before_a_restart_is_cancelled_when_they_come_back(database):
    row, _ = await service.record_departure(GUILD, 5, NOW)
    # A restart: nothing about the server's departures is in memory any more.
    service._DEPARTED.drop(GUILD)

    assert service.may_have_departed(GUILD, 5) is True
    assert await service.cancel_departure(GUILD, 5) == row.pk
    assert not await Departure.exists()


async def test_an_export_names_its_server_and_moment_and_counts_meetings_from_both_tables(database):
    made = await Meeting.create(
        guild_id=GUILD, title="Garden day", starts_at=NOW, ends_at=NOW, creator_id=5, created_at=NOW
    )
    answered = await Meeting.create(
        guild_id=GUILD, title="Animation", starts_at=NOW, ends_at=NOW, creator_id=9, created_at=NOW
    )
    await Rsvp.create(meeting=answered, guild_id=GUILD, user_id=5, answer=Answer.COMING, answered_at=NOW)

    exported = await service.export(GUILD, 5, NOW)

    data = exported.data
    assert (data["guild_id"], data["user_id"], data["exported_at"]) == (str(GUILD), "5", NOW.isoformat())
    # The meeting they made (one table) and the one they answered (another) are two meetings.
    assert exported.counts["meetings"] == 2
    assert [row["id"] for row in data["features"]["meetings"]["meeting"]] == [made.pk]


async def test_a_kept_case_does_not_shield_other_tables_rows_with_the_same_key(database):
    on_record = await case(GUILD, NOW)  # about them: stays on record
    asked = await ticket(GUILD, NOW)  # a closed mediation they asked for: pseudonymised
    meeting = await Meeting.create(
        guild_id=GUILD, title="Animation", starts_at=NOW, ends_at=NOW, creator_id=9, created_at=NOW
    )
    answer = await Rsvp.create(meeting=meeting, guild_id=GUILD, user_id=5, answer=Answer.COMING, answered_at=NOW)
    assert on_record.pk == asked.pk == answer.pk

    report = await service.forget(GUILD, 5)

    assert (await ModCase.get(id=on_record.pk)).target_id == 5
    forgotten = await Ticket.get(id=asked.pk)
    assert (forgotten.requester_id, forgotten.what_happened) == (report.pseudonym, "")
    assert not await Rsvp.exists(id=answer.pk)


async def test_a_case_a_moderator_recorded_about_themselves_is_kept_whole(database):
    own = await case(GUILD, NOW, moderator=5)
    about_another = await case(GUILD, NOW, number=2, target=6, moderator=5)

    report = await service.forget(GUILD, 5)

    assert (report.kept, report.pseudonymised) == ({"moderation_record": 1}, 1)
    assert (await ModCase.get(id=own.pk)).moderator_id == 5
    assert (await ModCase.get(id=about_another.pk)).moderator_id == report.pseudonym


async def test_every_text_quoting_them_reads_the_servers_label_even_among_kept_cases(database):
    member = 412345678901234567  # a real id's length: a short one could recur in the label's tag
    # Cases about them stay on record, before and after a case about someone else quoting them.
    await case(GUILD, NOW, number=1, target=member, reason=f"<@{member}> spammed")
    quoting = await case(GUILD, NOW, number=2, target=6, reason=f"Reported by <@{member}>.")
    await case(GUILD, NOW, number=3, target=member, reason=f"<@{member}> again")

    report = await service.forget(GUILD, member, language="pl")

    label = pseudonym_label(report.pseudonym, "pl")
    assert label == f"osoba anonimowa #{pseudonym_tag(report.pseudonym)}"
    assert (await ModCase.get(id=quoting.pk)).reason == f"Reported by {label}."
    kept = await ModCase.filter(target_id=member).order_by("number").values_list("reason", flat=True)
    assert kept == [f"<@{member}> spammed", f"<@{member}> again"]


async def test_a_ballots_reason_is_erased_as_if_none_was_given_and_the_vote_stays(database):
    poll = await Poll.create(
        guild_id=GUILD,
        channel_id=1,
        creator_id=9,
        question="Move the market to Sundays?",
        options=["Agree", "Abstain", "Object", "Block"],
        kind=PollKind.CONSENT,
        seed=1,
        created_at=NOW,
        closes_at=NOW + YEAR,
    )
    ballot = await PollBallot.create(
        poll_id=poll.pk, voter_id=5, choices=[2], reason="I work on Sundays.", cast_at=NOW, updated_at=NOW
    )

    report = await service.forget(GUILD, 5)

    kept = await PollBallot.get(id=ballot.pk)
    # A ballot cast without a reason holds None (polls store no empty reason).
    assert (kept.voter_id, kept.choices, kept.reason) == (report.pseudonym, [2], None)
