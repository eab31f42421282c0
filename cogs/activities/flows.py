"""The Discord side of activities: cards, Scheduled Events, reminders, and what buttons do.

The service decides; this module makes Discord show it. A new activity whose first card
cannot be posted is removed again (no activity nobody can see). A Scheduled Event mirrors
each date where the bot may manage events; where it may not, the activity works without
one and /setup says what is missing. Cards are edited through the cog's one Coalescer, so a
burst of joins costs one edit per card.
"""

from __future__ import annotations

import logging

import discord

from cogs.activities import rules, service, views
from gromada import guild_config, messaging, scheduled_events
from gromada.checks import is_admin
from gromada.errors import DiscordRefused, NotAllowed, NotConfigured, NotFound
from gromada.i18n import N_, _, _n, use_locale
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from models.activities import ActivityOccurrence, ActivitySeries, OccurrenceStatus
from models.core import BindingKind, Timer

log = logging.getLogger(__name__)


def _cog(bot):
    return bot.get_cog("ActivitiesCog")


def mark_dirty(bot, occurrence_id: int) -> None:
    """The date's card is out of date (the cog owns the bot's one Coalescer of cards)."""
    cog = _cog(bot)
    if cog is not None:
        cog.cards.mark_dirty(occurrence_id)


# ---------------------------------------------------------------- who coordinates


async def is_coordinator(member: discord.Member | discord.User) -> bool:
    if not isinstance(member, discord.Member):
        return False
    if is_admin(member):
        return True
    role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, service.COORDINATOR_PURPOSE.key)
    return role_id is not None and member.get_role(role_id) is not None


async def require_coordinator(member: discord.Member) -> None:
    if not await is_coordinator(member):
        raise NotAllowed(
            service.COORDINATORS_ONLY,
            role=await guild_config.role_shown(member.guild.id, service.COORDINATOR_PURPOSE.key),
        )


# ---------------------------------------------------------------- cards


async def _render(bot, occurrence: ActivityOccurrence) -> dict:
    signups = await service.participants(occurrence.pk)
    with use_locale(await language_for_guild(bot, occurrence.guild_id)):
        return {
            "embed": views.card_embed(occurrence, signups),
            "view": views.card_view(occurrence, ended=occurrence.ends_at <= now()),
        }


async def _post_card(bot, channel: discord.abc.Messageable, occurrence: ActivityOccurrence) -> discord.Message:
    payload = await _render(bot, occurrence)
    if payload["view"] is None:
        payload.pop("view")
    message = await channel.send(**payload, allowed_mentions=discord.AllowedMentions.none())
    await service.attach_card(occurrence.pk, message.channel.id, message.id)
    occurrence.channel_id, occurrence.message_id = message.channel.id, message.id
    return message


async def refresh_card(bot, occurrence_id: int) -> None:
    occurrence = await ActivityOccurrence.get_or_none(id=occurrence_id).prefetch_related("series")
    if occurrence is None or occurrence.message_id is None:
        return
    guild = bot.get_guild(occurrence.guild_id)
    channel = guild.get_channel_or_thread(occurrence.channel_id) if guild else None
    if channel is None:
        return
    payload = await _render(bot, occurrence)
    try:
        await channel.get_partial_message(occurrence.message_id).edit(**payload)
    except discord.NotFound:
        await service.attach_card(occurrence.pk, occurrence.channel_id, None)  # deleted by someone
    except discord.HTTPException:
        log.warning("could not refresh the card of activity date %s; the next change retries", occurrence_id)


# ---------------------------------------------------------------- Discord Scheduled Events


def _event_spec(occurrence: ActivityOccurrence) -> scheduled_events.EventSpec:
    series = occurrence.series
    return scheduled_events.EventSpec(
        name=occurrence.title,
        start=occurrence.starts_at,
        end=occurrence.ends_at,
        description=series.description,
        place=occurrence.place,
        channel_id=series.place_channel_id,
    )


