"""Shared pieces of the benchmarks: a baseline bot, the database, and the measurements.

Every benchmark runs its workload on Gromada and on a baseline bot (plain discord.py answering
the same interaction with no database) in one process, and prints ratios, which survive a
noisy machine better than absolute times. Time is the process's CPU time
(`time.process_time()`): SimCord settles after each action with short real waits, so wall
time is mostly idling.

A figure worth quoting comes from `compare()` (or `repeat()`), which
- runs each side once to warm up (imports, caches, the first database file) and drops it;
- then runs each side several times, alternating, and reports the median and the spread
  (lowest to highest), per action and as a ratio of the two sides run next to each other;
- measures nothing but CPU time, REST calls and the count of full garbage collections (read
  before and after, nothing hooked) in those runs: memory is traced (tracemalloc, which slows
  Python code 2-4x) in one more run of each side whose times are thrown away.
`measure()` is the single run it is built from.

Gromada runs on a fresh SQLite file, or on a fresh PostgreSQL database when
GROMADA_BENCH_DATABASE_URL names a server and a role allowed to create databases
(postgres://gromada:gromada@127.0.0.1:54329/postgres): each run gets a database of its own,
dropped at the end, so a benchmark never touches data it did not make.
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import discord
from discord.ext import commands

from config.settings import Settings
from gromada.bot import create_bot

DATABASE_ENV = "GROMADA_BENCH_DATABASE_URL"
REPETITIONS = 5
WARMUP = 1

# True during the one run of each side whose memory is traced (and whose times are dropped).
_tracing_memory = False


@dataclass
class Measurement:
    label: str
    actions: int
    cpu_seconds: float
    rest_calls: int
    # Peak traced memory: only measured in a memory run (see `repeat`), else None.
    peak_bytes: int | None = None
    # Python's full garbage collections during the run (read from gc.get_stats(), no hook):
    # each walks every live object of the process, so one more on a side shows in its CPU.
    full_collections: int = 0

    @property
    def cpu_per_action(self) -> float:
        return self.cpu_seconds / max(1, self.actions)

    @property
    def rest_per_action(self) -> float:
        return self.rest_calls / max(1, self.actions)


async def measure(label: str, env, actions: int, workload: Callable[[], Awaitable[None]]) -> Measurement:
    """Run `workload` (which performs `actions` actions); CPU time and REST calls, memory only in a memory run."""
    gc.collect()
    rest_before = len(env.http_requests)
    full_before = _full_collections()
    if _tracing_memory:
        tracemalloc.start()
    started = time.process_time()
    await workload()
    cpu = time.process_time() - started
    peak = None
    if _tracing_memory:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    full = _full_collections() - full_before
    return Measurement(label, actions, cpu, len(env.http_requests) - rest_before, peak, full)


def _full_collections() -> int:
    return gc.get_stats()[-1]["collections"]


# ---------------------------------------------------------------- repetitions


@dataclass
class Spread:
    """The median of several runs and the lowest and highest of them."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def show(self, scale: float = 1.0, unit: str = "", digits: int = 2) -> str:
        return f"{self.median * scale:.{digits}f}{unit} [{self.low * scale:.{digits}f}-{self.high * scale:.{digits}f}]"


@dataclass
class Summary:
    """Several measured runs of one side, and the peak memory of its memory run."""

    label: str
    runs: list[Measurement]
    peak_bytes: int | None = None

    @property
    def actions(self) -> int:
        return self.runs[0].actions

    @property
    def cpu_per_action(self) -> Spread:
        return Spread.of([run.cpu_per_action for run in self.runs])

    @property
    def rest_per_action(self) -> Spread:
        return Spread.of([run.rest_per_action for run in self.runs])

    @property
    def full_collections(self) -> Spread:
        return Spread.of([run.full_collections for run in self.runs])


@dataclass
class Comparison:
    title: str
    gromada: Summary
    baseline: Summary
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> Spread:
        """Gromada's CPU per action over the baseline's, run by run (each pair ran side by side)."""
        pairs = zip(self.gromada.runs, self.baseline.runs, strict=True)
        return Spread.of([mine.cpu_per_action / theirs.cpu_per_action for mine, theirs in pairs])


async def _memory_run(scenario: Callable[[], Awaitable[Measurement]]) -> int | None:
    global _tracing_memory
    _tracing_memory = True
    try:
        return (await scenario()).peak_bytes
    finally:
        _tracing_memory = False


async def repeat(
    label: str,
    scenario: Callable[[], Awaitable[Measurement]],
    *,
    repetitions: int = REPETITIONS,
    warmup: int = WARMUP,
    memory: bool = True,
) -> Summary:
    """Run `scenario` (which builds its own world and calls `measure` once) warm, then several times."""
    for _ in range(warmup):
        await scenario()
    runs = [await scenario() for _ in range(repetitions)]
    peak = await _memory_run(scenario) if memory else None
    return Summary(label, runs, peak)


