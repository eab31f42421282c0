"""Two Gromada processes over one PostgreSQL, each holding one of two shards, run their own
servers' deadlines exactly once, and a stopped one runs its deadlines late when it is back.

Each process is a real bot in its own simulated Discord (tests/gromada/shard_process.py);
both worlds have the same servers, on both shards, and the same clock.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from gromada.db import close_database, open_database
from models.core import Timer, TimerStatus
from tests.conftest import POSTGRES_URL
from tests.gromada.test_sharding import guild_on

ROOT = Path(__file__).resolve().parents[2]
# SimCord's worlds start at this moment (its clock's epoch) and move only when told to.
WORLD_START = datetime(2026, 1, 1, tzinfo=UTC)
HOUR = 3600

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="several processes share PostgreSQL only (GROMADA_TEST_DATABASE_URL)"
)


class Process:
    """A `shard_process` child: start it, move its world's clock, read what it fired."""

    def __init__(self, name: str, shard: int, servers: list[int], database_url: str) -> None:
        self.name, self.shard, self.servers, self.database_url = name, shard, servers, database_url
        self.fired: list[tuple[int, int | None, float]] = []
        self._child: asyncio.subprocess.Process | None = None

    async def start(self, *, clock: float = 0) -> None:
        self._child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.gromada.shard_process",
            "--database-url", self.database_url,
            "--shard-count", "2",
            "--shard-ids", str(self.shard),
            "--servers", ",".join(map(str, self.servers)),
            "--clock", str(clock),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await self._until("ready")

    async def advance(self, seconds: float) -> None:
        await self._send(f"advance {seconds}")
        await self._until("ok")

    async def stop(self) -> None:
        await self._send("quit")
        await self._until("bye")
        assert await self._child.wait() == 0
        self._child = None

    async def kill(self) -> None:
        if self._child is not None and self._child.returncode is None:
            self._child.kill()
            await self._child.wait()

    async def _send(self, line: str) -> None:
        self._child.stdin.write(f"{line}\n".encode())
        await self._child.stdin.drain()

    async def _until(self, word: str) -> None:
        while True:
            line = await asyncio.wait_for(self._child.stdout.readline(), timeout=60)
            assert line, f"process {self.name} ended before saying {word!r}"
            said = line.decode().split()
            if said[:1] == ["fired"]:
                _, timer_id, guild, late = said
                self.fired.append((int(timer_id), None if guild == "-" else int(guild), float(late)))
            elif said[:1] == [word]:
                return


async def test_each_process_fires_its_own_servers_deadlines_once_and_late_after_a_stop_on_postgres(database_url):
    servers = {shard: [guild_on(shard, 2, 1000), guild_on(shard, 2, 2000)] for shard in (0, 1)}
    everyone = servers[0] + servers[1]
    await open_database(Settings(_env_file=None, database_url=database_url))
    try:
        soon = {
            guild: await _deadline(guild, ref_id=n, due=WORLD_START + timedelta(hours=1))
            for n, guild in enumerate([*everyone, None])
        }
        later = {
            guild: await _deadline(guild, ref_id=10 + n, due=WORLD_START + timedelta(hours=3))
            for n, guild in enumerate(everyone)
        }
        first = Process("first", 0, everyone, database_url)
        second = Process("second", 1, everyone, database_url)
        try:
            await asyncio.gather(first.start(), second.start())
            await asyncio.gather(first.advance(2 * HOUR), second.advance(2 * HOUR))

            # Each fired exactly its own servers' deadlines; a deadline of no server is shard 0's.
            assert _fired_ids(first) == {soon[guild].pk for guild in [*servers[0], None]}
            assert _fired_ids(second) == {soon[guild].pk for guild in servers[1]}

            # The second stops; the world goes past its later deadlines while it is down.
            await second.stop()
            await first.advance(2 * HOUR)
            for guild in servers[1]:
                assert (await Timer.get(id=later[guild].pk)).status == TimerStatus.PENDING
            assert _fired_ids(first) == {soon[guild].pk for guild in [*servers[0], None]} | {
                later[guild].pk for guild in servers[0]
            }

            # Back, it runs them at start: once, an hour late.
            await second.start(clock=4 * HOUR)
            await asyncio.gather(first.advance(HOUR), second.advance(HOUR))
        finally:
            await asyncio.gather(first.kill(), second.kill())
        assert _fired_ids(second) == {soon[guild].pk for guild in servers[1]} | {
            later[guild].pk for guild in servers[1]
        }
        late = {timer_id: lateness for timer_id, _, lateness in second.fired}
        for guild in servers[1]:
            assert HOUR <= late[later[guild].pk] < HOUR + 60
        counts = Counter(timer_id for timer_id, _, _ in first.fired + second.fired)
        assert set(counts.values()) == {1}, f"a deadline fired more than once: {counts}"
        rows = await Timer.filter(kind="test.announce").values_list("status", "attempts")
        assert rows == [(TimerStatus.DONE, 1)] * 9
    finally:
        await close_database()


async def _deadline(guild_id: int | None, *, ref_id: int, due: datetime) -> Timer:
    return await Timer.create(
        kind="test.announce", ref_id=ref_id, guild_id=guild_id, due_at=due, created_at=WORLD_START
    )


def _fired_ids(process: Process) -> set[int]:
    ids = [timer_id for timer_id, _, _ in process.fired]
    assert len(ids) == len(set(ids)), f"{process.name} fired a deadline twice: {ids}"
    return set(ids)
