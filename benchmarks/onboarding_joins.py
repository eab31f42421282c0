"""Onboarding: bursts of newcomers joining, each getting a role, a private thread and a first step.

    .venv/bin/python -m benchmarks.onboarding_joins                   # 100 and 300 joins
    .venv/bin/python -m benchmarks.onboarding_joins --sizes 1000      # the issue's size
    .venv/bin/python -m benchmarks.onboarding_joins --database postgres://gromada:gromada@127.0.0.1:54329/postgres

Newcomers arrive in bursts of --burst members at once (SimCord delivers their joins together,
and the bot handles them concurrently), then the world settles. Much larger bursts exceed
SimCord's 5 s settle timeout on SQLite (the joins wait on the database, not on Discord). The
baseline bot makes the same three Discord calls for each join (gives a Newcomer role, opens a
private thread in #welcome, posts a welcome in it) with no database and no settings, so the
ratio is Gromada's own cost: a baseline that sent one message would charge Gromada for the
simulator's work on two more calls. (Against such a one-message baseline, the first
measurement of this benchmark, a join cost 14x.)

Each size runs both sides warm, then --repetitions times alternately (median [lowest-highest]),
each run on a fresh database and a fresh simulated server. Figures: CPU per join relative to
the baseline, REST calls per join (target <= 3: role, thread, first step) and SQL statements
per join (target <= 6), counted on --sample further joins after the timed ones, outside the
timed part.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections import Counter

import discord
import simcord

from benchmarks.harness import (
    Measurement,
    add_repetition_arguments,
    baseline_bot,
    compare,
    database_kind,
    gromada_bot,
    measure,
    use_database_argument,
)
from benchmarks.sql_count import counting_statements


async def _server(env, *, quickstart: bool):
    guild = env.create_guild("Benchmark")
    general = guild.create_text_channel("general")
    admins = guild.create_role("Board", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[admins])
    await env.settle()
    if quickstart:
        await admin.slash(general, "setup quickstart")
    else:
        guild.create_text_channel("welcome")
        guild.create_role("Newcomer")
        await env.settle()
    return guild


async def _join_all(env, guild, joins: int, burst: int, first: int = 0) -> None:
    for start in range(first, first + joins, burst):
        for index in range(start, min(first + joins, start + burst)):
            guild.add_member(env.create_user(f"newcomer{index}"))
        await env.settle()


def _calls_by_route(env, since: int) -> str:
    routes = Counter(f"{entry.method} {_shape(entry.path)}" for entry in env.http_requests[since:])
    return ", ".join(f"{route} x{count}" for route, count in routes.most_common())


def _shape(path: str) -> str:
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


async def gromada_joins(joins: int, burst: int, sample: int, statements_per_join: list[float]) -> Measurement:
    """One timed run; the SQL statements per join of a further sample go to `statements_per_join`."""
    async with gromada_bot() as bot, simcord.run(bot) as env:
        guild = await _server(env, quickstart=True)
        since = len(env.http_requests)
        measured = await measure("gromada", env, joins, lambda: _join_all(env, guild, joins, burst))
        if not statements_per_join:  # the first run says where the calls go, once
            print(f"  gromada REST calls: {_calls_by_route(env, since)}")
            threads = len(guild.channels["welcome"].threads)
            print(f"  private threads opened: {threads} for {joins} joins")
        with counting_statements() as statements:
            await _join_all(env, guild, sample, burst, first=joins)
        if not statements_per_join:
            print(f"  gromada, {sample} more joins counted: {statements.summary(sample)}")
        statements_per_join.append(len(statements) / max(1, sample))
        return measured


async def baseline_joins(joins: int, burst: int) -> Measurement:
    async def setup(bot) -> None:
        async def on_member_join(member: discord.Member) -> None:
            # The same three Discord calls as Gromada's join, with no database and no settings.
            welcome = discord.utils.get(member.guild.text_channels, name="welcome")
            newcomer = discord.utils.get(member.guild.roles, name="Newcomer")
            if welcome is None or newcomer is None:
                return  # the admin, before the server is set up
            await member.add_roles(newcomer)
            thread = await welcome.create_thread(
                name=f"👋 {member.display_name}", type=discord.ChannelType.private_thread, invitable=False
            )
            await thread.send(f"Welcome, {member.mention}!", allowed_mentions=discord.AllowedMentions(users=[member]))

        bot.add_listener(on_member_join)

    async with simcord.run(baseline_bot(setup)) as env:
        guild = await _server(env, quickstart=False)
        return await measure("baseline", env, joins, lambda: _join_all(env, guild, joins, burst))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda text: [int(part) for part in text.split(",")], default=[100, 300])
    parser.add_argument("--burst", type=int, default=10, help="members joining at the same moment")
    parser.add_argument("--database", help="a PostgreSQL server URL (a fresh database is made there); default SQLite")
    parser.add_argument("--sample", type=int, default=50, help="further joins whose SQL statements are counted")
    add_repetition_arguments(parser)
    args = parser.parse_args()
    use_database_argument(args.database)

    for joins in args.sizes:
        statements: list[float] = []
        comparison = await compare(
            f"{joins:,} newcomers joining in bursts of {args.burst} ({database_kind()})",
            lambda joins=joins, statements=statements: gromada_joins(joins, args.burst, args.sample, statements),
            lambda joins=joins: baseline_joins(joins, args.burst),
            repetitions=args.repetitions,
            warmup=args.warmup,
        )
        per_join = statistics.median(statements)
        print(f"  SQL statements per join: {per_join:.2f} (target <= 6: {'met' if per_join <= 6 else 'NOT met'})")
        rest = comparison.gromada.rest_per_action.median
        print(f"  REST calls per join target <= 3: {'met' if rest <= 3 else 'NOT met'}")
        ratio = comparison.ratio.median
        print(f"  CPU ratio target <= 5x: {'met' if ratio <= 5 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
