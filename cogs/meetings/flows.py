"""The Discord side of meetings: the card, its Scheduled Event, reminders, minutes, decision polls.

The service decides; this module makes Discord show it. A meeting whose card cannot be posted
is removed again. The decision poll of an agenda item is created and posted by the polls
feature's own service and flows, in the decisions channel when every member can read it; a
timer row refreshes the meeting card once that poll has closed, so the card shows its result.
"""

from __future__ import annotations

import logging

import discord

from cogs.initiatives import flows as initiatives_flows
from cogs.initiatives import service as initiatives_service
from cogs.meetings import rules, service, views
from cogs.polls import flows as polls_flows
from cogs.polls import service as polls_service
from gromada import guild_config, messaging, scheduled_events
from gromada.checks import is_admin
from gromada.errors import DiscordRefused, NotAllowed, NotConfigured
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from gromada.ui import reply
from models.core import BindingKind, Timer
from models.meetings import Answer, Meeting
from models.polls import PollStatus

log = logging.getLogger(__name__)


def mark_dirty(bot, meeting_id: int) -> None:
    cog = bot.get_cog("MeetingsCog")
    if cog is not None:
        cog.cards.mark_dirty(meeting_id)


async def is_coordinator(member: discord.Member) -> bool:
    if is_admin(member):
        return True
    role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, service.COORDINATOR_PURPOSE)
    return role_id is not None and member.get_role(role_id) is not None


async def require_coordinator(member: discord.Member) -> None:
    if not await is_coordinator(member):
        raise NotAllowed(
            N_("Only meeting coordinators can do that ({role} or Manage Server)."),
            role=await guild_config.role_shown(member.guild.id, service.COORDINATOR_PURPOSE),
        )


# ---------------------------------------------------------------- the card


async def _decisions(guild_id: int, items) -> dict[int, views.Decision]:
    polls = await service.decision_polls([item.decision_poll for item in items if item.decision_poll])
    decisions = {}
    for poll_id, poll in polls.items():
        link = views.message_link(guild_id, poll.channel_id, poll.message_id)
        if poll.status != PollStatus.CLOSED:
            decisions[poll_id] = views.Decision(poll_id, link, closed=False)
            continue
        result = await polls_service.result_of(poll)
        winners = [result.options[index] for index in result.winners]
        decisions[poll_id] = views.Decision(poll_id, link, True, views.outcome_text(result.outcome, winners))
    return decisions


async def _proposals(items) -> dict[int, str]:
    """Initiatives proposed from agenda items, as the card names them: their channel, else their card."""
    found = await service.initiatives([item.proposed_initiative for item in items if item.proposed_initiative])
    named = {}
    for initiative_id, initiative in found.items():
        link = views.message_link(initiative.guild_id, initiative.card_channel_id, initiative.card_message_id)
        named[initiative_id] = (
            f"<#{initiative.channel_id}>"
            if initiative.channel_id
            else f"[{initiative.title}]({link})"
            if link
            else initiative.title
        )
    return named


async def _render(bot, meeting: Meeting) -> dict:
    items = await service.agenda(meeting.pk)
    counts = await service.counts(meeting.pk)
    decisions = await _decisions(meeting.guild_id, items)
    proposals = await _proposals(items)
    with use_locale(await language_for_guild(bot, meeting.guild_id)):
        return {
            "embed": views.card_embed(meeting, items, decisions, proposals),
            "view": views.card_view(meeting, counts, items),
        }


async def refresh_card(bot, meeting_id: int) -> None:
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None or meeting.message_id is None:
        return
    guild = bot.get_guild(meeting.guild_id)
    channel = guild.get_channel_or_thread(meeting.channel_id) if guild else None
    if channel is None:
        return
    try:
        await channel.get_partial_message(meeting.message_id).edit(**await _render(bot, meeting))
    except discord.HTTPException:
        log.warning("could not refresh the card of meeting %s; the next change retries", meeting_id)


