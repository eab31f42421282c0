"""Shared pieces of the benchmarks: a baseline bot and the measurements.

Every benchmark runs its workload twice in one process: on Gromada, and on a baseline bot
(plain discord.py answering the same interaction with no database). It prints ratios, which
survive a noisy machine better than absolute times. Time is the process's CPU time
(`time.process_time()`): SimCord settles after each action with short real waits, so wall
time is mostly idling.
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import discord
from discord.ext import commands

from config.settings import Settings
from gromada.bot import create_bot


@dataclass
class Measurement:
    label: str
    actions: int
    cpu_seconds: float
    rest_calls: int
    peak_bytes: int

    @property
    def cpu_per_action(self) -> float:
        return self.cpu_seconds / max(1, self.actions)

    @property
    def rest_per_action(self) -> float:
        return self.rest_calls / max(1, self.actions)


async def measure(label: str, env, actions: int, workload: Callable[[], Awaitable[None]]) -> Measurement:
    """Run `workload` (which performs `actions` actions) and measure CPU, REST calls and memory."""
    gc.collect()
    rest_before = len(env.http_requests)
    tracemalloc.start()
    started = time.process_time()
    await workload()
    cpu = time.process_time() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measurement(label, actions, cpu, len(env.http_requests) - rest_before, peak)


def report(title: str, gromada: Measurement, baseline: Measurement) -> None:
    print(f"\n{title}")
    print(f"  actions: {gromada.actions}")
    print(
        f"  CPU per action: {gromada.cpu_per_action * 1000:.2f} ms vs baseline "
        f"{baseline.cpu_per_action * 1000:.2f} ms (ratio {gromada.cpu_per_action / baseline.cpu_per_action:.2f}x)"
    )
    print(f"  REST calls per action: {gromada.rest_per_action:.3f} (baseline {baseline.rest_per_action:.3f})")
    print(
        f"  peak traced memory: {gromada.peak_bytes / 1e6:.1f} MB vs baseline {baseline.peak_bytes / 1e6:.1f} MB "
        f"(ratio {gromada.peak_bytes / max(1, baseline.peak_bytes):.2f}x)"
    )


@asynccontextmanager
async def gromada_bot():
    """A Gromada bot on a fresh SQLite file, commands synced, no web server."""
    with tempfile.TemporaryDirectory(prefix="gromada-bench-") as folder:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite://{Path(folder) / 'bench.sqlite3'}",
            web_enabled=False,
            sync_commands=True,
            log_level="WARNING",
        )
        bot = create_bot(settings)
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
