"""The bot's web server (aiohttp): /healthz and /metrics for operators, calendar feeds and the
public pages.

Each family of routes lives in its own module: `health` (probes and Prometheus), `calendar`
(the secret iCalendar feeds of activities and meetings), and the public community pages under
/s/<token>/ (`site` and one module per page family). This module only puts them together and
starts the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from gromada.web import calendar, decisions, health, initiatives, ledger, overview, site, volunteers

if TYPE_CHECKING:
    from gromada.bot import Gromada


def make_app(bot: Gromada) -> web.Application:
    app = web.Application()
    health.add_routes(app, bot)
    calendar.add_routes(app, bot)
    site.setup_rendering(app, bot)
    for family in (overview, decisions, ledger, initiatives, volunteers):
        family.add_routes(app)
    return app


async def start_web(bot: Gromada) -> web.AppRunner:
    runner = web.AppRunner(make_app(bot), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, bot.settings.web_host, bot.settings.web_port)
    await site.start()
    return runner
