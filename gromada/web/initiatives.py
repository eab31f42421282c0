"""Initiatives: proposals gathering support (and how many more they need), active ones with
their calls for help, and archived ones. Read through cogs/initiatives/service.py."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from cogs.initiatives import service as initiatives
from gromada.i18n import N_
from gromada.web.site import Page, gettext, json_route, page_route

PROGRESS = {
    "planning": N_("Planning"),
    "in_progress": N_("In progress"),
    "blocked": N_("Blocked"),
    "done": N_("Done"),
}
GATHERING = ("proposed", "opening")


async def _lead(page: Page, initiative_id: int) -> str | None:
    if not page.names:
        return None
    lead = await initiatives.lead_of(initiative_id)
    # The proposer, or whoever it was handed over to; a forgotten one is a pseudonym and has no name.
    return page.name_of(lead) if lead is not None else None


async def collect(page: Page) -> dict[str, Any]:
    proposals, active, archived = [], [], []
    for initiative in await initiatives.listing(page.guild_id, None):
        status = str(initiative.status)
        members = await initiatives.count_members(initiative.pk)
        base = {
            "id": initiative.pk,
            "title": page.plain(initiative.title),
            "goal": page.plain(initiative.goal),
            "needs": page.plain(initiative.needs),
            "proposed": initiative.created_at.isoformat(),
        }
        if status in GATHERING:
            proposals.append(
                base
                | {
                    "supporters": members,
                    "threshold": initiative.threshold,
                    "still_needed": max(0, initiative.threshold - members),
                    "support_until": initiative.support_until.isoformat(),
                    "first_step": page.plain(initiative.first_step),
                }
            )
        elif status == "active":
            calls = await initiatives.needs_of(initiative.pk)
            active.append(
                base
                | {
                    "members": members,
                    "lead": await _lead(page, initiative.pk),
                    "progress": gettext(PROGRESS.get(str(initiative.progress), str(initiative.progress))),
                    "note": page.plain(initiative.last_note),
                    "opened": initiative.opened_at.isoformat() if initiative.opened_at else None,
                    "calls_for_help": [
                        {"text": page.plain(need.text), "posted": need.created_at.isoformat(), "helpers": helpers}
                        for need, helpers in calls
                    ],
                }
            )
        elif status == "archived":
            archived.append(
                base
                | {
                    "members": members,
                    "archived": initiative.archived_at.isoformat() if initiative.archived_at else None,
                }
            )
    return {"proposals": proposals, "active": active, "archived": archived}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/s/{token}/initiatives", page_route("initiatives.html", collect, current="initiatives"))
    app.router.add_get("/s/{token}/initiatives.json", json_route(collect))
