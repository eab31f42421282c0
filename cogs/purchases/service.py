"""Joint purchases: the rules, on models and plain values (no Discord here).

A purchase is a draft while a coordinator adds items, open once published, and closed at
its deadline (or earlier by a coordinator): then the delivery fee is split and one bill per
member is written. A day before the deadline the channel hears which items are still short
of their bulk minimum. When the deadline comes with ordered items still short, the purchase
waits for a coordinator's choice per item (drop it, extend the deadline once, or buy it
anyway at the group's cost); items without a choice after DECISION_WINDOW are dropped.
Every order change
first touches the purchase row with a conditional update (still open, deadline ahead), so
an order racing the close either lands before it or is refused: never half counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from cogs.purchases import money
from cogs.purchases.rules import (
    PROPORTIONAL,
    SHORT_DELIVERY_RULES,
    FundShare,
    ItemTerms,
    Order,
    fund_shares,
    line_value,
    rebill,
    saving,
    settle,
    share_short_delivery,
    still_needed,
)
from config.content import load_default_pack
from gromada.commands import Command
from gromada.durations import parse_duration
from gromada.errors import Conflict, InvalidInput, LimitReached, NotFound
from gromada.guild_config import (
    Claim,
    Purpose,
    declare_choice,
    declare_duration,
    declare_parsed,
    declare_purpose,
    servers_with,
)
from gromada.i18n import LANGUAGES, N_, Plural
from gromada.ids import id_in_text
from gromada.text import clean
from models.core import BindingKind
from models.purchases import (
    Bill,
    DeliveryStatus,
    OrderLine,
    Payment,
    PaymentKind,
    PickupChoice,
    PickupPoint,
    Purchase,
    PurchaseItem,
    PurchaseStatus,
    ShortChoice,
)

DEADLINE_TIMER = "purchases.deadline"  # ends orders: closes and bills, or asks about short items
REMINDER_TIMER = "purchases.reminder"  # a day before the deadline: which items are still short
DECISION_TIMER = "purchases.decision"  # drops the short items no coordinator chose for in time
PAYMENT_TIMER = "purchases.payment"  # reminds members with something still to pay, at most weekly
REMINDER_BEFORE = timedelta(hours=24)
PAYMENT_REMINDER_EVERY = timedelta(days=7)
DECISION_WINDOW = timedelta(hours=12)
EXTENSION = declare_duration(
    "purchases_extension",
    timedelta(days=2),
    N_("How long orders reopen when a coordinator extends a purchase for items short of their minimum"),
    minimum=timedelta(hours=1),
    maximum=timedelta(days=30),
)
DEFAULT_CURRENCY = "PLN"
MAX_ITEMS = 50
MAX_DEADLINE = timedelta(days=180)
MIN_DEADLINE = timedelta(minutes=5)
PAYMENT_REMINDER_AFTER = declare_duration(
    "purchases_payment_reminder",
    timedelta(days=7),
    N_("Days after a purchase closes before members with something still to pay are reminded (0s: never)"),
    minimum=timedelta(0),
    maximum=timedelta(days=90),
)
SHORT_DELIVERY_RULE = declare_choice(
    "purchases_short_delivery",
    PROPORTIONAL,
    SHORT_DELIVERY_RULES,
    N_(
        "Who gets less when a delivery is short: proportional (everyone the same share of their order) "
        "or first-come (the earliest orders are filled first)"
    ),
)


def _fund_share(raw: str) -> FundShare:
    """ "10%" of each member's savings, "2,50" per bill, or "off"."""
    text = clean(raw).replace(" ", "")
    if text.casefold() in ("off", "0", "0%"):
        return FundShare()
    if match := re.fullmatch(r"(\d{1,3})%", text):
        percent = int(match.group(1))
        if not 0 < percent <= 100:
            raise InvalidInput(N_("A percent of the savings is between 1% and 100%."))
        return FundShare(percent=percent)
    return FundShare(amount=money.parse_quantity(text))


FUND_SHARE = declare_parsed(
    "purchases_fund_share",
    FundShare(),
    _fund_share,
    N_(
        "What each bill gives the community fund: a percent of what the member saved against shop prices "
        "(10%), a fixed amount per bill (2,50), or off"
    ),
)

# Who runs purchases (order coordinators) and keeps their books (treasurers), besides staff.
# The role is the one an admin bound with /setup role; until then a role named like the
# volunteer catalogue's entry ("Order coordinator", "Koordynator zamówień", …) serves: the
# volunteers feature is not imported, the catalogue names are the contract. Quickstart does
# not create them: the volunteer catalogue does. They see who owes what, so a coordinator
# approves each volunteer who takes them.
COORDINATOR_PURPOSE = declare_purpose(
    Purpose("order_coordinator", BindingKind.ROLE, N_("Order coordinator"), create=False, claim=Claim.APPROVED)
)
TREASURER_PURPOSE = declare_purpose(
    Purpose("treasurer", BindingKind.ROLE, N_("Treasurer"), create=False, claim=Claim.APPROVED)
)


@cache
def catalogue_names(key: str) -> frozenset[str]:
    """The catalogue's name of a volunteer role in every language we ship (casefolded)."""
    return frozenset(
        spec.name.casefold()
        for language in LANGUAGES
        for spec in load_default_pack(language).volunteer_roles
        if spec.key == key
    )


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?")


# ---------------------------------------------------------------- reading input


def parse_deadline(text: str, now: datetime) -> datetime:
    """ "3d", "36h" from now, or a UTC date "2026-12-01" (end of that day) / "2026-12-01 18:00"."""
    raw = clean(text)
    match = _DATE.fullmatch(raw)
    if match is None:
        return now + parse_duration(raw, minimum=MIN_DEADLINE, maximum=MAX_DEADLINE)
    year, month, day, hour, minute = match.groups()
    try:
        if hour is None:
            deadline = datetime(int(year), int(month), int(day), 23, 59, tzinfo=UTC)
        else:
            deadline = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(N_("“{text}” is not a valid date."), text=raw[:40]) from None
    if deadline < now + MIN_DEADLINE:
        raise InvalidInput(N_("The deadline must be in the future."))
    if deadline > now + MAX_DEADLINE:
        raise InvalidInput(N_("The deadline can be at most 180 days away."))
    return deadline


def _text(value: str | None, limit: int) -> str:
    return clean(value, one_line=True)[:limit]


# ---------------------------------------------------------------- coordinators


