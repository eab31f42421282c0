"""What people see of a purchase, and the components they press: card, cart, bill, ledger, CSV.

The builders write in the current locale from plain values, so the wording is tested without a
bot. Every component is a DynamicItem (`purchase:<action>:<id>…`) whose state comes from the
database, so a cart opened before a restart still works after it. Quantities are typed in a
modal whose input is `quantity`. After a member's change the card is redrawn by
cogs/purchases/flows.py, imported inside the handler (flows builds these views).
"""

from __future__ import annotations

import re
from decimal import Decimal

import discord

from cogs.purchases import service
from cogs.purchases.money import (
    PartOf,
    amount_of,
    format_money,
    format_quantity,
    is_measure,
    plain_quantity,
    to_major,
    unit_label,
)
from cogs.purchases.rules import FIRST_COME, still_needed
from cogs.purchases.service import (
    Arrival,
    Balance,
    BillChange,
    CartLine,
    Distribution,
    Handout,
    Ledger,
    ShortItem,
    credit_of,
)
from gromada import csv_export
from gromada.commands import mention
from gromada.errors import NotFound
from gromada.i18n import N_, _, _n
from gromada.scheduler import now
from gromada.ui import (
    BaseModal,
    ByItsMembers,
    IdButton,
    InServer,
    PersistentItem,
    chosen_id,
    date_named,
    moment_with_distance,
    reply,
    truncate,
)
from models.purchases import (
    Bill,
    DeliveryStatus,
    OrderLine,
    PickupChoice,
    PickupPoint,
    Purchase,
    PurchaseItem,
    PurchaseStatus,
    ShortChoice,
    Supplier,
    SupplierItem,
)

# ---------------------------------------------------------------- texts


# A deadline as Discord shows it: in each reader's own time zone, and how far away.
when = moment_with_distance


def price(purchase: Purchase, item: PurchaseItem) -> str:
    return _("{price} per {unit}", price=format_money(item.unit_price, purchase.currency), unit=unit_label(item.unit))


def progress(item: PurchaseItem, ordered: Decimal) -> str:
    if item.bulk_min is None:
        return _("ordered: {ordered}", ordered=amount_of(ordered, item.unit))
    missing = still_needed(item.bulk_min, ordered)
    if not missing:
        return _(
            "{mark} ordered {ordered} of the minimum {minimum}",
            mark="✅",
            ordered=PartOf(ordered, item.unit),
            minimum=amount_of(item.bulk_min, item.unit),
        )
    return _(
        "{mark} ordered {ordered} of the minimum {minimum}: {missing} more to reach it",
        mark="⏳",
        ordered=PartOf(ordered, item.unit),
        minimum=amount_of(item.bulk_min, item.unit),
        missing=amount_of(missing, item.unit),
    )


def item_status(item: PurchaseItem) -> str:
    """What became of an item at the deadline, as the card and the ledger add it."""
    if item.dropped:
        return _(" — dropped: below the minimum")
    if item.choice == ShortChoice.BUY:
        return _(" — bought anyway at the minimum")
    return ""


def card_title(purchase: Purchase) -> str:
    return _("Joint purchase #{id}: {title}", id=purchase.pk, title=purchase.title)


CARD_LIMIT = 4096  # an embed description
MORE_ITEMS_ROOM = 200  # kept free for the line saying how many items did not fit


def card_description(
    bot: discord.Client | None,
    purchase: Purchase,
    items: list[PurchaseItem],
    ordered: dict[int, Decimal],
    limit: int = CARD_LIMIT,
) -> str:
    """The card's text; with many long items, those that do not fit are counted, not cut off."""
    lines = []
    if purchase.supplier:
        lines.append(_("Supplier: {supplier}", supplier=purchase.supplier))
    if purchase.status == PurchaseStatus.CLOSED:
        lines.append(
            _(
                "**Orders are closed.** Bills were sent by direct message; see yours with {command}.",
                command=mention(bot, "purchase mine"),
            )
        )
    elif purchase.status == PurchaseStatus.DECIDING:
        lines.append(
            _(
                "**Orders are closed.** Some items are short of their minimum: a coordinator chooses "
                "by {deadline} whether to drop them, extend the deadline or buy them anyway.",
                deadline=when(purchase.decide_by),
            )
        )
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
        status = item_status(item)
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
                "…and {n} more item: {command} lists them all.",
                "…and {n} more items: {command} lists them all.",
                hidden,
                command=mention(bot, "purchase ledger"),
            )
        )
    return "\n".join(lines + footer)


