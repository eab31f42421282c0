"""Health and metrics over HTTP: /healthz and /metrics (Prometheus text).

/healthz stays open for probes. /metrics reveals how busy each feature is, so when
METRICS_TOKEN is set it answers only a request carrying `Authorization: Bearer <token>`.

/healthz lists each shard this process holds (one, shard 0, when not sharded): whether its
gateway connection is up and its heartbeat latency. The process is healthy when the
database answers and every one of its shards is connected: a shard that stays down is one
its servers cannot reach, whatever the others do.
"""

from __future__ import annotations

import hmac
import math
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from gromada.db import database_reachable

if TYPE_CHECKING:
    from gromada.bot import Gromada


def bearer_token_matches(request: web.Request, expected: str) -> bool:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    # Compared as bytes in constant time: the time taken says nothing about the token.
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), expected.encode())


def _milliseconds(latency: float) -> float | None:
    # discord.py says nan (or inf) before a shard's first heartbeat is answered.
    return round(latency * 1000, 1) if math.isfinite(latency) else None


def shard_states(bot: Gromada) -> list[dict[str, Any]]:
    """Each shard this process holds: connected, and its latency in milliseconds."""
    if not bot.shards_held.sharded:  # one plain connection (discord.py's Client, no shards)
        connected = bot.is_ready() and not bot.is_closed()
        return [{"shard": 0, "connected": connected, "latency_ms": _milliseconds(bot.latency) if connected else None}]
    live = bot.shards
    states = []
    for shard_id in sorted(bot.shards_held.ids):
        info = live.get(shard_id)  # absent while it has not connected yet
        connected = info is not None and not info.is_closed() and not bot.is_closed()
        states.append(
            {
                "shard": shard_id,
                "connected": connected,
                "latency_ms": _milliseconds(info.latency) if connected else None,
            }
        )
    return states


def add_routes(app: web.Application, bot: Gromada) -> None:
    token = bot.settings.metrics_token.get_secret_value() if bot.settings.metrics_token else ""

    async def healthz(_request: web.Request) -> web.Response:
        database = await database_reachable()
        shards = shard_states(bot)
        gateway = bot.is_ready() and not bot.is_closed() and all(shard["connected"] for shard in shards)
        healthy = database and gateway
        return web.json_response(
            {"status": "ok" if healthy else "unavailable", "database": database, "gateway": gateway, "shards": shards},
            status=200 if healthy else 503,
        )

    async def metrics(request: web.Request) -> web.Response:
        if token and not bearer_token_matches(request, token):
            return web.Response(status=401, text="401: Unauthorized", headers={"WWW-Authenticate": "Bearer"})
        bot.metrics.shards_now(shard_states(bot), (guild.id for guild in bot.guilds))
        return web.Response(body=bot.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