async def open_purchase(
    *,
    guild_id: int,
    user_id: int,
    title: str,
    deadline: str,
    now: datetime,
    supplier: str | None = None,
    delivery_fee: str | None = None,
    currency: str | None = None,
) -> Purchase:
    code = money.currency_code(currency or DEFAULT_CURRENCY)
    fee = money.parse_amount(delivery_fee, code) if delivery_fee else 0
    due = parse_deadline(deadline, now)
    name = _text(title, 100)
    if not name:
        raise InvalidInput(N_("The purchase needs a title."))
    return await Purchase.create(
        guild_id=guild_id,
        title=name,
        supplier=_text(supplier, 100),
        currency=code,
        delivery_fee=fee,
        deadline=due,
        created_by=user_id,
        created_at=now,
    )


NOT_ON_THIS_SERVER = N_("There is no purchase #{id} on this server.")
ITEM_GONE = N_("That item is no longer part of the purchase.")
PICKUP_GONE = N_("That pickup is no longer recorded.")
NOT_AN_ITEM_OF = N_("That item is no longer part of purchase #{id}.")
NOT_A_POINT_OF = N_("That pickup point is not part of purchase #{id}.")


async def get_purchase(guild_id: int, purchase_id: int) -> Purchase:
    purchase = await Purchase.get_or_none(id=purchase_id, guild_id=guild_id)
    if purchase is None:
        raise NotFound(NOT_ON_THIS_SERVER, id=purchase_id)
    return purchase


async def items_of(purchase_id: int) -> list[PurchaseItem]:
    return await PurchaseItem.filter(purchase_id=purchase_id).order_by("position")


async def add_item(
    *,
    guild_id: int,
    purchase_id: int,
    name: str,
    unit: str,
    price: str,
    bulk_min: str | None = None,
    max_per_member: str | None = None,
    shop_price: str | None = None,
) -> PurchaseItem:
    purchase = await get_purchase(guild_id, purchase_id)
    if purchase.status == PurchaseStatus.CLOSED:
        raise InvalidInput(N_("Purchase #{id} is closed; items can no longer be added."), id=purchase.pk)
    unit_price = money.parse_amount(price, purchase.currency, allow_zero=False)
    minimum = money.parse_quantity(bulk_min) if bulk_min else None
    maximum = money.parse_quantity(max_per_member) if max_per_member else None
    shop = money.parse_amount(shop_price, purchase.currency, allow_zero=False) if shop_price else None
    label, unit_label = _text(name, 80), _text(unit, 20)
    if not label or not unit_label:
        raise InvalidInput(N_("An item needs a name and a unit (kg, piece, litre…)."))
    existing = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("-position").first()
    if existing is not None and existing.position + 1 >= MAX_ITEMS:
        raise LimitReached(
            Plural("A purchase can have at most {n} item.", "A purchase can have at most {n} items.", MAX_ITEMS)
        )
    if await PurchaseItem.filter(purchase_id=purchase.pk, name=label).exists():
        raise InvalidInput(N_("Purchase #{id} already has an item called “{name}”."), id=purchase.pk, name=label)
    try:
        return await PurchaseItem.create(
            purchase_id=purchase.pk,
            position=0 if existing is None else existing.position + 1,
            name=label,
            unit=unit_label,
            unit_price=unit_price,
            bulk_min=minimum,
            max_per_member=maximum,
            shop_price=shop,
        )
    except IntegrityError:  # another item was added at the same moment
        raise Conflict() from None


async def check_publishable(guild_id: int, purchase_id: int, now: datetime) -> Purchase:
    purchase = await get_purchase(guild_id, purchase_id)
    if purchase.status != PurchaseStatus.DRAFT:
        raise InvalidInput(N_("Purchase #{id} is already published."), id=purchase.pk)
    if not await PurchaseItem.filter(purchase_id=purchase.pk).exists():
        raise InvalidInput(
            N_("Add at least one item with {command} before publishing."), command=Command("purchase item")
        )
    if purchase.deadline <= now:
        raise InvalidInput(N_("The deadline of purchase #{id} has passed; open a new purchase."), id=purchase.pk)
    return purchase


async def check_closable(guild_id: int, purchase_id: int) -> Purchase:
    """A purchase a coordinator may close now: published and not closed yet."""
    purchase = await get_purchase(guild_id, purchase_id)
    if purchase.status == PurchaseStatus.DRAFT:
        raise InvalidInput(N_("Purchase #{id} was never published, so there is nothing to close."), id=purchase.pk)
    if purchase.status == PurchaseStatus.CLOSED:
        raise InvalidInput(N_("Purchase #{id} is already closed."), id=purchase.pk)
    if purchase.status == PurchaseStatus.DECIDING:
        raise InvalidInput(AWAITING_CHOICE, id=purchase.pk)
    return purchase


AWAITING_CHOICE = N_("Orders for purchase #{id} are closed; its short items are waiting for a coordinator's choice.")


def reminder_time(deadline: datetime, now: datetime) -> datetime | None:
    """When the channel hears which items are still short: a day ahead, if the deadline is that far."""
    moment = deadline - REMINDER_BEFORE
    return moment if moment > now else None


async def mark_published(
    purchase_id: int, channel_id: int, message_id: int, reminder_at: datetime | None = None
) -> bool:
    """Record where the order card is; False if someone published it in the meantime."""
    updated = await Purchase.filter(id=purchase_id, status=PurchaseStatus.DRAFT).update(
        status=PurchaseStatus.OPEN, channel_id=channel_id, message_id=message_id, reminder_at=reminder_at
    )
    return updated == 1


# ---------------------------------------------------------------- members' orders


def not_open(purchase: Purchase) -> InvalidInput:
    if purchase.status == PurchaseStatus.DRAFT:
        return InvalidInput(N_("Purchase #{id} is not open for orders yet."), id=purchase.pk)
    if purchase.status == PurchaseStatus.DECIDING:
        return InvalidInput(AWAITING_CHOICE, id=purchase.pk)
    return InvalidInput(N_("Orders for purchase #{id} are closed: the deadline has passed."), id=purchase.pk)


def takes_orders(purchase: Purchase, now: datetime) -> bool:
    return purchase.status == PurchaseStatus.OPEN and purchase.deadline > now


async def open_for_orders(guild_id: int, purchase_id: int, now: datetime) -> Purchase:
    """A purchase members may order from now, or the refusal saying why not."""
    purchase = await get_purchase(guild_id, purchase_id)
    if not takes_orders(purchase, now):
        raise not_open(purchase)
    return purchase


async def _lock_open(purchase: Purchase, now: datetime) -> None:
    """Inside a transaction: hold the purchase while it is open, or refuse."""
    touched = await Purchase.filter(id=purchase.pk, status=PurchaseStatus.OPEN, deadline__gt=now).update(changed_at=now)
    if not touched:
        raise not_open(purchase)


