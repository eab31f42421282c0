"""Deadlines follow the bot's clock, survive restarts, and fire exactly once."""

from datetime import timedelta

import discord
import pytest

from cogs.privacy.service import RETENTION_TIMER
from gromada.bot import create_bot
from gromada.scheduler import CONCURRENT_HANDLERS
from models.core import Timer, TimerStatus
from tests.helpers import Server


def announcing(bot, channel_id: int, fired: list[int]):
    """A feature-like handler: when the deadline is due, say so in a channel."""

    async def handler(timer: Timer) -> None:
        fired.append(timer.pk)
        await bot.get_channel(channel_id).send(f"deadline {timer.ref_id} reached")

    bot.add_timer_handler("test.announce", handler)
    return bot


@pytest.fixture
def fired() -> list[int]:
    return []


@pytest.fixture
def simcord_bot(simcord_bot, fired):
    simcord_bot.fired = fired
    return simcord_bot


async def schedule_in(bot, channel, delay: timedelta, ref_id: int = 7) -> Timer:
    announcing(bot, channel.id, bot.fired)
    return await bot.timers.schedule("test.announce", discord.utils.utcnow() + delay, ref_id=ref_id)


async def test_deadline_fires_when_time_advances(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    timer = await schedule_in(simcord_env.bot, server.general, timedelta(hours=3))

    await simcord_env.advance_time(2 * 3600)
    assert server.general.last_message is None
    await simcord_env.advance_time(3600 + 1)

    assert server.general.last_message.content == "deadline 7 reached"
    assert (await Timer.get(id=timer.pk)).status == TimerStatus.DONE


async def test_deadline_after_restart_fires_once(simcord_env, settings, fired):
    server = Server(simcord_env)
    await simcord_env.settle()
    await schedule_in(simcord_env.bot, server.general, timedelta(days=2))

    await simcord_env.restart_bot(announcing(create_bot(settings), server.general.id, fired))
    await simcord_env.advance_time(3 * 86400)
    await simcord_env.restart_bot(announcing(create_bot(settings), server.general.id, fired))
    await simcord_env.advance_time(86400)

    messages = [m.content for m in server.general.history() if m.content.startswith("deadline")]
    assert messages == ["deadline 7 reached"]
    assert len(fired) == 1


async def test_overdue_deadline_fires_at_start(simcord_env, settings, fired):
    server = Server(simcord_env)
    await simcord_env.settle()
    # Written while the bot was down: due an hour ago.
    await Timer.create(
        kind="test.announce",
        ref_id=9,
        due_at=discord.utils.utcnow() - timedelta(hours=1),
        created_at=discord.utils.utcnow() - timedelta(days=1),
    )

    await simcord_env.restart_bot(announcing(create_bot(settings), server.general.id, fired))

    assert server.general.last_message.content == "deadline 9 reached"


async def test_cancelled_deadline_does_not_fire(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    await schedule_in(simcord_env.bot, server.general, timedelta(minutes=30))

    assert await simcord_env.bot.timers.cancel("test.announce", 7) == 1
    await simcord_env.advance_time(3600)

    assert server.general.last_message is None


async def test_failing_handler_is_retried_then_succeeds(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    bot = simcord_env.bot
    attempts = []

    async def flaky(timer: Timer) -> None:
        attempts.append(timer.pk)
        if len(attempts) == 1:
            raise RuntimeError("Discord was down")
        await server.guild.me.guild.get_channel(server.general.id).send("done on retry")

    bot.add_timer_handler("test.flaky", flaky)
    timer = await bot.timers.schedule("test.flaky", discord.utils.utcnow() + timedelta(minutes=5), ref_id=1)

    await simcord_env.advance_time(10 * 60)

    assert server.general.last_message.content == "done on retry"
    assert len(attempts) == 2
    assert (await Timer.get(id=timer.pk)).status == TimerStatus.DONE


async def test_ensure_arms_a_lost_deadline_once(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    bot = simcord_env.bot
    announcing(bot, server.general.id, bot.fired)
    due = discord.utils.utcnow() + timedelta(hours=1)

    assert await bot.timers.ensure("test.announce", due, ref_id=9) is True
    # A second ensure (the next start, say) finds the pending row and arms nothing more.
    assert await bot.timers.ensure("test.announce", due, ref_id=9) is False
    assert await Timer.filter(kind="test.announce", ref_id=9).count() == 1

    await simcord_env.advance_time(3600 + 1)
    assert server.general.last_message.content == "deadline 9 reached"
    assert len(bot.fired) == 1


async def test_ensure_counts_a_deadline_left_running_by_a_stopped_process(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    bot = simcord_env.bot
    announcing(bot, server.general.id, bot.fired)
    due = discord.utils.utcnow() + timedelta(hours=1)
    timer = await bot.timers.schedule("test.announce", due, ref_id=9)
    # The process stopped while the handler ran; at the next start features ensure their
    # deadlines (while loading) before the left-over running row is re-armed.
    await Timer.filter(id=timer.pk).update(status=TimerStatus.RUNNING)

    assert await bot.timers.ensure("test.announce", due, ref_id=9) is False
    await bot.timers.rearm()
    await simcord_env.advance_time(3600 + 1)

    assert await Timer.filter(kind="test.announce", ref_id=9).count() == 1
    assert len(bot.fired) == 1


@pytest.mark.parametrize(
    "status",
    [
        # Another process armed the same row too and claimed it first: its handler is running.
        TimerStatus.RUNNING,
        # ...or has already handled it, or a command handled there cancelled it.
        TimerStatus.DONE,
        TimerStatus.CANCELLED,
    ],
)
async def test_a_deadline_claimed_or_ended_elsewhere_does_not_fire_here(simcord_env, status):
    # Two processes may share the database (a deploy overlapping the old one); each arms the
    # pending rows it finds. Only the row's status tells this one that the deadline is taken.
    server = Server(simcord_env)
    await simcord_env.settle()
    timer = await schedule_in(simcord_env.bot, server.general, timedelta(minutes=30))
    await Timer.filter(id=timer.pk).update(status=status)

    await simcord_env.advance_time(3600)

    assert server.general.last_message is None
    assert simcord_env.bot.fired == []
    row = await Timer.get(id=timer.pk)
    assert (row.status, row.attempts, row.fired_at) == (status, 0, None)


async def test_a_deadline_left_running_by_a_crash_runs_again_at_the_next_start(simcord_env, settings, fired):
    server = Server(simcord_env)
    await simcord_env.settle()
    # The process died while the handler ran: the row was claimed (running) and never finished.
    moment = discord.utils.utcnow()
    crashed = await Timer.create(
        kind="test.announce",
        ref_id=11,
        due_at=moment - timedelta(hours=2),
        created_at=moment - timedelta(days=1),
        status=TimerStatus.RUNNING,
        attempts=1,
        fired_at=moment - timedelta(hours=2),
    )

    await simcord_env.restart_bot(announcing(create_bot(settings), server.general.id, fired))

    assert server.general.last_message.content == "deadline 11 reached"
    assert fired == [crashed.pk]
    row = await Timer.get(id=crashed.pk)
    assert (row.status, row.attempts) == (TimerStatus.DONE, 2)


async def test_deadline_a_month_away_fires_after_a_month_with_a_restart_between(simcord_env, settings, fired):
    server = Server(simcord_env)
    await simcord_env.settle()
    timer = await schedule_in(simcord_env.bot, server.general, timedelta(days=30))

    await simcord_env.advance_time(15 * 86400)
    await simcord_env.restart_bot(announcing(create_bot(settings), server.general.id, fired))
    await simcord_env.advance_time(15 * 86400 - 60)
    assert server.general.last_message is None
    await simcord_env.advance_time(60 + 1)

    assert [m.content for m in server.general.history()] == ["deadline 7 reached"]
    assert len(fired) == 1
    assert (await Timer.get(id=timer.pk)).status == TimerStatus.DONE


async def test_deadline_written_by_another_process_fires_on_time(simcord_env):
    # Another process (or one that stopped) wrote it: this bot never scheduled it, its sweeps find it.
    server = Server(simcord_env)
    await simcord_env.settle()
    announcing(simcord_env.bot, server.general.id, simcord_env.bot.fired)
    moment = discord.utils.utcnow()
    await Timer.create(kind="test.announce", ref_id=5, due_at=moment + timedelta(days=3), created_at=moment)

    await simcord_env.advance_time(3 * 86400 - 60)
    assert server.general.last_message is None
    await simcord_env.advance_time(60 + 1)

    assert server.general.last_message.content == "deadline 5 reached"


async def test_deadline_moved_later_fires_at_its_new_time_only(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    timer = await schedule_in(simcord_env.bot, server.general, timedelta(minutes=30))
    # Moved in the database (by another process, say) after its alarm was set for the old time.
    await Timer.filter(id=timer.pk).update(due_at=discord.utils.utcnow() + timedelta(hours=2))

    await simcord_env.advance_time(2 * 3600 - 60)
    assert server.general.last_message is None
    await simcord_env.advance_time(60 + 1)

    assert server.general.last_message.content == "deadline 7 reached"
    assert len(simcord_env.bot.fired) == 1


async def test_overdue_deadlines_at_start_run_a_few_at_a_time_and_each_once(simcord_env, settings, fired):
    server = Server(simcord_env)
    await simcord_env.settle()
    moment = discord.utils.utcnow()
    # Fell due while the bot was stopped: far more than may run at once.
    backlog = 5 * CONCURRENT_HANDLERS
    await Timer.bulk_create(
        [
            Timer(kind="test.slow", ref_id=ref_id, due_at=moment - timedelta(minutes=ref_id), created_at=moment)
            for ref_id in range(backlog)
        ]
    )
    bot = create_bot(settings)
    running, most = set(), []

    async def slow(timer: Timer) -> None:
        # Reads and posts, as a feature's handler does: each wait lets other handlers run.
        running.add(timer.ref_id)
        most.append(len(running))
        await Timer.get(id=timer.pk)
        await bot.get_channel(server.general.id).send(f"handled {timer.ref_id}")
        running.discard(timer.ref_id)

    bot.add_timer_handler("test.slow", slow)
    await simcord_env.restart_bot(bot)

    handled = [m.content for m in server.general.history() if m.content.startswith("handled")]
    assert sorted(handled) == sorted(f"handled {ref_id}" for ref_id in range(backlog))
    assert max(most) <= CONCURRENT_HANDLERS
    assert await Timer.filter(kind="test.slow", status=TimerStatus.DONE).count() == backlog


async def test_features_checking_their_deadlines_at_start_count_one_left_running(simcord_env, settings):
    # The daily retention sweep (privacy) was running when the process stopped. At the next
    # start the feature checks that its timer exists before the left-over row runs again.
    [timer] = await Timer.filter(kind=RETENTION_TIMER, status=TimerStatus.PENDING)
    await Timer.filter(id=timer.pk).update(status=TimerStatus.RUNNING)

    await simcord_env.restart_bot(create_bot(settings))

    assert await Timer.filter(kind=RETENTION_TIMER).count() == 1
    assert (await Timer.get(id=timer.pk)).status == TimerStatus.PENDING