async def create_event(guild: discord.Guild, occurrence: ActivityOccurrence) -> None:
    """Mirror a date as a Discord Scheduled Event; without the permission the date has none."""
    event_id = await scheduled_events.create(guild, _event_spec(occurrence))
    if event_id is not None:
        await service.attach_event(occurrence.pk, event_id)
        occurrence.event_id = event_id


async def update_event(guild: discord.Guild, occurrence: ActivityOccurrence) -> None:
    event_id = await scheduled_events.update(guild, occurrence.event_id, _event_spec(occurrence))
    if event_id != occurrence.event_id:
        await service.attach_event(occurrence.pk, event_id)
        occurrence.event_id = event_id


# ---------------------------------------------------------------- creating and extending


async def _activities_channel(guild: discord.Guild) -> discord.abc.Messageable:
    channel = await messaging.purpose_channel(guild, service.CHANNEL_PURPOSE.key)
    if channel is None:
        raise NotConfigured(service.NO_CHANNEL, command=service.NO_CHANNEL_COMMAND)
    return channel


async def create_activity(bot, guild: discord.Guild, planned: service.Planned, creator_id: int) -> ActivitySeries:
    """Create an activity, post the cards of its first dates and arm what follows."""
    channel = await _activities_channel(guild)
    series = await service.create_series(guild.id, planned, creator_id, now())
    dates = await service.extend(series, now())
    try:
        await _post_card(bot, channel, (await service.occurrence(dates[0].pk)))
    except discord.HTTPException:
        # Compensate: an activity nobody can see must not stay in the database.
        await series.delete()
        raise DiscordRefused(
            N_("I could not post the activity in {channel}. Let my role view it and send messages there."),
            channel=getattr(channel, "mention", "#activities"),
        ) from None
    for index, date_ in enumerate(dates):
        await _open_date(bot, guild, channel, date_, post_card=index > 0)
    await arm_window(bot, series)
    return series


async def _open_date(bot, guild: discord.Guild, channel, occurrence: ActivityOccurrence, *, post_card: bool) -> None:
    """A new date: its card, its Discord event, its deadlines and its series' regulars."""
    occurrence = await service.occurrence(occurrence.pk)
    if await service.seat_subscribers(occurrence, now()):
        mark_dirty(bot, occurrence.pk)
    if post_card:
        try:
            await _post_card(bot, channel, occurrence)
        except discord.HTTPException:
            log.warning("could not post the card of activity date %s", occurrence.pk, exc_info=True)
    await create_event(guild, occurrence)
    await arm_date(bot, occurrence)


async def arm_date(bot, occurrence: ActivityOccurrence) -> None:
    for name, moment in rules.reminder_moments(occurrence.starts_at, occurrence.ends_at, now()).items():
        await bot.timers.ensure(
            service.OCCURRENCE_TIMERS[name], moment, ref_id=occurrence.pk, guild_id=occurrence.guild_id
        )


async def arm_window(bot, series: ActivitySeries) -> None:
    due = service.next_window_check(series, now())
    if due is not None:
        await bot.timers.schedule(service.WINDOW_TIMER, due, ref_id=series.pk, guild_id=series.guild_id)


async def window_due(bot, timer: Timer) -> None:
    """The next date of a series entered the window: create it (and any others now in it)."""
    series = await service.series_by_id(timer.ref_id)
    if series is None or series.cancelled_at is not None:
        return
    guild = bot.get_guild(series.guild_id)
    if guild is None:
        return
    channel = await messaging.purpose_channel(guild, service.CHANNEL_PURPOSE.key)
    for date_ in await service.extend(series, now()):
        # Without the channel (deleted since), the date still has its event and reminders.
        await _open_date(bot, guild, channel, date_, post_card=channel is not None)
    await arm_window(bot, series)


# ---------------------------------------------------------------- joining and leaving


