"""Running sharded: which shards a process holds, what it refuses, and whose deadlines it runs."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import discord
import pytest

from config.settings import Settings
from gromada.bot import Gromada
from gromada.scheduler import Timers
from gromada.shards import IDENTIFY_INTERVAL, IdentifyBuckets, Shards, format_ids, parse_ids
from models.core import Timer, TimerStatus
from tests.gromada.test_cli import gromada_run  # noqa: F401  (the fixture)


def guild_on(shard: int, count: int, n: int = 1000) -> int:
    """A server id that Discord gives to `shard` of `count` (its timestamp part picks the shard)."""
    timestamp = n * count + shard
    return timestamp << 22 | 0x1234


# ---------------------------------------------------------------- settings and the command line


@pytest.mark.parametrize(("text", "ids"), [("0-3", [0, 1, 2, 3]), ("4,5", [4, 5]), ("0-1, 6", [0, 1, 6]), ("7", [7])])
def test_shard_ids_are_read_as_ranges_and_numbers(text, ids):
    assert parse_ids(text) == ids
    assert parse_ids(format_ids(ids)) == ids


@pytest.mark.parametrize("text", ["", "a", "3-1", "0,0", "1-"])
def test_unreadable_shard_ids_are_refused(text):
    with pytest.raises(ValueError):
        parse_ids(text)


def test_servers_and_direct_messages_belong_to_discords_shard():
    shards = Shards.of(4, [1, 3])
    assert [shards.shard_of(guild_on(shard, 4)) for shard in range(4)] == [0, 1, 2, 3]
    assert [shards.owns(guild_on(shard, 4)) for shard in range(4)] == [False, True, False, True]
    assert shards.shard_of(None) == 0 and not shards.owns(None)
    assert Shards.of(4, [0]).owns(None)
    assert Shards().owns(guild_on(3, 4)) and Shards().owns(None)


def _started_bots(monkeypatch) -> list[Gromada]:
    """The bots `gromada run` built, stopped at login (as if Discord were reached and left)."""
    bots: list[Gromada] = []

    async def login(self, *args, **kwargs):
        bots.append(self)

    async def connect(self, *args, **kwargs):
        return None

    monkeypatch.setattr(Gromada, "login", login)
    monkeypatch.setattr(Gromada, "connect", connect)
    return bots


def test_run_with_shards_holds_them_in_an_auto_sharded_bot(gromada_run, monkeypatch):  # noqa: F811
    bots = _started_bots(monkeypatch)

    code, _, err = gromada_run("--shard-count", "2", "--shard-ids", "0-1")

    assert code == 0, err
    (bot,) = bots
    assert isinstance(bot, discord.AutoShardedClient)
    assert (bot.shard_count, bot.shard_ids) == (2, [0, 1])
    assert bot.timers.shards == Shards.of(2, [0, 1])


def test_shard_settings_come_from_the_environment_too(gromada_run, monkeypatch):  # noqa: F811
    bots = _started_bots(monkeypatch)
    monkeypatch.setenv("SHARD_COUNT", "3")

    code, _, err = gromada_run()

    assert code == 0, err
    assert isinstance(bots[0], discord.AutoShardedClient)
    assert (bots[0].shard_count, bots[0].shard_ids) == (3, [0, 1, 2])


def test_run_without_shards_is_one_plain_connection(gromada_run, monkeypatch):  # noqa: F811
    bots = _started_bots(monkeypatch)
    for name in ("SHARD_COUNT", "SHARD_IDS", "DISCORD_API_URL"):
        monkeypatch.setenv(name, "")  # as .env.example leaves them

    code, _, err = gromada_run()

    assert code == 0, err
    assert not isinstance(bots[0], discord.AutoShardedClient)
    assert bots[0].timers.shards == Shards()


def test_some_shards_on_sqlite_are_refused_naming_postgresql(gromada_run, monkeypatch):  # noqa: F811
    bots = _started_bots(monkeypatch)

    code, out, err = gromada_run("--shard-count", "4", "--shard-ids", "0-1")

    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "shards 0-1 of 4" in err and "PostgreSQL" in err and "DATABASE_URL" in err
    assert "Traceback" not in out + err
    assert bots == []


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--shard-count", "2", "--shard-ids", "0-2"), "shard 2 does not exist with SHARD_COUNT=2"),
        (("--shard-ids", "1"), "SHARD_IDS is set without SHARD_COUNT"),
        (("--shard-count", "0"), "SHARD_COUNT must be at least 1"),
        (("--shard-count", "2", "--shard-ids", "x"), "'x' is neither a shard id nor a range"),
    ],
)
def test_wrong_shard_settings_are_said_in_one_line(gromada_run, monkeypatch, options, said):  # noqa: F811
    bots = _started_bots(monkeypatch)

    code, out, err = gromada_run(*options)

    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert said in err
    assert "Traceback" not in out + err
    assert bots == []


# ---------------------------------------------------------------- starting shards by Discord's buckets


async def test_shards_start_together_within_discords_max_concurrency():
    clock = [100.0]
    buckets = IdentifyBuckets(4, clock=lambda: clock[0])

    for shard in range(4):
        assert buckets.wait_before(shard) == 0  # four buckets: the first four start at once
        await buckets.identify(shard)
    # The fifth shard shares shard 0's bucket: it waits out that bucket's interval.
    assert buckets.wait_before(4) == IDENTIFY_INTERVAL
    clock[0] += IDENTIFY_INTERVAL
    assert buckets.wait_before(4) == 0


# ---------------------------------------------------------------- whose deadlines a process runs


async def test_a_process_arms_only_the_deadlines_of_its_shards(simcord_env):
    # The rule at the database: four processes' worth of Timers over one database, each
    # holding one of four shards, with the rows of every shard (and one of no server) in it.
    due = discord.utils.utcnow() + timedelta(hours=1)
    guilds: list[int | None] = [guild_on(shard, 4) for shard in range(4)] + [None]
    rows = [
        await Timer.create(kind="test.partition", ref_id=n, guild_id=guild, due_at=due, created_at=due)
        for n, guild in enumerate(guilds)
    ]

    for shard in range(4):
        timers = Timers(shards=Shards.of(4, [shard]))
        timers.start()
        try:
            await timers.rearm()
            # One written now (a person's action on this process) is armed only if it is ours.
            for guild in guilds:
                rows.append(
                    await timers.schedule("test.partition", due, ref_id=100 + shard, guild_id=guild, replace=False)
                )
            armed = [row.guild_id for row in rows if timers._is_armed("test.partition", row.pk)]
        finally:
            timers.shutdown()
        expected = [guild_on(shard, 4)] + ([None] if shard == 0 else [])
        assert armed == expected * 2, f"shard {shard}"
        del rows[len(guilds) :]


async def test_a_restart_re_runs_only_its_own_deadlines_left_running(simcord_env):
    # Two processes, one shard each: the first stopped while running its deadline; the
    # second starts. It must not take back the first one's row: that process is the one that
    # finishes it (or re-runs it when it starts again).
    mine, theirs = guild_on(1, 2), guild_on(0, 2)
    due = discord.utils.utcnow() - timedelta(minutes=1)
    theirs_running = await Timer.create(
        kind="test.partition", ref_id=1, guild_id=theirs, due_at=due, created_at=due, status=TimerStatus.RUNNING
    )
    mine_running = await Timer.create(
        kind="test.partition", ref_id=2, guild_id=mine, due_at=due, created_at=due, status=TimerStatus.RUNNING
    )
    ran: list[int] = []
    timers = Timers(shards=Shards.of(2, [1]))

    async def handler(timer: Timer) -> None:
        ran.append(timer.pk)

    timers.register("test.partition", handler)
    timers.start()
    try:
        await timers.rearm()
        await asyncio.gather(*timers._backlogs)  # overdue rows run in the background
    finally:
        timers.shutdown()

    assert ran == [mine_running.pk]
    assert (await Timer.get(id=mine_running.pk)).status == TimerStatus.DONE
    assert (await Timer.get(id=theirs_running.pk)).status == TimerStatus.RUNNING


async def test_lost_deadlines_are_ensured_by_the_process_holding_their_server(simcord_env):
    timers = Timers(shards=Shards.of(2, [0]))
    timers.start()
    due = discord.utils.utcnow() + timedelta(hours=1)
    try:
        # At start (features ensure their deadlines while loading): only our own server's.
        assert await timers.ensure("test.partition", due, ref_id=1, guild_id=guild_on(1, 2)) is False
        assert await timers.ensure("test.partition", due, ref_id=2, guild_id=guild_on(0, 2)) is True
        await timers.rearm()
        # Later (a person's action, which may come through a direct message on shard 0): any.
        assert await timers.ensure("test.partition", due, ref_id=3, guild_id=guild_on(1, 2)) is True
    finally:
        timers.shutdown()
    assert sorted(await Timer.filter(kind="test.partition").values_list("ref_id", flat=True)) == [2, 3]


def test_settings_name_the_shards(monkeypatch):
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "2-3")
    assert Settings(_env_file=None).shards() == Shards.of(4, [2, 3])


# ---------------------------------------------------------------- REST through a shared rate-limit proxy


def test_rest_calls_go_to_the_configured_api_address(gromada_run, monkeypatch):  # noqa: F811
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # put back after the test
    seen: list[str] = []

    async def login(self, *args, **kwargs):
        seen.append(discord.http.Route("GET", "/users/@me").url)

    async def connect(self, *args, **kwargs):
        return None

    monkeypatch.setattr(Gromada, "login", login)
    monkeypatch.setattr(Gromada, "connect", connect)
    monkeypatch.setenv("DISCORD_API_URL", "http://nirn-proxy:8080/api/v10/")

    code, _, err = gromada_run()

    assert code == 0, err
    assert seen == ["http://nirn-proxy:8080/api/v10/users/@me"]


def test_an_api_address_that_is_not_http_is_said_in_one_line(gromada_run, monkeypatch):  # noqa: F811
    bots = _started_bots(monkeypatch)
    monkeypatch.setenv("DISCORD_API_URL", "nirn-proxy:8080")

    code, _, err = gromada_run()

    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "DISCORD_API_URL" in err
    assert bots == []


async def test_overdue_deadlines_wait_for_the_connection_to_discord(simcord_env):
    # At start the overdue rows are found before Discord has sent the servers: their handlers
    # run once the bot is connected, not before (they would find no server in the cache).
    due = discord.utils.utcnow() - timedelta(hours=1)
    await Timer.create(kind="test.partition", ref_id=1, guild_id=guild_on(0, 2), due_at=due, created_at=due)
    connected = asyncio.Event()
    ran: list[bool] = []
    timers = Timers(shards=Shards.of(2, [0]), ready=connected.wait)

    async def handler(timer: Timer) -> None:
        ran.append(connected.is_set())

    timers.register("test.partition", handler)
    timers.start()
    try:
        await timers.rearm()
        for _ in range(20):
            await asyncio.sleep(0)
        assert ran == []
        connected.set()
        await asyncio.gather(*timers._backlogs)
    finally:
        timers.shutdown()
    assert ran == [True]
