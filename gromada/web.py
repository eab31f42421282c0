"""Health and metrics over HTTP: /healthz and /metrics (Prometheus text).

/healthz stays open for probes. /metrics reveals how busy each feature is, so when
METRICS_TOKEN is set it answers only a request carrying `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from gromada.db import database_reachable

if TYPE_CHECKING:
    from gromada.bot import Gromada


def bearer_token_matches(request: web.Request, expected: str) -> bool:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    # Compared as bytes in constant time: the time taken says nothing about the token.
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), expected.encode())


def make_app(bot: Gromada) -> web.Application:
    token = bot.settings.metrics_token.get_secret_value() if bot.settings.metrics_token else ""

    async def healthz(_request: web.Request) -> web.Response:
        database = await database_reachable()
        gateway = bot.is_ready() and not bot.is_closed()
        healthy = database and gateway
        return web.json_response(
            {"status": "ok" if healthy else "unavailable", "database": database, "gateway": gateway},
            status=200 if healthy else 503,
        )

    async def metrics(request: web.Request) -> web.Response:
        if token and not bearer_token_matches(request, token):
            return web.Response(status=401, text="401: Unauthorized", headers={"WWW-Authenticate": "Bearer"})
        return web.Response(body=bot.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.add_routes(bot.web_routes)  # what features serve (calendar feeds)
    return app


async def start_web(bot: Gromada) -> web.AppRunner:
    runner = web.AppRunner(make_app(bot), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, bot.settings.web_host, bot.settings.web_port)
    await site.start()
    return runner
