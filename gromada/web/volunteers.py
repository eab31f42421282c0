"""Volunteer roles: what each role does, seats filled out of the total, the waitlist's length,
and the holders' names where the server shows names. Read through cogs/volunteers/service.py."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cogs.volunteers import service as volunteers
from gromada.web.site import Page, json_route, page_route


async def collect(page: Page) -> dict[str, Any]:
    roles = []
    for state in await volunteers.catalogue_state(page.guild_id):
        role = state.role
        holders = [page.name_of(seat.user_id) for seat in state.seats if str(seat.status) == "active"]
        roles.append(
            {
                "name": page.plain(role.name),
                "description": page.plain(role.description),
                "responsibilities": page.plain(role.responsibilities),
                "seats": role.seats,
                "filled": state.filled,
                "free": max(0, role.seats - state.filled),
                "waiting": len(state.waiting),
                "term_days": role.term_days,
                "approval": str(role.approval),
                "holders": [name for name in holders if name] if page.names else [],
            }
        )
    return {"roles": roles}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/s/{token}/volunteers", page_route("volunteers.html", collect, current="volunteers"))
    app.router.add_get("/s/{token}/volunteers.json", json_route(collect))
