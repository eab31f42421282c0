"""A per-address request limit for the public pages: N requests in any 60 seconds.

Kept in memory (a restart forgives everyone), on the clock it is given (the bot's one
clock, which tests move). Addresses that have been quiet for a minute are dropped, so the table stays as
small as the set of recent visitors.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

WINDOW = 60.0


class RequestLimit:
    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = max(1, per_minute)
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._swept = clock()

    def retry_after(self, address: str) -> int | None:
        """Count a request from `address`: None if allowed, else the seconds to wait."""
        moment = self._clock()
        self._sweep(moment)
        recent = self._seen.setdefault(address, deque())
        while recent and recent[0] <= moment - WINDOW:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return max(1, math.ceil(recent[0] + WINDOW - moment))
        recent.append(moment)
        return None

    def _sweep(self, moment: float) -> None:
        if moment - self._swept < WINDOW:
            return
        self._swept = moment
        for address in [address for address, times in self._seen.items() if not times or times[-1] <= moment - WINDOW]:
            del self._seen[address]
