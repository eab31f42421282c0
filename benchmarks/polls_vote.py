"""Polls: members voting on one poll through SimCord, and instant-runoff at scale.

    .venv/bin/python -m benchmarks.polls_vote                  # 500 and 2,000 members
    .venv/bin/python -m benchmarks.polls_vote --sizes 500 --repetitions 3   # a quicker look
    .venv/bin/python -m benchmarks.polls_vote --database postgres://gromada:gromada@127.0.0.1:54329/postgres

Votes arrive at --rate votes per second of simulated time (default 10/s: 2,000 votes over
200 s); the clock moves between votes so the coalesced tally refresh runs as it would live.
The baseline bot answers the same button click with an ephemeral message, no database.
Each size runs both sides warm, then --repetitions times alternately (median
[lowest-highest]), each run on a fresh database and a fresh simulated server.
Figures: CPU per vote relative to the baseline, and per quarter of the votes (a cost that
grows as ballots accumulate shows here), REST calls per vote (target <= 1.05), SQL statements
per vote (target <= 3, counted on --sample further votes after the timed ones, outside the
timed part, tally refreshes included) and instant-runoff over 100,000 ballots x 10 options (target < 0.5 s of CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field

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
from cogs.polls import rules

QUARTERS = 4


@dataclass
class Run:
    measurement: Measurement
    quarters: list[float] = field(default_factory=list)  # CPU seconds per quarter of the votes
    statements_per_vote: float | None = None


async def _members(env, count: int):
    guild = env.create_guild("Benchmark")
    channel = guild.create_text_channel("general")
    admins = guild.create_role("Board", permissions=discord.Permissions(manage_guild=True))
    admin = guild.add_member(env.create_user("admin"), roles=[admins])
    voters = []
    for index in range(count):
        voters.append(guild.add_member(env.create_user(f"m{index}")))
        # Every join runs the features' join listeners; settle in small batches, as members
        # arrive on a real server, rather than all at once.
        if index % 10 == 9:
            await env.settle()
    await env.settle()
    return guild, channel, admin, voters


async def _vote_all(env, voters, message, labels, rate: float, quarters: list[float] | None = None) -> None:
    """Every voter clicks once; `quarters` gets the CPU seconds spent on each quarter of them."""
    step = 1.0 / rate
    pending = 0.0
    boundaries = {len(voters) * (part + 1) // QUARTERS for part in range(QUARTERS)}
    started = time.process_time()
    for index, voter in enumerate(voters):
        await voter.click(message, label=labels[index % len(labels)])
        pending += step
        if pending >= 1.0:  # move the clock in whole seconds, as votes trickle in
            await env.advance_time(pending)
            pending = 0.0
        if quarters is not None and index + 1 in boundaries:
            moment = time.process_time()
            quarters.append(moment - started)
            started = moment


def _quarters_line(quarters: list[float], votes: int) -> str:
    per_vote = [seconds * 1000 / max(1, votes // QUARTERS) for seconds in quarters]
    growth = per_vote[-1] / per_vote[0] - 1 if per_vote and per_vote[0] else 0.0
    shown = ", ".join(f"{ms:.2f}" for ms in per_vote)
    return f"CPU per vote by quarter: {shown} ms (last quarter vs first: {growth:+.0%})"


async def gromada_votes(members: int, rate: float, sample: int, runs: list[Run]) -> Measurement:
    """One timed run, whose quarters and SQL statements per vote (of a further sample) go to `runs`."""
    async with gromada_bot() as bot, simcord.run(bot) as env:
        _guild, channel, admin, everyone = await _members(env, members + sample)
        voters, counted = everyone[:members], everyone[members:]
        await admin.slash(channel, "poll create", question="Which day?", options="Monday; Wednesday; Friday")
        message = channel.last_message
        labels = ["Monday", "Wednesday", "Friday"]
        quarters: list[float] = []
        measured = await measure(
            "gromada", env, len(voters), lambda: _vote_all(env, voters, message, labels, rate, quarters)
        )
        with counting_statements() as statements:
            await _vote_all(env, counted, message, labels, rate)
            await env.advance_time(10)  # the last tally refresh belongs to these votes
        if not runs:
            print(f"  gromada, {len(counted)} more votes counted: {statements.summary(len(counted))}")
        runs.append(Run(measured, quarters, len(statements) / max(1, len(counted))))
        return measured


async def baseline_votes(members: int, rate: float, runs: list[Run]) -> Measurement:
    class Choice(discord.ui.DynamicItem[discord.ui.Button], template=r"base:vote:(?P<option>\d)"):
        def __init__(self, option: int) -> None:
            super().__init__(discord.ui.Button(label=str(option), custom_id=f"base:vote:{option}"))
            self.option = option

        @classmethod
        async def from_custom_id(cls, interaction, item, match):
            return cls(int(match["option"]))

        async def callback(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"Recorded {self.option}", ephemeral=True)

    async def setup(bot) -> None:
        bot.add_dynamic_items(Choice)

    bot = baseline_bot(setup)
    async with simcord.run(bot) as env:
        _guild, channel, _admin, voters = await _members(env, members)
        view = discord.ui.View(timeout=None)
        for option in range(3):
            view.add_item(Choice(option))
        message = await bot.get_channel(channel.id).send("Which day?", view=view)
        await env.settle()
        quarters: list[float] = []
        measured = await measure(
            "baseline", env, len(voters), lambda: _vote_all(env, voters, message, ["0", "1", "2"], rate, quarters)
        )
        runs.append(Run(measured, quarters))
        return measured


def irv_benchmark(ballots: int = 100_000, options: int = 10) -> tuple[float, rules.RunoffResult]:
    rng = random.Random(2026)
    order = list(range(options))
    raw = []
    for _ in range(ballots):
        rng.shuffle(order)
        raw.append(tuple(order[: rng.randint(1, options)]))
    started = time.process_time()
    result = rules.instant_runoff(rules.group(raw), options, seed=7)
    return time.process_time() - started, result


def _median_quarters(runs: list[Run]) -> list[float]:
    return [statistics.median(run.quarters[part] for run in runs) for part in range(QUARTERS)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda text: [int(part) for part in text.split(",")], default=[500, 2000])
    parser.add_argument("--rate", type=float, default=10.0, help="votes per simulated second")
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL server URL (a fresh database is made there); default SQLite")
    parser.add_argument("--sample", type=int, default=100, help="further votes whose SQL statements are counted")
    add_repetition_arguments(parser)
    args = parser.parse_args()
    use_database_argument(args.database)

    seconds, result = irv_benchmark(args.ballots)
    print(f"\nInstant-runoff over {args.ballots:,} ballots x 10 options (grouped by ballot)")
    print(f"  CPU: {seconds * 1000:.0f} ms (target < 500 ms); rounds: {len(result.rounds)}; winner: {result.winners}")

    for members in args.sizes:
        ours: list[Run] = []
        theirs: list[Run] = []
        comparison = await compare(
            f"{members:,} members voting on one poll ({args.rate:g} votes/s, {database_kind()})",
            lambda members=members, ours=ours: gromada_votes(members, args.rate, args.sample, ours),
            lambda members=members, theirs=theirs: baseline_votes(members, args.rate, theirs),
            repetitions=args.repetitions,
            warmup=args.warmup,
            memory=False,
        )
        # Only the measured runs (the warm-up's come first, the memory run is off).
        ours, theirs = ours[-args.repetitions :], theirs[-args.repetitions :]
        gromada_quarters, baseline_quarters = _median_quarters(ours), _median_quarters(theirs)
        print(f"  gromada {_quarters_line(gromada_quarters, members)}")
        print(f"  baseline {_quarters_line(baseline_quarters, members)}")
        # The simulated world grows as votes accumulate, for both bots alike: the ratio by quarter
        # shows what grows in Gromada itself.
        ratios = [mine / base for mine, base in zip(gromada_quarters, baseline_quarters, strict=True)]
        print(f"  CPU ratio to the baseline by quarter: {', '.join(f'{ratio:.2f}x' for ratio in ratios)}")
        rest = comparison.gromada.rest_per_action.median
        print(f"  REST calls per vote target <= 1.05: {'met' if rest <= 1.05 else 'NOT met'}")
        statements = statistics.median(run.statements_per_vote for run in ours)
        print(f"  SQL statements per vote: {statements:.2f} (target <= 3: {'met' if statements <= 3 else 'NOT met'})")
        ratio = comparison.ratio.median
        print(f"  CPU ratio target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
