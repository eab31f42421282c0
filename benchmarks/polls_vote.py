"""Polls: members voting on one poll through SimCord, and instant-runoff at scale.

    .venv/bin/python -m benchmarks.polls_vote                  # 500 members, about a minute
    .venv/bin/python -m benchmarks.polls_vote --members 2000   # the issue's size, a few minutes

Votes arrive at --rate votes per second of simulated time (default 10/s: 2,000 votes over
200 s); the clock moves between votes so the coalesced tally refresh runs as it would live.
The baseline bot answers the same button click with an ephemeral message, no database.
Figures: CPU per vote relative to the baseline, REST calls per vote (target <= 1.05), and
instant-runoff over 100,000 ballots x 10 options (target < 0.5 s of CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

import discord
import simcord

from benchmarks.harness import Measurement, baseline_bot, gromada_bot, measure, report
from cogs.polls import rules


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


async def _vote_all(env, voters, message, labels, rate: float) -> None:
    step = 1.0 / rate
    pending = 0.0
    for index, voter in enumerate(voters):
        await voter.click(message, label=labels[index % len(labels)])
        pending += step
        if pending >= 1.0:  # move the clock in whole seconds, as votes trickle in
            await env.advance_time(pending)
            pending = 0.0


async def gromada_votes(members: int, rate: float) -> Measurement:
    async with gromada_bot() as bot, simcord.run(bot) as env:
        _guild, channel, admin, voters = await _members(env, members)
        await admin.slash(channel, "poll create", question="Which day?", options="Monday; Wednesday; Friday")
        message = channel.last_message
        labels = ["Monday", "Wednesday", "Friday"]
        return await measure("gromada", env, len(voters), lambda: _vote_all(env, voters, message, labels, rate))


async def baseline_votes(members: int, rate: float) -> Measurement:
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
        return await measure(
            "baseline", env, len(voters), lambda: _vote_all(env, voters, message, ["0", "1", "2"], rate)
        )


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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--rate", type=float, default=10.0, help="votes per simulated second")
    parser.add_argument("--ballots", type=int, default=100_000)
    args = parser.parse_args()

    seconds, result = irv_benchmark(args.ballots)
    print(f"\nInstant-runoff over {args.ballots:,} ballots x 10 options (grouped by ballot)")
    print(f"  CPU: {seconds * 1000:.0f} ms (target < 500 ms); rounds: {len(result.rounds)}; winner: {result.winners}")

    baseline = await baseline_votes(args.members, args.rate)
    gromada = await gromada_votes(args.members, args.rate)
    report(f"{args.members:,} members voting on one poll ({args.rate:g} votes/s)", gromada, baseline)
    target = "met" if gromada.rest_per_action <= 1.05 else "NOT met"
    print(f"  REST calls per vote target <= 1.05: {target}")


if __name__ == "__main__":
    asyncio.run(main())
