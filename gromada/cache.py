"""Per-server values read from the database once and kept in memory until a write drops them.

A server's configuration (its language, which channel or role serves which purpose, its
options, its values cards, its volunteer roles) is read on every join and every interaction
and changes only when an admin sets it up. Each kind is a `GuildCache` owned by the module that
writes it, which calls `forget(guild_id)` after every write: the next read loads it again.

Opening or closing the database empties every cache (the rows belong to that database).

Several processes sharing one PostgreSQL (a sharded bot) tell each other of their writes:
on PostgreSQL every `forget` is also announced to the other processes, which forget the
same server's values of the same cache (gromada.cache_sync). A cache is known across
processes by its name, by default its loader's module and name. While a process cannot
hear the others (its listening connection dropped), its caches keep nothing: every read
goes to the database until it hears them again.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")

_ALL: weakref.WeakSet[GuildCache] = weakref.WeakSet()


class Announcer(Protocol):
    def announce(self, cache: str, guild_id: int) -> None: ...


class GuildCache(Generic[T]):
    def __init__(self, load: Callable[[int], Awaitable[T]], *, name: str | None = None) -> None:
        self._load = load
        self.name = name or f"{load.__module__}.{load.__qualname__}"
        # Who tells the other processes of our writes (gromada.cache_sync), when there are any.
        self.announcer: Announcer | None = None
        # False while other processes' writes could go unheard: nothing read is kept then.
        self.keeping = True
        self._values: dict[int, T] = {}
        # Bumped by every forget (and every clear): a load that began before a write does not
        # keep what it read.
        self._generation: dict[int, int] = {}
        self._epoch = 0
        self._loading: dict[int, asyncio.Lock] = {}
        _ALL.add(self)

    async def get(self, guild_id: int) -> T:
        try:
            return self._values[guild_id]
        except KeyError:
            pass
        # One load per server at a time: a burst of joins on a fresh start reads it once.
        lock = self._loading.setdefault(guild_id, asyncio.Lock())
        async with lock:
            if guild_id in self._values:
                return self._values[guild_id]
            stamp = self._stamp(guild_id)
            value = await self._load(guild_id)
            if self._stamp(guild_id) == stamp and self.keeping:
                self._values[guild_id] = value
            return value

    def kept(self, guild_id: int) -> T | None:
        """The server's value if it is in memory now, else None (nothing is read)."""
        return self._values.get(guild_id)

    def _stamp(self, guild_id: int) -> tuple[int, int]:
        return self._epoch, self._generation.get(guild_id, 0)

    def forget(self, guild_id: int) -> None:
        """A write changed this server's rows: read them again next time, here and in every process."""
        self.drop(guild_id)
        if self.announcer is not None:
            self.announcer.announce(self.name, guild_id)

    def update(self, guild_id: int, change: Callable[[T], None]) -> None:
        """A write of this process changed the server's rows in a way `change` can apply to the value
        in memory (adding one row to a set, say): keep it, changed, instead of reading every row
        again. A load under way when the write was made keeps nothing, and other processes read
        again, as after `forget`.
        """
        value = self._values.get(guild_id)
        self._generation[guild_id] = self._generation.get(guild_id, 0) + 1
        if value is not None:
            change(value)
        if self.announcer is not None:
            self.announcer.announce(self.name, guild_id)

    def drop(self, guild_id: int) -> None:
        """Read this server's rows again next time, in this process only (another process wrote them)."""
        self._values.pop(guild_id, None)
        self._generation[guild_id] = self._generation.get(guild_id, 0) + 1

    def clear(self) -> None:
        self._values.clear()
        self._loading.clear()
        self._epoch += 1


def all_caches() -> list[GuildCache]:
    return list(_ALL)


def forget_everything() -> None:
    """Empty every cache: the database they were read from was opened or closed."""
    for cache in list(_ALL):
        cache.clear()
