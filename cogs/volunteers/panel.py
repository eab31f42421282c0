"""Volunteer panels: posting one per channel and keeping them current with coalesced edits.

A change marks the server's panels dirty; every few seconds the dirty servers' panels are
edited once, so a burst of claims costs one edit, not one per click (Discord rate-limits
message edits).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import tasks

from cogs.volunteers import service
from cogs.volunteers.views import panel_embed, panel_view
from gromada.i18n import use_locale
from gromada.interactions import language_for_guild
from gromada.ui import NO_MENTIONS

log = logging.getLogger(__name__)

REFRESH_DELAY = 3.0


async def render(bot, guild: discord.Guild) -> tuple[discord.Embed, discord.ui.View]:
    states = await service.catalogue_state(guild.id)
    lines = service.panel_lines(states)
    with use_locale(await language_for_guild(bot, guild.id)):
        return panel_embed(guild.name, lines), panel_view(guild.id, lines, [state.role.pk for state in states])


async def post(bot, channel: discord.TextChannel) -> tuple[discord.Message | discord.PartialMessage, bool]:
    """Post the panel in `channel`, or refresh the one already there (True when reused)."""
    embed, view = await render(bot, channel.guild)
    existing = await service.panel_in(channel.guild.id, channel.id)
    if existing is not None:
        message = channel.get_partial_message(existing.message_id)
        try:
            await message.edit(embed=embed, view=view)
            return message, True
        except discord.NotFound:
            await service.forget_panel(existing)
    message = await channel.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
    await service.remember_panel(channel.guild.id, channel.id, message.id)
    return message, False


async def refresh(bot, guild_id: int) -> int:
    """Edit every panel of a server once; returns how many were edited."""
    guild = bot.get_guild(guild_id)
    if guild is None:
        return 0
    embed, view = await render(bot, guild)
    edited = 0
    for panel in await service.panels(guild_id):
        channel = guild.get_channel(panel.channel_id)
        if channel is None:
            await service.forget_panel(panel)
            continue
        try:
            await channel.get_partial_message(panel.message_id).edit(embed=embed, view=view)
            edited += 1
        except discord.NotFound:
            await service.forget_panel(panel)  # deleted by someone: stop editing it
        except discord.HTTPException:
            log.warning("could not refresh the volunteer panel %s; the next change retries", panel.message_id)
    return edited


class PanelRefresher:
    """Servers whose panels are out of date, refreshed together at most every few seconds.

    A change adds the server to a set and wakes a discord.ext.tasks loop: its first round
    edits at once, later rounds pick up whatever changed meanwhile, and the loop stops
    after a quiet round. However many people click, a panel is edited at most once per
    period, and an idle bot runs no loop at all.
    """

    def __init__(self, bot, period: float = REFRESH_DELAY) -> None:
        self.bot = bot
        self._dirty: set[int] = set()
        self._stopping = False
        self._closed = False
        self._loop = tasks.loop(seconds=period)(self._tick)

    def stop(self) -> None:
        self._closed = True
        self._loop.cancel()

    def mark_dirty(self, guild_id: int) -> None:
        self._dirty.add(guild_id)
        self._wake()

    def _wake(self) -> None:
        if self._closed:
            return
        if not self._loop.is_running():
            self._stopping = False
            self._loop.start()
        elif self._stopping:
            # The loop is winding down after a quiet round: start again once it has ended.
            self._loop.get_task().add_done_callback(lambda _task: self._wake() if self._dirty else None)

    async def _tick(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if not dirty:
            self._stopping = True
            self._loop.stop()
            return
        for guild_id in dirty:
            try:
                await refresh(self.bot, guild_id)
            except Exception:
                log.exception("volunteer panel refresh failed for guild %s", guild_id)
