"""Many servers: start-up, memory per server and CPU per interaction at 10, 50 and 200 servers.

    .venv/bin/python -m benchmarks.many_servers                    # 10, 50 and 200 servers
    .venv/bin/python -m benchmarks.many_servers --sizes 10,50 --repetitions 1
    GROMADA_BENCH_DATABASE_URL=postgres://gromada:gromada@127.0.0.1:54329/postgres \
        .venv/bin/python -m benchmarks.many_servers

Each server has --members members (100: 20,000 at 200 servers), and the database holds, per
server, --polls open polls (10: 2,000) and --deadlines pending deadlines (100: 20,000 in
all, the polls' closes among them), due evenly from a day to 30 days ahead. The world and the
rows are made before the bot starts, so the start is a restart onto a busy database: Discord
sends every server with its members, the features ensure their deadlines, the scheduler arms
those due within 12 hours (none here) and reads no more.

The baseline is a bare discord.py bot with the same intents in the same world, answering the
same slash command with an embed and no database. Figures, each the median of --repetitions
runs after a warm-up, and as a ratio to the smallest size (flat is the goal):
- start: CPU time from attaching the bot to its first settled moment (setup_hook, the
  servers arriving, members cached), per server;
- memory per server: Python memory the bot holds once started (tracemalloc, in a run of its
  own), Gromada's and the baseline's, per server;
- CPU per interaction: `/setup show` by an admin, round-robin over the servers, against the
  baseline's answer to the same command, after one untimed command in every server (the first
  since the start reads the server's configuration from the database).

The polls have no posted message (posting 2,000 through the simulator would dwarf the rest),
so the refresh of open polls' tallies when the bot connects is not part of the start here.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import tracemalloc
from datetime import timedelta

import discord
import simcord

from benchmarks.harness import (
    Spread,
    add_repetition_arguments,
    baseline_bot,
    bench_settings,
    database_kind,
    fresh_database,
    use_database_argument,
    without_idle_timers,
)
from cogs.polls.service import CLOSE_TIMER
from gromada.bot import create_bot
from gromada.db import close_database, open_database
from models.core import Timer
from models.polls import Poll, PollKind

SIZES = (10, 50, 200)
ADMINS = discord.Permissions(manage_guild=True)
# SimCord fails a start that does not settle within 5 s by default; 200 servers take longer.
START_LIMIT = 120.0


def _world(env, servers: int, members: int):
    """Servers with an admin and `members` members each; the (channel, admin) to act in."""
    places = []
    for number in range(servers):
        guild = env.create_guild(f"Cooperative {number}")
        channel = guild.create_text_channel("general")
        admin = guild.add_member(
            env.create_user(f"admin{number}"), roles=[guild.create_role("Board", permissions=ADMINS)]
        )
        for index in range(members - 1):
            guild.add_member(env.create_user(f"m{number}_{index}"))
        places.append((guild, channel, admin))
    return places


async def _seed(database_url: str, places, polls: int, deadlines: int) -> None:
    """Open polls and pending deadlines for every server, written as the bot was down."""
    await open_database(bench_settings(database_url))
    now = discord.utils.utcnow()
    span = timedelta(days=29)
    try:
        for number, (guild, channel, admin) in enumerate(places):
            created = [
                Poll(
                    guild_id=guild.id,
                    channel_id=channel.id,
                    creator_id=admin.id,
                    question=f"Question {index}",
                    options=["yes", "no"],
                    kind=PollKind.SINGLE,
                    seed=number * 1000 + index,
                    created_at=now,
                    closes_at=now + timedelta(days=1) + span * (index + 1) / (polls + 1),
                )
                for index in range(polls)
            ]
            await Poll.bulk_create(created)
            stored = await Poll.filter(guild_id=guild.id).values_list("id", "closes_at")
            timers = [
                Timer(kind=CLOSE_TIMER, ref_id=poll_id, guild_id=guild.id, due_at=closes_at, created_at=now)
                for poll_id, closes_at in stored
            ]
            later = deadlines - len(timers)
            timers += [
                Timer(
                    kind="bench.later",
                    ref_id=number * deadlines + index,
                    guild_id=guild.id,
                    due_at=now + timedelta(days=1) + span * (index + 1) / (later + 1),
                    created_at=now,
                )
                for index in range(later)
            ]
            await Timer.bulk_create(timers)
    finally:
        await close_database()


def _baseline():
    async def setup(bot) -> None:
        @bot.tree.command(name="show", description="Show the configuration")
        async def show(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title=f"Gromada on {interaction.guild.name}")
            embed.add_field(name="Language", value="en")
            await interaction.response.send_message(embed=embed, ephemeral=True)

    return baseline_bot(setup)


async def _run(side: str, servers: int, args, *, trace: bool) -> dict[str, float]:
    """One start and its interactions; CPU seconds (or traced bytes when `trace`)."""
    async with fresh_database() as url:
        if side == "gromada":
            bot = create_bot(bench_settings(without_idle_timers(url)))
            command, options = "setup show", {}
        else:
            bot = _baseline()
            command, options = "show", {}
        env = simcord.Env(bot, settle_timeout=START_LIMIT)
        places = _world(env, servers, args.members)
        if side == "gromada":
            await _seed(without_idle_timers(url), places, args.polls, args.deadlines)
        gc.collect()
        if trace:
            tracemalloc.start()
        started = time.process_time()
        await env.start()
        try:
            await env.settle()
            start_cpu = time.process_time() - started
            held = tracemalloc.get_traced_memory()[0] if trace else 0
            if trace:
                tracemalloc.stop()
            # Once in every server first, untimed: a server's configuration is read from the
            # database on its first command since the start, and kept (gromada.cache). The
            # timed ones are the steady state, the same share of cold reads at every size.
            for _guild, channel, admin in places:
                await admin.slash(channel, command, **options)
            started = time.process_time()
            for index in range(args.interactions):
                _guild, channel, admin = places[index % len(places)]
                result = await admin.slash(channel, command, **options)
                assert result.response is not None, "the command was not answered"
            interaction_cpu = (time.process_time() - started) / args.interactions
        finally:
            await env.shutdown()
            if side == "gromada":
                bot.timers.shutdown()
                await close_database()
    return {"start": start_cpu, "memory": held, "interaction": interaction_cpu}


async def _measure(side: str, servers: int, args) -> dict[str, Spread]:
    for _ in range(args.warmup):
        await _run(side, servers, args, trace=False)
    runs = [await _run(side, servers, args, trace=False) for _ in range(args.repetitions)]
    memory = (await _run(side, servers, args, trace=True))["memory"]
    return {
        "start": Spread.of([run["start"] for run in runs]),
        "interaction": Spread.of([run["interaction"] for run in runs]),
        "memory": Spread.of([memory]),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda text: [int(part) for part in text.split(",")], default=list(SIZES))
    parser.add_argument("--members", type=int, default=100, help="members per server")
    parser.add_argument("--polls", type=int, default=10, help="open polls per server")
    parser.add_argument("--deadlines", type=int, default=100, help="pending deadlines per server")
    parser.add_argument("--interactions", type=int, default=50, help="timed /setup show per run")
    parser.add_argument("--database", help="a PostgreSQL server URL (a fresh database is made there); default SQLite")
    add_repetition_arguments(parser)
    args = parser.parse_args()
    use_database_argument(args.database)

    results: dict[int, dict[str, dict[str, Spread]]] = {}
    for servers in args.sizes:
        results[servers] = {side: await _measure(side, servers, args) for side in ("baseline", "gromada")}
        mine, theirs = results[servers]["gromada"], results[servers]["baseline"]
        print(
            f"\n{servers} servers, {servers * args.members:,} members, {servers * args.polls:,} open polls, "
            f"{servers * args.deadlines:,} pending deadlines ({database_kind()}; {args.repetitions} runs)"
        )
        print(
            f"  start CPU: {mine['start'].show(unit=' s')} (baseline {theirs['start'].show(unit=' s')}); "
            f"per server {mine['start'].median / servers * 1000:.1f} ms "
            f"(baseline {theirs['start'].median / servers * 1000:.1f} ms)"
        )
        print(
            f"  memory held after start, per server: {mine['memory'].median / servers / 1e3:.0f} KB "
            f"(baseline {theirs['memory'].median / servers / 1e3:.0f} KB)"
        )
        print(
            f"  CPU per /setup show: {mine['interaction'].show(1000, ' ms')} "
            f"(baseline {theirs['interaction'].show(1000, ' ms')}; ratio "
            f"{mine['interaction'].median / theirs['interaction'].median:.2f}x)"
        )

    smallest = min(results)
    print(f"\nRatios to {smallest} servers (1.00 is flat):")
    print("  servers | start per server | memory per server | CPU per interaction (Gromada / baseline)")
    for servers, sides in sorted(results.items()):
        mine, base = sides["gromada"], results[smallest]["gromada"]
        theirs, base_theirs = sides["baseline"], results[smallest]["baseline"]

        def ratio(
            key: str, per_server: bool, mine=mine, base=base, theirs=theirs, base_theirs=base_theirs, servers=servers
        ) -> str:
            scale = servers / smallest if per_server else 1
            ours = mine[key].median / base[key].median / scale
            bare = theirs[key].median / base_theirs[key].median / scale
            return f"{ours:.2f} / {bare:.2f}"

        print(
            f"  {servers:7d} | {ratio('start', True):16} | {ratio('memory', True):17} | {ratio('interaction', False)}"
        )


if __name__ == "__main__":
    asyncio.run(main())
