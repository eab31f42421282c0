"""Mirroring a dated row (an activity's date, a meeting) as a Discord Scheduled Event.

The row is the truth and the event a courtesy: where the bot lacks Create Events or Manage
Events, or Discord refuses, the row works without one (the caller keeps None as its event id)
and /setup names the missing permission. A place that is a voice or stage channel makes an event there; any
other place an external event at that location.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import discord

log = logging.getLogger(__name__)

REASON = "Gromada calendar"


@dataclass(frozen=True)
class EventSpec:
    name: str
    start: datetime
    end: datetime
    description: str = ""
    place: str = ""
    channel_id: int | None = None


def may_manage_events(guild: discord.Guild) -> bool:
    # Create Events to make one, Manage Events to edit or cancel it later: both or none, so a
    # half-permitted bot makes no event it could not keep up to date.
    permissions = guild.me.guild_permissions
    return permissions.create_events and permissions.manage_events


def _fields(guild: discord.Guild, spec: EventSpec) -> dict:
    fields = {
        "name": spec.name[:100],
        "description": spec.description[:1000],
        "start_time": spec.start,
        "end_time": spec.end,
    }
    channel = guild.get_channel(spec.channel_id) if spec.channel_id else None
    if isinstance(channel, discord.StageChannel):
        return fields | {"entity_type": discord.EntityType.stage_instance, "channel": channel}
    if isinstance(channel, discord.VoiceChannel):
        return fields | {"entity_type": discord.EntityType.voice, "channel": channel}
    return fields | {"entity_type": discord.EntityType.external, "location": (spec.place or guild.name)[:100]}


async def create(guild: discord.Guild, spec: EventSpec) -> int | None:
    """The new event's id, or None when the bot may not or Discord refused (logged)."""
    if not may_manage_events(guild):
        return None
    try:
        event = await guild.create_scheduled_event(
            **_fields(guild, spec), privacy_level=discord.PrivacyLevel.guild_only, reason=REASON
        )
    except discord.HTTPException:
        log.warning("could not create the Discord event %r in guild %s", spec.name, guild.id, exc_info=True)
        return None
    return event.id


async def _event(guild: discord.Guild, event_id: int | None) -> discord.ScheduledEvent | None:
    if event_id is None:
        return None
    event = guild.get_scheduled_event(event_id)
    if event is not None:
        return event
    try:
        return await guild.fetch_scheduled_event(event_id)
    except discord.HTTPException:
        return None


async def update(guild: discord.Guild, event_id: int | None, spec: EventSpec) -> int | None:
    """Edit the event to match `spec` (created if it is gone); its id, or None."""
    event = await _event(guild, event_id)
    if event is None:
        return await create(guild, spec)
    try:
        await event.edit(**_fields(guild, spec), reason=REASON)
    except discord.HTTPException:
        log.warning("could not edit the Discord event %s", event_id, exc_info=True)
    return event.id


async def cancel(guild: discord.Guild, event_id: int | None) -> None:
    event = await _event(guild, event_id)
    if event is None:
        return
    try:
        if event.status == discord.EventStatus.scheduled:
            await event.cancel(reason=REASON)
        else:
            await event.delete(reason=REASON)
    except discord.HTTPException:
        log.warning("could not cancel the Discord event %s", event_id, exc_info=True)
