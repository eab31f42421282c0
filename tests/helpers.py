"""Arranging servers and people for SimCord tests.

Every test builds its world from here: a `Server` (a guild with an admin and a member),
`quickstarted(env)` for one after /setup quickstart, and `dms(actor)` for what the bot wrote
to someone. A feature that needs more people adds them in tests/cogs/<feature>/helpers.py,
as functions or a thin subclass of `Server` named for that feature.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import discord
import pytest
import simcord.interactions as sim_interactions
from simcord.backend.errors import BackendError
from simcord.http import router

from gromada import guild_config
from models.core import BindingKind

ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)


class Server:
    """A SimCord guild with an admin and a plain member, the bot fully permitted."""

    def __init__(self, env) -> None:
        self.env = env
        self.guild = env.create_guild("Spółdzielnia Gromada")
        self.general = self.guild.create_text_channel("general")
        admins = self.guild.create_role("Board", permissions=ADMIN_PERMISSIONS)
        self.admin = self.guild.add_member(env.create_user("ala"), roles=[admins])
        self.member = self.guild.add_member(env.create_user("borys"))

    def set_bot_permissions(self, permissions: discord.Permissions) -> None:
        """Narrow the bot's integration role, as an admin editing it in server settings would."""
        backend = self.env.backend
        guild = backend.get_guild(self.guild.id)
        role = next(role for role in guild.roles.values() if role.managed)
        backend.edit_role(self.guild.id, role.id, {"permissions": permissions.value})

    def withhold_from_bot(self, *names: str) -> None:
        """The bot lacks these permissions server-wide, even through @everyone.

        @everyone loses them too, so the admin's role is given what @everyone gave: the admin
        still sees the channels and runs commands, as on a server that hides them from guests.
        """
        backend = self.env.backend
        guild = backend.get_guild(self.guild.id)
        everyone = guild.everyone_role
        board = self.guild.roles["Board"]
        given = discord.Permissions(int(everyone.permissions))
        backend.edit_role(self.guild.id, board.id, {"permissions": given.value | ADMIN_PERMISSIONS.value})
        withheld = discord.Permissions(**dict.fromkeys(names, True))
        backend.edit_role(self.guild.id, everyone.id, {"permissions": given.value & ~withheld.value})
        bot_role = next(role for role in guild.roles.values() if role.managed)
        backend.edit_role(self.guild.id, bot_role.id, {"permissions": int(bot_role.permissions) & ~withheld.value})

    async def open_command_to(self, name: str, actor) -> None:
        """An admin lets `actor` see a command despite its default permissions (Integrations settings)."""
        commands = await self.env.bot.tree.fetch_commands()
        command = next(command for command in commands if command.name == name)
        self.guild.set_command_permissions(command.id, {actor: True})
        await self.env.settle()

    def add_member(self, name: str, *roles):
        """A person joins the server holding these roles (SimCord role handles); settle after."""
        return self.guild.add_member(self.env.create_user(name), roles=list(roles))

    def role(self, name: str) -> discord.Role | None:
        """The discord.py role of this name, as the bot sees it."""
        return discord.utils.get(self.guild.me.guild.roles, name=name)

    def channel(self, name: str):
        """A SimCord channel handle by name."""
        return self.guild.channels[name]

    def text_channel(self, name: str) -> discord.TextChannel | None:
        """The discord.py text channel of this name, as the bot sees it, or None if there is none."""
        return discord.utils.get(self.discord_guild().text_channels, name=name)

    def discord_guild(self) -> discord.Guild:
        """The discord.py guild, as the bot sees it."""
        return self.guild.me.guild

    def discord_member(self, actor) -> discord.Member | None:
        """The discord.py member behind a SimCord actor, as the bot sees it."""
        return self.guild.me.guild.get_member(actor.id)

    async def role_for(self, purpose: str):
        """The SimCord role handle bound to a purpose ("mediator"), whatever it is called."""
        return await self._bound(BindingKind.ROLE, purpose, self.guild.roles.values())

    async def channel_for(self, purpose: str):
        """The SimCord channel handle bound to a purpose ("mod_log"), whatever it is called."""
        return await self._bound(BindingKind.CHANNEL, purpose, self.guild.channels.values())

    async def _bound(self, kind: BindingKind, purpose: str, handles):
        bound = await guild_config.binding(self.guild.id, kind, purpose)
        assert bound is not None, f"no {kind.value} is bound to {purpose!r}"
        return next(handle for handle in handles if handle.id == bound)


AnyServer = TypeVar("AnyServer", bound=Server)


async def quickstarted(env, language: str = "en", *, server_class: type[AnyServer] = Server) -> AnyServer:
    """A server (of `server_class`) on which the admin ran /setup quickstart in `language`."""
    server = server_class(env)
    await env.settle()
    await server.admin.slash(server.general, "setup quickstart", language=language)
    return server