def line_text(purchase: Purchase, line: CartLine) -> str:
    """One order line as carts and bills show it: quantity × price = value."""
    if line.short:
        return _(
            "{item}: {received} of {amount} arrived × {price} = {value}",
            item=line.item.name,
            received=PartOf(line.received, line.item.unit),
            amount=amount_of(line.quantity, line.item.unit),
            price=format_money(line.item.unit_price, purchase.currency),
            value=format_money(line.value, purchase.currency),
        )
    return _(
        "{item}: {quantity} × {price} = {value}",
        item=line.item.name,
        quantity=amount_of(line.quantity, line.item.unit),
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
                    "{item}: {quantity} — dropped, the order did not reach the supplier's minimum. "
                    "You pay nothing for it.",
                    item=line.item.name,
                    quantity=amount_of(line.quantity, line.item.unit),
                )
            )
        else:
            body.append(line_text(purchase, line))
    if bill.total == 0 and not bill.paid_amount:
        if any(line.short for line in lines):
            body.append(_("Nothing to pay: none of your order arrived."))
        else:
            body.append(_("Nothing to pay: none of your items reached the supplier's minimum."))
        return head + "\n" + "\n".join(body)
    compared = [line for line in lines if line.item.shop_price is not None and not line.item.dropped]
    if compared:
        saved = sum(service.saved_on(line.item, line.quantity, line.received) for line in compared)
        body.append(_("Saved against shop prices: {saved}", saved=format_money(saved, purchase.currency)))
    body.append(_("Share of delivery: {share}", share=format_money(bill.delivery_share, purchase.currency)))
    if bill.fund_share:
        body.append(_("For the community fund: {share}", share=format_money(bill.fund_share, purchase.currency)))
    body.append(_("**Total to pay: {total}**", total=format_money(bill.total, purchase.currency)))
    if bill.paid_amount and bill.paid_amount != bill.total:
        body.append(paid_state(purchase, bill))
    elif bill.paid_at is not None:
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
        beyond = still_needed(item.bulk_min, ordered[item.pk]) if item.choice == ShortChoice.BUY else Decimal(0)
        if beyond:
            lines.append(
                _(
                    "- {item}: {quantity} (the minimum: {beyond} beyond members' orders, the group's cost)",
                    item=item.name,
                    quantity=amount_of(item.bulk_min, item.unit),
                    beyond=amount_of(beyond, item.unit),
                )
            )
        else:
            lines.append(f"- {item.name}: {amount_of(ordered[item.pk], item.unit)}")
    if not kept:
        lines.append(_("Nothing to order: no item reached its minimum."))
    dropped = [item for item in items if item.dropped]
    if dropped:
        lines.append(dropped_notice(purchase, dropped))
    return lines


def balance_state(amount: int, currency: str) -> str:
    if amount < 0:
        return _("across purchases: owes {amount}", amount=format_money(-amount, currency))
    return _("across purchases: {amount} in credit", amount=format_money(amount, currency))


def balance_lines(who: str, balances: list[Balance], *, own: bool) -> list[str]:
    """A member's bills across purchases: per purchase what was billed and paid, then the balance."""
    if own:
        lines = [_("**Your balance in joint purchases**")]
    else:
        lines = [_("**Balance in joint purchases: {member}**", member=who)]
    if not balances:
        lines.append(_("No bills yet."))
    for balance in balances:
        currency = balance.currency
        for purchase, bill in balance.bills:
            lines.append(
                _(
                    "- #{id} {title}: billed {total} · paid {paid}",
                    id=purchase.pk,
                    title=purchase.title,
                    total=format_money(bill.total, currency),
                    paid=format_money(bill.paid_amount, currency),
                )
            )
        if balance.amount < 0:
            lines.append(_("**Still to pay: {amount}**", amount=format_money(-balance.amount, currency)))
        elif balance.amount > 0:
            lines.append(
                _(
                    "**Credit: {amount}**, taken off the next bill when a purchase closes.",
                    amount=format_money(balance.amount, currency),
                )
            )
        else:
            lines.append(_("All settled in {currency}.", currency=currency))
    return lines


def paid_state(purchase: Purchase, bill: Bill) -> str:
    """A paid bill whose total moved afterwards: the credit it left, or what is still to pay."""
    credit = credit_of(bill)
    if credit:
        return _(
            "Paid {paid}: {credit} of it is credit toward your next purchase.",
            paid=format_money(bill.paid_amount, purchase.currency),
            credit=format_money(credit, purchase.currency),
        )
    return _(
        "Paid {paid}; {rest} is still to pay.",
        paid=format_money(bill.paid_amount, purchase.currency),
        rest=format_money(bill.total - bill.paid_amount, purchase.currency),
    )