async def set_quantity(
    *, guild_id: int, purchase_id: int, item_id: int, user_id: int, quantity: str, now: datetime
) -> Decimal:
    """Order `quantity` of an item (replacing the member's earlier quantity of it)."""
    purchase = await get_purchase(guild_id, purchase_id)
    item = await PurchaseItem.get_or_none(id=item_id, purchase_id=purchase.pk)
    if item is None:
        raise NotFound(NOT_AN_ITEM_OF, id=purchase.pk)
    if item.dropped:
        raise InvalidInput(N_("{item} was dropped from this purchase: it can no longer be ordered."), item=item.name)
    amount = money.parse_quantity(quantity)
    if item.max_per_member is not None and amount > item.max_per_member:
        raise LimitReached(
            N_("You can order at most {max} of {item}."),
            max=money.amount_of(item.max_per_member, item.unit),
            item=item.name,
        )
    async with in_transaction():
        await _lock_open(purchase, now)
        changed = await OrderLine.filter(item_id=item.pk, user_id=user_id).update(quantity=amount, updated_at=now)
        if not changed:
            await OrderLine.create(
                purchase_id=purchase.pk, item_id=item.pk, user_id=user_id, quantity=amount, updated_at=now
            )
    return amount


async def remove_line(*, guild_id: int, purchase_id: int, item_id: int, user_id: int, now: datetime) -> None:
    purchase = await get_purchase(guild_id, purchase_id)
    # The item comes from a select, whose value is whatever the client sends.
    if not await PurchaseItem.exists(id=item_id, purchase_id=purchase.pk):
        raise NotFound(NOT_AN_ITEM_OF, id=purchase.pk)
    async with in_transaction():
        await _lock_open(purchase, now)
        await OrderLine.filter(purchase_id=purchase.pk, item_id=item_id, user_id=user_id).delete()


@dataclass(frozen=True)
class CartLine:
    item: PurchaseItem
    quantity: Decimal
    value: int
    received: Decimal | None = None  # less than `quantity` after a short delivery

    @property
    def short(self) -> bool:
        return self.received is not None and self.received != self.quantity


async def cart(purchase: Purchase, user_id: int) -> list[CartLine]:
    lines = await OrderLine.filter(purchase_id=purchase.pk, user_id=user_id).prefetch_related("item")
    result = [
        CartLine(
            line.item,
            line.quantity,
            line.amount if line.amount is not None else line_value(line.quantity, line.item.unit_price),
            line.received,
        )
        for line in lines
    ]
    return sorted(result, key=lambda line: line.item.position)


async def ordered_quantities(purchase_id: int) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for line in await OrderLine.filter(purchase_id=purchase_id).only("item_id", "quantity"):
        totals[line.item_id] = totals.get(line.item_id, Decimal(0)) + line.quantity
    return totals


async def member_purchases(guild_id: int, user_id: int, limit: int = 10) -> list[Purchase]:
    """Purchases this member ordered from or was billed for, newest first."""
    ids = set(await OrderLine.filter(user_id=user_id).values_list("purchase_id", flat=True))
    return await Purchase.filter(guild_id=guild_id, id__in=ids).order_by("-id").limit(limit)


# ---------------------------------------------------------------- closing


@dataclass(frozen=True)
class ShortItem:
    item: PurchaseItem
    ordered: Decimal

    @property
    def missing(self) -> Decimal:
        return still_needed(self.item.bulk_min, self.ordered)

    @property
    def cost_of_missing(self) -> int:
        """What buying the minimum anyway would cost the group: the quantity nobody ordered."""
        return line_value(self.missing, self.item.unit_price)


async def short_items(purchase_id: int, *, ordered_only: bool = False) -> list[ShortItem]:
    """Items below their bulk minimum, neither dropped nor chosen for yet (`ordered_only`: someone ordered them)."""
    totals = await ordered_quantities(purchase_id)
    return [
        ShortItem(item, totals.get(item.pk, Decimal(0)))
        for item in await items_of(purchase_id)
        if item.bulk_min is not None
        and not item.dropped
        and item.choice is None
        and totals.get(item.pk, Decimal(0)) < item.bulk_min
        and (totals.get(item.pk, Decimal(0)) > 0 or not ordered_only)
    ]


class OrdersEnded(StrEnum):
    CLOSED = "closed"  # bills written
    DECIDING = "deciding"  # a coordinator chooses for the short items first


async def end_orders(purchase_id: int, now: datetime) -> OrdersEnded | None:
    """The deadline (or a coordinator) ends orders: close, or wait for choices about short items.

    None when the purchase was not open (a second call, a restart replaying the deadline).
    """
    async with in_transaction():
        # Leaving OPEN first: an order racing this either landed before or is refused.
        moved = await Purchase.filter(id=purchase_id, status=PurchaseStatus.OPEN).update(
            status=PurchaseStatus.DECIDING, changed_at=now
        )
        if not moved:
            return None
        if await short_items(purchase_id, ordered_only=True):
            await Purchase.filter(id=purchase_id).update(decide_by=now + DECISION_WINDOW, reminder_at=None)
            return OrdersEnded.DECIDING
        await _close(purchase_id, now)
        return OrdersEnded.CLOSED


async def close_purchase(purchase_id: int, now: datetime) -> bool:
    """Close an open or deciding purchase and write its bills; False when it was neither (idempotent).

    Short items without a choice are dropped.
    """
    async with in_transaction():
        return await _close(purchase_id, now)


async def _close(purchase_id: int, now: datetime) -> bool:
    """Inside a transaction: claim the close (once), write the bills and the group's costs."""
    claimed = await Purchase.filter(id=purchase_id, status__in=(PurchaseStatus.OPEN, PurchaseStatus.DECIDING)).update(
        status=PurchaseStatus.CLOSED, closed_at=now, decide_by=None, reminder_at=None
    )
    if not claimed:
        return False
    purchase = await Purchase.get(id=purchase_id)
    items = await items_of(purchase_id)
    lines = await OrderLine.filter(purchase_id=purchase_id)
    result = settle(
        [
            ItemTerms(
                item.pk,
                item.unit_price,
                item.bulk_min,
                buy_anyway=item.choice == ShortChoice.BUY,
                drop=item.dropped or item.choice == ShortChoice.DROP,
                shop_price=item.shop_price,
            )
            for item in items
        ],
        [Order(line.pk, line.user_id, line.item_id, line.quantity) for line in lines],
        purchase.delivery_fee,
        await FUND_SHARE.get(purchase.guild_id),
        money.decimals(purchase.currency),
    )
    if result.dropped:
        await PurchaseItem.filter(id__in=list(result.dropped)).update(dropped=True)
    for item_id, cost in result.group_costs.items():
        await PurchaseItem.filter(id=item_id).update(group_cost=cost)
    for line in lines:
        await OrderLine.filter(id=line.pk).update(amount=result.line_amounts[line.pk])
    await Bill.bulk_create(
        [
            Bill(
                purchase_id=purchase_id,
                user_id=bill.user_id,
                goods=bill.goods,
                delivery_share=bill.delivery_share,
                fund_share=bill.fund_share,
                total=bill.total,
            )
            for bill in result.bills
        ]
    )
    await carry_credit(purchase, now)
    return True