def _event_spec(meeting: Meeting) -> scheduled_events.EventSpec:
    return scheduled_events.EventSpec(
        name=meeting.title,
        start=meeting.starts_at,
        end=meeting.ends_at,
        place=meeting.place,
        channel_id=meeting.place_channel_id,
    )


async def plan_meeting(bot, guild: discord.Guild, planned: service.PlannedMeeting, creator_id: int) -> Meeting:
    channel = await messaging.purpose_channel(guild, service.CHANNEL_PURPOSE)
    if channel is None:
        raise NotConfigured(N_("Meetings are posted in the activities channel, which is not set up. Ask an admin."))
    meeting = await service.create_meeting(guild.id, planned, creator_id, now())
    try:
        message = await channel.send(**await _render(bot, meeting))
    except discord.HTTPException:
        await service.discard(meeting)
        raise DiscordRefused(
            N_("I could not post the meeting in {channel}. Let my role view it and send messages there."),
            channel=channel.mention,
        ) from None
    await service.attach_card(meeting.pk, channel.id, message.id)
    event_id = await scheduled_events.create(guild, _event_spec(meeting))
    if event_id is not None:
        await service.attach_event(meeting.pk, event_id)
    await arm_reminders(bot, meeting)
    return meeting


async def arm_reminders(bot, meeting: Meeting) -> None:
    for name, moment in rules.reminder_moments(meeting.starts_at, now()).items():
        await bot.timers.ensure(service.REMINDER_TIMERS[name], moment, ref_id=meeting.pk, guild_id=meeting.guild_id)


# ---------------------------------------------------------------- RSVP, minutes, decisions


ANSWERED = {
    Answer.COMING: N_("You are coming to **{title}**. I will remind you a day and an hour before."),
    Answer.MAYBE: N_("You might come to **{title}**."),
    Answer.NOT_COMING: N_("You are not coming to **{title}**. Thank you for saying so."),
}


async def answer_for(bot, member: discord.Member, meeting_id: int, answer: Answer) -> str:
    meeting = await service.meeting_by_id(meeting_id, member.guild.id)
    await service.answer(meeting, member.id, answer, now())
    mark_dirty(bot, meeting.pk)
    return _(ANSWERED[answer], title=meeting.title)


async def post_minutes(interaction: discord.Interaction, meeting_id: int, text: str) -> None:
    """Keep the minutes and post them under the meeting card (replying to it)."""
    bot = interaction.client
    meeting = await service.meeting_by_id(meeting_id, interaction.guild_id)
    await service.save_minutes(meeting, text, interaction.user.id)
    channel = interaction.guild.get_channel_or_thread(meeting.channel_id) if meeting.channel_id else None
    if channel is None:
        raise NotConfigured(N_("The meeting card is gone, so the minutes are kept but not posted."))
    with use_locale(await language_for_guild(bot, meeting.guild_id)):
        content = views.minutes_post(meeting, meeting.minutes, interaction.user.display_name)
    try:
        posted = await channel.send(
            content,
            reference=channel.get_partial_message(meeting.message_id),
            allowed_mentions=discord.AllowedMentions.none(),
        )
    except discord.HTTPException:
        raise DiscordRefused(N_("I could not post the minutes. They are kept: try again to post them.")) from None
    await service.set_minutes_message(meeting.pk, posted.id)
    mark_dirty(bot, meeting.pk)
    await reply(interaction, _("The minutes of **{title}** are posted under its card.", title=meeting.title))


async def undecided_item(guild_id: int, item_id: int, meeting_id: int | None = None):
    item = await service.item_by_id(item_id, guild_id, meeting_id)
    service.require_undecided(item)
    return item


