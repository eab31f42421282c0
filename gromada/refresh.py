"""Coalesced refreshes: a burst of changes to one message costs one edit, not one per change.

Discord rate-limits message edits, and a card that shows seats or counts changes with every
click. A change marks its key (a row id) dirty; a discord.ext.tasks loop refreshes the dirty
keys at once, then every `period` seconds picks up what changed meanwhile, and stops after a
quiet round, so an idle bot runs no loop at all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable

from discord.ext import tasks

log = logging.getLogger(__name__)


class Coalescer:
    def __init__(self, refresh: Callable[[Hashable], Awaitable[object]], period: float = 3.0) -> None:
        self._refresh = refresh
        self._dirty: set[Hashable] = set()
        self._stopping = False
        self._closed = False
        self._loop = tasks.loop(seconds=period)(self._tick)

    def stop(self) -> None:
        self._closed = True
        self._loop.cancel()

    def mark_dirty(self, key: Hashable) -> None:
        self._dirty.add(key)
        self._wake()

    def _wake(self) -> None:
        if self._closed:
            return
        if not self._loop.is_running():
            self._stopping = False
            self._loop.start()
        elif self._stopping:
            # The loop is winding down after a quiet round: start again once it has ended.
            self._loop.get_task().add_done_callback(lambda _task: self._wake() if self._dirty else None)

    async def _tick(self) -> None:
        dirty, self._dirty = self._dirty, set()
        if not dirty:
            self._stopping = True
            self._loop.stop()
            return
        for key in dirty:
            try:
                await self._refresh(key)
            except Exception:
                log.exception("refreshing %r failed; the next change retries", key)
