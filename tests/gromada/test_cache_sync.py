"""Processes sharing one PostgreSQL hear each other's writes and drop what they kept.

Two processes' worth of caches live in this one test process: each "process" is its own
GuildCache objects and its own CacheSync (its own listening connection). The database they
share is real for the notices; the cached rows are a stand-in (tests/gromada/test_cache.py).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import asyncpg
import pytest
from discord.utils import utcnow

from config.settings import Settings
from gromada import cache_sync, guild_config
from gromada.cache import GuildCache
from gromada.cache_sync import CacheSync
from gromada.db import close_database, open_database
from gromada.scheduler import Timers
from gromada.shards import Shards
from models.core import GuildSettings, Timer, TimerStatus
from tests.cogs.setup.test_changes_take_effect import join, welcome_of
from tests.conftest import POSTGRES_URL
from tests.gromada.test_cache import Rows
from tests.gromada.test_sharding import guild_on
from tests.helpers import quickstarted

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="processes share a database only on PostgreSQL (GROMADA_TEST_DATABASE_URL)"
)


async def until(condition, *, within: float = 5.0) -> float:
    """Wait (in real time: the notice travels through PostgreSQL) until `condition()` holds; seconds taken."""
    started = time.perf_counter()
    while not condition():
        assert time.perf_counter() - started < within, "the other process never heard of the change"
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


class Process:
    """One process's cache of a server's language, linked to the others through the database."""

    def __init__(self, rows: Rows, database_url: str) -> None:
        self.cache = GuildCache(rows.load, name="test.language")
        self.sync = CacheSync(database_url, [self.cache])

    def holds(self, guild_id: int) -> bool:
        return guild_id in self.cache._values


@pytest.fixture
async def two_processes(database_url):
    rows = Rows()
    # DATABASE_URL may carry the pool's options: the listening connection leaves them out.
    first = Process(rows, f"{database_url}?maxsize=3&max_inactive_connection_lifetime=0")
    second = Process(rows, database_url)
    await first.sync.start()
    await second.sync.start()
    yield rows, first, second
    await first.sync.close()
    await second.sync.close()


async def test_a_write_in_one_process_is_read_afresh_in_the_other_on_postgres(two_processes):
    rows, first, second = two_processes
    for process in (first, second):
        assert await process.cache.get(1) == "1:en"
        assert await process.cache.get(2) == "2:en"
    assert rows.reads == 4

    rows.language = "pl"
    first.cache.forget(1)
    took = await until(lambda: not second.holds(1))

    assert await second.cache.get(1) == "1:pl"
    assert await first.cache.get(1) == "1:pl"
    # Only that server's value was dropped, and the writer's own notice did not drop it again.
    assert await second.cache.get(2) == "2:en"
    assert rows.reads == 6
    await asyncio.sleep(0.05)  # the writer's own notice has come back by now
    assert first.holds(1)
    print(f"a change reached the other process in {took * 1000:.1f} ms")


async def test_a_process_that_cannot_hear_the_others_keeps_nothing_until_it_can_on_postgres(
    two_processes, database_url, monkeypatch
):
    rows, first, second = two_processes
    monkeypatch.setattr(cache_sync, "RECONNECT_PAUSES", (0.05,))
    assert await second.cache.get(1) == "1:en"
    listening = second.sync._connection.get_server_pid()

    admin = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", listening)
    finally:
        await admin.close()
    await until(lambda: not second.cache.keeping)

    # Deaf: a change made meanwhile by the first is unheard, but nothing stale is answered.
    rows.language = "pl"
    first.cache.forget(1)
    assert await second.cache.get(1) == "1:pl"
    assert not second.holds(1)

    # Listening again: values are kept, and the next change is heard.
    await until(lambda: second.cache.keeping)
    assert await second.cache.get(1) == "1:pl"
    assert second.holds(1)
    rows.language = "ru"
    first.cache.forget(1)
    await until(lambda: not second.holds(1))
    assert await second.cache.get(1) == "1:ru"


async def test_a_language_set_through_another_process_speaks_to_the_next_newcomer_on_postgres(
    simcord_env, database_url
):
    server = await quickstarted(simcord_env)
    first = await join(server, "first")  # the bot has read and kept the server's language
    # Another process of the same bot: its own copy of the server configuration's cache.
    elsewhere = GuildCache(guild_config._load)
    other = CacheSync(database_url, [elsewhere])
    await other.start()
    try:
        await GuildSettings.filter(guild_id=server.guild.id).update(language="pl")
        elsewhere.forget(server.guild.id)
        await until(lambda: server.guild.id not in guild_config._STORED._values)
    finally:
        await other.close()

    second = await join(server, "second")

    assert welcome_of(server, first).embeds[0].title == "We cooperate"
    assert welcome_of(server, second).embeds[0].title == "Współpracujemy"


async def test_a_deadline_written_for_a_server_held_elsewhere_is_armed_there_at_once_on_postgres(database_url):
    # Two processes, one shard each. The first writes a deadline due in a second for a server
    # on the second's shard (as a direct message, which Discord sends to shard 0, may): the
    # second arms it at once, not at its next sweep hours later, and only it runs it.
    await open_database(Settings(_env_file=None, database_url=database_url))
    ran: list[str] = []
    processes = []
    try:
        for shard in (0, 1):
            timers = Timers(shards=Shards.of(2, [shard]))

            async def handler(timer: Timer, shard=shard) -> None:
                ran.append(f"shard {shard}")

            timers.register("test.elsewhere", handler)
            timers.start()
            await timers.rearm()
            sync = CacheSync(database_url, [], on_deadline=timers.written_elsewhere)
            await sync.start()
            timers.on_foreign = sync.tell_owner
            processes.append((timers, sync))
        writer = processes[0][0]

        await writer.schedule("test.elsewhere", utcnow() + timedelta(seconds=1), ref_id=1, guild_id=guild_on(1, 2))
        await until(lambda: ran, within=10)

        assert ran == ["shard 1"]
        assert await Timer.filter(kind="test.elsewhere", status=TimerStatus.DONE).count() == 1
    finally:
        for timers, sync in processes:
            timers.shutdown()
            await sync.close()
        await close_database()