def _role_ids(member: discord.Member) -> set[int]:
    return {role.id for role in member.roles}


async def join_for(bot, member: discord.Member, occurrence_id: int) -> str:
    occurrence = await service.occurrence(occurrence_id, member.guild.id)
    await service.join(occurrence, member.id, _role_ids(member), now())
    mark_dirty(bot, occurrence.pk)
    return _(
        "You joined **{title}** on {date}. I will remind you a day and an hour before.",
        title=occurrence.title,
        date=views.when(occurrence.starts_at),
    )


async def leave_for(bot, member: discord.Member, occurrence_id: int) -> str:
    occurrence = await service.occurrence(occurrence_id, member.guild.id)
    await service.leave(occurrence, member.id, now())
    mark_dirty(bot, occurrence.pk)
    return _("You left **{title}** on {date}.", title=occurrence.title, date=views.when(occurrence.starts_at))


async def join_series_for(bot, member: discord.Member, series_id: int) -> str:
    series = await service.series_by_id(series_id)
    if series is None or series.guild_id != member.guild.id:
        raise NotFound(service.GONE)
    result = await service.join_series(series, member.id, _role_ids(member), now())
    for date_ in result.joined:
        mark_dirty(bot, date_.pk)
    text = _("You joined every date of **{title}**, those to come included.", title=series.title)
    if result.full:
        text += " " + _n(
            "{n} date is full already: {dates}.",
            "{n} dates are full already: {dates}.",
            len(result.full),
            dates=", ".join(discord.utils.format_dt(date_.starts_at, "D") for date_ in result.full[:10]),
        )
    return text


async def leave_series_for(bot, member: discord.Member, series_id: int) -> str:
    series = await service.series_by_id(series_id)
    if series is None or series.guild_id != member.guild.id:
        raise NotFound(service.GONE)
    for date_ in await service.leave_series(series, member.id, now()):
        mark_dirty(bot, date_.pk)
    return _("You left every date to come of **{title}**.", title=series.title)


# ---------------------------------------------------------------- cancelling


async def _cancel_date(bot, guild: discord.Guild, occurrence: ActivityOccurrence) -> None:
    for kind in service.OCCURRENCE_TIMERS.values():
        await bot.timers.cancel(kind, occurrence.pk)
    occurrence.status = OccurrenceStatus.CANCELLED
    mark_dirty(bot, occurrence.pk)
    await scheduled_events.cancel(guild, occurrence.event_id)
    for signup in await service.participants(occurrence.pk):
        await messaging.dm(
            bot,
            signup.user_id,
            guild_id=guild.id,
            render=lambda: views.cancelled_text(occurrence, guild.name),
        )


async def cancel(bot, guild: discord.Guild, occurrence: ActivityOccurrence, *, whole_series: bool) -> int:
    """Cancel one date or every date to come of its series; how many dates were cancelled."""
    if whole_series:
        series = occurrence.series
        dates = await service.cancel_series(series, now())
        await bot.timers.cancel(service.WINDOW_TIMER, series.pk)
    else:
        dates = [occurrence] if await service.cancel_occurrence(occurrence) else []
    for date_ in dates:
        await _cancel_date(bot, guild, date_)
    return len(dates)


async def edit_date(bot, guild: discord.Guild, occurrence: ActivityOccurrence, changes: dict) -> None:
    """Change one date (title, place, start): the card, the Discord event and the reminders follow."""
    starts_at = occurrence.starts_at
    await service.edit_occurrence(occurrence, changes, now())
    mark_dirty(bot, occurrence.pk)
    await update_event(guild, occurrence)
    if occurrence.starts_at != starts_at:  # its deadlines move with it
        for kind in service.OCCURRENCE_TIMERS.values():
            await bot.timers.cancel(kind, occurrence.pk)
        await arm_date(bot, occurrence)


