"""Deadlines: rows in the `timer` table, with APScheduler 3 as the alarm clock.

The database is the source of truth. Scheduling a deadline writes a Timer row and arms an
in-memory job with the stable id `<feature>:<timer pk>`; at start every pending row is armed
again and overdue ones run at once. A firing job first claims its row with a conditional
update (pending → running), so a deadline is handled once even if it is armed twice.

APScheduler reads `datetime.now()` itself (in apscheduler.schedulers.base and
apscheduler.executors.base). The bot's one clock is `discord.utils.utcnow()`, which a
simulated Discord moves forward in tests, so those two modules are pointed at a datetime
whose `now()` reads the bot's clock. In production both clocks are the wall clock.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import apscheduler.executors.base as _aps_executors
import apscheduler.schedulers.base as _aps_schedulers
import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from tortoise.expressions import F

from models.core import Timer, TimerStatus

log = logging.getLogger(__name__)

TimerHandler = Callable[[Timer], Awaitable[None]]
# A failing handler is retried after these delays, then the timer is marked failed.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


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
    return f"{timer.kind.split('.', 1)[0]}:{timer.pk}"


class Timers:
    """Schedule, cancel and fire deadlines. One instance per bot."""

    def __init__(self, on_fired: Callable[[Timer, float], None] | None = None) -> None:
        _follow_bot_clock()
        self._handlers: dict[str, TimerHandler] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._context: contextvars.Context | None = None
        self._on_fired = on_fired

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

    async def rearm(self) -> int:
        """Arm every pending row; rows left running by a process that died run again."""
        await Timer.filter(status=TimerStatus.RUNNING).update(status=TimerStatus.PENDING)
        pending = await Timer.filter(status=TimerStatus.PENDING)
        for timer in pending:
            self._arm(timer)
        return len(pending)

    def shutdown(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

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
        self._arm(timer)
        return timer

    async def ensure(self, kind: str, due_at: datetime, *, ref_id: int, guild_id: int | None = None) -> bool:
        """Arm a deadline unless one is already pending or running for the same kind and ref; True if armed.

        Features call this at load for the rows whose deadline must exist (a crash between a
        change and its timer, or a timer that gave up after its retries, would lose it). A row
        left running by a stopped process counts: rearm() runs it again once the features are
        loaded, so arming another would run the deadline twice.
        """
        armed = await Timer.filter(
            kind=kind, ref_id=ref_id, status__in=[TimerStatus.PENDING, TimerStatus.RUNNING]
        ).exists()
        if armed:
            return False
        await self.schedule(kind, due_at, ref_id=ref_id, guild_id=guild_id, replace=False)
        return True

    async def cancel(self, kind: str, ref_id: int) -> int:
        pending = await Timer.filter(kind=kind, ref_id=ref_id, status=TimerStatus.PENDING)
        for timer in pending:
            self._disarm(timer)
        if not pending:
            return 0
        return await Timer.filter(id__in=[t.pk for t in pending], status=TimerStatus.PENDING).update(
            status=TimerStatus.CANCELLED
        )

    async def pending(self, kind: str, ref_id: int) -> Timer | None:
        return await Timer.filter(kind=kind, ref_id=ref_id, status=TimerStatus.PENDING).first()

    def _arm(self, timer: Timer) -> None:
        if self._scheduler is None or self._context is None:
            # Not started yet: rearm() at start picks the row up from the database.
            return
        self._context.run(
            self._scheduler.add_job,
            self._fire,
            "date",
            run_date=timer.due_at,
            args=[timer.pk],
            id=job_id(timer),
            replace_existing=True,
        )

    def _disarm(self, timer: Timer) -> None:
        if self._scheduler is not None and self._scheduler.get_job(job_id(timer)) is not None:
            self._scheduler.remove_job(job_id(timer))

    # ------------------------------------------------------------ firing

    async def _fire(self, timer_id: int) -> None:
        fired_at = now()
        claimed = await Timer.filter(id=timer_id, status=TimerStatus.PENDING).update(
            status=TimerStatus.RUNNING, attempts=F("attempts") + 1, fired_at=fired_at
        )
        if not claimed:
            return  # cancelled, or already handled
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
