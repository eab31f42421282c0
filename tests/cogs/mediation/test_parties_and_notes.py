"""Inviting the other party (with consent) and mediators' private notes."""

import pytest
from simcord.backend.errors import BackendError

from models.mediation import PartyStatus, Ticket, TicketNote, TicketParty
from tests.cogs.mediation.helpers import MediationServer, mediation_server
from tests.helpers import dms, last_dm, refusal, shown


async def claimed(server: MediationServer, **request) -> Ticket:
    await server.request(**request)
    ticket = await Ticket.get()
    await server.mediators[0].click(server.alert(ticket), label="Claim")
    return await Ticket.get()


async def test_invited_party_sees_the_space_only_after_accepting(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server)
    space = server.space(ticket)
    dmitrij = server.other_party

    result = await server.mediators[0].slash(space, "ticket add", member=dmitrij)

    assert "was invited" in shown(result) and result.ephemeral
    assert not server.can_read(dmitrij, ticket)
    invitation = last_dm(dmitrij)
    assert "You will see it only if you accept" in invitation.content
    accepted = await dmitrij.user.click(invitation, label="Accept")
    assert "You can now see the mediation space" in shown(accepted)
    assert server.can_read(dmitrij, ticket)
    assert not server.can_read(server.outsider, ticket)
    assert (await TicketParty.get(user_id=dmitrij.id)).status == PartyStatus.ACCEPTED
    assert "accepted the invitation" in space.last_message.content
    # Now a party: a conflict of interest for claiming and for notes.
    refused = await dmitrij.slash(space, "ticket note", text="hi")
    assert "Only mediators" in refusal(simcord_env, refused)
    # At the close the space is locked for the party who joined as for the requester.
    form = await server.mediators[0].slash(space, "ticket close")
    await server.mediators[0].submit_modal(form, {"outcome": "A rota."})
    assert server.can_read(dmitrij, ticket)
    with pytest.raises(BackendError):
        await dmitrij.send(space, "one more thing")


async def test_declined_invitation_keeps_the_space_closed(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server)
    await server.mediators[0].slash(server.space(ticket), "ticket add", member=server.other_party)

    result = await server.other_party.user.click(last_dm(server.other_party), label="Decline")

    assert "You declined" in shown(result)
    assert not server.can_read(server.other_party, ticket)
    assert (await TicketParty.get(user_id=server.other_party.id)).status == PartyStatus.DECLINED
    # The mediator may ask again later; the new invitation can be accepted.
    again = await server.mediators[0].slash(server.space(ticket), "ticket add", member=server.other_party)
    assert "was invited" in shown(again)
    assert (await TicketParty.get(user_id=server.other_party.id)).status == PartyStatus.INVITED
    accepted = await server.other_party.user.click(last_dm(server.other_party), label="Accept")
    assert "You can now see the mediation space" in shown(accepted)
    assert server.can_read(server.other_party, ticket)


async def test_adding_requires_the_ticket_mediator_and_a_real_other_person(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server)
    space = server.space(ticket)
    mira, marek = server.mediators

    not_theirs = await marek.slash(space, "ticket add", member=server.other_party)
    assert "Only the mediator of this ticket" in refusal(simcord_env, not_theirs)
    requester = await mira.slash(space, "ticket add", member=server.requester)
    assert "The person who asked for mediation is already in the space." in refusal(simcord_env, requester)
    themselves = await mira.slash(space, "ticket add", member=mira)
    assert "You mediate this ticket; you cannot also be a party to it." in refusal(simcord_env, themselves)
    elsewhere = await mira.slash(server.general, "ticket add", member=server.other_party)
    assert "Use this inside a mediation ticket's private channel." in refusal(simcord_env, elsewhere)
    await mira.slash(space, "ticket add", member=server.other_party)
    twice = await mira.slash(space, "ticket add", member=server.other_party)
    assert "That member is already invited." in refusal(simcord_env, twice)


