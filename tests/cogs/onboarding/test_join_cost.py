"""A join costs a handful of statements, and listeners with nothing to do touch no database.

Every newcomer's join starts a journey (a role, a private thread, a first step), and giving
the Newcomer role wakes every feature that follows role changes: on a busy server both
happen often, so both stay cheap. The server's configuration is read once (the first join
here) and then kept in memory.
"""

from __future__ import annotations

from benchmarks.sql_count import counting_statements
from models.onboarding import Journey


async def test_a_join_is_at_most_six_statements(server):
    await server.join("first")  # the server's configuration is read here, once

    with counting_statements() as statements:
        second = await server.join("second")

    thread = server.thread_of(second)
    assert f"<@{second.id}>" in thread.history()[-1].content
    journey = await Journey.get(user_id=second.id)
    assert journey.thread_id == thread.id and journey.step_message_id == thread.history()[-1].id
    assert len(statements) <= 6, statements.statements


async def test_a_role_change_no_feature_follows_reads_nothing(server, simcord_env):
    await server.join("first")
    gardeners = server.guild.create_role("Gardeners")
    await simcord_env.settle()
    guild = server.guild.me.guild

    with counting_statements() as statements:
        await guild.get_member(server.member.id).add_roles(guild.get_role(gardeners.id))
        await simcord_env.settle()

    assert "Gardeners" in {role.name for role in guild.get_member(server.member.id).roles}
    assert statements.statements == []