def ledger_lines(ledger: Ledger, names: dict[int, str] | None, balances: dict[int, int] | None = None) -> list[str]:
    """The open ledger; `names` only for the treasurer and coordinators (None hides them), with
    each member's balance across purchases (paid minus billed) where it is not zero."""
    purchase = ledger.purchase
    currency = purchase.currency
    lines = [_("**Ledger of purchase #{id}: {title}**", id=purchase.pk, title=purchase.title)]
    for row in ledger.items:
        status = _(" (dropped)") if row.item.dropped else ""
        if row.item.group_cost:
            status = " · " + _(
                "bought anyway: {beyond} more at the group's cost, {cost}",
                beyond=amount_of(
                    still_needed(row.item.bulk_min, row.quantity)
                    if row.item.arrived is None
                    else max(Decimal(0), row.item.arrived - row.quantity),
                    row.item.unit,
                ),
                cost=format_money(row.item.group_cost, currency),
            )
        if row.item.shop_price is not None and not row.item.dropped:
            status += " · " + _(
                "shop price {price}, saved {saved}",
                price=format_money(row.item.shop_price, currency),
                saved=format_money(row.saved, currency),
            )
        if row.item.arrived is not None:
            status += " · " + _("arrived: {arrived}", arrived=amount_of(row.item.arrived, row.item.unit))
        lines.append(
            f"- {row.item.name}: {amount_of(row.quantity, row.item.unit)} · {format_money(row.value, currency)}{status}"
        )
    if ledger.compared:
        lines.append(
            _(
                "Saved against shop prices: {saved} (on the items with a shop price, before the delivery fee)",
                saved=format_money(ledger.saved, currency),
            )
        )
    if purchase.status != PurchaseStatus.CLOSED:
        lines.append(
            _("Delivery fee: {fee}", fee=format_money(purchase.delivery_fee, currency)),
        )
        lines.append(_("Bills are written when orders close ({deadline}).", deadline=when(purchase.deadline)))
        return lines
    lines.append(_("Delivery fee charged: {fee}", fee=format_money(ledger.delivery, currency)))
    if ledger.group_cost:
        lines.append(
            _(
                "The group's cost (items bought anyway beyond members' orders): {amount}",
                amount=format_money(ledger.group_cost, currency),
            )
        )
    if ledger.fund:
        lines.append(
            _(
                "For the community fund (included in the bills): {amount}",
                amount=format_money(ledger.fund, currency),
            )
        )
    lines.append(_("Billed: {amount}", amount=format_money(ledger.billed, currency)))
    lines.append(_("Paid: {amount}", amount=format_money(ledger.paid, currency)))
    lines.append(_("Outstanding: {amount}", amount=format_money(ledger.outstanding, currency)))
    if ledger.credit:
        lines.append(
            _(
                "Credit for members' next purchases (paid beyond bills lowered by a short delivery): {amount}",
                amount=format_money(ledger.credit, currency),
            )
        )
    lines.append(_("Members who paid: {paid} of {total}", paid=ledger.payers, total=len(ledger.due_bills)))
    if names is not None:
        for bill in ledger.due_bills:
            state = _("paid") if bill.paid_at is not None else _("unpaid")
            if bill.paid_amount and bill.paid_amount != bill.total:
                state = paid_state(purchase, bill)
            if bill.delivery == DeliveryStatus.FAILED:
                state += " · " + _("the bill could not be sent by DM")
            across = (balances or {}).get(bill.user_id, 0)
            if across and across != bill.paid_amount - bill.total:  # other purchases count too
                state += " · " + balance_state(across, currency)
            name = names.get(bill.user_id, str(bill.user_id))
            lines.append(f"- {name}: {format_money(bill.total, currency)} · {state}")
    return lines


def catalogue_lines(supplier: Supplier, items: list[SupplierItem]) -> list[str]:
    """A supplier's catalogue as coordinators read it before opening a purchase from it."""
    lines = [_("**Catalogue of {supplier}** ({currency})", supplier=supplier.name, currency=supplier.currency)]
    if not items:
        lines.append(_("No items yet."))
    for item in items:
        details = [
            _("{price} per {unit}", price=format_money(item.unit_price, supplier.currency), unit=unit_label(item.unit))
        ]
        if item.bulk_min is not None:
            details.append(_("minimum {minimum}", minimum=amount_of(item.bulk_min, item.unit)))
        if item.shop_price is not None:
            details.append(_("shop price {price}", price=format_money(item.shop_price, supplier.currency)))
        lines.append(f"- {item.name}: " + " · ".join(details))
    return lines


def season_lines(rows: list[service.SeasonSavings], since) -> list[str]:
    """What buying together saved over a period, per currency."""
    if since is None:
        lines = [_("**What buying together saved so far**")]
    else:
        lines = [_("**What buying together saved since {date}**", date=date_named(since))]
    if not rows:
        lines.append(_("No closed purchase with shop prices to compare yet."))
    for row in rows:
        lines.append(
            _n(
                "- {saved} against shop prices, over {n} purchase",
                "- {saved} against shop prices, over {n} purchases",
                row.purchases,
                saved=format_money(row.saved, row.currency),
            )
        )
        if row.fund:
            lines.append(_("  of which the community fund got {fund}", fund=format_money(row.fund, row.currency)))
    return lines


# ---------------------------------------------------------------- short items: before and at the deadline


def card_link(purchase: Purchase) -> str:
    return f"https://discord.com/channels/{purchase.guild_id}/{purchase.channel_id}/{purchase.message_id}"


def short_line(purchase: Purchase, short: ShortItem) -> str:
    return f"- **{short.item.name}** · {progress(short.item, short.ordered)}"


def short_reminder(bot: discord.Client | None, purchase: Purchase, short: list[ShortItem]) -> str:
    """A day before the deadline: the items still short of their minimum, so members can top up."""
    lines = [
        _n(
            "**Purchase #{id} “{title}” closes {deadline}.** This item has not reached the supplier's minimum yet:",
            "**Purchase #{id} “{title}” closes {deadline}.** These items have not reached the supplier's minimum yet:",
            len(short),
            id=purchase.pk,
            title=purchase.title,
            deadline=when(purchase.deadline),
        )
    ]
    lines += [short_line(purchase, row) for row in short]
    lines.append(_("Top up with **Order** on the card: {link}", link=card_link(purchase)))
    return truncate("\n".join(lines), 2000)


