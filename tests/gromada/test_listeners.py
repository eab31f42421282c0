"""gromada.feature.listener: a feature's listener declares when it could have something to do.

The bot starts it only then (each started listener is a task). The conditions in use are
tested with the features that declare them (tests/cogs/onboarding/test_join_cost.py).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from gromada.feature import listener


class Probe(commands.Cog):
    def __init__(self) -> None:
        self.heard: list[int] = []

    @listener(when=lambda member: member.name.startswith("wanted") or 1 / 0)
    async def on_member_join(self, member: discord.Member) -> None:
        self.heard.append(member.id)


async def test_a_condition_that_fails_lets_its_listener_decide(simcord_env, caplog):
    probe = Probe()
    await simcord_env.bot.add_cog(probe)
    guild = simcord_env.create_guild("Probe")
    wanted = guild.add_member(simcord_env.create_user("wanted"))
    broken = guild.add_member(simcord_env.create_user("other"))

    with caplog.at_level(logging.ERROR, logger="gromada.feature"):
        await simcord_env.settle()

    assert probe.heard == [wanted.id, broken.id]
    assert "failed; starting it anyway" in caplog.text
