"""The arithmetic of a purchase, pure: line values, exact splits, and settling at the close.

Amounts are integers in the currency's minor unit. At the close, items whose total ordered
quantity stays below the supplier's minimum are dropped, unless a coordinator chose to buy
them anyway: then the supplier gets the minimum, members pay for what they ordered and the
rest is the group's cost. The delivery fee is split among the members whose remaining orders
have value, in proportion to that value, so that the shares add up to the fee exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


def line_value(quantity: Decimal, unit_price: int) -> int:
    """Quantity × price per unit, rounded half up to a whole minor unit."""
    return int((quantity * unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` minor units in proportion to `weights`, parts summing exactly to `total`.

    Largest remainder: everyone gets the floor of their exact share, then the units left
    over go one each to the largest remainders (earlier positions win ties, so the result
    is deterministic). Zero weights everywhere split the total evenly.
    """
    if total < 0 or any(weight < 0 for weight in weights):
        raise ValueError("split takes a non-negative total and weights")
    if not weights:
        if total:
            raise ValueError("nobody to split a non-zero total between")
        return []
    if not any(weights):
        weights = [1] * len(weights)
    whole = sum(weights)
    parts = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


@dataclass(frozen=True)
class ItemTerms:
    item_id: int
    unit_price: int
    bulk_min: Decimal | None = None
    # A coordinator's choice for an item short of its minimum (neither: short items are dropped).
    buy_anyway: bool = False
    drop: bool = False
    shop_price: int | None = None  # what the savings (and a fund share of them) are measured against


@dataclass(frozen=True)
class Order:
    line_id: int
    user_id: int
    item_id: int
    quantity: Decimal


@dataclass(frozen=True)
class MemberBill:
    user_id: int
    goods: int
    delivery_share: int
    fund_share: int = 0  # the community fund's part, shown apart

    @property
    def total(self) -> int:
        return self.goods + self.delivery_share + self.fund_share


@dataclass
class Settlement:
    quantities: dict[int, Decimal] = field(default_factory=dict)  # item → total ordered
    dropped: set[int] = field(default_factory=set)  # items below their bulk minimum
    line_amounts: dict[int, int] = field(default_factory=dict)  # order line → value (0 if dropped)
    bills: list[MemberBill] = field(default_factory=list)  # one per member who ordered anything
    group_costs: dict[int, int] = field(default_factory=dict)  # item bought anyway → value nobody ordered

    @property
    def delivery_charged(self) -> int:
        return sum(bill.delivery_share for bill in self.bills)


def item_totals(items: list[ItemTerms], orders: list[Order]) -> dict[int, Decimal]:
    totals = {item.item_id: Decimal(0) for item in items}
    for order in orders:
        totals[order.item_id] += order.quantity
    return totals


def below_minimum(items: list[ItemTerms], totals: dict[int, Decimal]) -> set[int]:
    return {item.item_id for item in items if item.bulk_min is not None and totals[item.item_id] < item.bulk_min}


def still_needed(bulk_min: Decimal | None, ordered: Decimal) -> Decimal:
    """How much more must be ordered to reach the minimum (0 once reached, or with no minimum)."""
    if bulk_min is None or ordered >= bulk_min:
        return Decimal(0)
    return bulk_min - ordered


def settle(
    items: list[ItemTerms], orders: list[Order], delivery_fee: int, fund: FundShare | None = None, places: int = 2
) -> Settlement:
    prices = {item.item_id: item.unit_price for item in items}
    totals = item_totals(items, orders)
    short = below_minimum(items, totals)
    bought = {item.item_id for item in items if item.buy_anyway and not item.drop}
    dropped = (short - bought) | {item.item_id for item in items if item.drop}
    group_costs = {
        item.item_id: line_value(still_needed(item.bulk_min, totals[item.item_id]), item.unit_price)
        for item in items
        if item.item_id in short & bought
    }
    amounts = {
        order.line_id: 0 if order.item_id in dropped else line_value(order.quantity, prices[order.item_id])
        for order in orders
    }
    goods: dict[int, int] = defaultdict(int)
    saved: dict[int, int] = defaultdict(int)
    shop = {item.item_id: item.shop_price for item in items}
    for order in orders:
        goods[order.user_id] += amounts[order.line_id]
        if order.item_id not in dropped:
            saved[order.user_id] += saving(order.quantity, prices[order.item_id], shop[order.item_id])
    shares = fund_shares(fund or FundShare(), goods, saved, places)
    bills = rebill(goods, delivery_fee, shares)
    return Settlement(quantities=totals, dropped=dropped, line_amounts=amounts, bills=bills, group_costs=group_costs)