async def test_invitation_that_cannot_be_delivered_is_withdrawn(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server, parties="dmitrij")
    simcord_env.inject_error("POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages")

    result = await server.mediators[0].slash(server.space(ticket), "ticket add", member=server.other_party)

    assert "could not send" in refusal(simcord_env, result)
    # Named in the request before: still named, not invited, so it can be retried.
    assert (await TicketParty.get(user_id=server.other_party.id)).status == PartyStatus.NAMED
    again = await server.mediators[0].slash(server.space(ticket), "ticket add", member=server.other_party)
    assert "was invited" in shown(again)


async def test_notes_stay_in_the_database_and_only_mediators_read_them(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server)
    space = server.space(ticket)
    mira, marek = server.mediators
    before = len(space.history())

    saved = await mira.slash(space, "ticket note", text="Requester seems exhausted; go slowly.")

    assert saved.ephemeral and "Note saved" in shown(saved)
    assert len(space.history()) == before  # nothing posted where the parties are
    assert all("exhausted" not in m.content for m in space.history(viewer=server.requester))
    assert (await TicketNote.get()).text == "Requester seems exhausted; go slowly."
    listed = await marek.slash(space, "ticket notes")
    assert listed.ephemeral and "go slowly" in shown(listed)
    refused = await server.requester.slash(space, "ticket notes")
    assert "Only mediators" in refusal(simcord_env, refused)
    assert "go slowly" not in shown(refused)
    # Nor do they reach the parties through the close: not in the transcript, not in the DM.
    form = await mira.slash(space, "ticket close")
    await mira.submit_modal(form, {"outcome": "A rota for the shed."})
    closed = await Ticket.get()
    assert "A rota for the shed." in closed.outcome and "exhausted" not in closed.transcript
    assert dms(server.requester) and all("exhausted" not in text for text in dms(server.requester))


async def test_accepting_when_discord_refuses_access_keeps_the_invitation_open(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server)
    await server.mediators[0].slash(server.space(ticket), "ticket add", member=server.other_party)
    invitation = last_dm(server.other_party)
    simcord_env.inject_error("PUT", f"/channels/{ticket.channel_id}/permissions/*", status=500)

    failed = await server.other_party.user.click(invitation, label="Accept")

    assert "Discord refused" in refusal(simcord_env, failed)
    assert (await TicketParty.get(user_id=server.other_party.id)).status == PartyStatus.INVITED
    assert not server.can_read(server.other_party, ticket)
    retried = await server.other_party.user.click(invitation, label="Accept")
    assert "You can now see the mediation space" in shown(retried)
    assert server.can_read(server.other_party, ticket)


async def test_a_mediator_invited_as_a_party_sees_the_space_only_after_accepting(simcord_env):
    server = await mediation_server(simcord_env, mediators=("mira", "marek", "maja"))
    ticket = await claimed(server)
    space = server.space(ticket)
    mira, marek, maja = server.mediators
    assert server.can_read(marek, ticket) and server.can_read(maja, ticket)  # the Mediator role

    await mira.slash(space, "ticket add", member=marek)
    await mira.slash(space, "ticket add", member=maja)

    # Invited, so a party: nothing is read before consenting.
    assert not server.can_read(marek, ticket) and not server.can_read(maja, ticket)
    await marek.user.click(last_dm(marek), label="Accept")
    await maja.user.click(last_dm(maja), label="Decline")
    assert server.can_read(marek, ticket)
    assert not server.can_read(maja, ticket)
    assert server.can_read(mira, ticket)


async def test_a_mediator_whose_invitation_fails_keeps_seeing_the_space(simcord_env):
    server = await mediation_server(simcord_env)
    ticket = await claimed(server)
    mira, marek = server.mediators
    simcord_env.inject_error("POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages")

    result = await mira.slash(server.space(ticket), "ticket add", member=marek)

    assert "could not send" in refusal(simcord_env, result)
    assert await TicketParty.filter(user_id=marek.id).count() == 0
    assert server.can_read(marek, ticket)
