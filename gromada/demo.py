"""`gromada demo`: the real bot inside SimCord's offline Discord, with a seeded server.

Without --script it gives the server a history (gromada.demo_community) and serves a lobby
page on 127.0.0.1 (gromada.demo_lobby) from which you act as any of six people, in any
channel, in any of the three languages, with time moving. With --script it walks the main
flows of every feature and prints what people would see. --language sets up the server in
Polish or Russian and has everyone's Discord speak it, so the demo shows what the community
itself reads (the narration stays English). Each feature contributes, in
cogs/<feature>/demo.py:

    ORDER = 30                        # position in the walk
    async def walk(demo: Demo) -> None: ...
    async def furnish(demo: Demo) -> None: ...   # optional: its history in the browser demo
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import simcord
import simcord.interactions as sim_interactions
from babel.dates import format_date, format_datetime, format_time

import cogs
from config.settings import Settings
from gromada import guild_config
from gromada.bot import create_bot
from gromada.db import close_database
from gromada.error_handler import is_answered_refusal
from gromada.i18n import translate
from models.core import BindingKind

# The Discord client locale of someone who reads each language.
DISCORD_LOCALES = {"en": "en-US", "pl": "pl", "ru": "ru"}
BOT_NAME = "Gromada"
COMMAND_MENTION = re.compile(r"</(?P<name>[^:>]+):\d+>")
ROLE_MENTION = re.compile(r"<@&(?P<id>\d+)>")
USER_MENTION = re.compile(r"<@!?(?P<id>\d+)>")
CHANNEL_MENTION = re.compile(r"<#(?P<id>\d+)>")
TIMESTAMP = re.compile(r"<t:(?P<seconds>-?\d+)(?::(?P<style>[tTdDfFR]))?>")
# "until <t:…:f> (<t:…:R>)": Discord shows the moment twice, in two ways; a transcript once.
MOMENT_TWICE = re.compile(r"<t:(?P<seconds>-?\d+):[fF]> \(<t:(?P=seconds):R>\)")
BOLD = re.compile(r"\*\*(?P<text>.+?)\*\*", re.DOTALL)
# A jump in time settles every deadline in it; see advance().
JUMP_SETTLE_TIMEOUT = 60.0


async def advance(env, seconds: float) -> None:
    """Move the demo's clock; every deadline in the jump runs before this returns.

    A week's jump runs many deadlines, so it gets a long settle limit. Clicks keep SimCord's
    short one on purpose: the limit also decides which timers a click waits for in real time
    (any whose real-time fallback is due within it), and with a minute's limit a click next to
    a scheduler wake-up stood still for that minute and then failed.
    """
    ordinary = env.settle_timeout
    env.settle_timeout = max(ordinary, JUMP_SETTLE_TIMEOUT)
    try:
        await env.advance_time(seconds)
    finally:
        env.settle_timeout = ordinary


@dataclass
class Demo:
    """The seeded world a walk acts in, and the transcript it prints."""

    env: Any
    guild: Any
    admin: Any
    buddy: Any
    members: list[Any]
    language: str = "en"
    # The people a visitor can be in the browser demo, by role ("newcomer", "buddy", …).
    people: dict[str, Any] = field(default_factory=dict)
    # Per person, the last direct message from the bot a walk has seen (see new_dms).
    _dms_seen: dict[int, int] = field(default_factory=dict, repr=False)
    # The direct messages printed so far, by id, with the text printed.
    _dms_printed: dict[int, str] = field(default_factory=dict, repr=False)

    async def advance(self, seconds: float) -> None:
        await advance(self.env, seconds)

    def label(self, message: str) -> str:
        """A button or field as people see it in the demo's language; walks mark it with N_()."""
        return translate(message, locale=self.language)

    async def role(self, purpose: str):
        """The role quickstart set up for a purpose, whatever it is called in this language."""
        role_id = await guild_config.binding(self.guild.id, BindingKind.ROLE, purpose)
        return next(role for role in self.guild.roles.values() if role.id == role_id)

    def say(self, text: str) -> None:
        print(self.readable(text), flush=True)

    def readable(self, text: str) -> str:
        """Discord markup as a person reads it: /poll close, @Member, @celina, #decisions, a date."""
        text = COMMAND_MENTION.sub(lambda match: f"/{match['name']}", text)
        guild = self.env.bot.get_guild(self.guild.id)

        def role_name(match: re.Match[str]) -> str:
            role = guild.get_role(int(match["id"])) if guild is not None else None
            return f"@{role.name}" if role is not None else match[0]

        def person_name(match: re.Match[str]) -> str:
            person_id = int(match["id"])
            person = (guild.get_member(person_id) if guild is not None else None) or self.env.bot.get_user(person_id)
            return f"@{person.display_name}" if person is not None else match[0]

        def channel_name(match: re.Match[str]) -> str:
            channel = self.env.bot.get_channel(int(match["id"]))
            return f"#{channel.name}" if channel is not None else match[0]

        text = ROLE_MENTION.sub(role_name, text)
        text = USER_MENTION.sub(person_name, text)
        text = CHANNEL_MENTION.sub(channel_name, text)
        text = TIMESTAMP.sub(self._moment, MOMENT_TWICE.sub(r"<t:\g<seconds>:f>", text))
        return BOLD.sub(r"\g<text>", text)

    def _moment(self, match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match["seconds"]), UTC)
        style = match["style"] or "f"
        if style in "dD":
            return format_date(moment, "d MMM y", locale=self.language)
        if style in "tT":
            return format_time(moment, "HH:mm", locale=self.language)
        return format_datetime(moment, "d MMM y, HH:mm", locale=self.language)

    def new_dms(self, person) -> list[discord.Message]:
        """The bot's direct messages to `person` that arrived during this walk and were not
        printed yet, so that each DM is printed once, where it arrives."""
        user = getattr(person, "user", person)
        fresh = [
            message
            for message in user.dm_channel.history()
            if message.author.bot and message.id > self._dms_seen.get(user.id, 0)
        ]
        if fresh:
            self._dms_seen[user.id] = fresh[-1].id
        return fresh

    def say_dm(self, who: str, message) -> None:
        """Print a direct message the bot sent, once: `show` leaves it out when a click on it
        answers with the same message unchanged."""
        self._dms_printed[message.id] = message.content
        self.say(f"{who} gets a DM: {message.content}")

    def _walk_begins(self) -> None:
        """What the earlier walks left in people's direct messages is theirs, not this walk's."""
        backend = self.env.backend
        for user_id, channel_id in backend.dm_channels.items():
            messages = backend.messages.get(channel_id)
            if messages:
                self._dms_seen[user_id] = max(messages)

    def step(self, title: str) -> None:
        self._walk_begins()
        self.say(f"\n== {title} ==")

    def show(self, who: str, result) -> None:
        """Print what an interaction showed, as the person saw it."""
        for message in [result.response, *result.followups]:
            if message is None or self._dms_printed.get(message.id) == message.content:
                continue
            text = message.content or ""
            for embed in message.embeds:
                text += f"\n[{embed.title or ''}] {embed.description or ''}"
                for embed_field in embed.fields:
                    text += f"\n  {embed_field.name}: {embed_field.value}"
            self.say(f"{who} sees{' (only them)' if result.ephemeral else ''}: {text.strip()}")

    def channel(self, name: str):
        """A channel by name; a purpose's (decisions, mod-log…) by its English name, found under
        the name quickstart gave it in the demo's language."""
        for kind in (BindingKind.CHANNEL, BindingKind.CATEGORY):
            for purpose in guild_config.purposes(kind):
                if purpose.default_name == name:
                    return self.guild.channels[purpose.name_in(self.language)]
        return self.guild.channels[name]


