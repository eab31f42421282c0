"""gromada.cache: per-server values read once, dropped by writes, never kept stale."""

from __future__ import annotations

import asyncio

from gromada.cache import GuildCache, forget_everything


class Rows:
    """A stand-in for a server's rows, counting how often they are read."""

    def __init__(self) -> None:
        self.language = "en"
        self.reads = 0
        self.hold: asyncio.Event | None = None

    async def load(self, guild_id: int) -> str:
        self.reads += 1
        seen = self.language
        if self.hold is not None:
            await self.hold.wait()
        return f"{guild_id}:{seen}"


async def test_values_are_read_once_until_a_write_forgets_them():
    rows = Rows()
    cache = GuildCache(rows.load)

    assert [await cache.get(1) for _ in range(3)] == ["1:en"] * 3
    rows.language = "pl"
    cache.forget(1)

    assert await cache.get(1) == "1:pl"
    assert await cache.get(2) == "2:pl"
    assert rows.reads == 3


async def test_a_burst_of_first_reads_loads_once():
    rows = Rows()
    rows.hold = asyncio.Event()
    cache = GuildCache(rows.load)

    readers = [asyncio.create_task(cache.get(1)) for _ in range(10)]
    await asyncio.sleep(0)
    rows.hold.set()

    assert await asyncio.gather(*readers) == ["1:en"] * 10
    assert rows.reads == 1


async def test_a_read_under_way_when_a_write_lands_is_not_kept():
    rows = Rows()
    rows.hold = asyncio.Event()
    cache = GuildCache(rows.load)
    reading = asyncio.create_task(cache.get(1))
    await asyncio.sleep(0)

    rows.language = "pl"
    cache.forget(1)
    rows.hold.set()

    assert await reading == "1:en"  # it began before the write
    assert await cache.get(1) == "1:pl"


async def test_reopening_the_database_empties_every_cache():
    rows = Rows()
    cache = GuildCache(rows.load)
    await cache.get(1)
    rows.language = "ru"

    forget_everything()

    assert await cache.get(1) == "1:ru"
