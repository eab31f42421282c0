"""Closing on Discord: bills by DM in each member's language, the supplier list to the coordinator.

The bills are written first (service.close_purchase); each is then claimed for sending once,
so a second close, a retried deadline or a restart never sends a bill twice. A refused DM
leaves the bill marked `failed`: it stays in the database and in /purchase mine.
"""

from __future__ import annotations

import logging

import discord

from cogs.purchases import service, views
from cogs.purchases.views import refresh_card
from gromada.i18n import use_locale
from gromada.interactions import language_for_member
from gromada.scheduler import now
from gromada.ui import paginate_lines
from models.core import Timer, TimerStatus
from models.purchases import Bill, DeliveryStatus, Purchase, PurchaseStatus

log = logging.getLogger(__name__)


async def close_and_notify(client: discord.Client, purchase_id: int) -> bool:
    """Close (if still open) and deliver what is undelivered; True if this call closed it."""
    closed = await service.close_purchase(purchase_id, now())
    await deliver(client, purchase_id)
    return closed


async def on_deadline(client: discord.Client, timer: Timer) -> None:
    await close_and_notify(client, timer.ref_id)


async def ensure_deadlines(client) -> int:
    """At start: every open purchase has its deadline armed, even if the process stopped
    between publishing the card and writing the timer, and every closed purchase with
    unsent bills gets them sent. Returns how many timers were missing."""
    missing = 0
    for purchase in await Purchase.filter(status=PurchaseStatus.OPEN):
        armed = await Timer.filter(
            kind=service.DEADLINE_KIND, ref_id=purchase.pk, status__in=[TimerStatus.PENDING, TimerStatus.RUNNING]
        ).exists()
        if not armed:
            await client.timers.schedule(
                service.DEADLINE_KIND, purchase.deadline, ref_id=purchase.pk, guild_id=purchase.guild_id
            )
            missing += 1
    # Closed, but the process stopped before every bill went out: finish delivering now.
    undelivered = set(await Bill.filter(delivery=DeliveryStatus.PENDING).values_list("purchase_id", flat=True))
    for purchase_id in undelivered:
        if not await client.timers.pending(service.DEADLINE_KIND, purchase_id):
            await client.timers.schedule(service.DEADLINE_KIND, now(), ref_id=purchase_id)
            missing += 1
    return missing


async def deliver(client: discord.Client, purchase_id: int) -> None:
    purchase = await Purchase.get_or_none(id=purchase_id)
    if purchase is None or purchase.status != PurchaseStatus.CLOSED:
        return
    for bill in await service.bills_of(purchase_id):
        if bill.delivery != DeliveryStatus.PENDING or not await service.claim_delivery(bill):
            continue
        with use_locale(await language_for_member(client, bill.user_id, purchase.guild_id)):
            lines = await service.cart(purchase, bill.user_id)
            text = views.bill_text(purchase, bill, lines)
        if not await _direct_message(client, bill.user_id, paginate_lines(text.split("\n"))):
            await service.delivery_failed(bill)
    if await service.claim_supplier_list(purchase_id):
        items = await service.items_of(purchase_id)
        ordered = await service.ordered_quantities(purchase_id)
        with use_locale(await language_for_member(client, purchase.created_by, purchase.guild_id)):
            pages = paginate_lines(views.supplier_list(purchase, items, ordered))
        await _direct_message(client, purchase.created_by, pages)
    await refresh_card(client, purchase_id)


async def _direct_message(client: discord.Client, user_id: int, pages: list[str]) -> bool:
    try:
        user = client.get_user(user_id) or await client.fetch_user(user_id)
        for page in pages:
            await user.send(page)
    except discord.HTTPException:
        log.info("could not DM user %s", user_id, exc_info=True)
        return False
    return True
