"""Stepping back: the proposer withdraws a proposal, the lead (or staff) hands an initiative over."""

import asyncio

import discord

from cogs.initiatives import service
from gromada.errors import Conflict
from gromada.scheduler import now
from models.core import Timer
from models.initiatives import Initiative, InitiativeMember, InitiativeStatus
from tests.cogs.initiatives.helpers import field, open_initiative
from tests.helpers import command_mention, refusal, shown

DAY = 86400


async def withdraw(server, initiative, actor=None):
    """The proposer (or `actor`) presses Withdraw proposal on the card; the confirmation it got."""
    actor = actor or server.member
    return await actor.click(server.card(initiative), label="Withdraw proposal")


async def test_the_proposer_withdraws_a_proposal_without_pinging_its_supporters(server):
    _, initiative = await server.propose()
    await server.supporters[0].click(server.card(initiative), label="Support")
    messages_before = len(server.proposals.history())

    asked = await withdraw(server, initiative)
    assert asked.ephemeral and "Its supporters are not notified" in shown(asked)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED, "nothing before confirming"
    done = await server.member.click(asked.response, label="Withdraw it")

    assert "You withdrew “Community garden”" in shown(done)
    row = await Initiative.get(id=initiative.pk)
    assert row.status == InitiativeStatus.WITHDRAWN
    card = server.card(initiative)
    assert field(card, "Status") == "withdrawn by the proposer"
    assert field(card, "Supporters") == "2/3", "the card shows how far it got"
    assert not card.components, "a withdrawn proposal takes no more support"
    assert len(server.proposals.history()) == messages_before, "supporters are not pinged"
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 2
    assert not await Timer.filter(ref_id=initiative.pk, kind="initiatives.expire", status="pending").exists()
    # The support window passing later changes nothing, and the title is free again.
    await server.env.advance_time(15 * DAY)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.WITHDRAWN
    assert len(server.proposals.history()) == messages_before
    again, second = await server.propose(actor=server.supporters[1])
    assert "Your proposal is posted" in shown(again) and second.pk != initiative.pk


async def test_only_the_proposer_may_withdraw_and_keeping_it_changes_nothing(server):
    _, initiative = await server.propose()

    someone_else = await withdraw(server, initiative, actor=server.supporters[0])
    assert "Only the person who proposed it can withdraw" in refusal(server.env, someone_else)

    asked = await withdraw(server, initiative)
    kept = await server.member.click(asked.response, label="Keep it")

    assert "stays as it is" in shown(kept)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.PROPOSED
    assert field(server.card(initiative), "Status") == "gathering support"
    # Withdraw support still tells the proposer where to look.
    theirs = await server.member.click(server.card(initiative), label="Withdraw support")
    assert "press Withdraw proposal" in refusal(server.env, theirs)


async def test_a_proposal_that_got_its_channel_meanwhile_is_not_withdrawn(server):
    _, initiative = await server.propose()
    asked = await withdraw(server, initiative)
    for supporter in server.supporters[:2]:
        await supporter.click(server.card(initiative), label="Support")

    late = await server.member.click(asked.response, label="Withdraw it")

    assert await command_mention(server.env, "initiative handover") in refusal(server.env, late)
    assert (await Initiative.get(id=initiative.pk)).status == InitiativeStatus.ACTIVE


async def lead_of(initiative) -> int:
    return (await InitiativeMember.get(initiative_id=initiative.pk, is_lead=True)).user_id


async def test_the_lead_hands_over_and_the_channel_permissions_follow(server):
    initiative, channel = await open_initiative(server)
    old, new = server.member, server.supporters[0]
    guild = server.discord_guild()
    text_channel = guild.get_channel(channel.id)

    result = await old.slash(channel, "initiative handover", member=new)

    assert result.ephemeral and f"{new.mention} now leads this initiative" in shown(result)
    assert f"{old.mention} handed the lead of this initiative to {new.mention}" in channel.last_message.content
    assert await lead_of(initiative) == new.id
    assert text_channel.permissions_for(guild.get_member(new.id)).pin_messages
    assert text_channel.permissions_for(guild.get_member(old.id)).send_messages, "the previous lead stays a member"
    assert not text_channel.permissions_for(guild.get_member(old.id)).pin_messages
    assert f"Lead: {new.mention}" in channel.pinned_messages()[0].content
    assert (await Initiative.get(id=initiative.pk)).proposer_id == old.id, "who proposed it does not change"
    # The new lead leads; the previous one no longer does, and may now leave.
    refused = await old.slash(channel, "initiative update", status="done", note="Finished.")
    assert "Only the initiative's lead" in refusal(server.env, refused)
    updated = await new.slash(channel, "initiative update", status="in_progress", note="Taking over.")
    assert "Taking over." in shown(updated)
    left = await old.click(channel.pinned_messages()[0], label="Leave")
    assert "You left the initiative" in shown(left)
    assert not await InitiativeMember.exists(initiative_id=initiative.pk, user_id=old.id)


