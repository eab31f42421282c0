"""Joint purchases: a purchase with its items, members' order lines, and the bills at close.

Money is stored in integer minor units of the purchase's currency (grosze, kopecks, cents);
quantities are decimals (kilograms, litres), never floats.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model

from models.privacy import PERSON, Keep, PersonalData


class PurchaseStatus(StrEnum):
    DRAFT = "draft"  # items being added, not visible to members
    OPEN = "open"  # published: members order until the deadline
    DECIDING = "deciding"  # the deadline passed with items short of their minimum: a coordinator chooses
    CLOSED = "closed"  # bills written; nothing changes but payments


class ShortChoice(StrEnum):
    """What a coordinator chose for an item that missed its bulk minimum at the deadline."""

    DROP = "drop"  # not ordered: its buyers pay nothing for it
    EXTEND = "extend"  # orders reopen once, until a later deadline
    BUY = "buy"  # ordered at the minimum anyway: the quantity nobody ordered is the group's cost


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # the DM was refused; the bill stays readable with /purchase mine


class Purchase(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    title = fields.CharField(max_length=100)
    supplier = fields.CharField(max_length=100, default="")
    currency = fields.CharField(max_length=3)
    delivery_fee = fields.BigIntField(default=0)
    deadline = fields.DatetimeField()
    status = fields.CharEnumField(PurchaseStatus, max_length=10, default=PurchaseStatus.DRAFT)
    created_by = fields.BigIntField()
    channel_id = fields.BigIntField(null=True)
    message_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()
    # Touched by every order change, so an order and the close serialise on this row.
    changed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    # Set once the coordinator has been sent the supplier order list.
    supplier_list_sent = fields.BooleanField(default=False)
    # When the channel is told which items are still short (a day before the deadline), cleared once told.
    reminder_at = fields.DatetimeField(null=True)
    # While deciding: when items still without a choice are dropped.
    decide_by = fields.DatetimeField(null=True)
    # The deadline was extended once already, so it is not offered again.
    extended = fields.BooleanField(default=False, db_default=False)

    items: fields.ReverseRelation[PurchaseItem]

    personal_data = PersonalData(
        user_fields=("created_by",),
        keep=(Keep("open_purchase_coordinated", {"status__in": ("draft", "open", "deciding")}),),
    )

    class Meta:
        table = "purchase"


class PurchaseItem(Model):
    id = fields.IntField(primary_key=True)
    purchase: fields.ForeignKeyRelation[Purchase] = fields.ForeignKeyField(
        "purchases.Purchase", related_name="items", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    name = fields.CharField(max_length=80)
    unit = fields.CharField(max_length=20)
    unit_price = fields.BigIntField()
    # The total quantity the supplier needs for this item, across all members.
    bulk_min = fields.DecimalField(max_digits=14, decimal_places=3, null=True)
    # The most one member may order of this item.
    max_per_member = fields.DecimalField(max_digits=14, decimal_places=3, null=True)
    # What a unit costs in a shop, when a coordinator recorded it: the savings are measured against it.
    shop_price = fields.BigIntField(null=True)
    dropped = fields.BooleanField(default=False)
    # The coordinator's choice when the item missed its minimum at the deadline.
    choice = fields.CharEnumField(ShortChoice, max_length=10, null=True)
    # Bought anyway: the value of the quantity beyond members' orders, paid by the group (written at close).
    group_cost = fields.BigIntField(default=0, db_default=0)
    # What the supplier actually delivered, when a coordinator recorded less than was bought.
    arrived = fields.DecimalField(max_digits=14, decimal_places=3, null=True)

    class Meta:
        table = "purchase_item"
        unique_together = (("purchase", "position"),)


class OrderLine(Model):
    """One member's quantity of one item: one row per (item, member), so nothing double counts."""

    id = fields.IntField(primary_key=True)
    purchase: fields.ForeignKeyRelation[Purchase] = fields.ForeignKeyField(
        "purchases.Purchase", related_name="lines", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyRelation[PurchaseItem] = fields.ForeignKeyField(
        "purchases.PurchaseItem", related_name="lines", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    quantity = fields.DecimalField(max_digits=14, decimal_places=3)
    # Written at close: the line's value in minor units (0 when its item was dropped).
    amount = fields.BigIntField(null=True)
    # After a short delivery: what this member gets of the line (null: all of it).
    received = fields.DecimalField(max_digits=14, decimal_places=3, null=True)
    updated_at = fields.DatetimeField()

    personal_data = PersonalData(
        user_fields=("user_id",),
        guild="purchase__guild_id",
        part_of=("purchase_id", "purchase"),
        keep=(
            Keep("open_purchase_orders", {"purchase__status__in": ("draft", "open", "deciding")}),
            # The lines behind an unpaid bill stay with it, so the bill still adds up.
            Keep(
                "unpaid_bill",
                {
                    "purchase__bills__user_id": PERSON,
                    "purchase__bills__paid_at__isnull": True,
                    "purchase__bills__total__gt": 0,
                },
            ),
        ),
        export_with={"purchase": ("title", "currency", "status"), "item": ("name", "unit", "unit_price")},
    )

    class Meta:
        table = "purchase_order_line"
        unique_together = (("item", "user_id"),)
        indexes = (("purchase_id", "user_id"),)


class Bill(Model):
    """What one member owes for one purchase, written once at close."""

    id = fields.IntField(primary_key=True)
    purchase: fields.ForeignKeyRelation[Purchase] = fields.ForeignKeyField(
        "purchases.Purchase", related_name="bills", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    goods = fields.BigIntField()
    delivery_share = fields.BigIntField()
    # The community fund's part (a server's option), included in the total and shown apart.
    fund_share = fields.BigIntField(default=0, db_default=0)
    total = fields.BigIntField()
    paid_at = fields.DatetimeField(null=True)
    paid_by = fields.BigIntField(null=True)
    # What was paid: the total when marked paid. Beyond a total lowered later, it is credit.
    paid_amount = fields.BigIntField(default=0, db_default=0)
    # When the member was last reminded by DM that something is still to pay.
    reminded_at = fields.DatetimeField(null=True)
    delivery = fields.CharEnumField(DeliveryStatus, max_length=10, default=DeliveryStatus.PENDING)

    # Paid bills keep their amounts under a pseudonym, so the ledger's totals never change.
    personal_data = PersonalData(
        user_fields=("user_id", "paid_by"),
        guild="purchase__guild_id",
        part_of=("purchase_id", "purchase"),
        keep=(
            Keep("unpaid_bill", {"paid_at__isnull": True, "total__gt": 0}, fields=("user_id",)),
            # Credit is owed to the person: it stays theirs until it is used or paid back.
            Keep("purchase_credit", {"paid_amount__gt": F("total")}, fields=("user_id",)),
        ),
        export_with={"purchase": ("title", "currency", "status")},
    )

    class Meta:
        table = "purchase_bill"
        unique_together = (("purchase", "user_id"),)


class PaymentKind(StrEnum):
    PAYMENT = "payment"  # money the treasurer received
    UNDO = "undo"  # payments recorded by mistake, taken back
    REFUND = "refund"  # credit paid back to the member
    CREDIT = "credit"  # credit moved from one of a member's bills to their next (a pair of rows)


class Payment(Model):
    """One movement of money on a bill: the bill's paid amount is the sum of its payments."""

    id = fields.IntField(primary_key=True)
    bill: fields.ForeignKeyRelation[Bill] = fields.ForeignKeyField(
        "purchases.Bill", related_name="payments", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    # In minor units: positive when it adds to what was paid, negative when it takes away.
    amount = fields.BigIntField()
    kind = fields.CharEnumField(PaymentKind, max_length=10)
    recorded_by = fields.BigIntField(null=True)
    recorded_at = fields.DatetimeField()

    # Amounts stay under a pseudonym, so every bill still adds up.
    personal_data = PersonalData(
        user_fields=("user_id", "recorded_by"),
        guild="bill__purchase__guild_id",
        # Part of its bill, itself part of the purchase: the person counts the purchase once.
        part_of=("bill_id", "purchase_bill"),
        export_with={"bill": ("purchase_id", "total")},
    )

    class Meta:
        table = "purchase_payment"
        indexes = (("user_id",),)


class PickupPoint(Model):
    """Where and when members collect their part of a purchase."""

    id = fields.IntField(primary_key=True)
    purchase: fields.ForeignKeyRelation[Purchase] = fields.ForeignKeyField(
        "purchases.Purchase", related_name="pickup_points", on_delete=fields.CASCADE
    )
    place = fields.CharField(max_length=100)
    slot = fields.CharField(max_length=100)  # the time slot, as the coordinator wrote it

    class Meta:
        table = "purchase_pickup_point"
        unique_together = (("purchase", "place", "slot"),)


class PickupChoice(Model):
    """The pickup point a member chose for a purchase, and whether their part was handed over."""

    id = fields.IntField(primary_key=True)
    purchase: fields.ForeignKeyRelation[Purchase] = fields.ForeignKeyField(
        "purchases.Purchase", related_name="pickups", on_delete=fields.CASCADE
    )
    point: fields.ForeignKeyRelation[PickupPoint] = fields.ForeignKeyField(
        "purchases.PickupPoint", related_name="choices", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    handed_over_at = fields.DatetimeField(null=True)
    handed_over_by = fields.BigIntField(null=True)

    personal_data = PersonalData(
        user_fields=("user_id", "handed_over_by"),
        delete_for=("user_id",),
        guild="purchase__guild_id",
        export_with={"purchase": ("title",), "point": ("place", "slot")},
    )

    class Meta:
        table = "purchase_pickup_choice"
        unique_together = (("purchase", "user_id"),)


class Supplier(Model):
    """A supplier the group buys from again, with its catalogue: a purchase can be opened from it."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    name = fields.CharField(max_length=100)
    currency = fields.CharField(max_length=3)
    created_by = fields.BigIntField()
    created_at = fields.DatetimeField()

    items: fields.ReverseRelation[SupplierItem]

    personal_data = PersonalData(user_fields=("created_by",))

    class Meta:
        table = "purchase_supplier"
        unique_together = (("guild_id", "name"),)


class SupplierItem(Model):
    """One item of a supplier's catalogue: what a purchase opened from the supplier starts with."""

    id = fields.IntField(primary_key=True)
    supplier: fields.ForeignKeyRelation[Supplier] = fields.ForeignKeyField(
        "purchases.Supplier", related_name="items", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    name = fields.CharField(max_length=80)
    unit = fields.CharField(max_length=20)
    unit_price = fields.BigIntField()
    bulk_min = fields.DecimalField(max_digits=14, decimal_places=3, null=True)
    shop_price = fields.BigIntField(null=True)

    class Meta:
        table = "purchase_supplier_item"
        unique_together = (("supplier", "name"),)