CHOICES_PER_MESSAGE = 5  # a message holds five rows of buttons: one row per item


def _choice_made(choice: ShortChoice | None) -> str:
    return {
        ShortChoice.DROP: _("→ dropped"),
        ShortChoice.EXTEND: _("→ more time"),
        ShortChoice.BUY: _("→ bought anyway"),
    }.get(choice, "")


def choice_prompt(
    bot: discord.Client | None,
    purchase: Purchase,
    rows: list[ShortItem],
    *,
    first: bool,
    by: int | None = None,
) -> tuple[str, discord.ui.View]:
    """The coordinators' choice for short items (up to CHOICES_PER_MESSAGE), with a row of buttons each."""
    lines = []
    waiting = purchase.status == PurchaseStatus.DECIDING
    if first and not waiting:
        lines.append(
            _(
                "**Orders for purchase #{id} “{title}” are closed.** The choices for items short of "
                "the supplier's minimum:",
                id=purchase.pk,
                title=purchase.title,
            )
        )
    elif first:
        lines.append(
            _(
                "**Orders for purchase #{id} “{title}” are closed**, but some items did not reach the "
                "supplier's minimum. <@{coordinator}>, choose for each by {deadline}: drop it, give "
                "members more time (once), or buy the minimum anyway (the group pays for what nobody "
                "ordered). Items without a choice are dropped.",
                id=purchase.pk,
                title=purchase.title,
                coordinator=purchase.created_by,
                deadline=when(purchase.decide_by),
            )
        )
    view = discord.ui.View(timeout=None)
    for row in rows:
        item = row.item
        cost = format_money(row.cost_of_missing, purchase.currency)
        line = f"{short_line(purchase, row)} · " + _("buying anyway costs the group {cost}", cost=cost)
        if item.choice is not None or item.dropped:
            line += " " + _choice_made(item.choice or ShortChoice.DROP)
        lines.append(line)
        for button_class in (DropButton, ExtendButton, BuyButton):
            if button_class is ExtendButton and purchase.extended and item.choice != ShortChoice.EXTEND:
                continue
            button = button_class(item.pk, item.name)
            button.item.disabled = not waiting or item.choice is not None or item.dropped
            if item.choice == button_class.choice:
                button.item.style = discord.ButtonStyle.success
            view.add_item(button)
    if by is not None:
        lines.append(_("Last choice by <@{user}>.", user=by))
    return truncate("\n".join(lines), 2000), view


_CHOICE_ID = re.compile(r"^purchase:(?:drop|extend|buy):(\d+)$")


def items_on_prompt(message: discord.Message | None) -> list[int]:
    """The items a prompt message asks about, read from its buttons (kept, disabled, once chosen)."""
    found: list[int] = []
    for row in message.components if message is not None else []:
        for child in getattr(row, "children", []):
            match = _CHOICE_ID.match(getattr(child, "custom_id", None) or "")
            if match and int(match[1]) not in found:
                found.append(int(match[1]))
    return found


def choices_applied(
    bot: discord.Client | None,
    purchase: Purchase,
    items: list[PurchaseItem],
    ordered: dict[int, Decimal],
    timed_out: list[PurchaseItem],
) -> str:
    """What the coordinators' choices did, for the channel."""
    lines = []
    if timed_out:
        lines.append(
            _(
                "No choice was made in time for: {items}. They are dropped.",
                items=", ".join(item.name for item in timed_out),
            )
        )
    if purchase.status == PurchaseStatus.OPEN:
        lines.append(
            _(
                "**Orders for purchase #{id} “{title}” are open again until {deadline}.** Top up with "
                "**Order** on the card: {link}",
                id=purchase.pk,
                title=purchase.title,
                deadline=when(purchase.deadline),
                link=card_link(purchase),
            )
        )
    else:
        lines.append(
            _(
                "**Purchase #{id} “{title}” is closed**; bills are sent by direct message.",
                id=purchase.pk,
                title=purchase.title,
            )
        )
    for item in items:
        if item.choice == ShortChoice.BUY and item.group_cost:
            lines.append(
                _(
                    "- {item}: bought anyway; {beyond} beyond members' orders cost the group {cost}.",
                    item=item.name,
                    beyond=amount_of(still_needed(item.bulk_min, ordered.get(item.pk, Decimal(0))), item.unit),
                    cost=format_money(item.group_cost, purchase.currency),
                )
            )
        elif item.dropped and ordered.get(item.pk):
            lines.append(_("- {item}: dropped; its buyers pay nothing for it.", item=item.name))
        elif purchase.status == PurchaseStatus.OPEN and item.bulk_min is not None:
            missing = still_needed(item.bulk_min, ordered.get(item.pk, Decimal(0)))
            if missing:
                lines.append(short_line(purchase, ShortItem(item, ordered.get(item.pk, Decimal(0)))))
    return truncate("\n".join(lines), 2000)


