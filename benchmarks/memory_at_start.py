"""One process's memory after its bot's setup_hook: Gromada's, or a bare discord.py bot's.

Run by benchmarks.startup, once per process, so that nothing else this package imports (SimCord,
the harness) sits in the figure:

    python -m benchmarks.memory_at_start bare
    python -m benchmarks.memory_at_start gromada sqlite:///path/to/a/database.sqlite3

Prints one line of JSON: resident memory now and at its peak (MB), and the modules loaded.
Neither bot connects anywhere, so Gromada's reading of its command ids from Discord is skipped.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys

import discord
from discord.ext import commands


def bare_bot() -> commands.Bot:
    """Plain discord.py, with the intents Gromada asks for members, and nothing else."""
    intents = discord.Intents.default()
    intents.members = True
    return commands.Bot(command_prefix=commands.when_mentioned, intents=intents, help_command=None)


def resident() -> dict[str, float]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024  # kB -> MB
    return {"rss": values["VmRSS"], "peak": values["VmHWM"]}


async def started(which: str, database_url: str | None) -> dict[str, float]:
    if which == "bare":
        await bare_bot().setup_hook()
        gc.collect()
        return resident()
    from config.settings import Settings
    from gromada.bot import create_bot
    from gromada.db import close_database

    settings = Settings(_env_file=None, database_url=database_url, web_enabled=False, log_level="WARNING")
    bot = create_bot(settings)

    async def offline() -> None:
        """Nothing to read the command ids from: this process talks to no Discord."""

    bot._learn_commands = offline
    await bot.setup_hook()
    gc.collect()
    figures = resident()
    bot.timers.shutdown()
    await close_database()
    return figures


def main() -> None:
    which = sys.argv[1]
    figures = asyncio.run(started(which, sys.argv[2] if len(sys.argv) > 2 else None))
    figures["modules"] = len(sys.modules)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