async def test_a_lead_cannot_hand_over_to_themselves_a_bot_or_someone_not_on_the_server(server):
    initiative, channel = await open_initiative(server)
    robot = server.guild.add_member(server.env.create_user("robot", bot=True))
    stranger = server.env.create_user("stranger")
    await server.env.settle()

    themselves = await server.member.slash(channel, "initiative handover", member=server.member)
    bot = await server.member.slash(channel, "initiative handover", member=robot)
    gone = await server.member.slash(channel, "initiative handover", member=stranger)
    elsewhere = await server.member.slash(server.general, "initiative handover", member=server.supporters[0])
    not_lead = await server.supporters[0].slash(channel, "initiative handover", member=server.supporters[0])

    assert "You already lead this initiative" in refusal(server.env, themselves)
    assert "A bot cannot lead an initiative" in refusal(server.env, bot)
    assert "is not a member of this server" in refusal(server.env, gone)
    assert "inside an initiative's channel" in refusal(server.env, elsewhere)
    assert "Only the initiative's lead" in refusal(server.env, not_lead)
    assert await lead_of(initiative) == server.member.id
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 3


async def test_an_archived_initiative_is_reopened_before_it_is_handed_over(server):
    initiative, channel = await open_initiative(server)
    await server.member.slash(channel, "initiative archive")

    refused = await server.member.slash(channel, "initiative handover", member=server.supporters[0])

    assert "Reopen it first" in refusal(server.env, refused)
    assert await lead_of(initiative) == server.member.id


async def test_staff_reassign_the_lead_to_someone_who_was_not_a_member(server):
    initiative, channel = await open_initiative(server)
    newcomer = server.supporters[2]

    result = await server.admin.slash(channel, "initiative handover", member=newcomer)

    assert f"{newcomer.mention} now leads this initiative" in shown(result)
    assert await lead_of(initiative) == newcomer.id
    assert await InitiativeMember.filter(initiative_id=initiative.pk).count() == 4
    guild = server.discord_guild()
    assert guild.get_channel(channel.id).permissions_for(guild.get_member(newcomer.id)).pin_messages
    archived = await newcomer.slash(channel, "initiative archive")
    assert "Archived." in shown(archived)


async def test_when_discord_refuses_the_permissions_the_lead_stays(server):
    initiative, channel = await open_initiative(server)
    newcomer = server.supporters[2]
    server.env.inject_error("PUT", f"/channels/{channel.id}/permissions/*", status=500)

    result = await server.member.slash(channel, "initiative handover", member=newcomer)

    assert "the lead did not change" in refusal(server.env, result)
    assert await lead_of(initiative) == server.member.id
    assert not await InitiativeMember.exists(initiative_id=initiative.pk, user_id=newcomer.id)
    overwrite = server.discord_guild().get_channel(channel.id).overwrites_for(discord.Object(newcomer.id))
    assert overwrite.pin_messages is not True


async def test_when_discord_stops_a_handover_half_way_the_new_lead_gets_no_lead_rights(server):
    initiative, channel = await open_initiative(server)
    old, new = server.member, server.supporters[0]
    # The new lead's permissions change; the previous lead's are refused.
    server.env.inject_error("PUT", f"/channels/{channel.id}/permissions/{old.id}", status=500)

    result = await old.slash(channel, "initiative handover", member=new)

    assert "the lead did not change" in refusal(server.env, result)
    assert await lead_of(initiative) == old.id
    guild = server.discord_guild()
    text_channel = guild.get_channel(channel.id)
    assert text_channel.permissions_for(guild.get_member(old.id)).pin_messages
    assert text_channel.permissions_for(guild.get_member(new.id)).send_messages, "still a member"
    assert not text_channel.permissions_for(guild.get_member(new.id)).pin_messages


async def test_of_two_handovers_at_once_the_second_changes_nothing(server):
    # The lead and staff hand the lead to two different people at the same moment. SimCord runs
    # one command at a time, so the race is run at the level the command uses.
    initiative, _ = await open_initiative(server)
    by_lead, by_staff = server.supporters[0], server.supporters[2]

    outcomes = await asyncio.gather(
        service.hand_over(initiative, by_lead.id, server.member.id, now()),
        service.hand_over(initiative, by_staff.id, server.admin.id, now()),
        return_exceptions=True,
    )

    [won] = [outcome for outcome in outcomes if isinstance(outcome, service.Handover)]
    [lost] = [outcome for outcome in outcomes if not isinstance(outcome, service.Handover)]
    assert isinstance(lost, Conflict), lost
    assert lost.render("en") == "That was changed by someone else in the meantime. Please try again."
    leads = await InitiativeMember.filter(initiative_id=initiative.pk, is_lead=True).values_list("user_id", flat=True)
    assert leads == [won.lead], "one lead, the first handover's"
    assert won.previous == server.member.id