def extension_notice(bot: discord.Client | None, purchase: Purchase, short: list[ShortItem]) -> str:
    """A buyer's DM: orders reopen once, for items still short of their minimum."""
    lines = [
        _(
            "**Purchase #{id} “{title}” gets more time: orders are open again until {deadline}.** "
            "These items still need more orders to reach the supplier's minimum:",
            id=purchase.pk,
            title=purchase.title,
            deadline=when(purchase.deadline),
        )
    ]
    lines += [short_line(purchase, row) for row in short]
    lines.append(
        _(
            "You can change your order, or ask others to join, with **Order** on the card: {link}",
            link=card_link(purchase),
        )
    )
    return truncate("\n".join(lines), 2000)


# ---------------------------------------------------------------- short deliveries


def rule_explained(rule: str) -> str:
    if rule == FIRST_COME:
        return _("The earliest orders are filled in full first, until what arrived runs out.")
    return _(
        "Everyone gets the same share of their order; what the shares leave over (a whole unit, or a "
        "thousandth of one) goes to the largest remainders, earlier orders first."
    )


def arrival_notice(purchase: Purchase, arrival: Arrival, change: BillChange, bill_lines: list[str]) -> list[str]:
    """A member's DM after a short delivery: what they get, why, and how their bill moved."""
    item, currency = arrival.item, purchase.currency
    lines = [
        _(
            "**Purchase #{id} “{title}”: less arrived than was bought.** {item}: {arrived} of {total}.",
            id=purchase.pk,
            title=purchase.title,
            item=item.name,
            arrived=PartOf(arrival.arrived, item.unit),
            total=amount_of(arrival.bought, item.unit),
        )
    ]
    if change.ordered is not None:
        lines.append(
            _(
                "You get {received} of the {amount} you ordered.",
                received=amount_of(change.received, item.unit),
                amount=amount_of(change.ordered, item.unit),
            )
        )
        lines.append(rule_explained(arrival.rule))
    else:
        lines.append(_("The delivery fee is shared again by the new values of the orders."))
    difference = change.after - change.before
    lines.append(
        _(
            "Your bill goes from {before} to {after} ({difference}).",
            before=format_money(change.before, currency),
            after=format_money(change.after, currency),
            difference=("+" if difference > 0 else "−") + format_money(abs(difference), currency),
        )
    )
    if change.credit:
        lines.append(
            _(
                "You already paid {paid}: {credit} is credit toward your next purchase.",
                paid=format_money(change.paid, currency),
                credit=format_money(change.credit, currency),
            )
        )
    elif change.still_due:
        lines.append(
            _(
                "You already paid {paid}; {rest} is still to pay.",
                paid=format_money(change.paid, currency),
                rest=format_money(change.still_due, currency),
            )
        )
    return [*lines, "", *bill_lines]


def arrival_summary(purchase: Purchase, arrival: Arrival, names: dict[int, str]) -> list[str]:
    """The coordinator's answer: what was recorded and whose bill moved how."""
    item, currency = arrival.item, purchase.currency
    lines = [
        _n(
            "Recorded for purchase #{id}: {item}, {arrived} of {total} arrived. "
            "{n} bill changed; the member was told by direct message.",
            "Recorded for purchase #{id}: {item}, {arrived} of {total} arrived. "
            "{n} bills changed; the members were told by direct message.",
            len(arrival.changes),
            id=purchase.pk,
            item=item.name,
            arrived=PartOf(arrival.arrived, item.unit),
            total=amount_of(arrival.bought, item.unit),
        ),
        rule_explained(arrival.rule),
    ]
    for change in arrival.changes:
        received = ""
        if change.ordered is not None:
            received = " · " + _(
                "gets {received} of the {amount} ordered",
                received=amount_of(change.received, item.unit),
                amount=amount_of(change.ordered, item.unit),
            )
        lines.append(
            f"- {names.get(change.user_id, str(change.user_id))}{received} · "
            f"{format_money(change.before, currency)} → {format_money(change.after, currency)}"
        )
    if arrival.item.group_cost:
        lines.append(
            _("The group's cost for this item is now {cost}.", cost=format_money(arrival.item.group_cost, currency))
        )
    return lines


# ---------------------------------------------------------------- payment reminders


def payment_reminder(bot: discord.Client | None, purchase: Purchase, bill: Bill, lines: list[CartLine]) -> list[str]:
    head = _(
        "**A reminder: {rest} is still to pay for purchase #{id} “{title}”.** Please pay the treasurer; "
        "they will mark your bill as paid. Your balance across purchases: {command}.",
        rest=format_money(bill.total - bill.paid_amount, purchase.currency),
        id=purchase.pk,
        title=purchase.title,
        command=mention(bot, "purchase balance"),
    )
    return [head, "", *bill_text(purchase, bill, lines).split("\n")]


# ---------------------------------------------------------------- pickup


def pickup_text(point: PickupPoint) -> str:
    return _("Pickup: {place}, {slot}", place=point.place, slot=point.slot)


HANDOUTS_PER_MESSAGE = 25  # a button each: five rows of five


