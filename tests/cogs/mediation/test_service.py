"""The mediation rules against the database: refusals word for word, limits on both sides,
two servers and two tickets kept apart, and the rows each step leaves."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from cogs.mediation import service
from gromada import guild_config
from gromada.errors import Conflict, InvalidInput, LimitReached, NotAllowed, NotFound
from models.mediation import PartyStatus, Ticket, TicketNote, TicketParty, TicketStatus
from tests.helpers import all_read_before_any_writes

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2
REQUESTER, OTHER_REQUESTER = 10, 11
MIRA, MAREK = 20, 21
PARTY = 30
HOUR = timedelta(hours=1)


def form(what="The garden shifts.", parties="", hoped="A fair rota.") -> service.RequestForm:
    return service.clean_form(what, parties, hoped)


async def opened(requester=REQUESTER, *, guild=GUILD, named=(), now=NOW, channel=None) -> Ticket:
    channel = channel or 5000 + await Ticket.all().count()
    return await service.open_ticket(guild, requester, channel, form(), list(named), now)


async def claimed(requester=REQUESTER, *, guild=GUILD, named=(), channel=None) -> Ticket:
    ticket = await opened(requester, guild=guild, named=named, channel=channel)
    return await service.claim(ticket.pk, MIRA, NOW + HOUR)


async def closed(requester=REQUESTER, *, guild=GUILD, channel=None) -> Ticket:
    ticket = await claimed(requester, guild=guild, channel=channel)
    return await service.close(ticket.pk, MIRA, "Mondays and Thursdays.", "the transcript", NOW + 2 * HOUR)


# ---------------------------------------------------------------- the request form


async def test_the_form_needs_what_happened_and_the_hoped_outcome_each(database):
    blank = "Please describe what happened and what you hope for; those two cannot be empty."
    for what, hoped in (("  ", "A rota."), ("Noise.", "\u200b "), ("", "")):
        with pytest.raises(InvalidInput) as refused:
            service.clean_form(what, "dmitrij", hoped)
        assert str(refused.value) == blank

    cleaned = service.clean_form(" Noise.\u200b", "\u200b dmitrij ", "Quiet. ")
    assert cleaned == service.RequestForm("Noise.", "dmitrij", "Quiet.")


async def test_each_form_field_is_cut_at_a_thousand_characters(database):
    cut = service.clean_form("a" * 1001, "b" * 1001, "c" * 1001)

    assert cut == service.RequestForm("a" * 1000, "b" * 1000, "c" * 1000)
    kept = service.clean_form("a" * 1000, "b" * 1000, "c" * 1000)
    assert kept == cut


# ---------------------------------------------------------------- opening


async def test_a_new_ticket_holds_the_form_the_slot_and_the_named_parties_but_not_the_requester(database):
    ticket = await service.open_ticket(
        GUILD, REQUESTER, 777, form(parties="dmitrij, me"), [PARTY, REQUESTER, MAREK], NOW
    )

    stored = await Ticket.get(id=ticket.pk)
    assert (stored.guild_id, stored.requester_id, stored.channel_id) == (GUILD, REQUESTER, 777)
    assert (stored.status, stored.open_slot, stored.mediator_id) == (TicketStatus.OPEN, 1, None)
    assert (stored.what_happened, stored.parties_text, stored.hoped_outcome) == (
        "The garden shifts.",
        "dmitrij, me",
        "A fair rota.",
    )
    assert (stored.created_at, stored.waiting_since, stored.reminders_sent) == (NOW, NOW, 0)
    parties = await TicketParty.filter(ticket_id=ticket.pk).order_by("user_id").values_list("user_id", "status")
    assert parties == [(MAREK, PartyStatus.NAMED), (PARTY, PartyStatus.NAMED)]


async def test_the_cooldown_ends_exactly_an_hour_after_the_last_request(database):
    first = await opened()
    await service.close((await service.claim(first.pk, MIRA, NOW)).pk, MIRA, "Agreed.", "", NOW + timedelta(minutes=5))

    with pytest.raises(LimitReached) as refused:
        await service.check_can_request(GUILD, REQUESTER, NOW + HOUR - timedelta(microseconds=1))
    assert refused.value.message == "You can ask for mediation again {when}."
    assert refused.value.params["when"].moment == NOW + HOUR
    await service.check_can_request(GUILD, REQUESTER, NOW + HOUR)


async def test_limits_count_only_this_members_tickets_on_this_server(database):
    await opened(OTHER_REQUESTER)
    await opened(REQUESTER, guild=OTHER_GUILD)

    await service.check_can_request(GUILD, REQUESTER, NOW)
    mine = await opened(REQUESTER)
    assert mine.open_slot == 1

    with pytest.raises(LimitReached) as refused:
        await service.check_can_request(GUILD, REQUESTER, NOW + 2 * HOUR)
    assert str(refused.value) == (
        "You already have an open mediation ticket. Continue there, or wait until it is closed."
    )


# ---------------------------------------------------------------- claiming and handing over


async def test_claiming_records_who_and_when_and_explains_every_refusal(database):
    ticket = await opened()
    neighbour = await opened(OTHER_REQUESTER)

    claimed_ticket = await service.claim(ticket.pk, MIRA, NOW + HOUR)

    assert (claimed_ticket.status, claimed_ticket.mediator_id, claimed_ticket.claimed_at) == (
        TicketStatus.CLAIMED,
        MIRA,
        NOW + HOUR,
    )
    with pytest.raises(Conflict) as again:
        await service.claim(ticket.pk, MIRA, NOW + 2 * HOUR)
    assert str(again.value) == "You already mediate this ticket."
    with pytest.raises(Conflict) as late:
        await service.claim(ticket.pk, MAREK, NOW + 2 * HOUR)
    assert str(late.value) == "Another mediator claimed this ticket a moment ago."
    assert (await Ticket.get(id=ticket.pk)).claimed_at == NOW + HOUR
    untouched = await Ticket.get(id=neighbour.pk)
    assert (untouched.status, untouched.mediator_id, untouched.claimed_at) == (TicketStatus.OPEN, None, None)

    await service.close(ticket.pk, MIRA, "Agreed.", "", NOW + 3 * HOUR)
    with pytest.raises(Conflict) as over:
        await service.claim(ticket.pk, MAREK, NOW + 4 * HOUR)
    assert str(over.value) == "This ticket is already closed."


async def test_every_mediator_only_refusal_in_its_own_words(database):
    ticket = await opened()
    with pytest.raises(NotAllowed) as unclaimed:
        service.require_mediator_of(ticket, MIRA)
    assert str(unclaimed.value) == "Nobody mediates this ticket yet. Claim it first."
    ticket = await service.claim(ticket.pk, MIRA, NOW)
    with pytest.raises(NotAllowed) as other:
        service.require_mediator_of(ticket, MAREK)
    assert str(other.value) == "Only the mediator of this ticket can do that."
    with pytest.raises(InvalidInput) as to_self:
        await service.hand_over(ticket.pk, MIRA, MIRA)
    assert str(to_self.value) == "You already mediate this ticket."

    ticket = await service.close(ticket.pk, MIRA, "Agreed.", "", NOW + HOUR)
    for refused_step in (
        lambda: service.hand_over(ticket.pk, MIRA, MAREK),
        lambda: service.unclaim(ticket.pk, MIRA),
        lambda: service.invite_party(ticket, PARTY, MIRA, NOW, is_bot=False),
    ):
        with pytest.raises(Conflict) as over:
            await refused_step()
        assert str(over.value) == "This ticket is already closed."


async def test_handing_over_and_unclaiming_change_only_this_ticket(database):
    ticket = await claimed(named=[MAREK])
    neighbour = await claimed(OTHER_REQUESTER)
    for unfit in (MAREK, REQUESTER):
        with pytest.raises(NotAllowed) as refused:
            await service.hand_over(ticket.pk, MIRA, unfit)
        assert str(refused.value) == (
            "That mediator is a party to this conflict (or asked for it), so they cannot take it."
        )

    handed = await service.hand_over(ticket.pk, MIRA, PARTY)

    assert (handed.status, handed.mediator_id) == (TicketStatus.CLAIMED, PARTY)
    assert (await Ticket.get(id=neighbour.pk)).mediator_id == MIRA
    released = await service.unclaim(neighbour.pk, MIRA)
    assert (released.status, released.mediator_id) == (TicketStatus.OPEN, None)
    assert (await Ticket.get(id=ticket.pk)).mediator_id == PARTY


async def test_racing_hand_overs_and_a_close_leave_one_consistent_mediator(database):
    ticket = await claimed()

    results = await asyncio.gather(
        service.hand_over(ticket.pk, MIRA, MAREK),
        service.hand_over(ticket.pk, MIRA, PARTY),
        return_exceptions=True,
    )

    # The loser is refused either way: by the conditional update when both read the ticket
    # first (SQLite serialises them so), or as no longer its mediator when the winner's update
    # committed before its read (PostgreSQL runs them at once).
    assert sum(isinstance(r, Conflict | NotAllowed) for r in results) == 1
    winner = next(r for r in results if isinstance(r, Ticket))
    assert (await Ticket.get(id=ticket.pk)).mediator_id == winner.mediator_id

    results = await asyncio.gather(
        service.close(ticket.pk, winner.mediator_id, "Agreed.", "", NOW + HOUR),
        service.hand_over(ticket.pk, winner.mediator_id, MIRA),
        return_exceptions=True,
    )

    stored = await Ticket.get(id=ticket.pk)
    if stored.status == TicketStatus.CLOSED:  # the close came first: nobody takes a closed ticket over
        assert stored.mediator_id == winner.mediator_id and isinstance(results[1], Conflict)
    else:
        assert stored.mediator_id == MIRA and isinstance(results[0], NotAllowed | Conflict)


async def test_reminders_are_counted_on_their_own_ticket_only(database):
    first = await opened(REQUESTER)
    second = await opened(OTHER_REQUESTER)

    assert await service.take_reminder(first)
    assert not await service.take_reminder(first)  # counted already (the stale row says 0)

    assert [t.reminders_sent for t in await Ticket.all().order_by("id")] == [1, 0]
    assert second.reminders_sent == 0 and await service.take_reminder(second)
    await service.claim(first.pk, MIRA, NOW)
    assert not await service.take_reminder(await Ticket.get(id=first.pk))
    assert [t.reminders_sent for t in await Ticket.all().order_by("id")] == [1, 1]


async def test_a_close_overtaken_by_a_hand_over_says_the_ticket_changed_hands(database, monkeypatch):
    ticket = await claimed()
    read_ticket = service.get_ticket

    async def read_then_handed_over(ticket_id):
        read = await read_ticket(ticket_id)
        monkeypatch.setattr(service, "get_ticket", read_ticket)
        await service.hand_over(ticket_id, MIRA, MAREK)  # between the close's check and its update
        return read

    monkeypatch.setattr(service, "get_ticket", read_then_handed_over)
    with pytest.raises(NotAllowed) as overtaken:
        await service.close(ticket.pk, MIRA, "Agreed.", "", NOW + HOUR)

    assert str(overtaken.value) == "Only the mediator of this ticket can do that."
    stored = await Ticket.get(id=ticket.pk)
    assert (stored.status, stored.mediator_id) == (TicketStatus.CLAIMED, MAREK)


async def test_a_reminder_that_failed_gives_back_only_its_own_count(database):
    ticket = await opened()
    assert await service.take_reminder(ticket)  # the first reminder: 0 -> 1, then its post hangs
    assert await service.take_reminder(await Ticket.get(id=ticket.pk))  # the next one counted: 2

    await service.give_back_reminder(ticket)  # the first post fails at last

    assert (await Ticket.get(id=ticket.pk)).reminders_sent == 2


async def test_unclaiming_is_for_the_mediator_and_frees_only_that_ticket(database):
    ticket = await claimed()
    other = await claimed(OTHER_REQUESTER)

    with pytest.raises(NotAllowed) as not_theirs:
        await service.unclaim(ticket.pk, MAREK)
    assert str(not_theirs.value) == "Only the mediator of this ticket can do that."
    assert (await Ticket.get(id=ticket.pk)).mediator_id == MIRA

    released = await service.unclaim(ticket.pk, MIRA)

    assert (released.status, released.mediator_id) == (TicketStatus.OPEN, None)
    kept = await Ticket.get(id=other.pk)
    assert (kept.status, kept.mediator_id) == (TicketStatus.CLAIMED, MIRA)


async def test_two_requests_that_both_saw_a_free_slot_open_one_ticket_and_the_other_is_told_why(database, monkeypatch):
    await guild_config.set_option(GUILD, "mediation_cooldown", "0s")
    # Both requests find slot 1 free before either writes: the unique slot decides.
    all_read_before_any_writes(monkeypatch, service, "free_slot")
    results = await asyncio.gather(
        *(service.open_ticket(GUILD, REQUESTER, channel, form(), [], NOW) for channel in (1, 2)),
        return_exceptions=True,
    )

    refused = [result for result in results if isinstance(result, Exception)]
    assert [(type(error), str(error)) for error in refused] == [
        (LimitReached, "You already have an open mediation ticket. Continue there, or wait until it is closed.")
    ]
    assert await Ticket.filter(requester_id=REQUESTER).count() == 1


# ---------------------------------------------------------------- parties and notes


async def test_who_cannot_be_invited_and_why(database):
    ticket = await claimed()
    cases = (
        (PARTY, True, "A bot cannot be a party to a mediation."),
        (REQUESTER, False, "The person who asked for mediation is already in the space."),
        (MIRA, False, "You mediate this ticket; you cannot also be a party to it."),
    )
    for user_id, is_bot, words in cases:
        with pytest.raises(InvalidInput) as refused:
            await service.invite_party(ticket, user_id, MIRA, NOW, is_bot=is_bot)
        assert str(refused.value) == words
    assert await TicketParty.all().count() == 0


async def test_a_named_or_declined_party_can_be_invited_again(database):
    ticket = await claimed(named=[PARTY])

    party, before = await service.invite_party(ticket, PARTY, MIRA, NOW, is_bot=False)

    assert (party.status, party.invited_by, before) == (PartyStatus.INVITED, MIRA, PartyStatus.NAMED)
    await service.answer_invitation(party.pk, PARTY, accept=False)
    party, before = await service.invite_party(ticket, PARTY, MIRA, NOW, is_bot=False)
    assert (party.status, before) == (PartyStatus.INVITED, PartyStatus.DECLINED)
    assert (await TicketParty.get(id=party.pk)).status == PartyStatus.INVITED
    with pytest.raises(Conflict) as twice:
        await service.invite_party(ticket, PARTY, MIRA, NOW, is_bot=False)
    assert str(twice.value) == "That member is already invited."


async def test_an_invitation_is_answered_once_by_its_own_member_while_the_ticket_is_open(database):
    ticket = await claimed()
    party, _ = await service.invite_party(ticket, PARTY, MIRA, NOW, is_bot=False)

    with pytest.raises(NotFound) as stranger:
        await service.answer_invitation(party.pk, OTHER_REQUESTER, accept=True)
    assert str(stranger.value) == "This invitation no longer exists."
    answered_ticket, answered = await service.answer_invitation(party.pk, PARTY, accept=True)
    assert (answered_ticket.pk, answered.status) == (ticket.pk, PartyStatus.ACCEPTED)
    with pytest.raises(Conflict) as twice:
        await service.answer_invitation(party.pk, PARTY, accept=False)
    assert str(twice.value) == "You already answered this invitation."
    assert (await TicketParty.get(id=party.pk)).status == PartyStatus.ACCEPTED

    late, _ = await service.invite_party(ticket, OTHER_REQUESTER, MIRA, NOW, is_bot=False)
    await service.close(ticket.pk, MIRA, "Agreed.", "", NOW + HOUR)
    with pytest.raises(Conflict) as over:
        await service.answer_invitation(late.pk, OTHER_REQUESTER, accept=True)
    assert str(over.value) == "This mediation is already closed."
    assert (await TicketParty.get(id=late.pk)).status == PartyStatus.INVITED


async def test_notes_are_kept_from_the_requester_and_every_party_even_a_mediator(database):
    ticket = await claimed(named=[MAREK])
    await service.add_note(ticket, MIRA, "First.", NOW)
    await service.add_note(ticket, MIRA, "Second, the same minute.", NOW)

    for reader in (REQUESTER, MAREK):
        with pytest.raises(NotAllowed) as refused:
            await service.notes(ticket, reader)
        assert str(refused.value) == "Only mediators who are not parties to this conflict can read its notes."
        with pytest.raises(NotAllowed) as written:
            await service.add_note(ticket, reader, "Mine.", NOW)
        assert str(written.value) == "Only mediators who are not parties to this conflict can write notes here."
    assert [note.text for note in await service.notes(ticket, MIRA)] == ["First.", "Second, the same minute."]
    assert await TicketNote.all().count() == 2


async def test_a_note_has_at_most_a_thousand_characters_and_is_not_blank(database):
    ticket = await claimed()

    kept = await service.add_note(ticket, MIRA, "n" * 1000 + " \u200b", NOW)
    assert kept.text == "n" * 1000
    with pytest.raises(InvalidInput) as long:
        await service.add_note(ticket, MIRA, "n" * 1001, NOW)
    assert str(long.value) == "A note can have at most 1000 characters."
    with pytest.raises(InvalidInput) as blank:
        await service.add_note(ticket, MIRA, " \u200b ", NOW)
    assert str(blank.value) == "A note cannot be empty."
    assert await TicketNote.all().count() == 1


# ---------------------------------------------------------------- closing, rating, reopening


async def test_two_closes_racing_close_once(database):
    ticket = await claimed()
    neighbour = await claimed(OTHER_REQUESTER)

    results = await asyncio.gather(
        service.close(ticket.pk, MIRA, "First outcome.", "one", NOW + HOUR),
        service.close(ticket.pk, MIRA, "Second outcome.", "two", NOW + HOUR),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict)
    assert str(refused[0]) == "This ticket is already closed."
    stored = await Ticket.get(id=ticket.pk)
    assert (stored.status, stored.open_slot, stored.closed_at) == (TicketStatus.CLOSED, None, NOW + HOUR)
    assert stored.outcome in ("First outcome.", "Second outcome.")
    untouched = await Ticket.get(id=neighbour.pk)
    assert (untouched.status, untouched.open_slot, untouched.outcome) == (TicketStatus.CLAIMED, 1, None)


async def test_the_outcome_is_kept_up_to_1500_characters(database):
    ticket = await claimed()

    await service.close(ticket.pk, MIRA, " " + "o" * 1501, "the transcript", NOW + HOUR)

    stored = await Ticket.get(id=ticket.pk)
    assert (stored.outcome, stored.transcript) == ("o" * 1500, "the transcript")


async def test_only_the_requester_rates_a_closed_ticket_from_1_to_5_once(database):
    ticket = await closed()

    with pytest.raises(NotAllowed) as stranger:
        await service.rate(ticket.pk, MIRA, 5)
    assert str(stranger.value) == "Only the person who asked for this mediation can rate it."
    for score in (0, 6):
        with pytest.raises(InvalidInput) as outside:
            await service.rate(ticket.pk, REQUESTER, score)
        assert str(outside.value) == "A rating is from 1 to 5."
    lowest = await closed(OTHER_REQUESTER)
    assert (await service.rate(ticket.pk, REQUESTER, 5)).rating == 5
    assert (await Ticket.get(id=lowest.pk)).rating is None
    with pytest.raises(Conflict) as twice:
        await service.rate(ticket.pk, REQUESTER, 1)
    assert str(twice.value) == "You already rated this mediation. Thank you!"
    assert (await service.rate(lowest.pk, OTHER_REQUESTER, 1)).rating == 1


async def test_a_reopened_ticket_is_not_rated_until_it_is_closed_again(database):
    ticket = await closed()
    await service.reopen(ticket.pk, REQUESTER, NOW + 3 * HOUR)

    with pytest.raises(Conflict):
        await service.rate(ticket.pk, REQUESTER, 2)

    assert (await Ticket.get(id=ticket.pk)).rating is None
    await service.claim(ticket.pk, MAREK, NOW + 4 * HOUR)
    closed_again = await service.close(ticket.pk, MAREK, "Agreed again.", "", NOW + 5 * HOUR)
    # The check-in is asked again about the new agreement.
    assert (closed_again.checkin_answer, closed_again.closed_at) == (None, NOW + 5 * HOUR)
    assert (await service.rate(ticket.pk, REQUESTER, 2)).rating == 2


async def test_reopening_one_ticket_leaves_the_others_closed_and_marks_it_reopened(database):
    ticket = await closed(REQUESTER)
    neighbour = await closed(OTHER_REQUESTER)
    elsewhere = await closed(REQUESTER, guild=OTHER_GUILD)

    reopened = await service.reopen(ticket.pk, REQUESTER, NOW + 3 * HOUR)

    assert (reopened.status, reopened.open_slot, reopened.mediator_id, reopened.claimed_at) == (
        TicketStatus.OPEN,
        1,
        None,
        None,
    )
    assert (reopened.waiting_since, reopened.checkin_answer, reopened.reopened_count) == (
        NOW + 3 * HOUR,
        "reopened",
        1,
    )
    for other in (neighbour, elsewhere):
        stored = await Ticket.get(id=other.pk)
        assert (stored.status, stored.open_slot, stored.reopened_count) == (TicketStatus.CLOSED, None, 0)
    # With room for a second open ticket, a second click on Reopen reaches the update and changes nothing.
    await guild_config.set_option(GUILD, "mediation_max_open", "2")
    await service.reopen(neighbour.pk, OTHER_REQUESTER, NOW + 3 * HOUR)
    with pytest.raises(Conflict) as twice:
        await service.reopen(neighbour.pk, OTHER_REQUESTER, NOW + 3 * HOUR)
    assert str(twice.value) == "This mediation is already open again."
    assert (await Ticket.get(id=neighbour.pk)).open_slot == 1
    with pytest.raises(NotAllowed) as stranger:
        await service.reopen(elsewhere.pk, OTHER_REQUESTER, NOW)
    assert str(stranger.value) == "Only the person who asked for this mediation can reopen it."


async def test_a_reopened_ticket_waits_afresh_in_the_members_next_free_slot(database):
    await guild_config.set_option(GUILD, "mediation_max_open", "2")
    ticket = await opened()
    assert await service.take_reminder(ticket)
    await service.claim(ticket.pk, MIRA, NOW)
    await service.close(ticket.pk, MIRA, "Agreed.", "", NOW + HOUR)
    await opened(now=NOW + 2 * HOUR)  # the member's other matter holds slot 1

    reopened = await service.reopen(ticket.pk, REQUESTER, NOW + 3 * HOUR)

    assert (reopened.status, reopened.open_slot, reopened.reminders_sent) == (TicketStatus.OPEN, 2, 0)


async def test_two_tickets_reopened_at_once_take_one_slot_only(database):
    await guild_config.set_option(GUILD, "mediation_cooldown", "0s")
    first = await closed()
    second = await closed(channel=9001)

    results = await asyncio.gather(
        service.reopen(first.pk, REQUESTER, NOW + 3 * HOUR),
        service.reopen(second.pk, REQUESTER, NOW + 3 * HOUR),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], LimitReached)
    assert str(refused[0]) == "You already have an open mediation ticket. Continue there, or wait until it is closed."
    assert await Ticket.filter(status=TicketStatus.OPEN).count() == 1


async def test_check_ins_wait_only_for_closed_tickets_not_asked_yet(database):
    await opened(REQUESTER)
    asked = await closed(OTHER_REQUESTER)
    await service.mark_checkin_asked(asked.pk)
    due = await closed(REQUESTER, guild=OTHER_GUILD)

    waiting, checkins = service.awaiting_deadlines()

    assert [t.requester_id for t in await waiting] == [REQUESTER]
    assert [t.pk for t in await checkins] == [due.pk]


async def test_a_check_in_is_answered_once_by_the_requester_asked_or_not(database):
    asked = await closed()
    await service.mark_checkin_asked(asked.pk)
    early = await closed(OTHER_REQUESTER)  # the question was not sent yet (a restart, say)

    with pytest.raises(NotAllowed) as stranger:
        await service.record_checkin(asked.pk, OTHER_REQUESTER, "holds")
    assert str(stranger.value) == "Only the person who asked for this mediation can answer."
    assert (await service.record_checkin(asked.pk, REQUESTER, "holds")).checkin_answer == "holds"
    assert (await service.record_checkin(early.pk, OTHER_REQUESTER, "holds")).checkin_answer == "holds"
    with pytest.raises(Conflict) as twice:
        await service.record_checkin(asked.pk, REQUESTER, "holds")
    assert str(twice.value) == "You already answered, or the mediation was reopened."


async def test_reminders_stop_at_the_servers_limit(database):
    await guild_config.set_option(GUILD, "mediation_reminder_limit", "2")
    ticket = await opened()

    assert await service.reminder_due(ticket) == NOW + 12 * HOUR
    ticket.reminders_sent = 1
    assert await service.reminder_due(ticket) == NOW + 36 * HOUR
    ticket.reminders_sent = 2
    assert await service.reminder_due(ticket) is None


async def test_a_mediator_who_leaves_frees_only_their_claimed_tickets_on_that_server(database):
    mine = await claimed()
    other_server = await claimed(guild=OTHER_GUILD)
    others = await opened(OTHER_REQUESTER)
    await service.claim(others.pk, MAREK, NOW)

    released = await service.release_mediator(GUILD, MIRA, NOW + 5 * HOUR)

    assert [t.pk for t in released] == [mine.pk]
    stored = await Ticket.get(id=mine.pk)
    assert (stored.status, stored.mediator_id, stored.waiting_since) == (TicketStatus.OPEN, None, NOW + 5 * HOUR)
    assert (await Ticket.get(id=other_server.pk)).mediator_id == MIRA
    assert (await Ticket.get(id=others.pk)).mediator_id == MAREK


async def test_a_close_racing_a_departure_stays_closed(database):
    ticket = await claimed()

    await asyncio.gather(
        service.close(ticket.pk, MIRA, "Agreed.", "", NOW + HOUR),
        service.release_mediator(GUILD, MIRA, NOW + HOUR),
        return_exceptions=True,
    )

    stored = await Ticket.get(id=ticket.pk)
    assert stored.status in (TicketStatus.CLOSED, TicketStatus.OPEN)
    if stored.status == TicketStatus.CLOSED:
        assert (stored.mediator_id, stored.open_slot) == (MIRA, None)
    else:
        assert (stored.mediator_id, stored.closed_at) == (None, None)


async def test_the_transcript_is_for_uninvolved_mediators_once_the_ticket_is_closed(database):
    ticket = await claimed(named=[MAREK])
    with pytest.raises(InvalidInput) as early:
        await service.transcript_for(ticket, MIRA)
    assert str(early.value) == "The transcript is kept when the ticket is closed."

    ticket = await service.close(ticket.pk, MIRA, "Agreed.", "the whole talk", NOW + HOUR)

    assert await service.transcript_for(ticket, MIRA) == "the whole talk"
    for involved in (REQUESTER, MAREK):
        with pytest.raises(NotAllowed) as refused:
            await service.transcript_for(ticket, involved)
        assert str(refused.value) == "Only mediators who are not parties to this conflict can read its transcript."
