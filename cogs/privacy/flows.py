"""The Discord side of privacy: forgetting a member, the daily retention sweep, people who left.

A purged mediation ticket leaves no channel or log post behind, and a forgotten person no
thread made for them. The database row goes only after its Discord traces are gone, so a
failing Discord call is retried at the next sweep instead of leaving an orphan channel that
nothing points at.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta

import discord

from cogs.privacy import service, views
from gromada import messaging
from gromada.interactions import language_for_guild
from gromada.messaging import Payload
from gromada.scheduler import now
from gromada.ui import paginate_lines, truncate
from models.core import Timer

log = logging.getLogger(__name__)
# The transcript file is posted to the mediators' log when the ticket closes (or soon after).
TRANSCRIPT_WINDOW = timedelta(days=1)


# ---------------------------------------------------------------- export


async def send_export(bot: discord.Client, member: discord.Member) -> bool:
    """DM the member everything kept about them on their server: a summary and the JSON file.

    False when the DM was refused (their DMs are closed); nothing else is left behind then.
    """
    exported = await service.export(member.guild.id, member.id, now())
    payload = json.dumps(exported.data, ensure_ascii=False, indent=2).encode("utf-8")
    filename = f"gromada-{member.guild.id}-{member.id}.json"

    def render() -> list[Payload]:
        pages: list[Payload] = list(paginate_lines(views.export_summary(truncate(member.guild.name, 100), exported)))
        # The file rides with the last page, after the summary that explains it.
        pages[-1] = {"content": pages[-1], "file": discord.File(io.BytesIO(payload), filename=filename)}
        return pages

    return await messaging.dm(bot, member.id, guild_id=member.guild.id, render=render) is not None


# ---------------------------------------------------------------- forget


async def forget(bot: discord.Client, member: discord.Member) -> tuple[service.ForgetReport, bool]:
    """Erase the member on their server; the report, and False if a channel made for them stayed."""
    # Threads made for them go first: once the rows are gone nothing points at them.
    channels_gone = await delete_owned_channels(bot, member.guild.id, member.id)
    names = tuple({member.name, member.display_name, getattr(member, "global_name", None) or ""})
    # Pseudonyms written into shared text (transcripts) read in the server's language.
    language = await language_for_guild(bot, member.guild.id)
    report = await service.forget(member.guild.id, member.id, names=names, language=language)
    # Features whose work depended on the person (a buddy's newcomers) carry on without them.
    bot.dispatch("member_forgotten", member.guild, member.id, report.pseudonym)
    return report, channels_gone


# ---------------------------------------------------------------- retention


async def on_retention(bot, timer: Timer) -> None:
    """The daily sweep: closed mediation tickets and moderation notes past their period."""
    moment = now()
    # Tomorrow's sweep first: a sweep that fails for good must not end the sweeping.
    await bot.timers.schedule(service.RETENTION_TIMER, moment + service.SWEEP_EVERY, ref_id=0)
    tickets = await purge_tickets(bot, moment)
    notes = await service.purge_moderation_notes(moment)
    if tickets or notes:
        log.info("retention: purged %s mediation tickets and %s moderation notes", tickets, notes)


async def purge_tickets(bot: discord.Client, moment: datetime) -> int:
    purged = 0
    for ticket in await service.tickets_past_retention(moment):
        try:
            await _erase_traces(bot, ticket)
        except discord.HTTPException:
            log.warning("retention: could not remove the Discord traces of ticket %s", ticket.pk, exc_info=True)
            continue
        purged += await service.purge_ticket(ticket.pk)
    return purged


async def _erase_traces(bot: discord.Client, ticket) -> None:
    guild = bot.get_guild(ticket.guild_id)
    if guild is None:
        return  # the bot was removed from the server: nothing left for it to delete
    space = guild.get_channel(ticket.channel_id)
    if space is not None:
        await _quietly(space.delete(reason=f"Mediation #{ticket.pk}: retention period ended"))
    log_channel = guild.get_channel(ticket.alert_channel_id) if ticket.alert_channel_id else None
    if not isinstance(log_channel, discord.TextChannel):
        return
    if ticket.alert_message_id:
        await _quietly(log_channel.get_partial_message(ticket.alert_message_id).delete())
    transcript = f"mediation-{ticket.pk}.txt"
    async for message in log_channel.history(
        limit=None, after=ticket.closed_at - timedelta(minutes=1), before=ticket.closed_at + TRANSCRIPT_WINDOW
    ):
        if message.author.id == bot.user.id and any(a.filename == transcript for a in message.attachments):
            await _quietly(message.delete())


async def _quietly(call) -> None:
    """Run a delete; something already gone is fine."""
    try:
        await call
    except discord.NotFound:
        pass


async def delete_owned_channels(bot: discord.Client, guild_id: int, user_id: int, apps: set[str] | None = None) -> bool:
    """Delete the channels and threads made for the person; False if one could not be deleted."""
    guild = bot.get_guild(guild_id)
    if guild is None:
        return True
    complete = True
    for channel_id in await service.owned_channels(guild_id, user_id, apps):
        channel = guild.get_channel_or_thread(channel_id)
        if channel is None:
            continue
        try:
            await _quietly(channel.delete())
        except discord.HTTPException:
            log.warning("could not delete channel %s made for a forgotten member", channel_id, exc_info=True)
            complete = False
    return complete


# ---------------------------------------------------------------- people who left


async def on_departure(bot, timer: Timer) -> None:
    """A member who left did not come back within the grace period: their onboarding data goes."""
    row = await service.departure(timer.ref_id)
    if row is None:
        return  # they came back
    await delete_owned_channels(bot, row.guild_id, row.user_id, service.DEPARTED_APPS)
    language = await language_for_guild(bot, timer.guild_id)
    await service.erase_departed(timer.ref_id, language)
