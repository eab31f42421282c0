"""The overview at /s/<token>/: the newest decisions and how much each page holds."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from gromada.web import decisions, initiatives, ledger, volunteers
from gromada.web.site import Page, json_route, page_route


async def collect(page: Page) -> dict[str, Any]:
    gathered = await initiatives.collect(page)
    return {
        "latest_decisions": await decisions.latest(page),
        "purchases": len((await ledger.collect(page))["purchases"]),
        "proposals": len(gathered["proposals"]),
        "active_initiatives": len(gathered["active"]),
        "volunteer_roles": len((await volunteers.collect(page))["roles"]),
    }


def add_routes(app: web.Application) -> None:
    app.router.add_get("/s/{token}/", page_route("overview.html", collect, current=""))
    app.router.add_get("/s/{token}/overview.json", json_route(collect))