# ---------------------------------------------------------------- short items: the coordinator's choice


async def choose(*, guild_id: int, item_id: int, choice: ShortChoice, now: datetime) -> PurchaseItem:
    """Record a coordinator's choice for one short item, once (a second click, or a second
    coordinator at the same moment, is refused)."""
    item = await PurchaseItem.get_or_none(id=item_id, purchase__guild_id=guild_id).prefetch_related("purchase")
    if item is None:
        raise NotFound(ITEM_GONE)
    purchase = item.purchase
    not_waiting = InvalidInput(N_("Purchase #{id} is not waiting for a choice any more."), id=purchase.pk)
    if purchase.status != PurchaseStatus.DECIDING:
        raise not_waiting
    if choice == ShortChoice.EXTEND and purchase.extended:
        raise InvalidInput(
            N_("The deadline of purchase #{id} was extended once already: drop the item or buy it anyway."),
            id=purchase.pk,
        )
    already = Conflict(N_("A choice for {item} was already made."), item=item.name)
    async with in_transaction():
        # Hold the purchase while it waits, so a choice never lands after the choices were applied.
        if not await Purchase.filter(id=purchase.pk, status=PurchaseStatus.DECIDING).update(changed_at=now):
            raise not_waiting
        if item.pk not in {short.item.pk for short in await undecided(purchase.pk)}:
            current = await PurchaseItem.get(id=item.pk)
            raise already if current.choice is not None or current.dropped else not_short(item)
        chosen = await PurchaseItem.filter(id=item.pk, choice__isnull=True, dropped=False).update(choice=choice)
    if not chosen:
        raise already
    await item.refresh_from_db()
    return item


def not_short(item: PurchaseItem) -> InvalidInput:
    return InvalidInput(N_("{item} reached its minimum: there is nothing to choose."), item=item.name)


async def undecided(purchase_id: int) -> list[ShortItem]:
    return await short_items(purchase_id, ordered_only=True)


async def drop_undecided(purchase_id: int) -> list[PurchaseItem]:
    """The coordinator's time is up: every short item still without a choice is dropped."""
    items = [short.item for short in await undecided(purchase_id)]
    if items:
        await PurchaseItem.filter(id__in=[item.pk for item in items], choice__isnull=True).update(
            choice=ShortChoice.DROP
        )
    return items


@dataclass(frozen=True)
class Applied:
    outcome: OrdersEnded | None  # None: orders reopened until `deadline`
    deadline: datetime | None = None
    extended: tuple[PurchaseItem, ...] = ()
    reminder_at: datetime | None = None  # the day-before reminder for the new deadline


async def apply_choices(purchase_id: int, now: datetime, extension: timedelta) -> Applied | None:
    """Once every short item has a choice: reopen orders (an item extended) or close.

    None while some item still waits, or when another call applied them first.
    """
    async with in_transaction():
        # Hold the purchase first: choices and a second apply wait for this one.
        if not await Purchase.filter(id=purchase_id, status=PurchaseStatus.DECIDING).update(changed_at=now):
            return None
        if await undecided(purchase_id):
            return None
        items = await items_of(purchase_id)
        extended = [item for item in items if item.choice == ShortChoice.EXTEND]
        if not extended:
            return Applied(OrdersEnded.CLOSED) if await close_purchase(purchase_id, now) else None
        deadline = now + extension
        # The channel hears again a day before the new deadline which items are still short.
        reopened = await Purchase.filter(id=purchase_id, status=PurchaseStatus.DECIDING).update(
            status=PurchaseStatus.OPEN,
            deadline=deadline,
            decide_by=None,
            extended=True,
            changed_at=now,
            reminder_at=reminder_time(deadline, now),
        )
        if not reopened:
            return None
        # Extended items are short again if still short at the new deadline; dropped ones go now.
        await PurchaseItem.filter(purchase_id=purchase_id, choice=ShortChoice.EXTEND).update(choice=None)
        await PurchaseItem.filter(purchase_id=purchase_id, choice=ShortChoice.DROP).update(dropped=True)
    return Applied(None, deadline, tuple(extended), reminder_time(deadline, now))


def deciding_purchases() -> QuerySet[Purchase]:
    """Every purchase waiting for choices about short items, on every server (their decision timers must be armed)."""
    return Purchase.filter(status=PurchaseStatus.DECIDING)


def reminders_to_send() -> QuerySet[Purchase]:
    """Open purchases whose day-before reminder has not gone out yet (its timer must be armed)."""
    return open_purchases().filter(reminder_at__not_isnull=True)


async def claim_reminder(purchase_id: int, now: datetime) -> Purchase | None:
    """Take the day-before reminder for sending, once; None if it went out, or orders ended."""
    taken = await Purchase.filter(
        id=purchase_id, status=PurchaseStatus.OPEN, reminder_at__not_isnull=True, deadline__gt=now
    ).update(reminder_at=None)
    return await Purchase.get(id=purchase_id) if taken else None


async def reminder_not_sent(purchase_id: int, due_at: datetime) -> None:
    """Discord refused the reminder: it is due again, for the timer's retry."""
    await Purchase.filter(id=purchase_id, status=PurchaseStatus.OPEN).update(reminder_at=due_at)


async def buyers(purchase_id: int) -> list[int]:
    return sorted(set(await OrderLine.filter(purchase_id=purchase_id).values_list("user_id", flat=True)))


def open_purchases() -> QuerySet[Purchase]:
    """Every published purchase still taking orders, on every server (their deadlines must be armed)."""
    return Purchase.filter(status=PurchaseStatus.OPEN)


def purchases_with_unsent_bills() -> QuerySet[Purchase]:
    """Closed purchases whose bills were written but not all sent (the process stopped meanwhile)."""
    pending = Bill.filter(delivery=DeliveryStatus.PENDING).values("purchase_id")
    return Purchase.filter(status=PurchaseStatus.CLOSED, id__in=Subquery(pending))


