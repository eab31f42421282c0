"""Savings against shop prices, where a coordinator recorded them: on the ledger and the bill."""

from models.purchases import PurchaseItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown


async def test_the_ledger_and_the_bill_show_what_buying_together_saved(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await coop.open(delivery_fee="5")
    await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
    await coop.item(purchase, "Honey", "jar", "30", bulk_min="10", shop_price="38")
    await coop.item(purchase, "Apples", "kg", "4")
    await coop.publish(purchase)
    potatoes, honey, apples = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    assert potatoes.shop_price == 320 and apples.shop_price is None
    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, potatoes.pk, "1,5")
    await coop.order(celina, purchase, honey.pk, "2")
    await coop.order(celina, purchase, apples.pk, "1")

    before = shown(await ania.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    # Potatoes 5.5 kg: 17.60 in a shop, 13.75 together; honey 2 jars: 76.00 against 60.00.
    assert "- Potatoes: 5.5 kg · PLN\xa013.75 · shop price PLN\xa03.20, saved PLN\xa03.85" in before
    assert "Saved against shop prices: PLN\xa019.85" in before

    await simcord_env.advance_time(21 * 60)
    await coop.decide(honey.pk, "drop")  # honey short: dropped, so nothing saved on it
    await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="5"
    )

    after = shown(await ania.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    # Ania gets 3.636 kg, Celina 1.364 kg: 11.64 - 9.09 and 4.36 - 3.41 saved.
    assert "Saved against shop prices: PLN\xa03.50" in after
    assert "Honey: 2 jars · PLN\xa00.00 (dropped)" in after
    assert "Saved against shop prices: PLN\xa02.55" in dms(ania)[-1]


async def test_a_shop_price_that_is_not_an_amount_is_refused(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    for price, message in (("-3", "cannot be negative"), ("0", "more than zero"), ("cheap", "not a number")):
        refused = await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price=price)
        assert message in refusal(simcord_env, refused)
    assert not await PurchaseItem.exists()
