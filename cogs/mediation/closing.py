"""Closing a ticket (transcript, lock, DM with rating, check-in later) and reopening it."""

from __future__ import annotations

import logging

import discord

from cogs.mediation import service, space
from cogs.mediation.views import checkin_view, rating_view, require_mediator_role
from gromada.i18n import _, use_locale
from gromada.interactions import language_for_guild
from gromada.messaging import dm
from gromada.scheduler import now
from gromada.ui import reply, truncate
from models.core import Timer
from models.mediation import Ticket, TicketStatus

log = logging.getLogger(__name__)


async def close_ticket(interaction: discord.Interaction, ticket_id: int, outcome: str) -> None:
    bot = interaction.client
    mediator = await require_mediator_role(interaction)
    ticket = await service.get_ticket(ticket_id)
    service.require_mediator_of(ticket, mediator.id)
    await interaction.response.defer(ephemeral=True, thinking=True)
    closed_at = now()
    channel = bot.get_channel(ticket.channel_id)
    language = await language_for_guild(bot, ticket.guild_id)
    transcript = await space.collect_transcript(channel, ticket, language) if channel is not None else ""
    ticket = await service.close(ticket_id, mediator.id, outcome, transcript, closed_at)
    await bot.timers.cancel(service.UNCLAIMED_TIMER, ticket.pk)
    delay = await service.CHECKIN_AFTER.get(ticket.guild_id)
    await bot.timers.schedule(service.CHECKIN_TIMER, closed_at + delay, ref_id=ticket.pk, guild_id=ticket.guild_id)

    # The database holds the outcome and the transcript; what follows is best effort, and
    # the mediator is told what did not work.
    with use_locale(language):
        closing_note = _("This mediation is closed. Outcome: {outcome}", outcome=truncate(ticket.outcome, 1800))
    await space.post_in_space(bot, ticket, closing_note)
    people = [ticket.requester_id, *await service.accepted_parties(ticket.pk)]
    locked = await space.lock_space(bot, ticket, people)
    posted = await space.post_transcript(bot, ticket, mediator)
    told = await dm(
        bot,
        ticket.requester_id,
        guild_id=ticket.guild_id,
        render=lambda: {
            "content": truncate(
                _(
                    "Your mediation #{id} on {server} is closed.\n**Outcome:** {outcome}\n\n"
                    "How helpful was the mediation? Rate it from 1 to 5:",
                    id=ticket.pk,
                    server=mediator.guild.name,
                    outcome=ticket.outcome,
                ),
                2000,
            ),
            "view": rating_view(ticket.pk),
        },
    )
    await space.refresh_alert(bot, ticket)
    lines = [_("Mediation #{id} is closed and its transcript is kept.", id=ticket.pk)]
    if posted == space.TranscriptPost.POSTED:
        lines.append(_("The transcript file is in the mediators' log."))
    elif posted == space.TranscriptPost.WITHHELD:
        lines.append(
            _(
                "A mediator is a party to this conflict, so the transcript is not posted in the mediators' log; "
                "/ticket transcript here gives it to you."
            )
        )
    else:
        lines.append(
            _(
                "I could not post the transcript file in the mediators' log; it is kept, "
                "and /ticket transcript here gives it to you."
            )
        )
    if not locked:
        lines.append(_("I could not lock the space; please make it read-only by hand."))
    if told is None:
        lines.append(_("I could not send the requester a direct message (their DMs may be closed)."))
    await reply(interaction, "\n".join(lines))


async def reopen_ticket(bot: discord.Client, ticket_id: int, user_id: int) -> Ticket:
    ticket = await service.reopen(ticket_id, user_id)
    people = [ticket.requester_id, *await service.accepted_parties(ticket.pk)]
    try:
        await space.unlock_space(bot, ticket, people)
    except Exception:
        await service.undo_reopen(ticket)
        raise
    await bot.timers.cancel(service.CHECKIN_TIMER, ticket.pk)
    with use_locale(await language_for_guild(bot, ticket.guild_id)):
        text = _("<@{requester}> reopened this mediation: the agreement did not hold.", requester=ticket.requester_id)
    await space.post_in_space(bot, ticket, text)
    guild = bot.get_guild(ticket.guild_id)
    try:
        await space.post_alert(bot, guild, ticket, await space.places(guild))
    except discord.HTTPException:
        log.warning("could not alert mediators about reopened ticket %s", ticket.pk, exc_info=True)
    delay = await service.CLAIM_REMINDER.get(ticket.guild_id)
    await bot.timers.schedule(service.UNCLAIMED_TIMER, now() + delay, ref_id=ticket.pk, guild_id=ticket.guild_id)
    return await service.get_ticket(ticket.pk)


# ---------------------------------------------------------------- deadlines


async def on_unclaimed(bot: discord.Client, timer: Timer) -> None:
    """12 h unclaimed: remind the mediators, then every 24 h, up to the limit."""
    ticket = await Ticket.get_or_none(id=timer.ref_id)
    if ticket is None or ticket.status != TicketStatus.OPEN:
        return
    limit = await service.REMINDER_LIMIT.get(ticket.guild_id)
    if ticket.reminders_sent >= limit:
        return
    if not await service.take_reminder(ticket):
        return
    try:
        await space.remind(bot, ticket)
    except Exception:
        await service.give_back_reminder(ticket)
        raise  # the timer retries
    if ticket.reminders_sent + 1 < limit:
        await bot.timers.schedule(
            service.UNCLAIMED_TIMER,
            now() + service.REMINDER_INTERVAL,
            ref_id=ticket.pk,
            guild_id=ticket.guild_id,
        )


async def on_checkin(bot: discord.Client, timer: Timer) -> None:
    """Some time after the close: does the agreement hold? (Reopen if not.)"""
    ticket = await Ticket.get_or_none(id=timer.ref_id)
    if ticket is None or not await service.mark_checkin_asked(ticket.pk):
        return  # reopened, answered, or asked already
    guild = bot.get_guild(ticket.guild_id)
    server = guild.name if guild else ""
    await dm(
        bot,
        ticket.requester_id,
        guild_id=ticket.guild_id,
        render=lambda: {
            "content": truncate(
                _(
                    "Some time ago your mediation #{id} on {server} ended with this agreement:\n> {outcome}\n\n"
                    "Does it still hold?",
                    id=ticket.pk,
                    server=server,
                    outcome=truncate(ticket.outcome or "", 1500).replace("\n", "\n> "),
                ),
                2000,
            ),
            "view": checkin_view(ticket.pk),
        },
    )
