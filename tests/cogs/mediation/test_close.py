"""Closing with an outcome: transcript, locked space, rating by DM, the check-in and reopening."""

import asyncio
from datetime import timedelta

import pytest
from simcord.backend.errors import BackendError

from cogs.mediation import flows, service
from gromada.bot import create_bot
from gromada.errors import Conflict, NotAllowed
from models.core import Timer
from models.mediation import Ticket, TicketStatus
from tests.cogs.mediation.helpers import MediationServer, mediation_server
from tests.helpers import dm_containing, dms, last_dm, refusal, shown, speaking

AGREEMENT = "Borys takes Mondays, Dmitrij takes Thursdays."


async def close_ticket(server: MediationServer) -> Ticket:
    await server.request()
    ticket = await Ticket.get()
    mira = server.mediators[0]
    await mira.click(server.alert(ticket), label="Claim")
    space = server.space(ticket)
    await server.requester.send(space, "Here is the rota we argued about.", attachments=[("rota.txt", b"Mon: ?")])
    await mira.send(space, "Thank you, let us find a fair split.")
    form = await mira.slash(space, "ticket close")
    result = await mira.submit_modal(form, {"outcome": AGREEMENT})
    assert "is closed" in shown(result), shown(result)
    return await Ticket.get()


async def test_close_keeps_the_transcript_posts_it_to_the_log_and_locks_the_space(simcord_env):
    server = await mediation_server(simcord_env)

    ticket = await close_ticket(server)

    assert (ticket.status, ticket.outcome, ticket.open_slot) == (TicketStatus.CLOSED, AGREEMENT, None)
    assert "Here is the rota we argued about." in ticket.transcript
    assert "borys" in ticket.transcript and "mira" in ticket.transcript
    assert "attachment: rota.txt" in ticket.transcript
    assert " UTC] " in ticket.transcript
    posted = server.log.last_message
    assert AGREEMENT in posted.content
    [file] = posted.attachments
    assert file.filename == f"mediation-{ticket.pk}.txt"
    assert simcord_env.backend.cdn.get(file.url).decode() == ticket.transcript
    # The space stays readable for the requester but nobody can write in it.
    assert server.can_read(server.requester, ticket)
    with pytest.raises(BackendError):
        await server.requester.send(server.space(ticket), "one more thing")
    assert not server.can_read(server.outsider, ticket)
    late = await server.mediators[0].slash(server.space(ticket), "ticket add", member=server.other_party)
    assert "This ticket is already closed." in refusal(simcord_env, late)