def demo_walks() -> list[tuple[int, str, Any]]:
    walks = []
    for info in pkgutil.iter_modules(cogs.__path__):
        try:
            module = importlib.import_module(f"cogs.{info.name}.demo")
        except ModuleNotFoundError:
            continue
        walks.append((getattr(module, "ORDER", 50), info.name, module.walk))
    return sorted(walks)


async def seed(env, language: str = "en") -> Demo:
    guild = env.create_guild("Gromada demo")
    board = guild.create_role("Board", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("ala_admin"), roles=[board])
    general = guild.create_text_channel("general")
    # People read the bot's messages under the name it has on a real server.
    await env.bot.user.edit(username=BOT_NAME)
    await env.settle()
    await admin.slash(general, "setup quickstart", language=language)
    demo = Demo(env=env, guild=guild, admin=admin, buddy=None, members=[], language=language)
    # Long-standing members: they already hold Member, so onboarding leaves them be.
    member_role = await demo.role("member")
    demo.buddy = guild.add_member(env.create_user("basia_buddy"), roles=[member_role, await demo.role("buddy")])
    demo.members = [
        guild.add_member(env.create_user(name), roles=[member_role]) for name in ("celina", "dmitrij", "edward")
    ]
    await env.settle()
    return demo


@dataclass
class Speaking:
    """The language everyone's Discord speaks; the lobby changes it while the demo runs."""

    language: str