async def forged_select(server, person, custom_id: str, values: list[str]):
    """`person` chooses `values` in a select carrying `custom_id`, on a message of the bot in the
    server's #general: a select's values are whatever a modified client sends, listed or not."""
    env = server.env
    component = {
        "type": discord.ComponentType.string_select.value,
        "custom_id": custom_id,
        "min_values": 0,
        "max_values": max(len(values), 1),
        "options": [{"label": value, "value": value} for value in values] or [{"label": "-", "value": "-"}],
    }
    env.backend.create_message(
        server.general.id, env.bot.user.id, "…", components=[{"type": 1, "components": [component]}]
    )
    await env.settle()
    return await person.select(server.general.last_message, values, custom_id=custom_id)


def answer_lost(monkeypatch: pytest.MonkeyPatch, method: str, path: str) -> None:
    """Discord carries out the next `method` call to `path`, but its answer is lost on the way back
    (a gateway's 5xx, a dropped connection). SimCord's inject_error fails a call before its
    effect only, so the router is wrapped: the effect is stored, then the call raises."""
    original = router.dispatch
    left = [1]

    def dispatch(backend, method_sent, path_sent, **kwargs):
        answer = original(backend, method_sent, path_sent, **kwargs)
        if (method_sent, path_sent) == (method, path) and left[0]:
            left[0] -= 1
            raise BackendError(502, 0, "Bad Gateway")
        return answer

    monkeypatch.setattr(router, "dispatch", dispatch)


def dms(actor) -> list[str]:
    """Everything the bot wrote to this person by direct message, oldest first."""
    user = getattr(actor, "user", actor)
    return [message.content for message in user.dm_channel.history() if message.author.bot]


def last_dm(actor) -> discord.Message | None:
    """The last direct message to this person (to click its buttons)."""
    user = getattr(actor, "user", actor)
    return user.dm_channel.last_message


def dm_containing(actor, text: str) -> discord.Message:
    """The first direct message the bot wrote to this person that contains `text`."""
    user = getattr(actor, "user", actor)
    return next(message for message in user.dm_channel.history() if message.author.bot and text in message.content)


@contextmanager
def speaking(monkeypatch: pytest.MonkeyPatch, actor, locale: str) -> Iterator[None]:
    """Make `actor`'s interactions arrive with a Discord locale (SimCord sends en-US)."""
    original = sim_interactions.base_payload

    def with_locale(*args, **kwargs):
        record, payload = original(*args, **kwargs)
        if kwargs.get("user_id") == actor.id:
            payload["locale"] = locale
        return record, payload

    monkeypatch.setattr(sim_interactions, "base_payload", with_locale)
    try:
        yield
    finally:
        monkeypatch.setattr(sim_interactions, "base_payload", original)


async def wait_out(env, window) -> None:
    """Let a member's cooldown pass at its default length (a gromada.cooldowns Action or window option)."""
    option = getattr(window, "window", window)
    await env.advance_time(option.default.total_seconds() + 1)


async def command_mention(env, name: str) -> str:
    """A mention of the slash command `name` ("poll close") as Discord spells it, with the id Discord gave it."""
    registered = await env.bot.tree.fetch_commands()
    top = next(command for command in registered if command.name == name.split()[0])
    return f"</{name}:{top.id}>"


def shown(result) -> str:
    """Everything the person saw in answer to an interaction, joined."""
    messages = [result.response, *result.followups]
    parts = []
    for message in messages:
        if message is None:
            continue
        parts.append(message.content or "")
        parts.extend(embed.description or "" for embed in message.embeds)
    return "\n".join(parts)


def refusal(env, result) -> str:
    """Assert the person got an ephemeral refusal caused by a domain error, not a crash.

    SimCord re-raises at teardown every error that reached the bot's error handler;
    expected refusals are acknowledged here, and anything else fails the test.
    """
    from gromada.error_handler import _unwrap
    from gromada.errors import GromadaError

    assert result.ephemeral, "a refusal must be ephemeral"
    unexpected = [error for error in env.errors if not isinstance(_unwrap(error), GromadaError)]
    assert not unexpected, f"unexpected errors behind the refusal: {unexpected!r}"
    return shown(result)


def deadline_failures(caplog: pytest.LogCaptureFixture) -> list[BaseException]:
    """The errors deadlines met, in order: the scheduler logs each one and retries the deadline.

    They never reach the bot's error handler (SimCord's `env.errors`), so a test that injects
    a failure into a deadline checks here that it met that failure, and only that one.
    """
    return [
        record.exc_info[1]
        for record in caplog.records
        if record.name == "gromada.scheduler" and record.exc_info and record.exc_info[1] is not None
    ]


def all_read_before_any_writes(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, sides: int = 2) -> None:
    """Make the coroutine function `owner.name` wait, after its read, until `sides` calls have read.

    The interleaving of a race where every side reads before any writes, on SQLite too (where
    Tortoise runs transactions one after another, so `asyncio.gather` alone may never show it).
    """
    read = getattr(owner, name)
    everyone_read = asyncio.Barrier(sides)

    async def read_then_wait(*args, **kwargs):
        result = await read(*args, **kwargs)
        await everyone_read.wait()
        return result

    monkeypatch.setattr(owner, name, read_then_wait)
