"""Savings against shop prices, where a coordinator recorded them: on the ledger and the bill."""

from contextlib import contextmanager

from tortoise import connections

from cogs.purchases import service
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


async def test_the_season_shows_what_every_closed_purchase_saved_since_a_date(simcord_env):
    from datetime import timedelta

    import discord

    from cogs.purchases.money import format_money
    from models.purchases import Purchase

    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="10%")
    saved = []
    for title, quantity in (("Spring box", "4"), ("Summer box", "2")):
        purchase = await coop.open(title=title)
        await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
        await coop.publish(purchase)
        [potatoes] = await PurchaseItem.filter(purchase_id=purchase.pk)
        await coop.order(ania, purchase, potatoes.pk, quantity)
        await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
        saved.append(int(quantity) * 70)
        await simcord_env.advance_time(3 * 24 * 3600)
    open_one = await coop.open(title="Autumn box")  # not closed: not counted
    await coop.item(open_one, "Potatoes", "kg", "2,50", shop_price="3,20")

    everything = shown(await celina.slash(coop.general, "purchase savings"))
    assert "What buying together saved so far" in everything
    assert f"- {format_money(sum(saved), 'PLN', 'en')} against shop prices, over 2 purchases" in everything
    assert f"of which the community fund got {format_money(28 + 14, 'PLN', 'en')}" in everything

    summer = await Purchase.get(title="Summer box")
    since = (summer.closed_at - timedelta(days=1)).date().isoformat()
    recent = shown(await celina.slash(coop.general, "purchase savings", since=since))
    assert f"- {format_money(saved[1], 'PLN', 'en')} against shop prices, over 1 purchase" in recent
    assert (
        discord.utils.format_dt(
            summer.closed_at.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1), "D"
        )
        in recent
    )

    for bad in ("yesterday", "2026-02-30", "2026-03-01 10:00"):
        assert "date" in refusal(simcord_env, await celina.slash(coop.general, "purchase savings", since=bad))


@contextmanager
def counting_queries(counted: list[str]):
    """Every SQL statement the database is sent meanwhile, as its text."""
    connection = connections.get("default")
    originals = {name: getattr(connection, name) for name in ("execute_query", "execute_query_dict")}

    def counting(original):
        async def run(query, values=None):
            counted.append(query)
            return await original(query, values)

        return run

    for name, original in originals.items():
        setattr(connection, name, counting(original))
    try:
        yield counted
    finally:
        for name, original in originals.items():
            setattr(connection, name, original)


async def test_the_season_adds_up_every_ledger_in_the_same_few_queries_however_many_purchases(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="10%")

    async def closed(title, currency="PLN", short_delivery=None):
        purchase = await coop.open(title=title, currency=currency)
        await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
        await coop.item(purchase, "Honey", "jar", "30", bulk_min="10", shop_price="38")
        await coop.item(purchase, "Apples", "kg", "4")
        await coop.publish(purchase)
        potatoes, honey, apples = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
        await coop.order(ania, purchase, potatoes.pk, "4,5")
        await coop.order(celina, purchase, potatoes.pk, "1,25")
        await coop.order(celina, purchase, honey.pk, "2")  # short of its minimum: dropped, nothing saved
        await coop.order(ania, purchase, apples.pk, "1")  # no shop price: nothing claimed
        await simcord_env.advance_time(21 * 60)
        await coop.decide(honey.pk, "drop")
        if short_delivery:
            await coop.coordinator.slash(
                coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity=short_delivery
            )
        return purchase

    async def season():
        counted = []
        with counting_queries(counted):
            rows = await service.season_savings(coop.guild.id)
        return rows, len(counted)

    purchases = [await closed("Spring box", short_delivery="4")]
    one, queries_for_one = await season()
    purchases += [await closed("Summer box"), await closed("Dairy", currency="EUR", short_delivery="5,5")]
    rows, queries_for_three = await season()

    assert 0 < queries_for_one == queries_for_three <= 5
    books = [await service.ledger(coop.guild.id, purchase.pk) for purchase in purchases]
    assert rows == [
        service.SeasonSavings(
            currency,
            sum(1 for book in books if book.purchase.currency == currency and book.compared),
            sum(book.saved for book in books if book.purchase.currency == currency),
            sum(book.fund for book in books if book.purchase.currency == currency),
        )
        for currency in ("EUR", "PLN")
    ]
    assert one == [service.SeasonSavings("PLN", 1, books[0].saved, books[0].fund)]
    assert books[0].saved != books[1].saved and books[0].fund > 0  # the short delivery counted less


async def test_an_item_with_a_shop_price_that_nobody_ordered_saved_nothing_on_the_ledger(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
    await coop.item(purchase, "Honey", "jar", "30", shop_price="38")
    await coop.publish(purchase)
    potatoes = await PurchaseItem.get(purchase_id=purchase.pk, name="Potatoes")
    await coop.order(coop.members[0], purchase, potatoes.pk, "1")

    ledger = shown(await coop.members[1].slash(coop.general, "purchase ledger", purchase=purchase.pk))

    assert "- Honey: 0 jars · PLN\xa00.00 · shop price PLN\xa038.00, saved PLN\xa00.00" in ledger
    assert "Saved against shop prices: PLN\xa00.70" in ledger