# ---------------------------------------------------------------- short deliveries

PROPORTIONAL = "proportional"
FIRST_COME = "first-come"
SHORT_DELIVERY_RULES = (PROPORTIONAL, FIRST_COME)
_THOUSANDTH = Decimal("0.001")


def _step(arrived: Decimal, ordered: Sequence[Decimal]) -> Decimal:
    """Share in whole units when everything was ordered and arrived whole (jars are not cut),
    else in thousandths (the finest quantity anyone can order)."""
    return Decimal(1) if all(q == q.to_integral() for q in (arrived, *ordered)) else _THOUSANDTH


def share_short_delivery(arrived: Decimal, lines: Sequence[tuple[int, Decimal]], rule: str) -> dict[int, Decimal]:
    """Who gets what of an item when less arrived than was ordered: line id → quantity received.

    `lines` are (line id, quantity ordered) in the order they were placed. Proportional: each
    line gets the same fraction of its order, counted in whole units (or thousandths, see
    _step); the units a fraction leaves over go one each to the largest remainders, earlier
    orders first on a tie, so the parts add up to what arrived exactly. First come: the
    earliest orders are filled in full until what arrived runs out.
    """
    if rule not in SHORT_DELIVERY_RULES:
        raise ValueError(f"unknown short delivery rule {rule!r}")
    ordered = sum((quantity for _line, quantity in lines), Decimal(0))
    if arrived < 0 or arrived > ordered:
        raise ValueError("arrived must be between nothing and everything ordered")
    if rule == FIRST_COME:
        left, received = arrived, {}
        for line_id, quantity in lines:
            received[line_id] = min(quantity, left)
            left -= received[line_id]
        return received
    step = _step(arrived, [quantity for _line, quantity in lines])
    parts = split(int(arrived / step), [int(quantity / step) for _line, quantity in lines])
    return {line_id: part * step for (line_id, _quantity), part in zip(lines, parts, strict=True)}


def rebill(goods: dict[int, int], delivery_fee: int, fund: dict[int, int] | None = None) -> list[MemberBill]:
    """A bill per member from their goods: the fee split among those with goods, in proportion,
    and the community fund's share (`fund`, see fund_shares) added apart.

    Members in a stable order, so the same goods always give the same shares; with nobody
    left to deliver to there is no delivery and nothing to share.
    """
    members = sorted(goods)
    payers = [user_id for user_id in members if goods[user_id] > 0]
    shares = dict(zip(payers, split(delivery_fee, [goods[u] for u in payers]) if payers else [], strict=True))
    fund = fund or {}
    return [
        MemberBill(user_id, goods[user_id], shares.get(user_id, 0), fund.get(user_id, 0) if goods[user_id] > 0 else 0)
        for user_id in members
    ]


# ---------------------------------------------------------------- the community fund


@dataclass(frozen=True)
class FundShare:
    """What each bill gives the community fund (a server's option): a percent of what the member
    saved against shop prices, or a fixed amount per bill (in major units of the purchase's
    currency, so one setting serves purchases in any currency). Neither: nothing."""

    percent: int = 0
    amount: Decimal = Decimal(0)

    def __str__(self) -> str:  # as stored and shown by /setup option
        if self.percent:
            return f"{self.percent}%"
        if self.amount:
            return format(self.amount, "f")
        return "off"

    def of(self, goods: int, saved: int, places: int) -> int:
        """The share of one bill, in minor units: only bills with goods give, and never below zero."""
        if goods <= 0:
            return 0
        if self.percent:
            return max(0, int((Decimal(saved) * self.percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
        return int(self.amount.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fund_shares(fund: FundShare, goods: dict[int, int], saved: dict[int, int], places: int) -> dict[int, int]:
    return {user_id: fund.of(value, saved.get(user_id, 0), places) for user_id, value in goods.items()}


# ---------------------------------------------------------------- savings


def saving(quantity: Decimal, unit_price: int, shop_price: int | None) -> int:
    """What buying `quantity` together saved against the shop (negative: the shop was cheaper).

    Both values are rounded as a bill rounds a line, so a saving is the difference of two
    amounts people can check; without a shop price nothing is claimed.
    """
    if shop_price is None:
        return 0
    return line_value(quantity, shop_price) - line_value(quantity, unit_price)