def payment_reminders_to_plan() -> QuerySet[Purchase]:
    """Closed purchases with something unpaid on servers that remind (their payment timer must be armed)."""
    unpaid = Bill.filter(total__gt=F("paid_amount")).values("purchase_id")
    return Purchase.filter(status=PurchaseStatus.CLOSED, id__in=Subquery(unpaid)).exclude(
        guild_id__in=Subquery(servers_with(PAYMENT_REMINDER_AFTER, timedelta(0)))
    )


async def claim_delivery(bill: Bill) -> bool:
    """Take a pending bill for sending, once (a second closer or a retry skips it)."""
    return (await Bill.filter(id=bill.pk, delivery=DeliveryStatus.PENDING).update(delivery=DeliveryStatus.SENT)) == 1


async def delivery_failed(bill: Bill) -> None:
    await Bill.filter(id=bill.pk).update(delivery=DeliveryStatus.FAILED)


async def claim_supplier_list(purchase_id: int) -> bool:
    return (await Purchase.filter(id=purchase_id, supplier_list_sent=False).update(supplier_list_sent=True)) == 1


async def bills_of(purchase_id: int) -> list[Bill]:
    return await Bill.filter(purchase_id=purchase_id).order_by("user_id")


async def bill_of(purchase_id: int, user_id: int) -> Bill | None:
    return await Bill.get_or_none(purchase_id=purchase_id, user_id=user_id)


# ---------------------------------------------------------------- treasurer


async def _billed(guild_id: int, purchase_id: int, user_id: int) -> tuple[Purchase, Bill]:
    purchase = await get_purchase(guild_id, purchase_id)
    if purchase.status != PurchaseStatus.CLOSED:
        raise InvalidInput(N_("Purchase #{id} has no bills yet: it closes at its deadline."), id=purchase.pk)
    bill = await bill_of(purchase.pk, user_id)
    if bill is None or (bill.total == 0 and bill.paid_amount == 0):
        raise NotFound(N_("That member has nothing to pay for purchase #{id}."), id=purchase.pk)
    return purchase, bill


@dataclass(frozen=True)
class Moved:
    bill: Bill  # as it is after the payment
    amount: int  # what the payment added (negative: took away)


async def _move(bill: Bill, amount: int, kind: PaymentKind, by: int | None, now: datetime) -> Bill:
    """Inside a transaction: add `amount` to what was paid on the bill, if nobody changed it meanwhile."""
    paid = bill.paid_amount + amount
    settled = paid >= bill.total
    changed = await Bill.filter(id=bill.pk, paid_amount=bill.paid_amount, total=bill.total).update(
        paid_amount=paid,
        paid_at=(bill.paid_at or now) if settled else None,
        paid_by=(by if bill.paid_at is None else bill.paid_by) if settled else None,
    )
    if not changed:
        raise Conflict()
    await Payment.create(
        bill_id=bill.pk, user_id=bill.user_id, amount=amount, kind=kind, recorded_by=by, recorded_at=now
    )
    return await Bill.get(id=bill.pk)


async def set_paid(
    *, guild_id: int, purchase_id: int, user_id: int, paid: bool, by: int, now: datetime, amount: str | None = None
) -> Moved:
    """Record a payment (all that is due, or `amount` of it), or take back the payments recorded."""
    purchase, bill = await _billed(guild_id, purchase_id, user_id)
    async with in_transaction():
        if paid:
            due = bill.total - bill.paid_amount
            if due <= 0:
                raise InvalidInput(N_("That bill is already marked as paid."))
            value = money.parse_amount(amount, purchase.currency, allow_zero=False) if amount else due
            if value > due:
                raise InvalidInput(
                    N_("Only {due} is still to pay on that bill."), due=money.format_money(due, purchase.currency)
                )
            return Moved(await _move(bill, value, PaymentKind.PAYMENT, by, now), value)
        received = sum(
            await Payment.filter(bill_id=bill.pk, kind__in=(PaymentKind.PAYMENT, PaymentKind.UNDO)).values_list(
                "amount", flat=True
            )
        )
        if received <= 0:
            raise InvalidInput(N_("That bill is already marked as unpaid."))
        return Moved(await _move(bill, -received, PaymentKind.UNDO, by, now), -received)


async def refund(
    *, guild_id: int, purchase_id: int, user_id: int, by: int, now: datetime, amount: str | None = None
) -> Bill:
    """Pay back a member's credit on a bill (all of it, or `amount`)."""
    purchase, bill = await _billed(guild_id, purchase_id, user_id)
    credit = credit_of(bill)
    if not credit:
        raise InvalidInput(N_("That member has no credit on purchase #{id} to pay back."), id=purchase.pk)
    value = money.parse_amount(amount, purchase.currency, allow_zero=False) if amount else credit
    if value > credit:
        raise InvalidInput(
            N_("The credit on that bill is only {credit}."), credit=money.format_money(credit, purchase.currency)
        )
    async with in_transaction():
        return Moved(await _move(bill, -value, PaymentKind.REFUND, by, now), -value)


async def carry_credit(purchase: Purchase, now: datetime) -> None:
    """Inside the close: credit members have on earlier bills (same server and currency) pays the new ones."""
    for bill in await Bill.filter(purchase_id=purchase.pk, total__gt=0).order_by("user_id"):
        earlier = await Bill.filter(
            user_id=bill.user_id,
            purchase__guild_id=purchase.guild_id,
            purchase__currency=purchase.currency,
            purchase_id__not=purchase.pk,
        ).order_by("purchase_id")
        for source in earlier:
            due = bill.total - bill.paid_amount
            moved = min(credit_of(source), due)
            if moved <= 0:
                continue
            await _move(source, -moved, PaymentKind.CREDIT, None, now)
            bill = await _move(bill, moved, PaymentKind.CREDIT, None, now)


@dataclass(frozen=True)
class Balance:
    """A member's bills on a server, in one currency: paid minus billed (below zero: owed)."""

    currency: str
    bills: list[tuple[Purchase, Bill]]

    @property
    def billed(self) -> int:
        return sum(bill.total for _purchase, bill in self.bills)

    @property
    def paid(self) -> int:
        return sum(bill.paid_amount for _purchase, bill in self.bills)

    @property
    def amount(self) -> int:
        return self.paid - self.billed


