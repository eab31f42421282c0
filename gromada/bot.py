"""The bot: `create_bot(settings)` builds it; setup_hook opens everything, close() closes it."""

from __future__ import annotations

import logging
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

import cogs
from config.settings import Settings
from gromada import sql
from gromada.commands import mentions_of
from gromada.content_import import ContentImporter
from gromada.cooldowns import Cooldowns
from gromada.db import close_database, open_database
from gromada.error_handler import report_error
from gromada.interactions import activate
from gromada.metrics import Metrics
from gromada.scheduler import Timers
from gromada.translator import GromadaTranslator
from gromada.web import start_web
from models.core import MemberLocale, Timer

log = logging.getLogger(__name__)

REMEMBER_LOCALE = """
INSERT INTO member_locale (user_id, locale, updated_at) VALUES (?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, updated_at = excluded.updated_at"""

# A feature's contribution to /setup quickstart (posting its panel, say): (guild, report).
QuickstartStep = Callable[[discord.Guild, Any], Awaitable[None]]


def feature_extensions() -> list[str]:
    """Every package under cogs/, loaded as an extension (setup first: others build on it)."""
    names = sorted(info.name for info in pkgutil.iter_modules(cogs.__path__) if info.ispkg)
    return [f"cogs.{name}" for name in sorted(names, key=lambda name: name != "setup")]


class GromadaTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await activate(interaction)
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


class Gromada(commands.Bot):
    def __init__(self, settings: Settings) -> None:
        intents = discord.Intents.default()
        intents.members = True  # joins, leaves and role holders (onboarding, polls' electorate)
        intents.message_content = True  # mediation transcripts and buddies' activity in threads
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=GromadaTree,
            # Nothing pings anyone unless a message says so explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.settings = settings
        self.metrics = Metrics()
        self.timers = Timers(on_fired=lambda _timer, lag: self.metrics.scheduler_lag(lag))
        self.cooldowns = Cooldowns()
        self.quickstart_steps: list[QuickstartStep] = []
        self.content_importers: dict[str, ContentImporter] = {}
        # Routes features serve on the web server (aiohttp RouteDefs), added by their cogs.
        self.web_routes: list = []
        self._web = None
        self._known_locales: dict[int, str] = {}
        # Qualified command name -> its mention, learnt from Discord at start (gromada.commands).
        self.command_mentions: dict[str, str] = {}

    async def setup_hook(self) -> None:
        await open_database(self.settings)
        self.timers.start()
        await self.tree.set_translator(GromadaTranslator())
        for extension in feature_extensions():
            await self.load_extension(extension)
        armed = await self.timers.rearm()
        log.info("re-armed %s pending deadlines", armed)
        await self._learn_commands()
        if self.settings.web_enabled:
            self._web = await start_web(self)

    async def _learn_commands(self) -> None:
        """Sync the commands when asked, else read what Discord has: messages mention them by id."""
        if self.settings.sync_commands:
            synced = await self.tree.sync()
            log.info("synced %s slash commands", len(synced))
        else:
            try:
                synced = await self.tree.fetch_commands()
            except discord.HTTPException:
                # Messages then name the commands in plain text; nothing else depends on the ids.
                log.warning("could not fetch the slash commands; messages name them in plain text", exc_info=True)
                return
        self.command_mentions = mentions_of(synced)

    async def close(self) -> None:
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        self.timers.shutdown()
        await super().close()
        await close_database()

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        self.metrics.event(event_name)
        super().dispatch(event_name, *args, **kwargs)

    def add_timer_handler(self, kind: str, handler: Callable[[Timer], Awaitable[None]]) -> None:
        self.timers.register(kind, handler)

    async def remember_locale(self, user_id: int, language: str) -> None:
        """Keep the language someone uses, so later DMs reach them in it (written only on change).

        One upsert: a member's first click (here, since the start) costs one statement, not a
        read and a write in a transaction.
        """
        if self._known_locales.get(user_id) == language:
            return
        await sql.fetch(REMEMBER_LOCALE, user_id, language, sql.stored(MemberLocale, "updated_at", utcnow()))
        self._known_locales[user_id] = language


def create_bot(settings: Settings | None = None) -> Gromada:
    return Gromada(settings or Settings())
