"""Deadlines: rows in the `timer` table, with APScheduler 3 as the alarm clock.

The database is the source of truth. Scheduling a deadline writes a Timer row; a row due
within ARM_AHEAD is also armed as an in-memory job with the stable id `<feature>:<timer pk>`.
Later rows wait in the database, and a sweep every SWEEP_EVERY (on the bot's clock) arms
those that came near. A start therefore reads and arms the next hours' deadlines, not every
pending row, and memory does not grow with deadlines weeks away. Rows whose time came while
the bot was stopped run at start, a few at a time (CONCURRENT_HANDLERS): a backlog of a
thousand handlers started at once would hold the event loop for whole seconds, and no
interaction could be answered meanwhile. A firing job first claims its row with a conditional
update (pending and due → running), so a deadline is handled once even if it is armed twice
(by a sweep and a schedule, or by two processes), and a stale alarm never fires one early.

APScheduler reads `datetime.now()` itself (in apscheduler.schedulers.base and
apscheduler.executors.base). The bot's one clock is `discord.utils.utcnow()`, which a
simulated Discord moves forward in tests, so those two modules are pointed at a datetime
whose `now()` reads the bot's clock. In production both clocks are the wall clock.

Several processes sharing one database (gromada.shards) split the deadlines the way Discord
splits the servers: a process reads, arms, re-runs and fires only the rows of servers on its
shards (rows without a server belong to shard 0), so a server's deadlines run where its
events arrive and its guild is cached. The claim above stays the guard: were two processes
ever to arm the same row, one claim would win. A process that is down leaves its rows
pending; when it starts again they are overdue and run once, late. A row written by another
process for a server of ours (a rare case: a direct message handled on shard 0 that sets a
deadline on a server elsewhere) is announced to its owner (`on_foreign`, which the bot points
at gromada.cache_sync), which arms it at once; were the notice lost, its next sweep would.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import apscheduler.executors.base as _aps_executors
import apscheduler.schedulers.base as _aps_schedulers
import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from tortoise.expressions import F, RawSQL, Subquery
from tortoise.queryset import QuerySet

from gromada.shards import Shards
from models.core import Timer, TimerStatus

log = logging.getLogger(__name__)

TimerHandler = Callable[[Timer], Awaitable[None]]
# When a lost deadline is due (see Timers.ensure_all): a time, None for none, or either awaited.
DueAt = datetime | None | Awaitable[datetime | None]
# A failing handler is retried after these delays, then the timer is marked failed.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
# Rows due within ARM_AHEAD are armed in memory; a sweep every SWEEP_EVERY arms the rows that
# came within it (half of it, so a sweep that runs late still arms a row before it is due).
ARM_AHEAD = timedelta(hours=12)
SWEEP_EVERY = ARM_AHEAD / 2
SWEEP_JOB = "timers:sweep"
# Handlers running at once, however many deadlines fell due together.
CONCURRENT_HANDLERS = 8
# Rows read and armed per query, so that arming a busy hour yields to the event loop between pages.
PAGE = 500


class _BotClockDatetime(datetime):
    """`datetime` whose now() follows discord.utils.utcnow() (see module docstring)."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        current = discord.utils.utcnow()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)


def _follow_bot_clock() -> None:
    _aps_schedulers.datetime = _BotClockDatetime  # type: ignore[misc]
    _aps_executors.datetime = _BotClockDatetime  # type: ignore[misc]


def now() -> datetime:
    return discord.utils.utcnow()


def job_id(timer: Timer) -> str:
    return _job_id(timer.kind, timer.pk)


def _job_id(kind: str, timer_id: int) -> str:
    return f"{kind.split('.', 1)[0]}:{timer_id}"


def _live_rows():
    """Rows whose deadline still stands: pending, or running in this or a stopped process."""
    return Timer.filter(status__in=[TimerStatus.PENDING, TimerStatus.RUNNING])


def on_shards(rows: QuerySet[Any], shards: Shards) -> QuerySet[Any]:
    """The rows (of any table with a guild_id) of servers on these shards; all of them when not split."""
    if shards.holds_all:
        return rows
    return rows.annotate(_shard=RawSQL(shards.sql_shard("guild_id"))).filter(_shard__in=sorted(shards.ids))


