"""Claiming a ticket: conflicts of interest, races, hand-over, a restart, a mediator leaving."""

import asyncio

import discord

from cogs.mediation import service
from gromada.bot import create_bot
from gromada.errors import Conflict
from models.mediation import Ticket, TicketStatus
from tests.cogs.mediation.helpers import mediation_server
from tests.helpers import last_dm, refusal, shown


async def test_claim_tells_the_requester_who_mediates(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()
    mira = server.mediators[0]

    result = await mira.click(server.alert(ticket), label="Claim")

    assert result.ephemeral and "You now mediate ticket" in shown(result)
    ticket = await Ticket.get()
    assert (ticket.status, ticket.mediator_id) == (TicketStatus.CLAIMED, mira.id)
    told = server.space(ticket).last_message
    assert f"<@{mira.id}> is your mediator" in told.content
    assert [user.id for user in told.mentions] == [server.requester.id, mira.id]
    alert = server.alert(ticket)
    assert f"<@{mira.id}>" in alert.embeds[0].fields[0].value
    assert alert.components[0].children[0].disabled


async def test_requester_who_is_a_mediator_cannot_claim_their_own_ticket(simcord_env):
    server = await mediation_server(simcord_env)
    mira = server.mediators[0]
    await server.request(mira)
    ticket = await Ticket.get()

    result = await mira.click(server.alert(ticket), label="Claim")

    assert "You asked for this mediation yourself" in refusal(simcord_env, result)
    assert (await Ticket.get()).status == TicketStatus.OPEN


async def test_mediator_named_as_a_party_cannot_claim_nor_read_the_space(simcord_env):
    server = await mediation_server(simcord_env)
    mira, marek = server.mediators
    await server.request(parties=f"{mira.mention} and the neighbours")
    ticket = await Ticket.get()

    assert not server.can_read(mira, ticket)
    result = await mira.click(server.alert(ticket), label="Claim")
    assert "You are a party to this conflict" in refusal(simcord_env, result)

    ok = await marek.click(server.alert(ticket), label="Claim")
    assert "You now mediate" in shown(ok)


async def test_mediators_invited_as_parties_cannot_claim_whether_they_answered_or_declined(simcord_env):
    server = await mediation_server(simcord_env, mediators=("mira", "marek", "maja", "mila"))
    mira, marek, maja, mila = server.mediators
    await server.request()
    ticket = await Ticket.get()
    await mira.click(server.alert(ticket), label="Claim")
    space = server.space(ticket)
    await mira.slash(space, "ticket add", member=marek)
    await mira.slash(space, "ticket add", member=maja)
    # Marek has not answered yet; Maja said no. Both are still parties to the conflict.
    declined = await maja.user.click(last_dm(maja), label="Decline")
    assert "You declined" in shown(declined)

    for party in (marek, maja):
        handover = await mira.slash(space, "ticket handover", mediator=party)
        assert "is a party to this conflict" in refusal(simcord_env, handover)
    await mira.slash(space, "ticket unclaim")
    for party in (marek, maja):
        claim = await party.click(server.alert(ticket), label="Claim")
        assert "You are a party to this conflict" in refusal(simcord_env, claim)
        assert (await Ticket.get()).status == TicketStatus.OPEN
        assert not server.can_read(party, ticket)

    ok = await mila.click(server.alert(ticket), label="Claim")
    assert "You now mediate" in shown(ok)
    assert (await Ticket.get()).mediator_id == mila.id


async def test_a_member_without_the_mediator_role_cannot_claim(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()
    # Only an administrator sees the mediators' log without the role; that is not enough to claim.
    owners = server.guild.create_role("Owners", permissions=discord.Permissions(administrator=True))
    boss = server.guild.add_member(simcord_env.create_user("boss"), roles=[owners])
    await simcord_env.settle()
    assert not server.can_read_channel(server.admin, server.log)
    result = await boss.click(server.alert(ticket), label="Claim")

    assert "Only mediators" in refusal(simcord_env, result)


async def test_two_mediators_racing_to_claim_one_wins(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()
    now = discord.utils.utcnow()

    results = await asyncio.gather(
        *(service.claim(ticket.pk, mediator.id, now) for mediator in server.mediators), return_exceptions=True
    )

    assert sum(isinstance(r, Conflict) for r in results) == 1
    winner = next(r for r in results if isinstance(r, Ticket))
    assert (await Ticket.get()).mediator_id == winner.mediator_id


async def test_claim_button_still_works_after_a_restart(simcord_env, settings):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()

    await simcord_env.restart_bot(create_bot(settings))
    result = await server.mediators[0].click(server.alert(ticket), label="Claim")

    assert "You now mediate" in shown(result)
    assert (await Ticket.get()).mediator_id == server.mediators[0].id
    # The panel and its form work after the restart too.
    second = await server.request(server.outsider, what="Parking", hoped="A rota")
    assert "is ready" in shown(second)


async def test_unclaim_and_hand_over(simcord_env):
    server = await mediation_server(simcord_env)
    mira, marek = server.mediators
    await server.request()
    ticket = await Ticket.get()
    await mira.click(server.alert(ticket), label="Claim")
    space = server.space(ticket)

    refused = await marek.slash(space, "ticket handover", mediator=server.mediators[0])
    assert "Only the mediator of this ticket" in refusal(simcord_env, refused)
    to_herself = await mira.slash(space, "ticket handover", mediator=mira)
    assert "You already mediate this ticket." in refusal(simcord_env, to_herself)
    handed = await mira.slash(space, "ticket handover", mediator=marek)
    assert "now mediates ticket" in shown(handed)
    assert (await Ticket.get()).mediator_id == marek.id
    assert f"<@{marek.id}> is your mediator" in space.last_message.content

    released = await marek.slash(space, "ticket unclaim")
    assert "no longer mediate" in shown(released)
    ticket = await Ticket.get()
    assert (ticket.status, ticket.mediator_id) == (TicketStatus.OPEN, None)
    again = await mira.click(server.alert(ticket), label="Claim")
    assert "You now mediate" in shown(again)


async def test_handover_to_a_party_is_refused(simcord_env):
    server = await mediation_server(simcord_env)
    mira, marek = server.mediators
    await server.request(parties="marek")
    ticket = await Ticket.get()
    await mira.click(server.alert(ticket), label="Claim")

    result = await mira.slash(server.space(ticket), "ticket handover", mediator=marek)

    assert "is a party to this conflict" in refusal(simcord_env, result)
    assert (await Ticket.get()).mediator_id == mira.id


async def test_mediator_who_leaves_the_server_frees_the_ticket(simcord_env):
    server = await mediation_server(simcord_env)
    mira, marek = server.mediators
    await server.request()
    ticket = await Ticket.get()
    await mira.click(server.alert(ticket), label="Claim")

    server.guild.remove_member(mira)
    await simcord_env.settle()

    ticket = await Ticket.get()
    assert (ticket.status, ticket.mediator_id) == (TicketStatus.OPEN, None)
    assert "Your mediator left the server. Another mediator" in server.space(ticket).last_message.content
    result = await marek.click(server.alert(ticket), label="Claim")
    assert "You now mediate" in shown(result)


async def test_mediator_who_loses_the_role_frees_the_ticket(simcord_env):
    server = await mediation_server(simcord_env)
    mira = server.mediators[0]
    await server.request()
    ticket = await Ticket.get()
    await mira.click(server.alert(ticket), label="Claim")

    # An admin takes the role away (through the API, as server settings would).
    member = mira.member
    await member.remove_roles(discord.utils.get(member.guild.roles, name="Mediator"))
    await simcord_env.settle()

    ticket = await Ticket.get()
    assert (ticket.status, ticket.mediator_id) == (TicketStatus.OPEN, None)
    assert "no longer mediates" in server.space(ticket).last_message.content