def handout_line(handout: Handout, name: str) -> str:
    goods = ", ".join(
        f"{line.item.name} {amount_of(line.received if line.received is not None else line.quantity, line.item.unit)}"
        for line in handout.lines
    )
    done = ""
    if handout.choice is not None and handout.choice.handed_over_at is not None:
        done = " · " + _("handed over")
    return f"- {name}: {goods}{done}"


def handout_page(
    purchase: Purchase, point: PickupPoint, handouts: list[Handout], names: dict[int, str]
) -> tuple[str, discord.ui.View]:
    """Part of a pickup point's list for the volunteer on duty, with a button per member."""
    lines = [
        _(
            "**Pickup at {place}, {slot}: purchase #{id} “{title}”**",
            place=point.place,
            slot=point.slot,
            id=purchase.pk,
            title=purchase.title,
        )
    ]
    view = discord.ui.View(timeout=None)
    for handout in handouts:
        name = names.get(handout.user_id, str(handout.user_id))
        lines.append(handout_line(handout, f"<@{handout.user_id}>"))
        button = HandedOverButton(handout.choice.pk, name)
        button.item.disabled = handout.choice.handed_over_at is not None
        view.add_item(button)
    if not handouts:
        lines.append(_("Nobody chose this pickup point."))
    return truncate("\n".join(lines), 2000), view


def not_collected_lines(dist: Distribution) -> list[str]:
    waiting = dist.not_collected
    if not waiting:
        return [_("Everything was handed over.")]
    lines = [_n("Not collected yet: {n} member.", "Not collected yet: {n} members.", len(waiting))]
    for point, handout in waiting:
        where = f"{point.place}, {point.slot}" if point is not None else _("no pickup point chosen")
        lines.append(f"{handout_line(handout, f'<@{handout.user_id}>')} · {where}")
    return lines


# Every component of a purchase names it: a purchase of the server clicked in.
PURCHASE = InServer(Purchase, service.NOT_ON_THIS_SERVER)


_HANDED_ID = re.compile(r"^purchase:handed:(\d+)$")


def handouts_on_page(message: discord.Message | None) -> list[int]:
    """The pickups a list message holds, read from its buttons (kept, disabled, once handed over)."""
    found: list[int] = []
    for row in message.components if message is not None else []:
        for child in getattr(row, "children", []):
            match = _HANDED_ID.match(getattr(child, "custom_id", None) or "")
            if match:
                found.append(int(match[1]))
    return found


class HandedOverButton(IdButton, action="purchase:handed"):
    # Pressed in a direct message by whoever hands orders out; the row is another member's
    # pickup. The flow checks the clicker's roles on the purchase's server.
    owner = ByItsMembers(PickupChoice, service.PICKUP_GONE, path="purchase__guild_id")
    style = discord.ButtonStyle.success
    label_text = N_("Handed over: {member}")

    def __init__(self, ref_id: int, member_name: str = "") -> None:
        self.member_name = member_name
        super().__init__(ref_id)

    def label(self) -> str:
        return truncate(_(self.label_text, member=self.member_name), 80)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.purchases import flows

        await flows.hand_over(interaction, self.ref_id)


class PickupSelect(PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"purchase:pickup:(?P<id>\d+)"):
    owner = PURCHASE

    def __init__(self, purchase_id: int) -> None:
        super().__init__(discord.ui.Select(custom_id=f"purchase:pickup:{purchase_id}"))
        self.purchase_id = purchase_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]))

    async def run(self, interaction: discord.Interaction) -> None:
        await service.choose_pickup(
            guild_id=interaction.guild_id,
            purchase_id=self.purchase_id,
            point_id=chosen_id(self.item, service.NOT_A_POINT_OF, id=self.purchase_id),
            user_id=interaction.user.id,
        )
        purchase = await service.get_purchase(interaction.guild_id, self.purchase_id)
        await edit_cart(interaction, purchase, 0)


CSV_HEADER = (
    "kind",
    "member_id",
    "member",
    "item",
    "unit",
    "quantity",
    "unit_price",
    "amount",
    "currency",
    "paid",
    "received",
    "paid_amount",
)


