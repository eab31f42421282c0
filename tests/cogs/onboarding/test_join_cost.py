"""A join costs a handful of statements, and listeners with nothing to do touch no database.

Every newcomer's join starts a journey (a role, a private thread, a first step), and giving
the Newcomer role wakes every feature that follows role changes: on a busy server both
happen often, so both stay cheap. The server's configuration is read once (the first join
here) and then kept in memory. Features whose listeners have nothing to do with a join (the
join of someone new, the Newcomer role given, the bot's own messages in the thread) are not
even started: discord.py starts a task for each listener, whether or not it returns at once.
"""

from __future__ import annotations

from discord.ext import commands

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


def started_listeners(bot, monkeypatch) -> list[str]:
    """The features' listeners the bot starts from now on, by name (its own methods aside)."""
    started: list[str] = []
    schedule = bot._schedule_event

    def spy(coroutine, event_name, *args, **kwargs):
        if isinstance(getattr(coroutine, "__self__", None), commands.Cog):
            started.append(coroutine.__qualname__)
        return schedule(coroutine, event_name, *args, **kwargs)

    monkeypatch.setattr(bot, "_schedule_event", spy)
    return started


async def test_a_newcomers_join_starts_only_the_onboardings_listener(server, simcord_env, monkeypatch):
    await server.join("first")  # the server's configuration is read once, here
    started = started_listeners(simcord_env.bot, monkeypatch)

    newcomer = await server.join("second")

    member = server.guild.me.guild.get_member(newcomer.id)
    assert "Newcomer" in {role.name for role in member.roles}
    assert f"<@{newcomer.id}>" in server.thread_of(newcomer).history()[-1].content
    assert started == ["OnboardingCog.on_member_join"]


async def test_a_persons_message_in_a_welcome_thread_still_reaches_the_onboarding(server, simcord_env, monkeypatch):
    newcomer = await server.join("newcomer")
    started = started_listeners(simcord_env.bot, monkeypatch)

    await newcomer.send(server.thread_of(newcomer), "Hello, thank you!")

    assert sorted(started) == ["InitiativesCog.on_message", "OnboardingCog.on_message"]


async def test_a_first_join_looks_for_no_earlier_reminder(server):
    await server.join("first")

    with counting_statements() as statements:
        await server.join("second")

    # Someone new has no reminder to replace: only a newcomer who comes back has one.
    assert statements.shapes()["SELECT timer"] == 0
    assert statements.shapes()["INSERT timer"] == 1
