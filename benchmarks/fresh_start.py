"""One bot's start in a fresh process: how long it takes and the memory it holds after.

Run by benchmarks.startup, one process per start, so that nothing else this package loads
(SimCord, the harness) sits in the figures:

    python -m benchmarks.fresh_start bare
    python -m benchmarks.fresh_start gromada sqlite:///path/to/a/database.sqlite3

Prints one line of JSON: seconds to import the bot's code, to run its setup_hook and (Gromada)
to re-arm its deadlines; resident memory after the start and at its peak (MB); modules loaded.
Neither bot connects anywhere, so Gromada's reading of its command ids from Discord is skipped.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time


def resident() -> dict[str, float]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024  # kB -> MB
    return {"rss": values["VmRSS"], "peak": values["VmHWM"]}


def bare_bot():
    """Plain discord.py, with the intents Gromada asks for members, and nothing else."""
    import discord
    from discord.ext import commands

    intents = discord.Intents.default()
    intents.members = True
    return commands.Bot(command_prefix=commands.when_mentioned, intents=intents, help_command=None)


async def start_bare() -> dict[str, float]:
    began = time.perf_counter()
    bot = bare_bot()
    imported = time.perf_counter()
    await bot.setup_hook()
    done = time.perf_counter()
    gc.collect()
    return {"import": imported - began, "setup_hook": done - imported, "rearm": 0.0, **resident()}


async def start_gromada(database_url: str) -> dict[str, float]:
    began = time.perf_counter()
    from config.settings import Settings
    from gromada.bot import create_bot
    from gromada.db import close_database

    imported = time.perf_counter()
    settings = Settings(_env_file=None, database_url=database_url, web_enabled=False, log_level="WARNING")
    bot = create_bot(settings)

    async def offline() -> None:
        """Nothing to read the command ids from: this process talks to no Discord."""

    rearm, rearm_seconds = bot.timers.rearm, []

    async def timed_rearm() -> int:
        started = time.perf_counter()
        try:
            return await rearm()
        finally:
            rearm_seconds.append(time.perf_counter() - started)

    bot._learn_commands = offline
    bot.timers.rearm = timed_rearm
    started = time.perf_counter()
    await bot.setup_hook()
    done = time.perf_counter()
    gc.collect()
    figures = {"import": imported - began, "setup_hook": done - started, "rearm": rearm_seconds[0], **resident()}
    bot.timers.shutdown()
    await close_database()
    return figures


def main() -> None:
    which = sys.argv[1]
    start = start_bare() if which == "bare" else start_gromada(sys.argv[2])
    figures = asyncio.run(start)
    figures["modules"] = len(sys.modules)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
