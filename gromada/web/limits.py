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


def client_address(remote: str | None, forwarded_for: str, trusted_proxies: frozenset[str]) -> str:
    """Whom to count a request against: the peer, or behind a trusted proxy the client it saw.

    Only the last X-Forwarded-For entry is the proxy's own: anything before it the client
    could have written, so trusting it would let anyone pick a fresh address per request.
    """
    peer = remote or "unknown"
    if peer not in trusted_proxies:
        return peer
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    return entries[-1] if entries else peer
