"""The decision log: closed polls with turnout against quorum, the result, instant-runoff
rounds and consent objections, as a page, as JSON and as an Atom feed.

Read through cogs/polls/service.py: the decision log row, the poll and its result counted
the way the bot counts it when it posts the results. Anonymous polls show what Discord
shows of them: counts and unsigned reasons.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from cogs.polls import service as polls
from gromada.i18n import N_, use_locale
from gromada.web.site import Page, gettext, json_route, open_page, page_route, respond

PER_PAGE = 20
FEED_ENTRIES = 30
EMPTY_FEED_UPDATED = "1970-01-01T00:00:00+00:00"
KINDS = {
    "single": N_("Single choice"),
    "multi": N_("Multiple choice"),
    "ranked": N_("Ranked choice (instant-runoff)"),
    "consent": N_("Consent"),
}
OUTCOMES = {
    "winner": N_("Decided"),
    "tie": N_("Tie"),
    "passed": N_("Passed by consent"),
    "blocked": N_("Blocked"),
    "no_quorum": N_("Quorum not reached"),
    "no_votes": N_("No votes"),
}
# The fixed options of a consent poll, as stored (English), translated where shown.
CONSENT_LABELS = {"Agree": N_("Agree"), "Abstain": N_("Abstain"), "Object": N_("Object"), "Block": N_("Block")}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _label(kind: str, label: str) -> str:
    return gettext(CONSENT_LABELS[label]) if kind == "consent" and label in CONSENT_LABELS else label


async def _entry(page: Page, decision: Any) -> dict[str, Any]:
    poll = await polls.get_poll(decision.poll_id, page.guild_id)
    result = await polls.result_of(poll)
    kind = str(poll.kind)
    labels = [_label(kind, label) for label in poll.options]
    counted = sum(result.votes)
    options = [
        {
            "label": labels[index],
            "votes": votes,
            "share": round(votes / counted, 4) if counted else 0.0,
            "winner": index in result.winners,
        }
        for index, votes in enumerate(result.votes)
    ]
    rounds = []
    if result.runoff is not None and len(result.runoff.rounds) > 1:
        for number, each in enumerate(result.runoff.rounds, start=1):
            rounds.append(
                {
                    "round": number,
                    "votes": [each.votes.get(index) for index in range(len(labels))],
                    "exhausted": each.exhausted,
                    "eliminated": labels[each.eliminated] if each.eliminated is not None else None,
                }
            )
    objections = [
        {
            "option": labels[reason.option],
            "reason": page.plain(reason.text),
            # Signed only where the poll was open and the server shows names.
            "by": None if poll.anonymous else page.name_of(reason.voter_id),
        }
        for reason in result.reasons
        if reason.text
    ]
    needed = -(-result.electorate * result.quorum_percent // 100) if result.quorum_percent else 0
    return {
        "id": poll.pk,
        "question": page.plain(decision.question),
        "kind": kind,
        "kind_label": gettext(KINDS.get(kind, kind)),
        "anonymous": poll.anonymous,
        "opened": poll.created_at.isoformat(),
        "closed": decision.decided_at.isoformat(),
        "turnout": result.turnout,
        "electorate": result.electorate,
        "turnout_share": round(result.turnout / result.electorate, 4) if result.electorate else 0.0,
        "quorum_percent": result.quorum_percent,
        "quorum_votes": needed,
        "quorum_met": result.quorum_met,
        "outcome": str(result.outcome),
        "outcome_label": gettext(OUTCOMES.get(str(result.outcome), str(result.outcome))),
        "winners": [labels[index] for index in result.winners],
        "options": options,
        "rounds": rounds,
        "objections": objections,
    }


async def _filtered(page: Page) -> tuple[list[Any], dict[str, Any]]:
    query = page.request.query
    search = query.get("q", "").strip()[:100]
    since, until = _day(query.get("from", "")), _day(query.get("to", ""))
    found = await polls.decisions(page.guild_id, search or None)
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=UTC)
        found = [decision for decision in found if decision.decided_at >= start]
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
        found = [decision for decision in found if decision.decided_at < end]
    filters = {"q": search, "from": since.isoformat() if since else "", "to": until.isoformat() if until else ""}
    return found, filters


async def collect(page: Page) -> dict[str, Any]:
    found, filters = await _filtered(page)
    pages = max(1, -(-len(found) // PER_PAGE))
    try:
        number = min(max(1, int(page.request.query.get("page", "1"))), pages)
    except ValueError:
        number = 1
    shown = found[(number - 1) * PER_PAGE : number * PER_PAGE]
    return {
        "filters": filters,
        "total": len(found),
        "page": number,
        "pages": pages,
        "decisions": [await _entry(page, decision) for decision in shown],
    }


async def latest(page: Page, count: int = 3) -> list[dict[str, Any]]:
    """The newest decisions, for the overview."""
    return [await _entry(page, decision) for decision in (await polls.decisions(page.guild_id))[:count]]


async def feed(request: web.Request) -> web.Response:
    page = await open_page(request)
    if isinstance(page, web.Response):
        return page
    with use_locale(page.language):
        entries = [await _entry(page, decision) for decision in (await polls.decisions(page.guild_id))[:FEED_ENTRIES]]
        xml = aiohttp_jinja2.render_string(
            "decisions.atom.xml",
            request,
            {
                "page": page,
                "lang": page.language,
                "entries": entries,
                # An empty log has never changed: a fixed moment keeps its ETag stable.
                "updated": entries[0]["closed"] if entries else EMPTY_FEED_UPDATED,
                "self_url": page.absolute(page.link("decisions.atom")),
                "html_url": page.absolute(page.link("decisions")),
                "server": page.server_name,
            },
        )
    return respond(request, xml.encode("utf-8"), "application/atom+xml", language=page.language)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/s/{token}/decisions", page_route("decisions.html", collect, current="decisions"))
    app.router.add_get("/s/{token}/decisions.json", json_route(collect))
    app.router.add_get("/s/{token}/decisions.atom", feed)