async def balances_in(guild_id: int, currency: str, user_ids: list[int]) -> dict[int, int]:
    """Members' balances across the server's purchases in one currency: paid minus billed."""
    totals = {user_id: 0 for user_id in user_ids}
    for user_id, paid, total in await Bill.filter(
        user_id__in=user_ids, purchase__guild_id=guild_id, purchase__currency=currency
    ).values_list("user_id", "paid_amount", "total"):
        totals[user_id] += paid - total
    return totals


async def balances(guild_id: int, user_id: int) -> list[Balance]:
    """What a member owes or has in credit across every purchase on the server, per currency."""
    bills = (
        await Bill.filter(user_id=user_id, purchase__guild_id=guild_id)
        .prefetch_related("purchase")
        .order_by("purchase_id")
    )
    by_currency: dict[str, list[tuple[Purchase, Bill]]] = {}
    for bill in bills:
        if bill.total or bill.paid_amount:
            by_currency.setdefault(bill.purchase.currency, []).append((bill.purchase, bill))
    return [Balance(currency, rows) for currency, rows in sorted(by_currency.items())]


# ---------------------------------------------------------------- the open ledger


def saved_on(item: PurchaseItem, quantity: Decimal, received: Decimal | None) -> int:
    """What one order line saved against the shop: on what the member got (what arrived for
    them after a short delivery), nothing on an item dropped under its minimum. The one rule the
    ledger, the bills, the fund's share and the season's savings all count by."""
    if item.dropped:
        return 0
    return saving(received if received is not None else quantity, item.unit_price, item.shop_price)


@dataclass(frozen=True)
class LedgerItem:
    item: PurchaseItem
    quantity: Decimal
    value: int
    saved: int = 0  # against the shop price, on what members got


@dataclass(frozen=True)
class Ledger:
    purchase: Purchase
    items: list[LedgerItem]
    bills: list[Bill]

    @property
    def due_bills(self) -> list[Bill]:
        """Bills with something to pay, or paid (a short delivery may have lowered them to nothing)."""
        return [bill for bill in self.bills if bill.total > 0 or bill.paid_amount > 0]

    @property
    def delivery(self) -> int:
        return sum(bill.delivery_share for bill in self.bills)

    @property
    def group_cost(self) -> int:
        return sum(row.item.group_cost for row in self.items)

    @property
    def fund(self) -> int:
        """What the bills give the community fund (included in what is billed)."""
        return sum(bill.fund_share for bill in self.bills)

    @property
    def saved(self) -> int:
        return sum(row.saved for row in self.items)

    @property
    def compared(self) -> bool:
        """Some item has a shop price to compare with."""
        return any(row.item.shop_price is not None for row in self.items)

    @property
    def billed(self) -> int:
        return sum(bill.total for bill in self.bills)

    @property
    def paid(self) -> int:
        return sum(bill.paid_amount for bill in self.bills)

    @property
    def credit(self) -> int:
        """Paid beyond bills lowered afterwards (a short delivery): owed back to members."""
        return sum(credit_of(bill) for bill in self.bills)

    @property
    def outstanding(self) -> int:
        # billed = paid - credit + outstanding, bill by bill.
        return sum(max(0, bill.total - bill.paid_amount) for bill in self.bills)

    @property
    def payers(self) -> int:
        return sum(1 for bill in self.due_bills if bill.paid_at is not None)


async def ledger(guild_id: int, purchase_id: int) -> Ledger:
    purchase = await get_purchase(guild_id, purchase_id)
    items = await items_of(purchase.pk)
    quantities = await ordered_quantities(purchase.pk)
    lines = await OrderLine.filter(purchase_id=purchase.pk)
    values: dict[int, int] = {}
    saved: dict[int, int] = {}
    by_id = {item.pk: item for item in items}
    for line in lines:
        item = by_id[line.item_id]
        value = line.amount if line.amount is not None else line_value(line.quantity, item.unit_price)
        values[line.item_id] = values.get(line.item_id, 0) + value
        saved[item.pk] = saved.get(item.pk, 0) + saved_on(item, line.quantity, line.received)
    rows = [
        LedgerItem(item, quantities.get(item.pk, Decimal(0)), values.get(item.pk, 0), saved.get(item.pk, 0))
        for item in items
    ]
    return Ledger(purchase, rows, await bills_of(purchase.pk))


async def export_rows(guild_id: int, purchase_id: int) -> tuple[Purchase, list[OrderLine], list[Bill]]:
    purchase = await get_purchase(guild_id, purchase_id)
    lines = await OrderLine.filter(purchase_id=purchase.pk).prefetch_related("item").order_by("user_id", "item_id")
    return purchase, list(lines), await bills_of(purchase.pk)


async def recent_purchases(guild_id: int, search: str = "", limit: int = 25) -> list[Purchase]:
    query = Purchase.filter(guild_id=guild_id)
    number = id_in_text(search)
    if number is not None:
        query = query.filter(id=number)
    elif term := clean(search):
        query = query.filter(title__icontains=term)
    return await query.order_by("-id").limit(limit)


async def with_orders(purchase_id: int, item_ids: list[int]) -> list[ShortItem]:
    """These items of a purchase with the quantity ordered of each, in the purchase's order."""
    totals = await ordered_quantities(purchase_id)
    return [
        ShortItem(item, totals.get(item.pk, Decimal(0)))
        for item in await items_of(purchase_id)
        if item.pk in set(item_ids)
    ]


# ---------------------------------------------------------------- short deliveries


def credit_of(bill: Bill) -> int:
    """Paid beyond the bill's total (it went down after the payment): carried to the member."""
    return max(0, bill.paid_amount - bill.total)


@dataclass(frozen=True)
class BillChange:
    """A member's bill after a short delivery; `ordered` and `received` of the short item
    (None for a member who did not order it, whose share of the delivery fee moved)."""

    user_id: int
    ordered: Decimal | None
    received: Decimal | None
    before: int
    after: int
    paid: int

    @property
    def credit(self) -> int:
        return max(0, self.paid - self.after)

    @property
    def still_due(self) -> int:
        """Left to pay of a bill paid before it went up (a correction)."""
        return max(0, self.after - self.paid) if self.paid else 0


@dataclass(frozen=True)
class Arrival:
    purchase: Purchase
    item: PurchaseItem
    arrived: Decimal
    bought: Decimal
    rule: str
    changes: list[BillChange]


def _arrived_quantity(text: str) -> Decimal:
    """What arrived: a quantity as members type them, or nothing at all ("0")."""
    raw = clean(text)
    if raw and set(raw) <= {"0", ".", ","}:
        return Decimal(0)
    return money.parse_quantity(raw)


