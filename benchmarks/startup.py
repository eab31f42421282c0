"""Start: a bot starting onto thousands of pending deadlines and a backlog of overdue ones.

    .venv/bin/python -m benchmarks.startup                      # 1,000/100 and 10,000/1,000
    .venv/bin/python -m benchmarks.startup --sizes 10000:1000   # one size
    .venv/bin/python -m benchmarks.startup --days 0.5           # every pending deadline within 12 hours
    GROMADA_BENCH_DATABASE_URL=postgres://gromada:gromada@127.0.0.1:54329/postgres \
        .venv/bin/python -m benchmarks.startup

The deadlines are real ones: temporary bans (moderation), each a case row and its unban timer.
`pending` bans end evenly over --days (30) from an hour after the start; `overdue` ones ended
during the last hour, while the bot was down. Two measurements, each on fresh databases:

A fresh process starts Gromada on a database holding the pending bans, and another process a
bare discord.py bot (neither connects anywhere, so Gromada's reading of its command ids from
Discord is skipped; no SimCord in either). Figures: time to import the code, to run
setup_hook (database, features, re-arming) and to re-arm alone (`Timers.rearm`, target
0.3 s), and resident memory (RSS) after the start next to the bare bot's (target +15%).

A plain discord.py bot in SimCord, with one server whose mod-log channel is bound, restarts
into Gromada, which re-arms the deadlines and lifts the overdue bans (unban on Discord,
record the case, post it in mod-log). Figures: setup_hook and re-arming time, time until the
last overdue ban is lifted, CPU time of the whole restart, and the longest event-loop stall:
the longest wait of a callback handed to the loop every 2 ms from a thread, during setup_hook
(before the bot connects: nothing can be answered then anyway) and after it (connected,
while the backlog runs: what a person clicking would feel; target 100 ms). SimCord's own work
runs in the same loop and counts in these figures. The probe runs in separate runs from the
timed ones. Each run checks that every due ban was lifted exactly once and no other.

Figures are the median [lowest-highest] of --repetitions runs after --warmup runs.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import discord

from benchmarks.fresh_start import bare_bot
from benchmarks.harness import (
    Spread,
    add_repetition_arguments,
    bench_settings,
    database_kind,
    fresh_database,
    without_idle_timers,
)

SIZES = ((1_000, 100), (10_000, 1_000))
SPREAD_OVER = timedelta(days=30)
PROBE_EVERY = 0.002
STALL_TARGET = 0.1
SIMCORD_START_LIMIT = 5.0
# How long a start in SimCord may take to settle (the backlog included; see _patient_start).
SETTLE_TIMEOUT = 1800.0
# The first pending deadline falls due this long after the start: SimCord's settle waits for
# every timer due within SETTLE_TIMEOUT (in real time), and a pending deadline is not backlog.
FIRST_PENDING_AFTER = timedelta(hours=1)
START_TARGET = 0.3


# ---------------------------------------------------------------- the world


async def write_bans(
    database_url: str,
    guild_id: int,
    mod_log_id: int,
    moment: datetime,
    pending: int,
    overdue: int,
    spread_over: timedelta = SPREAD_OVER,
) -> None:
    """Temporary bans ending over `spread_over` (`pending`) or in the last hour (`overdue`), with their timers."""
    from cogs.moderation import service
    from gromada.db import close_database, open_database
    from models.core import BindingKind, GuildBinding, Timer
    from models.moderation import CaseAction, CaseCounter, CaseStatus, ModCase

    await open_database(bench_settings(database_url))
    try:
        await GuildBinding.create(guild_id=guild_id, kind=BindingKind.CHANNEL, purpose="mod_log", discord_id=mod_log_id)
        ends = [moment - timedelta(hours=1) * (index + 1) / (overdue + 1) for index in range(overdue)]
        ends += [moment + FIRST_PENDING_AFTER + spread_over * index / pending for index in range(pending)]
        await ModCase.bulk_create(
            [
                ModCase(
                    guild_id=guild_id,
                    number=number,
                    action=CaseAction.BAN,
                    status=CaseStatus.ACTIVE,
                    target_id=10**17 + number,
                    moderator_id=None,
                    reason="benchmark",
                    created_at=moment - timedelta(days=1),
                    expires_at=end,
                )
                for number, end in enumerate(ends, start=1)
            ],
            batch_size=1000,
        )
        await CaseCounter.create(guild_id=guild_id, last_number=len(ends))
        cases = await ModCase.filter(guild_id=guild_id).order_by("number").values_list("id", "expires_at")
        await Timer.bulk_create(
            [
                Timer(kind=service.UNBAN_TIMER, ref_id=case_id, guild_id=guild_id, due_at=end, created_at=moment)
                for case_id, end in cases
            ],
            batch_size=1000,
        )
    finally:
        await close_database()


async def check_outcome(database_url: str, moment: datetime, overdue: int) -> None:
    """Every ban that ended by `moment` lifted and recorded once, no other: else the figures mean nothing.

    SimCord's clock follows the real one while nothing moves it, so a slow run may see a few
    of the pending bans come due as well; they count as due, not as early.
    """
    from gromada.db import close_database, open_database
    from models.moderation import CaseAction, CaseStatus, ModCase

    await open_database(bench_settings(database_url), migrate=False)
    try:
        bans = ModCase.filter(action=CaseAction.BAN)
        lifted = await ModCase.filter(action=CaseAction.UNBAN).count()
        due = await bans.filter(expires_at__lte=moment).count()
        early = await bans.filter(expires_at__gt=moment, status=CaseStatus.ENDED).count()
        left = await bans.filter(expires_at__lte=moment, status=CaseStatus.ACTIVE).count()
    finally:
        await close_database()
    if lifted != due or early or left or due < overdue:
        raise AssertionError(f"{due} bans were due; {lifted} lifted, {left} left active, {early} lifted early")


# ---------------------------------------------------------------- the probe


class LoopLagProbe:
    """From a thread, hands the event loop a callback every PROBE_EVERY and records how late it ran.

    It calls the loop's own call_soon_threadsafe (not SimCord's tracking wrapper), so SimCord
    neither waits for the probe nor counts it as the bot's work.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._hand_over = functools.partial(type(loop).call_soon_threadsafe, loop)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="loop-lag-probe", daemon=True)
        self.samples: list[tuple[float, float]] = []  # (sent at, lag)

    def __enter__(self) -> LoopLagProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            arrived = threading.Event()
            sent = time.perf_counter()

            def land(sent: float = sent, arrived: threading.Event = arrived) -> None:
                self.samples.append((sent, time.perf_counter() - sent))
                arrived.set()

            self._hand_over(land)
            arrived.wait(timeout=30)
            time.sleep(PROBE_EVERY)

    def worst(self, start: float, end: float) -> float:
        return max((lag for sent, lag in self.samples if start <= sent < end), default=0.0)


