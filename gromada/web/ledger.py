"""The open ledger: each joint purchase with its items, totals, delivery fee, paid and
outstanding sums, what the group saved against shop prices where they were recorded and the
community fund's part of the bills (shown apart, as on the bills), and what every closed
purchase saved together so far.
Members' names only where the server shows names; counts otherwise. Read through
cogs/purchases/service.py (amounts are exact minor units, formatted with the feature's own
money helpers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from cogs.purchases import service as purchases
from cogs.purchases.money import amount_of, format_money, unit_label
from gromada.i18n import N_
from gromada.web.site import Page, gettext, json_route, page_route

RECENT = 25
STATUSES = {
    "open": N_("Taking orders"),
    "deciding": N_("Orders closed: deciding about items short of their minimum"),
    "closed": N_("Closed"),
}


async def collect(page: Page) -> dict[str, Any]:
    shown = []

    def amount(quantity: Decimal, unit: str) -> str:
        return amount_of(quantity, unit, page.language)

    for purchase in await purchases.recent_purchases(page.guild_id, limit=RECENT):
        status = str(purchase.status)
        if status == "draft":  # not published to members yet
            continue
        ledger = await purchases.ledger(page.guild_id, purchase.pk)
        currency = purchase.currency

        def money(amount: int, currency: str = currency) -> str:
            return format_money(amount, currency, page.language)

        items = [
            {
                "name": row.item.name,
                # Quantities as phrases in the reader's language ("2 słoiki", "1,5 kg"), so that
                # the unit agrees with its number.
                "unit": unit_label(row.item.unit, page.language),
                "unit_price": money(row.item.unit_price),
                "ordered": amount(row.quantity, row.item.unit),
                "bulk_minimum": amount(row.item.bulk_min, row.item.unit) if row.item.bulk_min else None,
                "value": money(row.value),
                # Against the shop price, where the coordinator recorded one.
                "saved": money(row.saved) if row.item.shop_price is not None else None,
                "dropped": row.item.dropped,
            }
            for row in ledger.items
        ]
        priced = [row for row in ledger.items if row.item.shop_price is not None]
        due = ledger.due_bills
        bills = []
        if page.names:
            bills = [
                {
                    "name": page.name_of(bill.user_id),
                    "total": money(bill.total),
                    "fund": money(bill.fund_share) if bill.fund_share else None,
                    "paid": bill.paid_at is not None,
                }
                for bill in due
            ]
        shown.append(
            {
                "id": purchase.pk,
                "title": page.plain(purchase.title),
                "supplier": page.plain(purchase.supplier),
                "status": status,
                "status_label": gettext(STATUSES.get(status, status)),
                "currency": currency,
                "deadline": purchase.deadline.isoformat(),
                "closed": purchase.closed_at.isoformat() if purchase.closed_at else None,
                "items": items,
                "goods": money(sum(row.value for row in ledger.items)),
                "saved": money(sum(row.saved for row in priced)) if priced else None,
                "delivery_fee": money(purchase.delivery_fee),
                # The community fund's part, included in what is billed.
                "fund": money(ledger.fund) if ledger.fund else None,
                "billed": money(ledger.billed),
                "paid": money(ledger.paid),
                "outstanding": money(ledger.outstanding),
                "bills": len(due),
                "bills_paid": ledger.payers,
                "bills_unpaid": len(due) - ledger.payers,
                "members": bills,
            }
        )
    season = [
        {
            "currency": row.currency,
            "purchases": row.purchases,
            "saved": format_money(row.saved, row.currency, page.language),
            "fund": format_money(row.fund, row.currency, page.language) if row.fund else None,
        }
        for row in await purchases.season_savings(page.guild_id)
    ]
    return {"season": season, "purchases": shown}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/s/{token}/ledger", page_route("ledger.html", collect, current="ledger"))
    app.router.add_get("/s/{token}/ledger.json", json_route(collect))