async def compare(
    title: str,
    gromada: Callable[[], Awaitable[Measurement]],
    baseline: Callable[[], Awaitable[Measurement]],
    *,
    repetitions: int = REPETITIONS,
    warmup: int = WARMUP,
    memory: bool = True,
) -> Comparison:
    """Both sides warmed up, then run alternately `repetitions` times (so drift hits both), then traced once."""
    for _ in range(warmup):
        await baseline()
        await gromada()
    mine: list[Measurement] = []
    theirs: list[Measurement] = []
    for _ in range(repetitions):
        theirs.append(await baseline())
        mine.append(await gromada())
    comparison = Comparison(
        title,
        Summary("gromada", mine, await _memory_run(gromada) if memory else None),
        Summary("baseline", theirs, await _memory_run(baseline) if memory else None),
    )
    print_comparison(comparison)
    return comparison


def print_comparison(comparison: Comparison) -> None:
    gromada, baseline = comparison.gromada, comparison.baseline
    print(f"\n{comparison.title}  ({len(gromada.runs)} runs; median [lowest-highest])")
    print(f"  actions per run: {gromada.actions}")
    print(
        f"  CPU per action: {gromada.cpu_per_action.show(1000, ' ms')} vs baseline "
        f"{baseline.cpu_per_action.show(1000, ' ms')}; ratio {comparison.ratio.show(unit='x')}"
    )
    print(
        f"  REST calls per action: {gromada.rest_per_action.show(digits=3)} "
        f"(baseline {baseline.rest_per_action.show(digits=3)})"
    )
    print(
        f"  full garbage collections per run: {gromada.full_collections.show(digits=0)} "
        f"(baseline {baseline.full_collections.show(digits=0)})"
    )
    if gromada.peak_bytes is not None and baseline.peak_bytes is not None:
        print(
            f"  peak traced memory during the workload (separate run): {gromada.peak_bytes / 1e6:.1f} MB "
            f"vs baseline {baseline.peak_bytes / 1e6:.1f} MB"
        )
    for note in comparison.notes:
        print(f"  {note}")


def add_repetition_arguments(parser: Any) -> None:
    """--repetitions and --warmup, the same in every benchmark."""
    parser.add_argument("--repetitions", type=int, default=REPETITIONS, help="measured runs of each side")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="runs of each side dropped before measuring")


# ---------------------------------------------------------------- the database


def database_server() -> str | None:
    """The PostgreSQL server named by GROMADA_BENCH_DATABASE_URL, if any."""
    url = os.environ.get(DATABASE_ENV, "").strip()
    if not url:
        return None
    return Settings(_env_file=None, database_url=url).database_url  # postgresql:// spelled as Tortoise wants


def database_kind() -> str:
    return "PostgreSQL" if database_server() else "SQLite"


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def _postgres_admin(server: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_with_database(server, "postgres").replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """The URL of an empty database of this run's own: a SQLite file, or a PostgreSQL database (dropped after)."""
    server = database_server()
    if server is None:
        with tempfile.TemporaryDirectory(prefix="gromada-bench-") as folder:
            yield f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"gromada_bench_{uuid.uuid4().hex[:10]}"
    await _postgres_admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server, name)
    finally:
        await _postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def without_idle_timers(database_url: str) -> str:
    """The URL with asyncpg's idle-connection and cached-statement expiry turned off (PostgreSQL only).

    By default asyncpg arms a 300 s timer each time a connection goes back to the pool, and
    another per cached statement. SimCord keeps a real handle for every timer the bot arms
    until that timer's moment (and a start settles only when none is due soon), so over
    thousands of statements they pile up and SimCord's scans of them make every later action
    dearer, for a reason a bot on a real event loop (which drops cancelled timers) does not have.
    Production keeps asyncpg's defaults.
    """
    if not database_url.startswith("postgres"):
        return database_url
    options = "max_inactive_connection_lifetime=0&max_cached_statement_lifetime=0"
    return f"{database_url}{'&' if '?' in database_url else '?'}{options}"


def use_database_argument(database: str | None) -> None:
    """A benchmark's --database flag: the same as setting GROMADA_BENCH_DATABASE_URL."""
    if database:
        os.environ[DATABASE_ENV] = database


def bench_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "web_enabled": False,
        "sync_commands": True,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def gromada_bot(**settings: Any):
    """A Gromada bot on a fresh database (see `fresh_database`), commands synced, no web server."""
    async with fresh_database() as url:
        bot = create_bot(bench_settings(without_idle_timers(url), **settings))
        try:
            yield bot
        finally:
            from gromada.db import close_database

            bot.timers.shutdown()
            await close_database()


def baseline_bot(setup: Callable[[commands.Bot], Awaitable[None]] | None = None) -> commands.Bot:
    """Plain discord.py with no database; `setup` adds the same interaction the workload uses."""
    intents = discord.Intents.default()
    intents.members = True

    class Baseline(commands.Bot):
        async def setup_hook(self) -> None:
            if setup is not None:
                await setup(self)
            await self.tree.sync()

    return Baseline(command_prefix=commands.when_mentioned, intents=intents, help_command=None)