# ---------------------------------------------------------------- one run


@dataclass
class StartRun:
    started_at: float = 0.0
    setup_hook: float = 0.0
    rearm: float = 0.0
    caught_up: float = 0.0
    cpu: float = 0.0
    stall_starting: float = 0.0
    stall_serving: float = 0.0
    finished_handlers: list[float] = field(default_factory=list)


def _clocked(run: StartRun, bot) -> None:
    """Note when setup_hook and rearm start and end, and when each unban handler finishes (a clock read each)."""
    setup_hook, rearm, register = bot.setup_hook, bot.timers.rearm, bot.timers.register

    async def timed_setup_hook() -> None:
        run.started_at = time.perf_counter()
        await setup_hook()
        run.setup_hook = time.perf_counter() - run.started_at

    async def timed_rearm(*args, **kwargs):
        started = time.perf_counter()
        try:
            return await rearm(*args, **kwargs)
        finally:
            run.rearm = time.perf_counter() - started

    def stamped_register(kind: str, handler) -> None:
        async def stamped(timer) -> None:
            await handler(timer)
            run.finished_handlers.append(time.perf_counter())

        register(kind, stamped)

    bot.setup_hook = timed_setup_hook
    bot.timers.rearm = timed_rearm
    bot.timers.register = stamped_register


def _patient_start(env) -> None:
    """Let a start settle for SETTLE_TIMEOUT instead of SimCord's fixed 5 s.

    The start settles only once the overdue backlog is handled, and with every handler
    started at once, SimCord's own bookkeeping (about N^2 in concurrent handlers) alone
    takes longer than that: the run would fail instead of showing the cost.
    """
    settle = env._settle_internal

    async def patient(**options):
        if options.get("timeout") == SIMCORD_START_LIMIT:
            options["timeout"] = SETTLE_TIMEOUT
        return await settle(**options)

    env._settle_internal = patient


async def start_once(pending: int, overdue: int, spread_over: timedelta, *, probe: bool) -> StartRun:
    import simcord

    from gromada.bot import create_bot
    from gromada.db import close_database

    run = StartRun()
    async with fresh_database() as url:
        async with simcord.run(bare_bot(), settle_timeout=SETTLE_TIMEOUT) as env:
            _patient_start(env)
            guild = env.create_guild("Benchmark")
            mod_log = guild.create_text_channel("mod-log")
            await env.settle()
            await write_bans(url, guild.id, mod_log.id, discord.utils.utcnow(), pending, overdue, spread_over)
            bot = create_bot(bench_settings(without_idle_timers(url), sync_commands=False))
            _clocked(run, bot)
            try:
                cpu = time.process_time()
                if probe:
                    with LoopLagProbe(asyncio.get_running_loop()) as lag:
                        await env.restart_bot(bot)
                    connected = run.started_at + run.setup_hook
                    run.stall_starting = lag.worst(run.started_at, connected)
                    run.stall_serving = lag.worst(connected, time.perf_counter())
                else:
                    await env.restart_bot(bot)
                run.cpu = time.process_time() - cpu
                run.caught_up = max(run.finished_handlers, default=run.started_at) - run.started_at
                finished = discord.utils.utcnow()
            finally:
                bot.timers.shutdown()
                await close_database()
        await check_outcome(url, finished, overdue)
    if len(run.finished_handlers) < overdue:
        raise AssertionError(f"{len(run.finished_handlers)} unban handlers ran for {overdue} overdue bans")
    return run


