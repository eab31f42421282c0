"""Prometheus metrics, one registry per bot (tests run many bots in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._events = Counter("gromada_events_total", "Gateway events handled", ["event"], registry=self.registry)
        self._interactions = Counter(
            "gromada_interactions_total", "Interactions answered", ["type"], registry=self.registry
        )
        self._errors = Counter("gromada_errors_total", "Errors shown to people", ["kind"], registry=self.registry)
        self._scheduler_lag = Histogram(
            "gromada_scheduler_lag_seconds",
            "How late deadlines fired after their due time",
            buckets=(0.1, 1, 5, 30, 60, 300, 3600, 86400),
            registry=self.registry,
        )

    def event(self, name: str) -> None:
        self._events.labels(name).inc()

    def interaction(self, kind: str) -> None:
        self._interactions.labels(kind).inc()

    def error(self, kind: str) -> None:
        self._errors.labels(kind).inc()

    def scheduler_lag(self, seconds: float) -> None:
        self._scheduler_lag.observe(max(0.0, seconds))

    def render(self) -> bytes:
        return generate_latest(self.registry)
