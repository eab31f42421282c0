"""Asking for mediation: the panel, the private space, limits and failures."""

import asyncio
from datetime import timedelta

import discord

from cogs.mediation import service
from gromada import guild_config
from gromada.errors import LimitReached
from models.mediation import PartyStatus, Ticket, TicketParty, TicketStatus
from tests.cogs.mediation.helpers import mediation_server
from tests.helpers import refusal, shown


async def test_request_opens_a_private_space_seen_by_requester_mediators_and_bot_only(simcord_env):
    server = await mediation_server(simcord_env)
    moderator = server.guild.add_member(simcord_env.create_user("mod"), roles=[server.guild.roles["Moderator"]])
    await simcord_env.settle()

    result = await server.request(parties="dmitrij")

    ticket = await Ticket.get()
    assert result.ephemeral
    assert f"<#{ticket.channel_id}>" in shown(result)
    assert ticket.status == TicketStatus.OPEN and ticket.requester_id == server.requester.id
    assert ticket.what_happened == "We argue about the garden shifts."
    assert server.can_read(server.requester, ticket)
    assert server.can_read(server.mediators[0], ticket)
    assert not server.can_read(server.outsider, ticket)
    assert not server.can_read(server.other_party, ticket)  # named, not invited yet
    # Staff are not mediators: neither moderators nor server admins read the space.
    assert not server.can_read(moderator, ticket) and not server.can_read(server.admin, ticket)
    space = server.space(ticket)
    card = space.history()[0]
    assert card.embeds[0].fields[0].value == "We argue about the garden shifts."
    assert card.embeds[0].fields[2].value == "A fair rota."
    # Mediators are alerted in their own channel, which plain members cannot read.
    alert = server.alert(ticket)
    assert alert.role_mentions and alert.role_mentions[0].name == "Mediator"
    assert not server.can_read_channel(server.outsider, server.log)
    assert server.can_read_channel(server.mediators[0], server.log)
    named = await TicketParty.get(ticket=ticket)
    assert (named.user_id, named.status) == (server.other_party.id, PartyStatus.NAMED)


async def test_quickstart_posts_the_panel_once(simcord_env):
    server = await mediation_server(simcord_env)

    result = await server.admin.slash(server.general, "setup quickstart")

    panels = [m for m in server.mediation.history() if m.components]
    assert len(panels) == 1
    assert "the mediation panel" in shown(result)


async def test_panel_command_posts_a_panel_elsewhere(simcord_env):
    server = await mediation_server(simcord_env)

    result = await server.admin.slash(server.general, "mediation panel", channel=server.general)

    assert "The mediation panel is in" in shown(result)
    panel = next(m for m in server.general.history() if m.components)
    shown_modal = await server.requester.click(panel, label="Request mediation")
    assert shown_modal.modal is not None


async def test_blank_answers_are_refused_and_nothing_is_opened(simcord_env):
    server = await mediation_server(simcord_env)

    result = await server.request(what="   ", hoped="  ")

    assert "Please describe what happened and what you hope for; those two cannot be empty." in refusal(
        simcord_env, result
    )
    assert await Ticket.all().count() == 0