async def edit_series(bot, guild: discord.Guild, occurrence: ActivityOccurrence, changes: dict) -> int:
    """Change every date to come of the occurrence's series; their cards and events follow."""
    dates = await service.edit_series(occurrence.series, changes, now())
    for date_ in dates:
        mark_dirty(bot, date_.pk)
        await update_event(guild, date_)
    return len(dates)


async def member_left(bot, member: discord.Member) -> None:
    for occurrence_id in await service.forget_member(member.guild.id, member.id, now()):
        mark_dirty(bot, occurrence_id)


# ---------------------------------------------------------------- deadlines due


async def _claimed(timer: Timer) -> ActivityOccurrence | None:
    return await service.claim(timer.ref_id, timer.kind)


async def _dm_participants(bot, occurrence: ActivityOccurrence, render) -> None:
    for signup in await service.participants(occurrence.pk):
        await messaging.dm(
            bot, signup.user_id, guild_id=occurrence.guild_id, render=lambda signup=signup: render(signup)
        )


def _server_name(bot, guild_id: int) -> str:
    guild = bot.get_guild(guild_id)
    return guild.name if guild else ""


async def remind_day(bot, timer: Timer) -> None:
    occurrence = await _claimed(timer)
    if occurrence is None:
        return
    server = _server_name(bot, occurrence.guild_id)
    await _dm_participants(bot, occurrence, lambda _signup: views.reminder_text(occurrence, server, soon=False))


async def remind_hour(bot, timer: Timer) -> None:
    occurrence = await _claimed(timer)
    if occurrence is None:
        return
    server = _server_name(bot, occurrence.guild_id)
    await _dm_participants(bot, occurrence, lambda _signup: views.reminder_text(occurrence, server, soon=True))


async def call_for_people(bot, timer: Timer) -> None:
    """48 hours before, a date with empty seats asks once in the channel (pinging nobody)."""
    occurrence = await _claimed(timer)
    if occurrence is None:
        return
    free = occurrence.seats - len(await service.participants(occurrence.pk))
    guild = bot.get_guild(occurrence.guild_id)
    if free <= 0 or guild is None:
        return
    posted = await messaging.post_to(
        bot,
        guild,
        service.CHANNEL_PURPOSE.key,
        lambda: views.call_text(occurrence, free, views.card_link(occurrence)),
    )
    if posted is None:
        await service.release(occurrence.pk, timer.kind)
        raise DiscordRefused(N_("I could not post in the activities channel."))


async def follow_up(bot, timer: Timer) -> None:
    """After the end, participants are asked whether it happened."""
    occurrence = await _claimed(timer)
    if occurrence is None:
        return
    mark_dirty(bot, occurrence.pk)  # its card loses Join and Leave
    server = _server_name(bot, occurrence.guild_id)
    await _dm_participants(
        bot,
        occurrence,
        lambda signup: {
            "content": views.followup_text(occurrence, server),
            "view": views.followup_view(signup.pk),
        },
    )


async def ensure_deadlines(bot) -> None:
    """At start: every open series keeps its window moving, every date keeps its deadlines."""
    current = now()
    for series in await service.open_series():
        due = service.next_window_check(series, current)
        if due is not None:
            await bot.timers.ensure(service.WINDOW_TIMER, due, ref_id=series.pk, guild_id=series.guild_id)
    # One query per kind of deadline: only the dates whose timer was lost are read.
    for name, kind in service.OCCURRENCE_TIMERS.items():
        await bot.timers.ensure_all(
            kind, service.awaiting(name, current), due=lambda date_, name=name: service.deadline(name, date_, current)
        )


# ---------------------------------------------------------------- calendar feeds


def feed_url(bot, token: str) -> str:
    return bot.settings.public_base_url() + service.FEED_PATH.format(token=token)


async def feed_link(bot, guild: discord.Guild, user_id: int | None, *, rotate: bool) -> str:
    return feed_url(bot, await service.feed_token(guild.id, user_id, now(), rotate=rotate))
