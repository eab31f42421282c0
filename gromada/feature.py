"""The one way a feature plugs into the bot: `FeatureCog`.

A feature's cog declares, in one place, what the bot must know about it beyond its slash
commands: the handlers of its deadlines (timer kinds owned by its service), its persistent
items (re-attached to old messages after a restart) and how to re-arm deadlines whose timer
rows were lost. Registration happens once, when the cog loads, the same way for every feature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import discord
from discord.ext import commands

from gromada.scheduler import TimerHandler

if TYPE_CHECKING:
    from gromada.bot import Gromada


class FeatureCog(commands.Cog):
    persistent_items: ClassVar[tuple[type[discord.ui.DynamicItem], ...]] = ()

    def __init__(self, bot: Gromada) -> None:
        self.bot = bot

    def timer_handlers(self) -> Mapping[str, TimerHandler]:
        """Timer kind -> the coroutine that handles a due timer of that kind."""
        return {}

    async def ensure_deadlines(self) -> None:
        """Arm (with `bot.timers.ensure`) the deadlines that must exist for the feature's open rows."""

    async def cog_load(self) -> None:
        for kind, handler in self.timer_handlers().items():
            self.bot.timers.register(kind, handler)
        if self.persistent_items:
            self.bot.add_dynamic_items(*self.persistent_items)
        await self.ensure_deadlines()

    async def cog_unload(self) -> None:
        if self.persistent_items:
            self.bot.remove_dynamic_items(*self.persistent_items)
