"""What people read about a purchase, in the current locale: card, cart, bill, ledger, CSV.

Plain strings only (no Discord objects), so the wording is tested without a bot.
"""

from __future__ import annotations

from decimal import Decimal

from cogs.purchases.money import format_money, format_quantity, to_major
from cogs.purchases.service import CartLine, Ledger
from gromada import csv_export
from gromada.i18n import _, _n
from models.purchases import Bill, DeliveryStatus, OrderLine, Purchase, PurchaseItem, PurchaseStatus


def when(moment) -> str:
    """A deadline as Discord shows it: in each reader's own time zone, and how far away."""
    stamp = int(moment.timestamp())
    return f"<t:{stamp}:f> (<t:{stamp}:R>)"


def price(purchase: Purchase, item: PurchaseItem) -> str:
    return _("{price} per {unit}", price=format_money(item.unit_price, purchase.currency), unit=item.unit)


def progress(item: PurchaseItem, ordered: Decimal) -> str:
    if item.bulk_min is None:
        return _("ordered: {ordered} {unit}", ordered=format_quantity(ordered), unit=item.unit)
    mark = "✅" if ordered >= item.bulk_min else "⏳"
    return _(
        "{mark} ordered {ordered} of the minimum {minimum} {unit}",
        mark=mark,
        ordered=format_quantity(ordered),
        minimum=format_quantity(item.bulk_min),
        unit=item.unit,
    )


def card_title(purchase: Purchase) -> str:
    return _("Joint purchase #{id}: {title}", id=purchase.pk, title=purchase.title)


CARD_LIMIT = 4096  # an embed description
MORE_ITEMS_ROOM = 200  # kept free for the line saying how many items did not fit


def card_description(
    purchase: Purchase, items: list[PurchaseItem], ordered: dict[int, Decimal], limit: int = CARD_LIMIT
) -> str:
    """The card's text; with many long items, those that do not fit are counted, not cut off."""
    lines = []
    if purchase.supplier:
        lines.append(_("Supplier: {supplier}", supplier=purchase.supplier))
    if purchase.status == PurchaseStatus.CLOSED:
        lines.append(_("**Orders are closed.** Bills were sent by direct message; see yours with /purchase mine."))
    else:
        lines.append(_("Order by: {deadline}", deadline=when(purchase.deadline)))
    if purchase.delivery_fee:
        lines.append(
            _(
                "Delivery: {fee}, shared in proportion to each order's value.",
                fee=format_money(purchase.delivery_fee, purchase.currency),
            )
        )
    lines.append("")
    footer = []
    if purchase.status == PurchaseStatus.OPEN:
        footer.append("")
        footer.append(_("Press **Order** to choose items and quantities; you can change them until the deadline."))
    used = len("\n".join(lines + footer)) + MORE_ITEMS_ROOM
    listed = 0
    for item in items:
        status = _(" — dropped: below the minimum") if item.dropped else ""
        line = f"**{item.name}** · {price(purchase, item)} · {progress(item, ordered.get(item.pk, Decimal(0)))}{status}"
        if used + len(line) + 1 > limit:
            break
        lines.append(line)
        used += len(line) + 1
        listed += 1
    if listed < len(items):
        hidden = len(items) - listed
        lines.append(
            _n(
                "…and {n} more item: /purchase ledger lists them all.",
                "…and {n} more items: /purchase ledger lists them all.",
                hidden,
            )
        )
    return "\n".join(lines + footer)


def line_text(purchase: Purchase, line: CartLine) -> str:
    """One order line as carts and bills show it: quantity × price = value."""
    return _(
        "{item}: {quantity} {unit} × {price} = {value}",
        item=line.item.name,
        quantity=format_quantity(line.quantity),
        unit=line.item.unit,
        price=format_money(line.item.unit_price, purchase.currency),
        value=format_money(line.value, purchase.currency),
    )


def cart_text(purchase: Purchase, lines: list[CartLine]) -> str:
    head = _("**Your order in purchase #{id}: {title}**", id=purchase.pk, title=purchase.title)
    if not lines:
        return head + "\n" + _("Nothing yet. Choose an item below.")
    body = [line_text(purchase, line) for line in lines]
    total = sum(line.value for line in lines)
    body.append(_("Total before delivery: **{total}**", total=format_money(total, purchase.currency)))
    if purchase.status == PurchaseStatus.OPEN:
        body.append(_("You can change or remove lines until {deadline}.", deadline=when(purchase.deadline)))
    return head + "\n" + "\n".join(body)


