"""`gromada demo`: the real bot inside SimCord's offline Discord, with a seeded server.

Without --script it serves SimCord's browser preview on 127.0.0.1, where you act as a
newcomer. With --script it walks the main flows of every feature and prints what people
would see. --language sets up the server in Polish or Russian and has everyone's Discord
speak it, so the walk shows what the community itself reads (the narration stays English).
Each feature contributes its walk in cogs/<feature>/demo.py:

    ORDER = 30                      # position in the walk
    async def walk(demo: Demo) -> None: ...
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import simcord
import simcord.interactions as sim_interactions

import cogs
from config.settings import Settings
from gromada import guild_config
from gromada.bot import create_bot
from gromada.db import close_database
from gromada.i18n import translate
from models.core import BindingKind

# The Discord client locale of someone who reads each language.
DISCORD_LOCALES = {"en": "en-US", "pl": "pl", "ru": "ru"}
COMMAND_MENTION = re.compile(r"</(?P<name>[^:>]+):\d+>")
ROLE_MENTION = re.compile(r"<@&(?P<id>\d+)>")


@dataclass
class Demo:
    """The seeded world a walk acts in, and the transcript it prints."""

    env: Any
    guild: Any
    admin: Any
    buddy: Any
    members: list[Any]
    language: str = "en"

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
        """Command and role mentions as Discord shows them: /poll close, @Member."""
        text = COMMAND_MENTION.sub(lambda match: f"/{match['name']}", text)
        guild = self.env.bot.get_guild(self.guild.id)

        def role_name(match: re.Match[str]) -> str:
            role = guild.get_role(int(match["id"])) if guild is not None else None
            return f"@{role.name}" if role is not None else match[0]

        return ROLE_MENTION.sub(role_name, text)

    def step(self, title: str) -> None:
        self.say(f"\n== {title} ==")

    def show(self, who: str, result) -> None:
        """Print what an interaction showed, as the person saw it."""
        for message in [result.response, *result.followups]:
            if message is None:
                continue
            text = message.content or ""
            for embed in message.embeds:
                text += f"\n[{embed.title or ''}] {embed.description or ''}"
                for embed_field in embed.fields:
                    text += f"\n  {embed_field.name}: {embed_field.value}"
            self.say(f"{who} sees{' (only them)' if result.ephemeral else ''}: {text.strip()}")

    def channel(self, name: str):
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


@contextmanager
def everyone_speaking(language: str) -> Iterator[None]:
    """Every interaction arrives with the Discord locale of `language` (SimCord sends en-US)."""
    original = sim_interactions.base_payload

    def localised(*args, **kwargs):
        record, payload = original(*args, **kwargs)
        payload["locale"] = DISCORD_LOCALES[language]
        if "guild_locale" in payload:
            payload["guild_locale"] = DISCORD_LOCALES[language]
        return record, payload

    sim_interactions.base_payload = localised
    try:
        yield
    finally:
        sim_interactions.base_payload = original


async def run_demo(*, script: bool, port: int | None = None, language: str = "en") -> int:
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
            with everyone_speaking(language):
                async with simcord.run(bot) as env:
                    return await _run(env, script=script, port=port, language=language)
        finally:
            # SimCord detaches the bot without closing it; release what it opened.
            bot.timers.shutdown()
            await close_database()


async def _run(env, *, script: bool, port: int | None, language: str) -> int:
    demo = await seed(env, language)
    demo.say(f"Seeded “{demo.guild.name}”: quickstart applied, a buddy and {len(demo.members)} members.")
    if not script:
        return await serve_preview(demo, port)
    for _order, name, walk in demo_walks():
        demo.step(name)
        await walk(demo)
    demo.say("\nDemo finished.")
    return 0


async def serve_preview(demo: Demo, port: int | None) -> int:
    newcomer = demo.guild.add_member(demo.env.create_user("nowa_osoba"))
    await demo.env.settle()
    welcome = demo.channel("welcome")
    threads = welcome.threads
    if threads:
        # Discord adds a person to a private thread when a message there mentions them (as the
        # bot's first welcome step does); SimCord does not model that, so the demo narrates it.
        demo.env.backend.add_thread_member(threads[-1].id, newcomer.id)
    # The newcomer's own welcome thread, else a channel they can open.
    for target in [*reversed(threads), welcome, demo.channel("general")]:
        try:
            preview = demo.env.preview(
                target, viewers=[newcomer], layout="channel", port=port, locale=DISCORD_LOCALES[demo.language]
            )
        except simcord.SetupError:
            continue
        async with preview:
            print(f"Gromada demo: open {preview.url} in a browser on this machine. Ctrl+C stops it.", flush=True)
            await preview.wait_closed()
        return 0
    print("No channel of the demo server can be shown to the newcomer.", file=sys.stderr)
    return 1