async def test_one_open_ticket_per_member_and_a_cooldown(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()

    second = await server.requester.click(server.panel(), label="Request mediation")
    assert "already have an open mediation ticket" in refusal(simcord_env, second)

    # With two open tickets allowed, the cooldown (1 h by default) still applies.
    await guild_config.set_option(server.guild.id, "mediation_max_open", "2")
    third = await server.requester.click(server.panel(), label="Request mediation")
    assert "You can ask for mediation again" in refusal(simcord_env, third)
    await simcord_env.advance_time(3601)
    await server.request(what="Another matter")
    assert await Ticket.filter(requester_id=server.requester.id).count() == 2


async def test_the_cooldown_refusal_shows_when_in_each_readers_own_clock(simcord_env):
    server = await mediation_server(simcord_env)
    await guild_config.set_option(server.guild.id, "mediation_max_open", "2")
    await server.request()
    ticket = await Ticket.get()

    refused = await server.requester.click(server.panel(), label="Request mediation")

    again = ticket.created_at + timedelta(hours=1)
    assert f"You can ask for mediation again <t:{int(again.timestamp())}:R>." in refusal(simcord_env, refused)


async def test_two_requests_racing_open_only_one_ticket(simcord_env):
    server = await mediation_server(simcord_env)
    await guild_config.set_option(server.guild.id, "mediation_cooldown", "0s")
    form = service.clean_form("Noise", "", "Quiet")
    now = discord.utils.utcnow()

    results = await asyncio.gather(
        *(
            service.open_ticket(server.guild.id, server.requester.id, channel_id, form, [], now)
            for channel_id in (1, 2)
        ),
        return_exceptions=True,
    )

    assert await Ticket.all().count() == 1
    assert sum(isinstance(r, LimitReached) for r in results) == 1
    assert sum(isinstance(r, Ticket) for r in results) == 1


async def test_failing_discord_call_leaves_no_orphan_ticket_and_retry_works(simcord_env):
    server = await mediation_server(simcord_env)
    # The space is created, then posting the summary card into it fails.
    simcord_env.inject_error("POST", "/channels/*/messages", status=500)

    result = await server.request()

    assert "Please try again" in refusal(simcord_env, result)
    assert await Ticket.all().count() == 0
    assert not [name for name in server.guild.channels if name.startswith("mediation-") and name != "mediation-log"]

    simcord_env.inject_error("POST", "/guilds/*/channels", status=500)
    result = await server.request()
    assert "Please try again" in refusal(simcord_env, result)
    assert await Ticket.all().count() == 0

    retry = await server.request()
    assert "is ready" in shown(retry)
    assert await Ticket.all().count() == 1


async def test_without_any_mediator_the_requester_is_told_and_staff_alerted(simcord_env):
    server = await mediation_server(simcord_env, mediators=())

    result = await server.request()

    mediator_role = server.guild.roles["Mediator"].mention
    assert f"nobody holds the {mediator_role} role" in shown(result)
    staff_log = server.channel("mod-log").last_message
    assert f"nobody holds the {mediator_role} role" in staff_log.content
    # The role is named, not pinged.
    assert simcord_env.backend.get_message(staff_log.channel.id, staff_log.id).ping_role_ids == []
    assert await Ticket.all().count() == 1


async def test_unclaimed_ticket_reminds_mediators_after_12_hours_then_daily_up_to_the_limit(simcord_env):
    server = await mediation_server(simcord_env)
    await guild_config.set_option(server.guild.id, "mediation_reminder_limit", "2")
    await server.request()

    def reminders():
        return [m for m in server.log.history() if "still waiting" in m.content]

    await simcord_env.advance_time(timedelta(hours=11).total_seconds())
    assert reminders() == []
    await simcord_env.advance_time(timedelta(hours=1, seconds=1).total_seconds())
    assert len(reminders()) == 1
    assert reminders()[0].role_mentions
    await simcord_env.advance_time(timedelta(hours=24).total_seconds())
    assert len(reminders()) == 2
    await simcord_env.advance_time(timedelta(days=3).total_seconds())
    assert len(reminders()) == 2
    assert (await Ticket.get()).reminders_sent == 2


async def test_a_reminder_says_when_the_request_was_sent_without_a_preposition_before_it(simcord_env):
    # "(od 12 godzin temu)", "(с 12 часов назад)": a relative moment after "since" does not read.
    server = await mediation_server(simcord_env)
    await server.admin.slash(server.general, "setup language", language="pl")
    await server.request()
    sent = int((await Ticket.get()).created_at.timestamp())

    await simcord_env.advance_time(timedelta(hours=12, seconds=1).total_seconds())

    reminder = server.log.last_message.content
    assert reminder.endswith(f"wciąż czeka na mediatora (wysłane <t:{sent}:R>).")


async def test_reminder_that_cannot_be_posted_is_retried(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    simcord_env.inject_error("POST", f"/channels/{server.log.id}/messages", status=500)

    await simcord_env.advance_time(timedelta(hours=12, seconds=1).total_seconds())
    assert (await Ticket.get()).reminders_sent == 0
    await simcord_env.advance_time(timedelta(minutes=1, seconds=1).total_seconds())

    assert len([m for m in server.log.history() if "still waiting" in m.content]) == 1
    assert (await Ticket.get()).reminders_sent == 1


async def test_claimed_ticket_is_not_reminded(simcord_env):
    server = await mediation_server(simcord_env)
    await server.request()
    ticket = await Ticket.get()
    await server.mediators[0].click(server.alert(ticket), label="Claim")

    await simcord_env.advance_time(timedelta(hours=13).total_seconds())

    assert not [m for m in server.log.history() if "still waiting" in m.content]