def bill_text(purchase: Purchase, bill: Bill, lines: list[CartLine]) -> str:
    head = _("**Bill for joint purchase #{id}: {title}**", id=purchase.pk, title=purchase.title)
    body = []
    for line in lines:
        if line.item.dropped:
            body.append(
                _(
                    "{item}: {quantity} {unit} — dropped, the order did not reach the supplier's minimum. "
                    "You pay nothing for it.",
                    item=line.item.name,
                    quantity=format_quantity(line.quantity),
                    unit=line.item.unit,
                )
            )
        else:
            body.append(line_text(purchase, line))
    if bill.total == 0:
        body.append(_("Nothing to pay: none of your items reached the supplier's minimum."))
        return head + "\n" + "\n".join(body)
    body.append(_("Share of delivery: {share}", share=format_money(bill.delivery_share, purchase.currency)))
    body.append(_("**Total to pay: {total}**", total=format_money(bill.total, purchase.currency)))
    if bill.paid_at is not None:
        body.append(_("Paid. Thank you!"))
    else:
        body.append(_("Please pay the treasurer; they will mark your bill as paid."))
    return head + "\n" + "\n".join(body)


def dropped_notice(purchase: Purchase, items: list[PurchaseItem]) -> str:
    names = ", ".join(item.name for item in items)
    return _("Dropped in purchase #{id} (below the supplier's minimum): {items}", id=purchase.pk, items=names)


def supplier_list(purchase: Purchase, items: list[PurchaseItem], ordered: dict[int, Decimal]) -> list[str]:
    lines = [_("**Order list for the supplier: purchase #{id}, {title}**", id=purchase.pk, title=purchase.title)]
    if purchase.supplier:
        lines.append(_("Supplier: {supplier}", supplier=purchase.supplier))
    kept = [item for item in items if not item.dropped and ordered.get(item.pk, Decimal(0)) > 0]
    for item in kept:
        lines.append(f"- {item.name}: {format_quantity(ordered[item.pk])} {item.unit}")
    if not kept:
        lines.append(_("Nothing to order: no item reached its minimum."))
    dropped = [item for item in items if item.dropped]
    if dropped:
        lines.append(dropped_notice(purchase, dropped))
    return lines


def ledger_lines(ledger: Ledger, names: dict[int, str] | None) -> list[str]:
    """The open ledger; `names` only for the treasurer and coordinators (None hides them)."""
    purchase = ledger.purchase
    currency = purchase.currency
    lines = [_("**Ledger of purchase #{id}: {title}**", id=purchase.pk, title=purchase.title)]
    for row in ledger.items:
        status = _(" (dropped)") if row.item.dropped else ""
        lines.append(
            f"- {row.item.name}: {format_quantity(row.quantity)} {row.item.unit} · "
            f"{format_money(row.value, currency)}{status}"
        )
    if purchase.status != PurchaseStatus.CLOSED:
        lines.append(
            _("Delivery fee: {fee}", fee=format_money(purchase.delivery_fee, currency)),
        )
        lines.append(_("Bills are written when orders close ({deadline}).", deadline=when(purchase.deadline)))
        return lines
    lines.append(_("Delivery fee charged: {fee}", fee=format_money(ledger.delivery, currency)))
    lines.append(_("Billed: {amount}", amount=format_money(ledger.billed, currency)))
    lines.append(_("Paid: {amount}", amount=format_money(ledger.paid, currency)))
    lines.append(_("Outstanding: {amount}", amount=format_money(ledger.outstanding, currency)))
    lines.append(_("Members who paid: {paid} of {total}", paid=ledger.payers, total=len(ledger.due_bills)))
    if names is not None:
        for bill in ledger.due_bills:
            state = _("paid") if bill.paid_at is not None else _("unpaid")
            if bill.delivery == DeliveryStatus.FAILED:
                state += " · " + _("the bill could not be sent by DM")
            name = names.get(bill.user_id, str(bill.user_id))
            lines.append(f"- {name}: {format_money(bill.total, currency)} · {state}")
    return lines


CSV_HEADER = ("kind", "member_id", "member", "item", "unit", "quantity", "unit_price", "amount", "currency", "paid")


def csv_text(purchase: Purchase, lines: list[OrderLine], bills: list[Bill], names: dict[int, str]) -> str:
    """One row per order line, then per member their delivery share and bill total (major units).

    Names, items and units are typed by members: the shared writer guards them against
    spreadsheet formulas.
    """
    currency = purchase.currency

    def amount(value: int | None) -> Decimal | str:
        return "" if value is None else to_major(value, currency)

    rows: list[tuple[object, ...]] = []
    for line in lines:
        item = line.item
        rows.append(
            (
                "line",
                line.user_id,
                names.get(line.user_id, ""),
                item.name,
                item.unit,
                line.quantity,
                amount(item.unit_price),
                amount(line.amount),
                currency,
                "",
            )
        )
    for bill in bills:
        name = names.get(bill.user_id, "")
        rows.append(("delivery", bill.user_id, name, "", "", "", "", amount(bill.delivery_share), currency, ""))
        paid = "yes" if bill.paid_at is not None else "no"
        rows.append(("total", bill.user_id, name, "", "", "", "", amount(bill.total), currency, paid))
    return csv_export.csv_text(CSV_HEADER, rows)
