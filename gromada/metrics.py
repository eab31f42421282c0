"""Prometheus metrics, one registry per bot (tests run many bots in one process).

Every series carries the shard its server is on (`shard`, Discord's rule, direct messages on
shard 0; "0" for everything when not sharded), so the processes of a sharded bot can be
summed, and one slow or busy shard told apart. Each shard this process holds is also shown
as gauges at every scrape: connected, heartbeat latency and servers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from gromada.shards import Shards


class Metrics:
    def __init__(self, shards: Shards | None = None) -> None:
        self.shards = shards or Shards()
        self.registry = CollectorRegistry()
        self._events = Counter(
            "gromada_events_total", "Gateway events handled", ["shard", "event"], registry=self.registry
        )
        self._interactions = Counter(
            "gromada_interactions_total", "Interactions answered", ["shard", "type"], registry=self.registry
        )
        self._errors = Counter(
            "gromada_errors_total", "Errors shown to people", ["shard", "kind"], registry=self.registry
        )
        self._scheduler_lag = Histogram(
            "gromada_scheduler_lag_seconds",
            "How late deadlines fired after their due time",
            ["shard"],
            buckets=(0.1, 1, 5, 30, 60, 300, 3600, 86400),
            registry=self.registry,
        )
        self._connected = Gauge(
            "gromada_shard_connected", "1 while the shard's gateway connection is up", ["shard"], registry=self.registry
        )
        self._latency = Gauge(
            "gromada_shard_latency_seconds", "The shard's gateway heartbeat latency", ["shard"], registry=self.registry
        )
        self._guilds = Gauge("gromada_shard_guilds", "Servers the shard holds", ["shard"], registry=self.registry)
        for shard in sorted(self.shards.ids):
            self._scheduler_lag.labels(str(shard))  # shown from the start, as before the label

    def _shard(self, guild_id: int | None) -> str:
        return str(self.shards.shard_of(guild_id))

    def event(self, name: str, guild_id: int | None = None) -> None:
        self._events.labels(self._shard(guild_id), name).inc()

    def interaction(self, kind: str, guild_id: int | None = None) -> None:
        self._interactions.labels(self._shard(guild_id), kind).inc()

    def error(self, kind: str, guild_id: int | None = None) -> None:
        self._errors.labels(self._shard(guild_id), kind).inc()

    def scheduler_lag(self, seconds: float, guild_id: int | None = None) -> None:
        self._scheduler_lag.labels(self._shard(guild_id)).observe(max(0.0, seconds))

    def shards_now(self, states: Iterable[Mapping[str, Any]], guild_ids: Iterable[int]) -> None:
        """The held shards' state as /healthz reports it, and how many servers each holds."""
        guilds: dict[int, int] = {}
        for guild_id in guild_ids:
            shard = self.shards.shard_of(guild_id)
            guilds[shard] = guilds.get(shard, 0) + 1
        for state in states:
            label = str(state["shard"])
            self._connected.labels(label).set(1 if state["connected"] else 0)
            latency = state["latency_ms"]
            self._latency.labels(label).set(float("nan") if latency is None else latency / 1000)
            self._guilds.labels(label).set(guilds.get(state["shard"], 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)
