"""One process of a sharded Gromada, for tests: a real bot holding some shards, in its own
simulated Discord, over the database the test gives it.

SimCord runs one bot per event loop, so a test that needs two live processes over one
database starts this module twice (`python -m tests.gromada.shard_process ...`) and drives
each over its standard input and output, one line at a time:

    in:  advance <seconds>        out: ok            (the world's clock moved, the bot settled)
    in:  quit                     out: bye           (the bot stopped)
    out: ready                    (once the bot is connected)
    out: fired <timer id> <server id or -> <seconds late>     (for each `test.announce` deadline)

Every process builds the same world: the servers named on the command line, with the ids
given, each with a #general channel; Discord shows each process only the servers on its
shards. A process that starts late (`--clock`, seconds after the world's start) finds the
world's clock already there, as a process restarted after a stop would.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import simcord

from config.settings import Settings
from gromada.bot import create_bot
from gromada.db import close_database
from gromada.scheduler import now
from models.core import Timer


def say(*words: object) -> None:
    print(*words, flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--shard-count", type=int, required=True)
    parser.add_argument("--shard-ids", required=True)
    parser.add_argument("--servers", required=True, help="comma-separated server ids")
    parser.add_argument("--clock", type=float, default=0.0)
    return parser.parse_args(argv)


async def serve(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    settings = Settings(
        _env_file=None,
        database_url=args.database_url,
        shard_count=args.shard_count,
        shard_ids=args.shard_ids,
        web_enabled=False,
        sync_commands=True,
        log_format="text",
    )
    bot = create_bot(settings)

    async def announce(timer: Timer) -> None:
        if timer.guild_id is not None:
            # Overdue deadlines run as the bot starts, before Discord has sent the servers.
            await bot.wait_until_ready()
            # Only a server on this process's shards is here: another's would fail the handler.
            guild = bot.get_guild(timer.guild_id)
            await guild.text_channels[0].send(f"deadline {timer.ref_id} reached")
        lateness = (now() - timer.due_at).total_seconds()
        say("fired", timer.pk, timer.guild_id or "-", f"{lateness:.0f}")

    bot.add_timer_handler("test.announce", announce)
    env = simcord.Env(bot)
    # SimCord has no public way to start a world at a later time; its clock is the backend's.
    env.backend.clock.advance(args.clock)
    for server_id in (int(text) for text in args.servers.split(",")):
        env.create_guild(f"Server {server_id}", id=server_id).create_text_channel("general")
    await env.start()
    await env.settle()
    say("ready")
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if not line or line[0] == "quit":
                break
            if line[0] == "advance":
                await env.advance_time(float(line[1]))
                await env.settle()
                say("ok")
    finally:
        await env.shutdown()
        # SimCord detaches a bot without closing it; release what it opened, as conftest does.
        bot.timers.shutdown()
        await close_database()
    say("bye")


if __name__ == "__main__":
    asyncio.run(serve())