async def decide_by_poll(
    interaction: discord.Interaction, item_id: int, question: str, options: str, duration: str
) -> None:
    """Put an agenda item to a poll (the polls feature creates and posts it), linked both ways."""
    bot, guild, member = interaction.client, interaction.guild, interaction.user
    await require_coordinator(member)
    item = await undecided_item(guild.id, item_id)
    meeting = item.meeting
    decisions = await messaging.purpose_channel(guild, "decisions")
    channel = decisions or guild.get_channel(meeting.channel_id)
    poll = await polls_flows.create_single_choice_poll(guild, channel, member, question, options, duration)
    if not await service.link_poll(item, poll.pk):
        await polls_service.discard_poll(poll.pk)
        service.require_undecided(await service.item_by_id(item.pk, guild.id))
    await polls_flows.post_poll(bot, channel, poll)
    await bot.timers.schedule(
        service.RESULT_TIMER, poll.closes_at + rules.RESULT_DELAY, ref_id=item.pk, guild_id=guild.id
    )
    mark_dirty(bot, meeting.pk)
    await reply(
        interaction,
        _(
            "Poll #{id} on “{item}” is open in {channel}; the meeting card links to it.",
            id=poll.pk,
            item=item.text,
            channel=channel.mention,
        ),
    )


async def cancel_meeting(bot, guild: discord.Guild, meeting: Meeting) -> bool:
    """Cancel a meeting: its reminders and Discord event go, those coming are told."""
    if not await service.cancel_meeting(meeting, now()):
        return False
    for kind in service.REMINDER_TIMERS.values():
        await bot.timers.cancel(kind, meeting.pk)
    await scheduled_events.cancel(guild, meeting.event_id)
    mark_dirty(bot, meeting.pk)
    for user_id in await service.coming(meeting.pk):
        await messaging.dm(bot, user_id, guild_id=guild.id, render=lambda: views.cancelled_text(meeting, guild.name))
    return True


async def unproposed_item(guild_id: int, item_id: int, meeting_id: int | None = None):
    item = await service.item_by_id(item_id, guild_id, meeting_id)
    service.require_not_proposed(item)
    return item


async def propose_initiative(
    interaction: discord.Interaction, item_id: int, title: str, goal: str, needs: str, first_step: str
) -> None:
    """Propose an agenda item as an initiative (the initiatives feature posts its card), linked back."""
    bot, guild, member = interaction.client, interaction.guild, interaction.user
    await require_coordinator(member)
    item = await unproposed_item(guild.id, item_id)
    proposal = initiatives_service.validate_proposal(title, goal, needs, first_step)
    initiative, _channel = await initiatives_flows.propose(bot, guild, member, proposal)
    await service.link_initiative(item, initiative.pk)
    mark_dirty(bot, item.meeting_id)
    await reply(
        interaction,
        _("“{item}” is proposed as an initiative; the meeting card links to it.", item=item.text),
    )


# ---------------------------------------------------------------- deadlines


def _server(bot, guild_id: int) -> str:
    guild = bot.get_guild(guild_id)
    return guild.name if guild else ""


async def _remind(bot, timer: Timer, *, soon: bool) -> None:
    meeting = await service.claim(timer.ref_id, timer.kind)
    if meeting is None:
        return
    server = _server(bot, meeting.guild_id)
    for user_id in await service.coming(meeting.pk):
        await messaging.dm(
            bot, user_id, guild_id=meeting.guild_id, render=lambda: views.reminder_text(meeting, server, soon=soon)
        )


async def remind_day(bot, timer: Timer) -> None:
    await _remind(bot, timer, soon=False)


async def remind_hour(bot, timer: Timer) -> None:
    await _remind(bot, timer, soon=True)


async def result_due(bot, timer: Timer) -> None:
    """A decision poll closed: its meeting card shows the result."""
    meeting_id = await service.meeting_of_item(timer.ref_id)
    if meeting_id is not None:
        mark_dirty(bot, meeting_id)


async def ensure_deadlines(bot) -> None:
    current = now()
    # One query per reminder: only the meetings whose timer was lost are read.
    for name, lead in rules.REMINDER_LEADS.items():
        await bot.timers.ensure_all(
            service.REMINDER_TIMERS[name],
            service.awaiting_reminder(name, current),
            due=lambda meeting, lead=lead: meeting.starts_at - lead,
        )
    for item, closes_at in await service.items_awaiting_results():
        await bot.timers.ensure(
            service.RESULT_TIMER, closes_at + rules.RESULT_DELAY, ref_id=item.pk, guild_id=item.meeting.guild_id
        )