class Timers:
    """Schedule, cancel and fire deadlines. One instance per bot."""

    def __init__(
        self,
        on_fired: Callable[[Timer, float], None] | None = None,
        *,
        shards: Shards | None = None,
        ready: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        _follow_bot_clock()
        # The servers whose deadlines this process runs (see the module docstring).
        self.shards = shards or Shards()
        # Awaited before a deadline runs: the bot's first connection. Overdue rows are found at
        # start, before Discord has sent the servers (all of them, with several shards), and a
        # handler would find its server missing from the cache.
        self._ready = ready
        # Told of a row due soon that another process must arm (see the module docstring).
        self.on_foreign: Callable[[int, int], None] | None = None
        self._handlers: dict[str, TimerHandler] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._context: contextvars.Context | None = None
        self._on_fired = on_fired
        # Every pending row due by then is armed; None until rearm() at start.
        self._armed_until: datetime | None = None
        self._slots = asyncio.Semaphore(CONCURRENT_HANDLERS)
        # Overdue rows handed to a backlog and not yet taken: a sweep meanwhile leaves them alone.
        self._queued: set[int] = set()
        self._backlogs: set[asyncio.Task] = set()
        # From start() to rearm(): features ensure their deadlines against one read of the live
        # rows of each kind instead of a query each (thousands of open polls at a start).
        self._loading = False
        self._live_at_start: dict[str, set[int]] = {}

    # ------------------------------------------------------------ lifecycle

    def register(self, kind: str, handler: TimerHandler) -> None:
        """Features register what to do when their kind of deadline is due (at cog load)."""
        self._handlers[kind] = handler

    def start(self) -> None:
        self._scheduler = AsyncIOScheduler(
            event_loop=asyncio.get_running_loop(),
            timezone=UTC,
            # Deadlines must fire however late (after downtime), and only once.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler.start()
        # Jobs are armed (and so later run) in the bot's own context, whoever schedules
        # them: a wake-up timer then belongs to the bot, not to a short-lived caller.
        self._context = contextvars.copy_context()
        self._loading = True

    async def rearm(self) -> int:
        """At start, once the features are loaded: arm what is due soon and run what is overdue.

        Rows left running by a process that died run again. Returns how many rows were armed
        or started; later ones wait for the sweeps.
        """
        self._loading = False
        self._live_at_start.clear()
        # Only our own: a row running elsewhere is another live process's, which finishes it.
        await on_shards(Timer.filter(status=TimerStatus.RUNNING), self.shards).update(status=TimerStatus.PENDING)
        return await self.sweep()

    async def sweep(self) -> int:
        """Arm the pending rows due within ARM_AHEAD and start the overdue ones; plan the next sweep."""
        moment = now()
        # Raised first: a deadline scheduled while the rows are read is armed by schedule() itself.
        self._armed_until = moment + ARM_AHEAD
        self._plan_sweep(moment + SWEEP_EVERY)
        armed, overdue = 0, []
        async for page in self._pending_rows(due_by=self._armed_until):
            with self._arming_together():
                for timer_id, kind, due_at in page:
                    if timer_id in self._queued or self._is_armed(kind, timer_id):
                        continue
                    armed += 1
                    if due_at <= moment:
                        overdue.append(timer_id)
                    else:
                        self._arm_job(timer_id, kind, due_at)
        self._work_through(overdue)
        return armed

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        for backlog in self._backlogs:
            backlog.cancel()
        self._queued.clear()
        self._armed_until = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    # ------------------------------------------------------------ scheduling

    async def schedule(
        self, kind: str, due_at: datetime, *, ref_id: int, guild_id: int | None = None, replace: bool = True
    ) -> Timer:
        """Write the deadline and arm it; by default it replaces the same kind for the same ref."""
        if replace:
            await self.cancel(kind, ref_id)
        timer = await Timer.create(kind=kind, ref_id=ref_id, guild_id=guild_id, due_at=due_at, created_at=now())
        if kind in self._live_at_start:
            self._live_at_start[kind].add(ref_id)
        self._arm(timer)
        return timer

    async def ensure(self, kind: str, due_at: datetime, *, ref_id: int, guild_id: int | None = None) -> bool:
        """Arm a deadline unless one is already pending or running for the same kind and ref; True if armed.

        Features call this at load for the rows whose deadline must exist (a crash between a
        change and its timer, or a timer that gave up after its retries, would lose it). A row
        left running by a stopped process counts: rearm() runs it again once the features are
        loaded, so arming another would run the deadline twice.
        """
        if self._loading:
            if not self.shards.owns(guild_id):
                return False  # the process holding that server ensures it at its own start
            if kind not in self._live_at_start:
                self._live_at_start[kind] = set(await _live_rows().filter(kind=kind).values_list("ref_id", flat=True))
            armed = ref_id in self._live_at_start[kind]
        else:
            armed = await _live_rows().filter(kind=kind, ref_id=ref_id).exists()
        if armed:
            return False
        await self.schedule(kind, due_at, ref_id=ref_id, guild_id=guild_id, replace=False)
        return True

    async def ensure_all(self, kind: str, rows: QuerySet[Any], *, due: Callable[[Any], DueAt]) -> int:
        """ensure() for every row of `rows` (a feature's open rows, keyed as their timers' ref_id), in one query.

        Only the rows whose deadline has no pending or running timer are read and armed, at
        `due(row)`: a start with thousands of open rows reads none of them when nothing was
        lost. `due` may be a coroutine (a server's own setting decides the time), and may
        answer None for a row that, once read, needs no deadline after all (a limit reached).
        Returns how many were armed.
        """
        if "guild_id" in rows.model._meta.fields_map:
            # Each process ensures its own servers' deadlines: two starting at once never both
            # find the same deadline lost and write it twice.
            rows = on_shards(rows, self.shards)
        lost = await rows.exclude(pk__in=Subquery(_live_rows().filter(kind=kind).values("ref_id")))
        armed = 0
        for row in lost:
            due_at = due(row)
            if inspect.isawaitable(due_at):
                due_at = await due_at
            if due_at is None:
                continue
            await self.schedule(kind, due_at, ref_id=row.pk, guild_id=getattr(row, "guild_id", None), replace=False)
            armed += 1
        return armed

    async def cancel(self, kind: str, ref_id: int) -> int:
        pending = await Timer.filter(kind=kind, ref_id=ref_id, status=TimerStatus.PENDING)
        for timer in pending:
            self._disarm(timer)
        if not pending:
            return 0
        if kind in self._live_at_start:
            self._live_at_start[kind].discard(ref_id)
        return await Timer.filter(id__in=[t.pk for t in pending], status=TimerStatus.PENDING).update(
            status=TimerStatus.CANCELLED
        )

    def written_elsewhere(self, timer_id: int, guild_id: int) -> None:
        """Another process wrote a deadline due soon for a server: arm it if the server is ours."""
        if self._scheduler is None or not self.shards.owns(guild_id):
            return
        # Not in the bot's context: _arm enters that one itself to add the job.
        task = asyncio.get_running_loop().create_task(self._arm_written(timer_id))
        self._backlogs.add(task)
        task.add_done_callback(self._backlogs.discard)

    async def _arm_written(self, timer_id: int) -> None:
        timer = await Timer.filter(id=timer_id, status=TimerStatus.PENDING).first()
        if timer is not None and not self._is_armed(timer.kind, timer.pk):
            self._arm(timer)

    async def pending(self, kind: str, ref_id: int) -> Timer | None:
        return await Timer.filter(kind=kind, ref_id=ref_id, status=TimerStatus.PENDING).first()

    def _arm(self, timer: Timer) -> None:
        if self._armed_until is None or timer.due_at > self._armed_until:
            # Not started yet (rearm() picks the row up), or not due soon (a sweep will arm it).
            return
        if not self.shards.owns(timer.guild_id):
            # Another process's server (so never None: rows without one are shard 0's).
            if self.on_foreign is not None and timer.guild_id is not None:
                self.on_foreign(timer.pk, timer.guild_id)
            return
        self._arm_job(timer.pk, timer.kind, timer.due_at)

    def _arm_job(self, timer_id: int, kind: str, due_at: datetime) -> None:
        assert self._scheduler is not None and self._context is not None
        self._context.run(
            self._scheduler.add_job,
            self._fire,
            "date",
            run_date=due_at,
            args=[timer_id],
            id=_job_id(kind, timer_id),
            replace_existing=True,
        )

    def _is_armed(self, kind: str, timer_id: int) -> bool:
        return self._scheduler is not None and self._scheduler.get_job(_job_id(kind, timer_id)) is not None

    def _disarm(self, timer: Timer) -> None:
        if self._scheduler is not None and self._scheduler.get_job(job_id(timer)) is not None:
            self._scheduler.remove_job(job_id(timer))

    @contextmanager
    def _arming_together(self) -> Iterator[None]:
        """Add many jobs with one wake-up of the scheduler instead of one each."""
        assert self._scheduler is not None and self._context is not None
        self._scheduler.pause()
        try:
            yield
        finally:
            # Resuming wakes the scheduler, which sets its next alarm: in the bot's context, as _arm_job.
            self._context.run(self._scheduler.resume)

    def _plan_sweep(self, at: datetime) -> None:
        assert self._scheduler is not None and self._context is not None
        self._context.run(
            self._scheduler.add_job, self._sweep_on_time, "date", run_date=at, id=SWEEP_JOB, replace_existing=True
        )

    async def _sweep_on_time(self) -> None:
        try:
            await self.sweep()
        except Exception:
            # The next sweep is planned before the rows are read: it tries again.
            log.exception("the deadline sweep failed")

    async def _pending_rows(self, *, due_by: datetime) -> AsyncIterator[list[tuple[int, str, datetime]]]:
        """Our pending rows due by `due_by` as (id, kind, due_at), a page per query, in id order."""
        after = 0
        while True:
            page = (
                await on_shards(Timer.filter(status=TimerStatus.PENDING, due_at__lte=due_by, id__gt=after), self.shards)
                .order_by("id")
                .limit(PAGE)
                .values_list("id", "kind", "due_at")
            )
            if page:
                yield page
            if len(page) < PAGE:
                return
            after = page[-1][0]

    # ------------------------------------------------------------ firing

    def _work_through(self, timer_ids: list[int]) -> None:
        """Run overdue rows in the background, CONCURRENT_HANDLERS at a time (see the module docstring)."""
        if not timer_ids:
            return
        assert self._context is not None
        self._queued.update(timer_ids)
        backlog = asyncio.get_running_loop().create_task(self._run_backlog(timer_ids), context=self._context)
        self._backlogs.add(backlog)
        backlog.add_done_callback(self._backlogs.discard)

    async def _run_backlog(self, timer_ids: Iterable[int]) -> None:
        remaining = iter(timer_ids)

        async def worker() -> None:
            for timer_id in remaining:  # shared: each row is taken by one worker
                self._queued.discard(timer_id)
                try:
                    await self._fire(timer_id)
                except Exception:
                    # The database failed us: a row left pending is taken by the next sweep, one
                    # left running by the next start. The other rows of the backlog go on.
                    log.exception("timer %s could not be run", timer_id)

        await asyncio.gather(*(worker() for _ in range(CONCURRENT_HANDLERS)))

    async def _fire(self, timer_id: int) -> None:
        if self._ready is not None:
            await self._ready()
        async with self._slots:
            await self._claim_and_handle(timer_id)

    async def _claim_and_handle(self, timer_id: int) -> None:
        fired_at = now()
        claimed = await Timer.filter(id=timer_id, status=TimerStatus.PENDING, due_at__lte=fired_at).update(
            status=TimerStatus.RUNNING, attempts=F("attempts") + 1, fired_at=fired_at
        )
        if not claimed:
            # Cancelled or already handled; or moved later after this alarm was set: alarm it anew.
            moved = await Timer.filter(id=timer_id, status=TimerStatus.PENDING).first()
            if moved is not None:
                self._arm(moved)
            return
        timer = await Timer.get(id=timer_id)
        if self._on_fired is not None:
            self._on_fired(timer, (fired_at - timer.due_at).total_seconds())
        handler = self._handlers.get(timer.kind)
        if handler is None:
            log.error("no handler for timer kind %s (timer %s)", timer.kind, timer.pk)
            await self._finish(timer, TimerStatus.FAILED, "no handler registered")
            return
        try:
            await handler(timer)
        except Exception as error:
            await self._retry_or_fail(timer, error)
        else:
            await self._finish(timer, TimerStatus.DONE)

    async def _finish(self, timer: Timer, status: TimerStatus, error: str | None = None) -> None:
        await Timer.filter(id=timer.pk, status=TimerStatus.RUNNING).update(status=status, last_error=error)

    async def _retry_or_fail(self, timer: Timer, error: Exception) -> None:
        log.exception("timer %s (%s) failed on attempt %s", timer.pk, timer.kind, timer.attempts)
        if timer.attempts > len(RETRY_DELAYS):
            await self._finish(timer, TimerStatus.FAILED, repr(error)[:2000])
            return
        timer.due_at = now() + RETRY_DELAYS[timer.attempts - 1]
        timer.status = TimerStatus.PENDING
        timer.last_error = repr(error)[:2000]
        await timer.save(update_fields=["due_at", "status", "last_error"])
        self._arm(timer)
