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
from gromada import cache_sync, sql
from gromada.commands import mentions_of
from gromada.content_import import ContentImporter
from gromada.cooldowns import Cooldowns
from gromada.db import close_database, open_database
from gromada.error_handler import report_error
from gromada.feature import wanted
from gromada.interactions import activate
from gromada.metrics import Metrics
from gromada.scheduler import Timers
from gromada.shards import IdentifyBuckets
from gromada.translator import GromadaTranslator
from models.core import MemberLocale, Timer

log = logging.getLogger(__name__)

REMEMBER_LOCALE = """
INSERT INTO member_locale (user_id, locale, updated_at) VALUES (?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, updated_at = excluded.updated_at"""

# A feature's contribution to /setup quickstart (posting its panel, say): (guild, report).
QuickstartStep = Callable[[discord.Guild, Any], Awaitable[None]]


def _guild_of(args: tuple[Any, ...]) -> int | None:
    """The server an event is about, when its first argument says (for the metrics' shard label)."""
    if not args:
        return None
    subject = args[0]
    if isinstance(subject, discord.Guild):
        return subject.id
    guild_id = getattr(subject, "guild_id", None)
    if isinstance(guild_id, int):
        return guild_id
    guild = getattr(subject, "guild", None)
    return guild.id if isinstance(guild, discord.Guild) else None


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
        self.shards_held = settings.shards()
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
            **self.shards_held.client_options(),
        )
        self.settings = settings
        self.metrics = Metrics(self.shards_held)
        self.timers = Timers(
            on_fired=lambda timer, lag: self.metrics.scheduler_lag(lag, timer.guild_id),
            shards=self.shards_held,
            ready=self.wait_until_ready,
        )
        self.cooldowns = Cooldowns()
        self.quickstart_steps: list[QuickstartStep] = []
        self.content_importers: dict[str, ContentImporter] = {}
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
        if not self.settings.is_sqlite:
            # Once every feature's caches exist: other processes on this database hear our writes.
            await cache_sync.start(self.settings.database_url, on_deadline=self.timers.written_elsewhere)
            self.timers.on_foreign = cache_sync.tell_owner
        armed = await self.timers.rearm()
        log.info("armed %s deadlines due soon (sweeps arm the later ones)", armed)
        await self._learn_commands()
        if self.settings.web_enabled:
            # aiohttp's server side is loaded only by a bot that serves /healthz and /metrics.
            from gromada.web import start_web

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
        """discord.py's own dispatch (commands.Bot's), but a feature's listener that declared when
        it has something to do (gromada.feature.listener) is started only then: each started
        listener is a task, whether or not it returns at once."""
        self.metrics.event(event_name, _guild_of(args))
        # Client's part: wait_for() waiters and the bot's own on_<event> method.
        super(commands.bot.BotBase, self).dispatch(event_name, *args, **kwargs)
        method = "on_" + event_name
        for listener in self.extra_events.get(method, ()):
            if wanted(listener, *args):
                self._schedule_event(listener, method, *args, **kwargs)

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


class ShardedGromada(Gromada, commands.AutoShardedBot):
    """Gromada holding some or all of Discord's shards (SHARD_COUNT, SHARD_IDS): gromada.shards."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._identify_buckets: IdentifyBuckets | None = None

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # Discord's max_concurrency buckets instead of discord.py's fixed 5 s per shard.
        if self._identify_buckets is None:
            try:
                limits = await self.fetch_session_start_limits()
                concurrency = limits.max_concurrency
            except (discord.HTTPException, discord.GatewayNotFound):
                concurrency = 1  # the slowest pace Discord ever asks for
            self._identify_buckets = IdentifyBuckets(concurrency)
        await self._identify_buckets.identify(shard_id or 0)


def create_bot(settings: Settings | None = None) -> Gromada:
    settings = settings or Settings()
    return ShardedGromada(settings) if settings.shards().sharded else Gromada(settings)