async def find_item(purchase: Purchase, name: str) -> PurchaseItem:
    wanted = _text(name, 80).casefold()
    item = next((item for item in await items_of(purchase.pk) if item.name.casefold() == wanted), None)
    if item is None:
        raise NotFound(N_("Purchase #{id} has no item called “{name}”."), id=purchase.pk, name=_text(name, 80))
    return item


async def record_arrival(
    *, guild_id: int, purchase_id: int, item_name: str, quantity: str, rule: str, now: datetime
) -> Arrival:
    """Less arrived than was bought: who gets what (by `rule`), the bills again, exactly.

    Recorded again for the same item, it starts over from the orders (a correction).
    Members' orders are served before what the group bought anyway beyond them.
    """
    purchase = await get_purchase(guild_id, purchase_id)
    if purchase.status != PurchaseStatus.CLOSED:
        raise InvalidInput(
            N_("Record what arrived once purchase #{id} is closed and its bills are written."), id=purchase.pk
        )
    item = await find_item(purchase, item_name)
    arrived = _arrived_quantity(quantity)
    async with in_transaction():
        # One recording at a time per purchase: a second waits and starts from this one's result.
        await Purchase.filter(id=purchase.pk, status=PurchaseStatus.CLOSED).update(changed_at=now)
        item = await PurchaseItem.get(id=item.pk)
        lines = await OrderLine.filter(item_id=item.pk).order_by("updated_at", "id")
        ordered = sum((line.quantity for line in lines), Decimal(0))
        bought = max(ordered, item.bulk_min or 0) if item.choice == ShortChoice.BUY else ordered
        if item.dropped or not bought:
            raise InvalidInput(N_("Nothing of {item} was bought in this purchase."), item=item.name)
        if arrived > bought:
            raise InvalidInput(
                N_("Only {bought} of {item} were bought: record at most that much."),
                bought=money.amount_of(bought, item.unit),
                item=item.name,
            )
        shares = share_short_delivery(min(arrived, ordered), [(line.pk, line.quantity) for line in lines], rule)
        group_part = max(Decimal(0), arrived - ordered)
        await PurchaseItem.filter(id=item.pk).update(
            arrived=arrived,
            group_cost=line_value(group_part, item.unit_price) if item.choice == ShortChoice.BUY else 0,
        )
        for line in lines:
            received = shares[line.pk]
            await OrderLine.filter(id=line.pk).update(
                received=None if received == line.quantity else received,
                amount=line_value(received, item.unit_price),
            )
        before = {bill.user_id: bill for bill in await bills_of(purchase.pk)}
        goods: dict[int, int] = {}
        saved: dict[int, int] = {}
        terms = {row.pk: row for row in await items_of(purchase.pk)}
        for line in await OrderLine.filter(purchase_id=purchase.pk):
            goods[line.user_id] = goods.get(line.user_id, 0) + (line.amount or 0)
            saved[line.user_id] = saved.get(line.user_id, 0) + saved_on(
                terms[line.item_id], line.quantity, line.received
            )
        fund = fund_shares(await FUND_SHARE.get(purchase.guild_id), goods, saved, money.decimals(purchase.currency))
        changes = []
        by_member = {line.user_id: line for line in lines}
        for bill in rebill(goods, purchase.delivery_fee, fund):
            old = before[bill.user_id]
            await Bill.filter(id=old.pk).update(
                goods=bill.goods, delivery_share=bill.delivery_share, fund_share=bill.fund_share, total=bill.total
            )
            if old.total == bill.total:
                continue
            line = by_member.get(bill.user_id)
            changes.append(
                BillChange(
                    bill.user_id,
                    line.quantity if line else None,
                    shares[line.pk] if line else None,
                    old.total,
                    bill.total,
                    old.paid_amount,
                )
            )
    item = await PurchaseItem.get(id=item.pk)
    return Arrival(purchase, item, arrived, bought, rule, changes)


async def item_names(guild_id: int, purchase_id: int, search: str = "", limit: int = 25) -> list[str]:
    """Names of a purchase's items containing `search`, for picking one (none from another server)."""
    purchase = await Purchase.get_or_none(id=purchase_id, guild_id=guild_id)
    if purchase is None:
        return []
    wanted = clean(search).casefold()
    return [item.name for item in await items_of(purchase.pk) if wanted in item.name.casefold()][:limit]


# ---------------------------------------------------------------- pickup points

MAX_PICKUP_POINTS = 20  # one select offers them all, with room to spare


async def add_pickup_point(*, guild_id: int, purchase_id: int, place: str, slot: str) -> PickupPoint:
    purchase = await get_purchase(guild_id, purchase_id)
    where, when_text = _text(place, 100), _text(slot, 100)
    if not where or not when_text:
        raise InvalidInput(N_("A pickup point needs a place and a time slot."))
    if await PickupPoint.filter(purchase_id=purchase.pk).count() >= MAX_PICKUP_POINTS:
        raise LimitReached(
            Plural(
                "A purchase can have at most {n} pickup point.",
                "A purchase can have at most {n} pickup points.",
                MAX_PICKUP_POINTS,
            )
        )
    try:
        return await PickupPoint.create(purchase_id=purchase.pk, place=where, slot=when_text)
    except IntegrityError:
        raise InvalidInput(N_("Purchase #{id} already has that pickup point."), id=purchase.pk) from None


async def pickup_points(purchase_id: int) -> list[PickupPoint]:
    return await PickupPoint.filter(purchase_id=purchase_id).order_by("id")


async def pickup_points_of(guild_id: int, purchase_id: int) -> list[PickupPoint]:
    """A purchase's pickup points for picking one (none from another server)."""
    if not await Purchase.exists(id=purchase_id, guild_id=guild_id):
        return []
    return await pickup_points(purchase_id)


async def pickup_of(purchase_id: int, user_id: int) -> PickupChoice | None:
    return await PickupChoice.get_or_none(purchase_id=purchase_id, user_id=user_id).prefetch_related("point")


async def choose_pickup(*, guild_id: int, purchase_id: int, point_id: int, user_id: int) -> PickupPoint:
    """A member picks (or changes) where they collect their order, until it is handed over."""
    purchase = await get_purchase(guild_id, purchase_id)
    point = await PickupPoint.get_or_none(id=point_id, purchase_id=purchase.pk)
    if point is None:
        raise NotFound(NOT_A_POINT_OF, id=purchase.pk)
    if not await OrderLine.filter(purchase_id=purchase.pk, user_id=user_id).exists():
        raise InvalidInput(
            N_("Order something in purchase #{id} first, then choose where to pick it up."), id=purchase.pk
        )
    handed = InvalidInput(N_("Your order in purchase #{id} was already handed over."), id=purchase.pk)
    # Change the choice, or make the first one; two at once: the one created first is changed.
    for _attempt in range(2):
        if await PickupChoice.filter(purchase_id=purchase.pk, user_id=user_id, handed_over_at__isnull=True).update(
            point_id=point.pk
        ):
            return point
        if await PickupChoice.exists(purchase_id=purchase.pk, user_id=user_id, handed_over_at__isnull=False):
            raise handed
        try:
            await PickupChoice.create(purchase_id=purchase.pk, point_id=point.pk, user_id=user_id)
            return point
        except IntegrityError:
            continue
    raise Conflict()