async def test_requester_gets_the_outcome_and_rates_once(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await close_ticket(server)
    dm = last_dm(server.requester)
    assert AGREEMENT in dm.content and "Rate it from 1 to 5" in dm.content

    result = await server.requester.user.click(dm, label="★★★★")

    assert "Thank you for your rating (4/5)" in shown(result)
    assert (await Ticket.get()).rating == 4
    # A second rating (say from a double click racing) changes nothing.
    late = await asyncio.gather(
        service.rate(ticket.pk, server.requester.id, 2),
        service.rate(ticket.pk, server.requester.id, 1),
        return_exceptions=True,
    )
    assert all(isinstance(outcome, Conflict) for outcome in late)
    assert (await Ticket.get()).rating == 4
    stranger = await asyncio.gather(service.rate(ticket.pk, server.outsider.id, 5), return_exceptions=True)
    assert isinstance(stranger[0], NotAllowed)


async def test_only_the_claiming_mediator_closes_and_needs_an_outcome(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()
    mira, marek = server.mediators
    space = server.space(ticket)

    unclaimed = await mira.slash(space, "ticket close")
    assert "Claim it first" in refusal(simcord_env, unclaimed)
    await mira.click(server.alert(ticket), label="Claim")
    other = await marek.slash(space, "ticket close")
    assert "Only the mediator of this ticket" in refusal(simcord_env, other)
    requester = await server.requester.slash(space, "ticket close")
    assert "Only mediators" in refusal(simcord_env, requester)
    form = await mira.slash(space, "ticket close")
    blank = await mira.submit_modal(form, {"outcome": "   "})
    assert "Write the outcome" in refusal(simcord_env, blank)
    assert (await Ticket.get()).status == TicketStatus.CLAIMED


async def test_checkin_after_14_days_and_reopen_survive_a_restart(simcord_env, settings):
    server = await mediation_server(simcord_env)
    ticket = await close_ticket(server)
    dms_before = len(dms(server.requester))

    await simcord_env.advance_time(timedelta(days=13).total_seconds())
    assert len(dms(server.requester)) == dms_before
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(timedelta(days=1, seconds=1).total_seconds())

    checkin = last_dm(server.requester)
    assert "Does it still hold?" in checkin.content and AGREEMENT in checkin.content
    result = await server.requester.user.click(checkin, label="Reopen")

    assert "The mediation is open again" in shown(result)
    ticket = await Ticket.get()
    assert (ticket.status, ticket.mediator_id, ticket.reopened_count) == (TicketStatus.OPEN, None, 1)
    space = server.space(ticket)
    await server.requester.send(space, "It did not hold, sorry.")
    assert "reopened this mediation" in [m.content for m in space.history()][-2]
    # Mediators get a fresh alert they can claim.
    claim = await server.mediators[1].click(server.alert(ticket), label="Claim")
    assert "You now mediate" in shown(claim)


async def test_checkin_answer_that_the_agreement_holds(simcord_env):
    server = await mediation_server(simcord_env)
    await close_ticket(server)
    await simcord_env.advance_time(timedelta(days=14, seconds=1).total_seconds())

    # The deadline handler is idempotent: running it again asks nobody twice.
    timer = await Timer.get(kind="mediation.checkin")
    await flows.on_checkin(simcord_env.bot, timer)
    assert sum("Does it still hold?" in text for text in dms(server.requester)) == 1

    result = await server.requester.user.click(last_dm(server.requester), label="Yes, it holds")

    assert "Good to hear" in shown(result)
    ticket = await Ticket.get()
    assert (ticket.status, ticket.checkin_answer) == (TicketStatus.CLOSED, "holds")


async def test_reopen_refused_when_another_ticket_is_open(simcord_env):
    server = await mediation_server(simcord_env)
    first = await close_ticket(server)
    await simcord_env.advance_time(timedelta(hours=2).total_seconds())
    await server.request(what="A new matter")
    await simcord_env.advance_time(timedelta(days=14).total_seconds())
    checkin = dm_containing(server.requester, "Does it still hold?")

    result = await server.requester.user.click(checkin, label="Reopen")

    assert "already have an open mediation ticket" in refusal(simcord_env, result)
    assert (await Ticket.get(id=first.pk)).status == TicketStatus.CLOSED


async def test_transcript_post_failing_still_closes_and_the_transcript_can_be_fetched(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()
    mira = server.mediators[0]
    await mira.click(server.alert(ticket), label="Claim")
    space = server.space(ticket)
    await server.requester.send(space, "The shed keys again.")
    form = await mira.slash(space, "ticket close")
    # Posting into the mediators' log fails once (the file upload); the rest goes on.
    simcord_env.inject_error("POST", f"/channels/{server.log.id}/messages", status=500)

    result = await mira.submit_modal(form, {"outcome": AGREEMENT})

    assert "I could not post the transcript file" in shown(result)
    ticket = await Ticket.get()
    assert ticket.status == TicketStatus.CLOSED and "The shed keys again." in ticket.transcript
    assert AGREEMENT in last_dm(server.requester).content
    fetched = await mira.slash(space, "ticket transcript")
    assert fetched.ephemeral
    [file] = fetched.response.attachments
    assert simcord_env.backend.cdn.get(file.url).decode() == ticket.transcript
    refused = await server.requester.slash(space, "ticket transcript")
    assert "Only mediators" in refusal(simcord_env, refused)


async def test_requester_speaking_polish_gets_the_outcome_in_polish(simcord_env, monkeypatch):
    server = await mediation_server(simcord_env)
    with speaking(monkeypatch, server.requester, "pl"):
        opened = await server.request()
    assert "Twoja prywatna przestrzeń mediacji jest gotowa" in shown(opened)
    ticket = await Ticket.get()
    mira = server.mediators[0]
    await mira.click(server.alert(ticket), label="Claim")
    form = await mira.slash(server.space(ticket), "ticket close")
    await mira.submit_modal(form, {"outcome": AGREEMENT})

    dm = last_dm(server.requester)
    assert "Twoja mediacja" in dm.content and "Oceń ją w skali od 1 do 5" in dm.content


async def test_transcript_stays_out_of_the_log_when_a_mediator_is_a_party(simcord_env):
    server = await mediation_server(simcord_env)
    mira, marek = server.mediators
    await server.request(parties=f"{mira.mention}")
    ticket = await Ticket.get()
    await marek.click(server.alert(ticket), label="Claim")
    space = server.space(ticket)
    await server.requester.send(space, "Mira keeps the shed keys to herself.")
    form = await marek.slash(space, "ticket close")

    result = await marek.submit_modal(form, {"outcome": AGREEMENT})

    assert "the transcript is not posted in the mediators' log" in shown(result)
    # Mira reads the mediators' log, but not the space: nothing of it reaches her there.
    assert server.can_read_channel(mira, server.log) and not server.can_read(mira, ticket)
    posted = server.log.last_message
    assert "A mediator is a party to it" in posted.content
    assert not posted.attachments and AGREEMENT not in posted.content
    assert all("shed keys" not in m.content and not m.attachments for m in server.log.history())
    ticket = await Ticket.get()
    assert "shed keys" in ticket.transcript
    fetched = await marek.slash(space, "ticket transcript")
    [file] = fetched.response.attachments
    assert simcord_env.backend.cdn.get(file.url).decode() == ticket.transcript


async def test_reopen_that_discord_refuses_leaves_the_ticket_closed_to_try_again(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await close_ticket(server)
    await simcord_env.advance_time(timedelta(days=14, seconds=1).total_seconds())
    checkin = dm_containing(server.requester, "Does it still hold?")
    # Unlocking the space for the mediators fails.
    simcord_env.inject_error("PUT", f"/channels/{ticket.channel_id}/permissions/*", status=500)

    failed = await server.requester.user.click(checkin, label="Reopen")

    assert "Discord refused" in refusal(simcord_env, failed)
    stored = await Ticket.get()
    assert (stored.status, stored.open_slot, stored.checkin_answer, stored.reopened_count) == (
        TicketStatus.CLOSED,
        None,
        "asked",
        0,
    )
    with pytest.raises(BackendError):
        await server.requester.send(server.space(ticket), "Still locked?")
    retried = await server.requester.user.click(checkin, label="Reopen")
    assert "The mediation is open again" in shown(retried)
    stored = await Ticket.get()
    assert (stored.status, stored.open_slot, stored.reopened_count) == (TicketStatus.OPEN, 1, 1)
