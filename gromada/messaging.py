"""Reaching people and places: a member by id, a direct message, the channel that serves a purpose.

Every feature writes to people and to configured channels the same way: the text is built by a
`render` callback inside the reader's language (the person's for a DM, the server's for a
channel), nobody is pinged unless the payload says so, and a refusal by Discord comes back as
None (and a log line) so the caller decides what a missed message means for its rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord

from gromada import guild_config
from gromada.i18n import use_locale
from gromada.interactions import language_for_guild, language_for_member
from gromada.replies import NO_MENTIONS
from models.core import BindingKind

log = logging.getLogger(__name__)

# What a render callback returns: message text, send() keyword arguments, or several of either.
Payload = str | dict[str, Any]
Render = Callable[[], Payload | Sequence[Payload]]


async def with_all_members(guild: discord.Guild) -> discord.Guild:
    """The guild with its member cache filled: after a restart it holds nobody until chunked,
    so role holders read from it then (an electorate, buddies, volunteers) would be none."""
    if not guild.chunked:
        await guild.chunk()
    return guild


async def member_of(guild: discord.Guild | None, user_id: int) -> discord.Member | None:
    """A member from the cache, else from Discord (the cache may be cold after a restart)."""
    if guild is None:
        return None
    member = guild.get_member(user_id)
    if member is not None:
        return member
    try:
        return await guild.fetch_member(user_id)
    except discord.HTTPException:
        return None


def _payloads(rendered: Payload | Sequence[Payload]) -> list[dict[str, Any]]:
    items = [rendered] if isinstance(rendered, str | dict) else list(rendered)
    return [
        {"allowed_mentions": NO_MENTIONS} | ({"content": item} if isinstance(item, str) else item) for item in items
    ]


async def _send(target: discord.abc.Messageable, payloads: list[dict[str, Any]]) -> discord.Message | None:
    message = None
    for payload in payloads:
        message = await target.send(**payload)
    return message


async def dm(bot: discord.Client, user_id: int, *, guild_id: int | None, render: Render) -> discord.Message | None:
    """Write to someone in their language; the last message sent, or None when they cannot be reached."""
    user = bot.get_user(user_id)
    try:
        user = user or await bot.fetch_user(user_id)
        with use_locale(await language_for_member(bot, user_id, guild_id)):
            payloads = _payloads(render())
        return await _send(user, payloads)
    except discord.HTTPException:
        log.info("could not DM user %s", user_id)
        return None


async def purpose_channel(guild: discord.Guild, purpose: str) -> discord.abc.Messageable | None:
    """The channel an admin set for `purpose` (mod_log, decisions, ...), if it still exists."""
    channel_id = await guild_config.binding(guild.id, BindingKind.CHANNEL, purpose)
    channel = guild.get_channel_or_thread(channel_id) if channel_id else None
    return channel if isinstance(channel, discord.abc.Messageable) else None


async def post_to(bot: discord.Client, guild: discord.Guild, purpose: str, render: Render) -> discord.Message | None:
    """Post in the channel that serves `purpose`, in the server's language; None if missing or refused."""
    channel = await purpose_channel(guild, purpose)
    if channel is None:
        log.warning("no %s channel in guild %s", purpose, guild.id)
        return None
    with use_locale(await language_for_guild(bot, guild.id)):
        payloads = _payloads(render())
    try:
        return await _send(channel, payloads)
    except discord.HTTPException:
        log.warning("could not post in the %s channel of guild %s", purpose, guild.id, exc_info=True)
        return None
