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


class Members:
    """A stand-in for a server's rows that are a set of members, counting how often they are read."""

    def __init__(self) -> None:
        self.rows: set[int] = set()
        self.reads = 0
        self.hold: asyncio.Event | None = None

    async def load(self, guild_id: int) -> set[int]:
        self.reads += 1
        seen = set(self.rows)
        if self.hold is not None:
            await self.hold.wait()
        return seen


async def test_kept_says_what_is_in_memory_and_reads_nothing():
    members = Members()
    cache = GuildCache(members.load)

    assert cache.kept(1) is None
    await cache.get(1)

    assert cache.kept(1) == set()
    assert members.reads == 1


async def test_an_update_changes_the_kept_value_without_reading_every_row_again():
    members = Members()
    cache = GuildCache(members.load)
    await cache.get(1)

    members.rows.add(7)
    cache.update(1, lambda kept: kept.add(7))

    assert await cache.get(1) == {7}
    assert members.reads == 1


async def test_a_read_under_way_when_an_update_lands_is_not_kept():
    members = Members()
    members.hold = asyncio.Event()
    cache = GuildCache(members.load)
    reading = asyncio.create_task(cache.get(1))
    await asyncio.sleep(0)

    members.rows.add(7)
    cache.update(1, lambda kept: kept.add(7))
    members.hold.set()

    assert await reading == set()  # it began before the write
    assert await cache.get(1) == {7}
    assert members.reads == 2