def csv_text(
    purchase: Purchase,
    lines: list[OrderLine],
    bills: list[Bill],
    names: dict[int, str],
    items: list[PurchaseItem] = (),
) -> str:
    """One row per order line, then per member their delivery share and bill total (major units),
    then what the group paid for items bought anyway beyond the orders.

    `received` is what a member got of a line after a short delivery (empty: all of it);
    `paid_amount` what was paid on a bill (beyond its total: credit).

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
                "" if line.received is None else line.received,
                "",
            )
        )
    for bill in bills:
        name = names.get(bill.user_id, "")
        rows.append(("delivery", bill.user_id, name, "", "", "", "", amount(bill.delivery_share), currency, "", "", ""))
        if bill.fund_share:
            rows.append(("fund", bill.user_id, name, "", "", "", "", amount(bill.fund_share), currency, "", "", ""))
        paid = "yes" if bill.paid_at is not None else "no"
        rows.append(
            (
                "total",
                bill.user_id,
                name,
                "",
                "",
                "",
                "",
                amount(bill.total),
                currency,
                paid,
                "",
                amount(bill.paid_amount),
            )
        )
    for item in items:
        if item.group_cost:
            rows.append(
                (
                    "group_cost",
                    "",
                    "",
                    item.name,
                    item.unit,
                    "",
                    amount(item.unit_price),
                    amount(item.group_cost),
                    currency,
                    "",
                    "",
                    "",
                )
            )
    return csv_export.csv_text(CSV_HEADER, rows)


# ---------------------------------------------------------------- the order card


async def card_embed(bot: discord.Client, purchase: Purchase) -> discord.Embed:
    items = await service.items_of(purchase.pk)
    ordered = await service.ordered_quantities(purchase.pk)
    return discord.Embed(
        title=truncate(card_title(purchase), 256),
        description=truncate(card_description(bot, purchase, items, ordered), 4096),
        colour=discord.Colour.green() if purchase.status == PurchaseStatus.OPEN else discord.Colour.dark_grey(),
    )


def card_view(purchase: Purchase) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    button = OrderButton(purchase.pk)
    button.item.disabled = purchase.status != PurchaseStatus.OPEN
    view.add_item(button)
    return view


class OrderButton(IdButton, action="purchase:order"):
    owner = PURCHASE
    style = discord.ButtonStyle.primary
    label_text = N_("Order")

    async def run(self, interaction: discord.Interaction) -> None:
        purchase = await _open_purchase(interaction, self.ref_id)
        await send_cart(interaction, purchase, page=0)


async def _open_purchase(interaction: discord.Interaction, purchase_id: int) -> Purchase:
    return await service.open_for_orders(interaction.guild_id, purchase_id, now())


# ---------------------------------------------------------------- the cart

PAGE_SIZE = 25  # Discord's limit of options in one select


async def cart_message(purchase: Purchase, user_id: int, page: int) -> tuple[str, discord.ui.View]:
    # Items dropped while orders reopened for more time can no longer be chosen.
    items = [item for item in await service.items_of(purchase.pk) if not item.dropped]
    lines = await service.cart(purchase, user_id)
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    view = discord.ui.View(timeout=None)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if shown and purchase.status == PurchaseStatus.OPEN:
        pick = ItemPick(purchase.pk, page)
        pick.item.placeholder = _("Add or change an item…")
        for item in shown:
            pick.item.add_option(
                label=truncate(item.name, 100),
                value=str(item.pk),
                description=truncate(price(purchase, item), 100),
            )
        view.add_item(pick)
    if pages > 1:
        for target, label in ((page - 1, _("Previous items")), (page + 1, _("More items"))):
            if 0 <= target < pages:
                view.add_item(ItemsPage(purchase.pk, target, label))
    # The lines of the items on this page: at most 25 (a select's limit), and every line
    # of a long cart is reachable by paging, as its item is.
    on_page = {item.pk for item in shown}
    removable = [line for line in lines if line.item.pk in on_page]
    if removable and purchase.status == PurchaseStatus.OPEN:
        remove = LineRemove(purchase.pk, page)
        remove.item.placeholder = _("Remove a line…")
        for line in removable:
            remove.item.add_option(
                label=truncate(line.item.name, 100),
                value=str(line.item.pk),
                description=truncate(_line_summary(purchase, line), 100),
            )
        view.add_item(remove)
    text = cart_text(purchase, lines)
    points = await service.pickup_points(purchase.pk)
    if points and lines:
        choice = await service.pickup_of(purchase.pk, user_id)
        pick = PickupSelect(purchase.pk)
        pick.item.placeholder = _("Where you pick it up…")
        for point in points:
            pick.item.add_option(
                label=truncate(point.place, 100),
                value=str(point.pk),
                description=truncate(point.slot, 100),
                default=choice is not None and choice.point_id == point.pk,
            )
        view.add_item(pick)
        text += "\n" + (
            pickup_text(choice.point) if choice is not None else _("Choose below where you pick up your order.")
        )
    if pages > 1:
        text += "\n" + _(
            "Items {first}–{last} of {total}.",
            first=page * PAGE_SIZE + 1,
            last=page * PAGE_SIZE + len(shown),
            total=len(items),
        )
    return truncate(text, 2000), view


def _line_summary(purchase: Purchase, line: CartLine) -> str:
    return f"{amount_of(line.quantity, line.item.unit)} · {format_money(line.value, purchase.currency)}"


async def send_cart(interaction: discord.Interaction, purchase: Purchase, page: int) -> None:
    text, view = await cart_message(purchase, interaction.user.id, page)
    await reply(interaction, text, view=view)


async def edit_cart(interaction: discord.Interaction, purchase: Purchase, page: int) -> None:
    text, view = await cart_message(purchase, interaction.user.id, page)
    await interaction.response.edit_message(content=text, view=view)


class ItemPick(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Select], template=r"purchase:pick:(?P<id>\d+):(?P<page>\d+)"
):
    owner = PURCHASE

    def __init__(self, purchase_id: int, page: int) -> None:
        super().__init__(discord.ui.Select(custom_id=f"purchase:pick:{purchase_id}:{page}"))
        self.purchase_id = purchase_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]), int(match["page"]))

    async def run(self, interaction: discord.Interaction) -> None:
        purchase = await _open_purchase(interaction, self.purchase_id)
        item_id = chosen_id(self.item, service.NOT_AN_ITEM_OF, id=purchase.pk)
        item = next((item for item in await service.items_of(purchase.pk) if item.pk == item_id), None)
        if item is None:
            raise NotFound(service.NOT_AN_ITEM_OF, id=purchase.pk)
        current = next(
            (line.quantity for line in await service.cart(purchase, interaction.user.id) if line.item.pk == item_id),
            None,
        )
        await interaction.response.send_modal(QuantityModal(purchase, item, current, self.page))


def quantity_hint(item) -> str:
    """What to type, with the item's unit named as a unit ("In jar" does not read): a measure
    is ordered in parts as readily as whole ("1,5" kg), a counted thing whole ("2" jars)."""
    unit = unit_label(item.unit)
    if item.max_per_member is not None:
        return _("Unit: {unit}, at most {max}", unit=unit, max=format_quantity(item.max_per_member))
    if is_measure(item.unit):
        return _("Unit: {unit}, e.g. 2 or {part}", unit=unit, part=format_quantity(Decimal("1.5")))
    return _("Unit: {unit}, e.g. 2", unit=unit)


class QuantityModal(BaseModal):
    def __init__(self, purchase: Purchase, item, current, page: int) -> None:
        super().__init__(title=truncate(_("How much {item}?", item=item.name), 45))
        self.purchase_id = purchase.pk
        self.item_id = item.pk
        self.page = page
        hint = quantity_hint(item)
        self.quantity = discord.ui.TextInput(
            custom_id="quantity",
            label=truncate(_("Quantity"), 45),
            placeholder=truncate(hint, 100),
            default=plain_quantity(current) if current is not None else None,
            max_length=16,
        )
        self.add_item(self.quantity)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        from cogs.purchases import flows

        await service.set_quantity(
            guild_id=interaction.guild_id,
            purchase_id=self.purchase_id,
            item_id=self.item_id,
            user_id=interaction.user.id,
            quantity=self.quantity.value,
            now=now(),
        )
        purchase = await service.get_purchase(interaction.guild_id, self.purchase_id)
        await send_cart(interaction, purchase, self.page)
        flows.card_changed(interaction.client, self.purchase_id)


class LineRemove(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Select],
    # Carts posted before pages existed carry no page: they were page 0.
    template=r"purchase:remove:(?P<id>\d+)(?::(?P<page>\d+))?",
):
    owner = PURCHASE

    def __init__(self, purchase_id: int, page: int = 0) -> None:
        super().__init__(discord.ui.Select(custom_id=f"purchase:remove:{purchase_id}:{page}"))
        self.purchase_id = purchase_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]), int(match["page"] or 0))

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.purchases import flows

        await service.remove_line(
            guild_id=interaction.guild_id,
            purchase_id=self.purchase_id,
            item_id=chosen_id(self.item, service.NOT_AN_ITEM_OF, id=self.purchase_id),
            user_id=interaction.user.id,
            now=now(),
        )
        purchase = await service.get_purchase(interaction.guild_id, self.purchase_id)
        await edit_cart(interaction, purchase, self.page)
        flows.card_changed(interaction.client, self.purchase_id)


class ItemsPage(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button], template=r"purchase:items:(?P<id>\d+):(?P<page>\d+)"
):
    owner = PURCHASE

    def __init__(self, purchase_id: int, page: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary, label=label, custom_id=f"purchase:items:{purchase_id}:{page}"
            )
        )
        self.purchase_id = purchase_id
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["id"]), int(match["page"]))

    async def run(self, interaction: discord.Interaction) -> None:
        purchase = await _open_purchase(interaction, self.purchase_id)
        await edit_cart(interaction, purchase, self.page)


# ---------------------------------------------------------------- the coordinators' choice for a short item


class _ShortItemChoice(IdButton):
    """A coordinator's choice for one short item: `purchase:<choice>:<item id>`."""

    choice: ShortChoice
    owner = InServer(PurchaseItem, service.ITEM_GONE, path="purchase__guild_id")

    def __init__(self, ref_id: int, item_name: str = "") -> None:
        self.item_name = item_name
        super().__init__(ref_id)

    def label(self) -> str:
        return truncate(_(self.label_text, item=self.item_name), 80)

    async def check(self, interaction: discord.Interaction) -> None:
        from cogs.purchases import flows

        await flows.require_coordinator(interaction)

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.purchases import flows

        await flows.record_choice(interaction, self.ref_id, self.choice)


class DropButton(_ShortItemChoice, action="purchase:drop"):
    choice = ShortChoice.DROP
    style = discord.ButtonStyle.secondary
    label_text = N_("{item}: drop")


class ExtendButton(_ShortItemChoice, action="purchase:extend"):
    choice = ShortChoice.EXTEND
    style = discord.ButtonStyle.primary
    label_text = N_("{item}: more time")


class BuyButton(_ShortItemChoice, action="purchase:buy"):
    choice = ShortChoice.BUY
    style = discord.ButtonStyle.secondary
    label_text = N_("{item}: buy anyway")