# ---------------------------------------------------------------- a start in a fresh process


async def _fresh_start(which: str, database_url: str) -> dict[str, float]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.fresh_start", which, database_url, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the {which} start process failed ({child.returncode})")
    return json.loads(output.decode().strip().splitlines()[-1])


async def fresh_starts(pending: int, spread_over: timedelta, repetitions: int) -> tuple[list[dict], list[dict]]:
    """Gromada with `pending` deadlines, and a bare bot, each started `repetitions` times in fresh processes."""
    gromada: list[dict] = []
    bare: list[dict] = []
    async with fresh_database() as url:
        await write_bans(url, 1, 2, discord.utils.utcnow(), pending, 0, spread_over)
        await _fresh_start("gromada", url)  # warm-up: the file cache, and a migrated database
        for _ in range(repetitions):
            bare.append(await _fresh_start("bare", url))
            gromada.append(await _fresh_start("gromada", url))
    return gromada, bare


# ---------------------------------------------------------------- the report


def _of(runs: list, pick) -> Spread:
    return Spread.of([pick(run) for run in runs])


async def benchmark(pending: int, overdue: int, spread_over: timedelta, repetitions: int, warmup: int) -> None:
    gromada, bare = await fresh_starts(pending, spread_over, repetitions)
    for _ in range(warmup):
        await start_once(pending, overdue, spread_over, probe=False)
    timed = [await start_once(pending, overdue, spread_over, probe=False) for _ in range(repetitions)]
    probed = [await start_once(pending, overdue, spread_over, probe=True) for _ in range(repetitions)]

    rss, bare_rss = _of(gromada, lambda run: run["rss"]), _of(bare, lambda run: run["rss"])
    rearm = _of(gromada, lambda run: run["rearm"])
    serving = _of(probed, lambda run: run.stall_serving)
    print(
        f"\n{pending:,} pending deadlines over {spread_over.total_seconds() / 86400:g} days, {overdue:,} overdue, "
        f"on {database_kind()}  ({repetitions} runs; median [lowest-highest])"
    )
    print("  A fresh process starting, no Discord to talk to (pending deadlines only):")
    print(
        f"    import: {_of(gromada, lambda run: run['import']).show(unit=' s', digits=3)} "
        f"(bare bot {_of(bare, lambda run: run['import']).show(unit=' s', digits=3)})"
    )
    print(f"    start (setup_hook): {_of(gromada, lambda run: run['setup_hook']).show(unit=' s', digits=3)}")
    print(
        f"    re-arming: {rearm.show(unit=' s', digits=3)} "
        f"(target <= {START_TARGET} s: {'met' if rearm.high <= START_TARGET else 'NOT met'})"
    )
    print(
        f"    memory after start (RSS): {rss.show(unit=' MB', digits=1)} vs bare bot "
        f"{bare_rss.show(unit=' MB', digits=1)}: +{(rss.median / bare_rss.median - 1) * 100:.0f}% (target <= +15%)"
    )
    print(
        f"    peak RSS: {_of(gromada, lambda run: run['peak']).show(unit=' MB', digits=1)} "
        f"vs bare bot {_of(bare, lambda run: run['peak']).show(unit=' MB', digits=1)}"
    )
    print("  A restart in SimCord that also lifts the overdue bans (SimCord's own work included):")
    print(f"    start (setup_hook): {_of(timed, lambda run: run.setup_hook).show(unit=' s', digits=3)}")
    print(f"    re-arming: {_of(timed, lambda run: run.rearm).show(unit=' s', digits=3)}")
    print(f"    caught up (last overdue handled): {_of(timed, lambda run: run.caught_up).show(unit=' s', digits=3)}")
    print(f"    CPU of the whole restart: {_of(timed, lambda run: run.cpu).show(unit=' s', digits=3)}")
    print(f"    longest loop stall while starting: {_of(probed, lambda run: run.stall_starting).show(1000, ' ms', 0)}")
    print(
        f"    longest loop stall once connected: {serving.show(1000, ' ms', 0)} "
        f"(target <= {STALL_TARGET * 1000:.0f} ms: {'met' if serving.high <= STALL_TARGET else 'NOT met'})"
    )


def _size(text: str) -> tuple[int, int]:
    pending, _, overdue = text.partition(":")
    return int(pending), int(overdue or 0)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [_size(part) for part in text.split(",")],
        default=list(SIZES),
        help="pending:overdue pairs, comma separated (default 1000:100,10000:1000)",
    )
    parser.add_argument(
        "--days",
        type=float,
        default=SPREAD_OVER.days,
        help="pending deadlines fall due evenly over this many days (default 30)",
    )
    add_repetition_arguments(parser)
    args = parser.parse_args()
    for pending, overdue in args.sizes:
        await benchmark(pending, overdue, timedelta(days=args.days), args.repetitions, args.warmup)


if __name__ == "__main__":
    asyncio.run(main())