@contextmanager
def everyone_speaking(language: str) -> Iterator[Speaking]:
    """Every interaction arrives with the Discord locale of the language (SimCord sends en-US)."""
    speaking = Speaking(language)
    original = sim_interactions.base_payload

    def localised(*args, **kwargs):
        record, payload = original(*args, **kwargs)
        payload["locale"] = DISCORD_LOCALES[speaking.language]
        if "guild_locale" in payload:
            payload["guild_locale"] = DISCORD_LOCALES[speaking.language]
        return record, payload

    sim_interactions.base_payload = localised
    try:
        yield speaking
    finally:
        sim_interactions.base_payload = original


def add_mentioned_people_to_threads(env) -> None:
    """Discord adds a person to a private thread when a new message there mentions them (so the
    welcome's first message brings the newcomer in, and its buddy ping the buddy); SimCord does
    not model that, so the browser demo does."""
    backend = env.backend

    def on_event(event: str, payload: dict) -> None:
        if event != "MESSAGE_CREATE":
            return
        channel = backend.channels.get(int(payload["channel_id"]))
        if channel is not None and channel.is_thread:
            for person in payload.get("mentions", []):
                backend.add_thread_member(channel.id, int(person["id"]))

    backend.subscribers.append(on_event)


def count_only_crashes(env) -> None:
    """Tell SimCord that a refusal the bot answered is not a bot error.

    SimCord records every exception that reaches the bot's error handlers, the refusals that
    Gromada's one error path answers with an ephemeral explanation included (the tests rely on
    that). Its preview asks for those errors after each action and shows any as "The bot
    action failed"; here it hears only of the errors the person was not answered for.
    """
    recorded = env.errors_since

    def crashes_since(cursor: int) -> tuple[BaseException, ...]:
        return tuple(error for error in recorded(cursor) if not is_answered_refusal(error))

    env.errors_since = crashes_since


async def run_demo(*, script: bool, port: int | None = None, language: str = "en", wall_clock: bool = True) -> int:
    with tempfile.TemporaryDirectory(prefix="gromada-demo-") as folder:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite://{Path(folder) / 'demo.sqlite3'}",
            web_enabled=False,
            sync_commands=True,
            log_format="text",
            log_level="WARNING",
        )
        bot = create_bot(settings)
        try:
            with everyone_speaking(language) as speaking:
                async with simcord.run(bot) as env:
                    count_only_crashes(env)
                    return await _run(env, script=script, port=port, speaking=speaking, wall_clock=wall_clock)
        finally:
            # SimCord detaches the bot without closing it; release what it opened.
            bot.timers.shutdown()
            await close_database()


async def _run(env, *, script: bool, port: int | None, speaking: Speaking, wall_clock: bool) -> int:
    demo = await seed(env, speaking.language)
    demo.say(f"Seeded “{demo.guild.name}”: quickstart applied, a buddy and {len(demo.members)} members.")
    if not script:
        return await serve_lobby(demo, port, speaking, wall_clock=wall_clock)
    for _order, name, walk in demo_walks():
        demo.step(name)
        await walk(demo)
    demo.say("\nDemo finished.")
    return 0


async def serve_lobby(demo: Demo, port: int | None, speaking: Speaking, *, wall_clock: bool) -> int:
    from gromada.demo_community import furnish
    from gromada.demo_lobby import Lobby  # aiohttp's server side, only for the browser demo

    personas = await furnish(demo)
    demo.say("Every feature has something under way: " + ", ".join(p.actor.name for p in personas) + ".")
    return await Lobby(demo, personas, speaking, wall_clock=wall_clock).serve(port)
