"""The one way a feature plugs into the bot: `FeatureCog`.

A feature's cog declares, in one place, what the bot must know about it beyond its slash
commands: the handlers of its deadlines (timer kinds owned by its service), its persistent
items (re-attached to old messages after a restart) and how to re-arm deadlines whose timer
rows were lost. Registration happens once, when the cog loads, the same way for every feature.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import discord
from discord.ext import commands

from gromada.scheduler import TimerHandler

if TYPE_CHECKING:
    from gromada.bot import Gromada

log = logging.getLogger(__name__)
Listener = TypeVar("Listener", bound=Callable[..., Any])


def listener(*, when: Callable[..., bool]) -> Callable[[Listener], Listener]:
    """`commands.Cog.listener()` whose coroutine is started only for the events `when` accepts.

    discord.py starts a task for every listener of every event, and most events concern one
    feature at most: a newcomer's join wakes every feature that follows joins, role changes and
    messages. A task that returns at once still costs its scheduling (in the simulated Discord
    of the benchmarks, about as much as a database statement). `when` gets the event's
    arguments and answers at once, from them and what is already in memory (never reading the
    database, nothing awaited), whether the listener could have anything to do; the bot's
    `dispatch` asks it first. When it cannot tell (a cache not loaded yet), it says yes.
    """

    def decorate(function: Listener) -> Listener:
        function.__gromada_when__ = when  # type: ignore[attr-defined]
        return commands.Cog.listener()(function)

    return decorate


def wanted(listener: Callable[..., Any], *args: Any) -> bool:
    """Whether `listener` should be started for an event with `args` (see `listener`).

    A condition that fails says nothing: the listener is started and decides for itself.
    """
    when = getattr(listener, "__gromada_when__", None)
    if when is None:
        return True
    try:
        return bool(when(*args))
    except Exception:
        log.exception("the condition of %s failed; starting it anyway", listener)
        return True


# Conditions shared by several features' listeners.


def said_by_a_person_in_a_server(message: discord.Message) -> bool:
    return message.guild is not None and not message.author.bot


def roles_taken(before: discord.Member, after: discord.Member) -> bool:
    kept = {role.id for role in after.roles}
    return any(role.id not in kept for role in before.roles)


def held_roles(member: discord.Member) -> set[int]:
    """The ids of the member's roles, @everyone aside."""
    return {role.id for role in member.roles if not role.is_default()}


def changed_roles(before: discord.Member, after: discord.Member) -> set[int]:
    """The ids of the roles given or taken away."""
    return {role.id for role in before.roles} ^ {role.id for role in after.roles}


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
