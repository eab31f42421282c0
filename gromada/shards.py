"""Which of Discord's shards this process holds, and so which servers (and deadlines) are its own.

Discord gives each server to one shard: `(guild_id >> 22) % shard_count`. A process started
with SHARD_COUNT and SHARD_IDS holds some of the shards, other processes the rest, all over
one PostgreSQL. Anything that belongs to no server (a person's direct messages) belongs to
shard 0, as Discord delivers direct messages there.

Without SHARD_COUNT the process is one plain connection holding everything, as before.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Discord lets each identify bucket start one session per this many seconds.
IDENTIFY_INTERVAL = 5.0


@dataclass(frozen=True)
class Shards:
    """The shards this process holds out of `count` (all of them when not sharded)."""

    count: int = 1
    ids: frozenset[int] = frozenset({0})
    # False for a process that was not given SHARD_COUNT: a plain discord.py Client.
    sharded: bool = False

    @classmethod
    def of(cls, count: int | None, ids: Iterable[int] | None = None) -> Shards:
        if count is None:
            return cls()
        held = frozenset(range(count) if ids is None else ids)
        return cls(count=count, ids=held, sharded=True)

    def shard_of(self, guild_id: int | None) -> int:
        return 0 if guild_id is None else (guild_id >> 22) % self.count

    def owns(self, guild_id: int | None) -> bool:
        return self.shard_of(guild_id) in self.ids

    @property
    def holds_all(self) -> bool:
        return len(self.ids) == self.count

    def sql_shard(self, column: str) -> str:
        """An SQL expression of a row's shard from its server column (NULL: shard 0).

        The same on SQLite and PostgreSQL: both shift and take the remainder of 64-bit integers.
        """
        return f"((COALESCE({column}, 0) >> 22) % {int(self.count)})"

    def client_options(self) -> dict[str, object]:
        """What discord.py's AutoShardedClient takes to hold these shards (nothing when not sharded)."""
        if not self.sharded:
            return {}
        return {"shard_count": self.count, "shard_ids": sorted(self.ids)}

    def describe(self) -> str:
        if not self.sharded:
            return "all servers (not sharded)"
        return f"shards {format_ids(self.ids)} of {self.count}"


def parse_ids(text: str) -> list[int]:
    """`0-3`, `4,5`, `0-1,6`: the shard ids written as ranges and single numbers."""
    ids: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"{part!r} is neither a shard id nor a range like 0-3")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"the range {part!r} runs backwards")
        ids.extend(range(low, high + 1))
    if not ids:
        raise ValueError("no shard ids given")
    if len(set(ids)) != len(ids):
        raise ValueError("a shard id is given twice")
    return ids


def format_ids(ids: Iterable[int]) -> str:
    """The inverse of parse_ids, with runs written as ranges."""
    ordered = sorted(ids)
    runs: list[str] = []
    start = previous = None
    for shard in [*ordered, None]:
        if previous is not None and shard == previous + 1:
            previous = shard
            continue
        if start is not None:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = shard
    return ",".join(runs)


class IdentifyBuckets:
    """Pace shard starts by Discord's `max_concurrency` buckets, not a fixed pause per shard.

    A shard identifies in bucket `shard_id % max_concurrency`; each bucket may start one
    session every IDENTIFY_INTERVAL seconds. discord.py launches a process's shards one after
    another and, by default, waits 5 s before every one but the first; with max_concurrency
    16 (large bots) that is 16 times slower than Discord allows. Processes do not share this
    pacing: each waits for its own shards only, which is right while the shard ranges of
    different processes start at different times (as compose and most orchestrators do).
    """

    def __init__(self, max_concurrency: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self._clock = clock
        self._last_start: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def wait_before(self, shard_id: int) -> float:
        """Seconds shard `shard_id` must still wait before it may identify."""
        last = self._last_start.get(shard_id % self.max_concurrency)
        if last is None:
            return 0.0
        return max(0.0, last + IDENTIFY_INTERVAL - self._clock())

    async def identify(self, shard_id: int) -> None:
        async with self._lock:
            pause = self.wait_before(shard_id)
            if pause:
                await asyncio.sleep(pause)
            self._last_start[shard_id % self.max_concurrency] = self._clock()
