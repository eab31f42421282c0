"""Processes sharing one PostgreSQL tell each other which server's cached values a write changed.

Per-server values are kept in memory (gromada.cache) and dropped by the process that writes
them. With several processes (a sharded bot), each `forget` is also sent with PostgreSQL's
NOTIFY on the channel `gromada_cache` as `<origin> <cache name> <server id>`, and every
process LISTENs on a connection of its own (asyncpg, outside Tortoise's pool, as LISTEN
holds its connection) and drops what it kept for that server. The writer sends it after its
write is committed (callers forget after their transaction), so a process that reads again
on hearing it reads the new rows. Its own notices come back to a process too; the origin
tells them apart, and they are ignored.

Measured on one machine's loopback (tests/gromada/test_cache_sync.py prints it): a notice
reaches the other process in about a millisecond. Between the write and that moment the
other process may still answer from the old values, as it did between a write and a read
within one process before.

What NOTIFY does not give: delivery to a process that is not listening. When the listening
connection drops, every cache is emptied and keeps nothing (each read goes to the database)
until a new connection listens again, so no value read before the gap survives it. Notices
this process could not send (its connection down) are sent once it is back.

The same connection carries one more kind of notice, on `gromada_deadlines`: a deadline
written by a process for a server it does not hold (a direct message, which Discord sends to
shard 0, setting a deadline on a server elsewhere), as `<timer id> <server id>`. The process
holding that server arms it at once, instead of at its next sweep hours later.

SQLite serves one process (gromada.__main__ refuses to share it), so nothing is sent there.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from tortoise.backends.base.config_generator import expand_db_url

from gromada.cache import GuildCache, all_caches

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

CHANNEL = "gromada_cache"
DEADLINES = "gromada_deadlines"
# Seconds between attempts to listen again after the connection dropped.
RECONNECT_PAUSES = (1, 2, 5, 10, 30)


# What asyncpg.connect takes from DATABASE_URL: the URL's other options are the pool's
# (maxsize, max_inactive_connection_lifetime…), which PostgreSQL would refuse as settings.
CONNECTION_KEYS = ("host", "port", "user", "password", "database", "ssl")


def connection_arguments(database_url: str) -> dict[str, object]:
    """The listening connection's arguments, read from the URL the way Tortoise reads it."""
    credentials = expand_db_url(database_url)["credentials"]
    return {key: credentials[key] for key in CONNECTION_KEYS if credentials.get(key) is not None}


class CacheSync:
    """One process's link to the others: announces its forgets, hears theirs."""

    def __init__(
        self,
        database_url: str,
        caches: Iterable[GuildCache],
        on_deadline: Callable[[int, int], None] | None = None,
    ) -> None:
        self._connect_with = connection_arguments(database_url)
        self._caches = {cache.name: cache for cache in caches}
        # Called with (timer id, server id) for a deadline another process wrote for a server.
        self._on_deadline = on_deadline
        self.origin = uuid.uuid4().hex[:12]
        self._connection: asyncpg.Connection | None = None
        self._sending = asyncio.Lock()
        self._unsent: list[tuple[str, str]] = []
        self._tasks: set[asyncio.Task] = set()
        self._closed = False

    async def start(self) -> None:
        await self._listen()
        for cache in self._caches.values():
            cache.announcer = self

    async def close(self) -> None:
        self._closed = True
        for cache in self._caches.values():
            if cache.announcer is self:
                cache.announcer = None
            cache.keeping = True
        for task in self._tasks:
            task.cancel()
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            await connection.close(timeout=5)

    # ------------------------------------------------------------ sending

    def announce(self, cache: str, guild_id: int) -> None:
        """Tell the other processes (soon, in order) that this server's `cache` values changed."""
        self._unsent.append((CHANNEL, f"{self.origin} {cache} {guild_id}"))
        self._spawn(self._send_unsent())

    def tell_owner(self, timer_id: int, guild_id: int) -> None:
        """Tell the process holding `guild_id` that a deadline of its server was written here."""
        self._unsent.append((DEADLINES, f"{timer_id} {guild_id}"))
        self._spawn(self._send_unsent())

    async def _send_unsent(self) -> None:
        import asyncpg  # loaded when connected (PostgreSQL only): a bot on SQLite never needs it

        async with self._sending:
            while self._unsent and self._connection is not None and not self._connection.is_closed():
                try:
                    await self._connection.execute("SELECT pg_notify($1, $2)", *self._unsent[0])
                except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                    log.warning("could not tell the other processes of a change; sent when listening again")
                    return
                self._unsent.pop(0)

    # ------------------------------------------------------------ hearing

    def _heard(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            origin, name, guild_id = payload.split(" ")
            server = int(guild_id)
        except ValueError:
            log.warning("ignored a malformed cache notice %r", payload)
            return
        cache = self._caches.get(name)
        if origin != self.origin and cache is not None:
            cache.drop(server)

    def _heard_deadline(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            timer_id, guild_id = (int(word) for word in payload.split(" "))
        except ValueError:
            log.warning("ignored a malformed deadline notice %r", payload)
            return
        if self._on_deadline is not None:
            self._on_deadline(timer_id, guild_id)

    async def _listen(self) -> None:
        # One short statement, sent now and then: no cache of prepared statements, so none of
        # asyncpg's timers that expire them after five minutes.
        import asyncpg

        connection = await asyncpg.connect(**self._connect_with, statement_cache_size=0)
        await connection.add_listener(CHANNEL, self._heard)
        if self._on_deadline is not None:
            await connection.add_listener(DEADLINES, self._heard_deadline)
        connection.add_termination_listener(self._lost)
        self._connection = connection
        # Whatever was written while we were not listening is unknown: read everything afresh.
        for cache in self._caches.values():
            cache.clear()
            cache.keeping = True
        self._spawn(self._send_unsent())

    def _lost(self, _connection: object) -> None:
        if self._closed:
            return
        log.warning("lost the connection that hears other processes' changes; caches keep nothing until it is back")
        self._connection = None
        for cache in self._caches.values():
            cache.keeping = False
            cache.clear()
        self._spawn(self._listen_again())

    async def _listen_again(self) -> None:
        import asyncpg

        attempt = 0
        while not self._closed:
            await asyncio.sleep(RECONNECT_PAUSES[min(attempt, len(RECONNECT_PAUSES) - 1)])
            try:
                await self._listen()
            except (TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                attempt += 1
                continue
            log.info("hearing other processes' changes again")
            return

    def _spawn(self, work) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


_sync: CacheSync | None = None


async def start(database_url: str, on_deadline: Callable[[int, int], None] | None = None) -> None:
    """Hear and tell the other processes on this PostgreSQL (once the features are loaded)."""
    global _sync
    await stop()
    _sync = CacheSync(database_url, all_caches(), on_deadline)
    await _sync.start()


def tell_owner(timer_id: int, guild_id: int) -> None:
    """A deadline for a server another process holds was written here (nothing on SQLite)."""
    if _sync is not None:
        _sync.tell_owner(timer_id, guild_id)


async def stop() -> None:
    global _sync
    if _sync is not None:
        await _sync.close()
        _sync = None
