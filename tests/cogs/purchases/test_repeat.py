"""/purchase repeat: a new purchase from an earlier one or from a supplier's catalogue, items
copied and orders not, with its own deadline."""

from datetime import timedelta
from decimal import Decimal

from cogs.purchases.money import format_money
from gromada.bot import create_bot
from models.purchases import Bill, OrderLine, Purchase, PurchaseItem, PurchaseStatus
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown


def offered(items) -> list[tuple]:
    return [
        (item.position, item.name, item.unit, item.unit_price, item.bulk_min, item.max_per_member, item.shop_price)
        for item in items
    ]


async def test_a_purchase_is_opened_again_with_its_items_and_none_of_its_orders(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    earlier = await coop.open(title="Autumn box", supplier="Farma Zielona", delivery_fee="12")
    await coop.item(earlier, "Potatoes", "kg", "2,50", bulk_min="10", shop_price="3,20")
    await coop.item(earlier, "Honey", "jar", "30", max_per_member="3")
    await coop.publish(earlier)
    potatoes, honey = await PurchaseItem.filter(purchase_id=earlier.pk).order_by("position")
    await coop.order(ania, earlier, potatoes.pk, "4")
    await coop.order(celina, earlier, honey.pk, "1")
    await simcord_env.advance_time(21 * 60)
    await coop.decide(potatoes.pk, "drop")  # what became of an item at the deadline is not copied
    assert (await Purchase.get(id=earlier.pk)).status == PurchaseStatus.CLOSED

    result = await coop.coordinator.slash(coop.general, "purchase repeat", purchase=earlier.pk, deadline="3d")

    again = await Purchase.filter(title="Autumn box").order_by("-id").first()
    assert again.pk != earlier.pk
    assert f"Draft purchase **#{again.pk}** “Autumn box” opened from #{earlier.pk} Autumn box with 2 items" in shown(
        result
    )
    assert (again.status, again.supplier, again.currency, again.delivery_fee) == (
        PurchaseStatus.DRAFT,
        "Farma Zielona",
        "PLN",
        1200,
    )
    assert again.deadline - again.created_at == timedelta(days=3)
    copied = await PurchaseItem.filter(purchase_id=again.pk).order_by("position")
    assert offered(copied) == offered([potatoes, honey])
    assert not any(item.dropped or item.choice or item.group_cost for item in copied)
    assert not await OrderLine.filter(purchase_id=again.pk).exists()

    # A restart between opening it and publishing loses nothing: members order and are billed.
    await simcord_env.restart_bot(create_bot(settings))
    await coop.publish(again)
    new_potatoes = copied[0]
    await coop.order(ania, again, new_potatoes.pk, "10")
    await simcord_env.advance_time(3 * 24 * 3600 + 60)
    bill = await Bill.get(purchase_id=again.pk, user_id=ania.id)
    assert bill.total == 2500 + 1200
    assert f"Total to pay: {format_money(3700, 'PLN', 'en')}" in dms(ania)[-1]


async def test_a_purchase_is_opened_from_a_suppliers_catalogue(simcord_env):
    coop = await coop_server(simcord_env)
    await coop.coordinator.slash(coop.general, "purchase supplier add", name="Mleczarnia", currency="EUR")
    await coop.coordinator.slash(
        coop.general,
        "purchase supplier import",
        supplier="Mleczarnia",
        file=("milk.csv", b"name;unit;price;bulk_min;shop_price\nMilk;l;1,10;40;1,60\nCheese;kg;9,50;;\n"),
    )

    result = await coop.coordinator.slash(
        coop.general, "purchase repeat", supplier="mleczarnia", deadline="2d", title="Dairy, December"
    )

    again = await Purchase.get(title="Dairy, December")
    assert "opened from Mleczarnia with 2 items" in shown(result)
    assert (again.supplier, again.currency, again.delivery_fee, again.status) == (
        "Mleczarnia",
        "EUR",
        0,
        PurchaseStatus.DRAFT,
    )
    items = await PurchaseItem.filter(purchase_id=again.pk).order_by("position")
    assert offered(items) == [(0, "Milk", "l", 110, Decimal(40), None, 160), (1, "Cheese", "kg", 950, None, None, None)]


async def test_a_repeated_purchase_takes_its_own_delivery_fee(simcord_env):
    coop = await coop_server(simcord_env)
    earlier = await coop.open(title="Autumn box", delivery_fee="12")
    await coop.item(earlier, "Potatoes", "kg", "2,50")
    await coop.coordinator.slash(coop.general, "purchase supplier add", name="Farma Zielona")
    await coop.coordinator.slash(
        coop.general, "purchase supplier item", supplier="Farma Zielona", name="Honey", unit="jar", price="30"
    )

    await coop.coordinator.slash(
        coop.general, "purchase repeat", supplier="Farma Zielona", deadline="2d", title="Honey", delivery_fee="15,00"
    )
    await coop.coordinator.slash(
        coop.general, "purchase repeat", purchase=earlier.pk, deadline="2d", title="Winter box", delivery_fee="8"
    )
    await coop.coordinator.slash(
        coop.general, "purchase repeat", purchase=earlier.pk, deadline="2d", title="Spring box"
    )

    fees = {purchase.title: purchase.delivery_fee for purchase in await Purchase.all()}
    assert fees == {"Autumn box": 1200, "Honey": 1500, "Winter box": 800, "Spring box": 1200}


async def test_repeat_refuses_what_it_cannot_open_and_opens_nothing(simcord_env):
    coop = await coop_server(simcord_env)
    earlier = await coop.open(title="Autumn box")
    await coop.item(earlier, "Potatoes", "kg", "2,50")
    await coop.coordinator.slash(coop.general, "purchase supplier add", name="Empty farm")
    before = await Purchase.all().count()

    cases = (
        ({"deadline": "3d"}, "Name either an earlier purchase or a supplier"),
        ({"deadline": "3d", "purchase": earlier.pk, "supplier": "Empty farm"}, "Name either an earlier purchase"),
        ({"deadline": "3d", "purchase": earlier.pk + 100}, f"There is no purchase #{earlier.pk + 100} on this server."),
        ({"deadline": "3d", "supplier": "Nobody"}, "There is no supplier called “Nobody” on this server."),
        ({"deadline": "3d", "supplier": "Empty farm"}, "The catalogue of Empty farm has no items yet."),
        ({"deadline": "yesterday", "purchase": earlier.pk}, "yesterday"),
        ({"deadline": "2020-01-01", "purchase": earlier.pk}, "The deadline must be in the future."),
        ({"deadline": "3d", "purchase": earlier.pk, "delivery_fee": "lots"}, "is not a number"),
    )
    for options, message in cases:
        said = refusal(simcord_env, await coop.coordinator.slash(coop.general, "purchase repeat", **options))
        assert message in said, (options, said)
    member = await coop.members[0].slash(coop.general, "purchase repeat", purchase=earlier.pk, deadline="3d")
    assert "Only order coordinators" in refusal(simcord_env, member)

    assert await Purchase.all().count() == before
    assert await PurchaseItem.all().count() == 1