@dataclass(frozen=True)
class Handout:
    """One member's part at a pickup point: what to hand them."""

    user_id: int
    choice: PickupChoice | None
    lines: list[CartLine]


@dataclass(frozen=True)
class Distribution:
    purchase: Purchase
    points: list[tuple[PickupPoint, list[Handout]]]
    unassigned: list[Handout]  # members who chose no point

    @property
    def not_collected(self) -> list[tuple[PickupPoint | None, Handout]]:
        waiting = [
            (point, handout)
            for point, handouts in self.points
            for handout in handouts
            if handout.choice.handed_over_at is None
        ]
        return waiting + [(None, handout) for handout in self.unassigned]


async def distribution(guild_id: int, purchase_id: int) -> Distribution:
    """Who gets what where: per pickup point, each member's lines (dropped items left out)."""
    purchase = await get_purchase(guild_id, purchase_id)
    choices = {choice.user_id: choice for choice in await PickupChoice.filter(purchase_id=purchase.pk)}
    by_point: dict[int, list[Handout]] = {}
    unassigned = []
    for user_id in await buyers(purchase.pk):
        lines = [line for line in await cart(purchase, user_id) if not line.item.dropped]
        if not lines:
            continue
        choice = choices.get(user_id)
        handout = Handout(user_id, choice, lines)
        if choice is None:
            unassigned.append(handout)
        else:
            by_point.setdefault(choice.point_id, []).append(handout)
    points = [(point, by_point.get(point.pk, [])) for point in await pickup_points(purchase.pk)]
    return Distribution(purchase, points, unassigned)


async def hand_over(*, choice_id: int, by: int, now: datetime) -> PickupChoice:
    """The volunteer on duty handed a member their part: once."""
    handed = await PickupChoice.filter(id=choice_id, handed_over_at__isnull=True).update(
        handed_over_at=now, handed_over_by=by
    )
    if not handed:
        raise Conflict(N_("That order was already handed over."))
    return await PickupChoice.get(id=choice_id).prefetch_related("point")


async def pickup_choice(choice_id: int) -> PickupChoice:
    choice = await PickupChoice.get_or_none(id=choice_id).prefetch_related("purchase", "point")
    if choice is None:
        raise NotFound(PICKUP_GONE)
    return choice


# ---------------------------------------------------------------- payment reminders


def first_payment_reminder(purchase: Purchase, after: timedelta) -> datetime | None:
    """When members are first reminded of what they still owe; None when the server turned it off."""
    if not after or purchase.closed_at is None:
        return None
    return purchase.closed_at + after


async def claim_payment_reminders(purchase_id: int, now: datetime) -> list[Bill]:
    """Bills with something still to pay whose member was not reminded this week: claimed, once."""
    due = []
    for bill in await Bill.filter(purchase_id=purchase_id, total__gt=F("paid_amount")):
        if bill.reminded_at is not None and now - bill.reminded_at < PAYMENT_REMINDER_EVERY:
            continue
        if await Bill.filter(id=bill.pk, reminded_at=bill.reminded_at).update(reminded_at=now):
            due.append(await Bill.get(id=bill.pk))
    return due


async def still_unpaid(purchase_id: int) -> bool:
    return await Bill.exists(purchase_id=purchase_id, total__gt=F("paid_amount"))


# ---------------------------------------------------------------- the season's savings


@dataclass(frozen=True)
class SeasonSavings:
    """What the closed purchases of a period saved against shop prices, in one currency."""

    currency: str
    purchases: int  # closed in the period, with some item priced against the shop
    saved: int
    fund: int  # given to the community fund by their bills


def parse_since(text: str) -> datetime:
    """A UTC date "2026-03-01": the start of that day."""
    match = _DATE.fullmatch(clean(text))
    if match is None or match.group(4) is not None:
        raise InvalidInput(N_("“{text}” is not a date. Write it like 2026-03-01."), text=clean(text)[:40])
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(N_("“{text}” is not a valid date."), text=clean(text)[:40]) from None


async def season_savings(guild_id: int, since: datetime | None = None) -> list[SeasonSavings]:
    """The server's closed purchases (closed since `since`, if given), their savings per currency.

    Four queries however many purchases the season had: the purchases, their items with a shop
    price, those items' order lines, and the fund's part summed per purchase. Each line's saving
    is still worked out by `saved_on`, as the ledger does (it is rounded line by line, so it
    cannot be a sum in SQL without writing the rule twice).
    """
    closed = Purchase.filter(guild_id=guild_id, status=PurchaseStatus.CLOSED)
    if since is not None:
        closed = closed.filter(closed_at__gte=since)
    currencies = dict(await closed.values_list("id", "currency"))
    if not currencies:
        return []
    in_season = Subquery(closed.values("id"))
    priced_items = PurchaseItem.filter(purchase_id__in=in_season, shop_price__isnull=False)
    priced = {item.pk: item for item in await priced_items}
    lines = await OrderLine.filter(item_id__in=Subquery(priced_items.values("id")))
    funds = (
        await Bill.filter(purchase_id__in=in_season, fund_share__gt=0)
        .annotate(fund=Sum("fund_share"))
        .group_by("purchase_id")
        .values_list("purchase_id", "fund")
    )
    totals: dict[str, list[int]] = {}

    def add(purchase_id: int, column: int, amount: int) -> None:
        if purchase_id in currencies:  # not one closed after the first read: it counts next time
            totals.setdefault(currencies[purchase_id], [0, 0, 0])[column] += amount

    for purchase_id in {item.purchase_id for item in priced.values()}:  # compared: some item has a shop price
        add(purchase_id, 0, 1)
    for line in lines:
        item = priced.get(line.item_id)
        if item is not None:
            add(item.purchase_id, 1, saved_on(item, line.quantity, line.received))
    for purchase_id, fund in funds:
        add(purchase_id, 2, int(fund))
    return [SeasonSavings(currency, *row) for currency, row in sorted(totals.items()) if row[0] or row[2]]
