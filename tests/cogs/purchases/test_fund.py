"""The community fund's share of each bill (a server option): a percent of the savings or a fixed
amount per bill, shown apart on bills and in the ledger, and worked out again after a short delivery."""

from cogs.purchases.money import format_money
from models.purchases import Bill, PurchaseItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown


def pln(amount: int) -> str:
    return format_money(amount, "PLN", "en")


async def test_a_percent_of_the_savings_goes_to_the_fund_apart_on_bills_and_in_the_ledger(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="10%")
    purchase = await coop.open(delivery_fee="5")
    await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
    await coop.item(purchase, "Apples", "kg", "4")
    await coop.publish(purchase)
    potatoes, apples = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    await coop.order(ania, purchase, potatoes.pk, "4")  # 10.00, saved 2.80: 0.28 to the fund
    await coop.order(celina, purchase, potatoes.pk, "1,5")  # 3.75, saved 1.05: 0.105 rounds to 0.11
    await coop.order(dmitrij, purchase, apples.pk, "1")  # 4.00, nothing saved: nothing given

    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)

    bills = {bill.user_id: bill for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert {user: bill.fund_share for user, bill in bills.items()} == {ania.id: 28, celina.id: 11, dmitrij.id: 0}
    for bill in bills.values():
        assert bill.total == bill.goods + bill.delivery_share + bill.fund_share
    assert sum(bill.delivery_share for bill in bills.values()) == 500
    ania_bill = dms(ania)[0]
    assert f"For the community fund: {pln(28)}" in ania_bill
    assert f"Total to pay: {pln(bills[ania.id].total)}" in ania_bill
    assert "community fund" not in dms(dmitrij)[0]
    ledger = shown(await dmitrij.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert f"For the community fund (included in the bills): {pln(39)}" in ledger
    assert f"Billed: {pln(sum(bill.total for bill in bills.values()))}" in ledger

    # Less arrived: what Ania saved went down, and her share with it.
    await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="2,75"
    )
    after = {bill.user_id: bill for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert after[ania.id].fund_share == 14 and after[celina.id].fund_share == 5  # 2 kg and 0.75 kg saved on
    for bill in after.values():
        assert bill.total == bill.goods + bill.delivery_share + bill.fund_share
    assert f"For the community fund: {pln(14)}" in dms(ania)[-1]


async def test_a_fixed_amount_per_bill_and_a_setting_that_is_not_one(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    for value, message in (("lots", "is not a number"), ("150%", "between 1% and 100%"), ("-2", "cannot be negative")):
        said = refusal(
            simcord_env, await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value=value)
        )
        assert message in said, said
    await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="2,00")
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50", bulk_min="3")
    await coop.item(purchase, "Honey", "jar", "30", bulk_min="10")
    await coop.publish(purchase)
    potatoes, honey = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, honey.pk, "1")  # honey falls short and is dropped: Celina pays nothing
    await simcord_env.advance_time(21 * 60)
    await coop.decide(honey.pk, "drop")

    bills = {bill.user_id: bill for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert (bills[ania.id].fund_share, bills[ania.id].total) == (200, 1000 + 200)
    assert (bills[celina.id].fund_share, bills[celina.id].total) == (0, 0)


async def test_a_fund_share_of_zero_turns_it_off(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="2,50")

    turned_off = await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="0")

    assert shown(turned_off) == "purchases_fund_share is now off."
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
    await coop.publish(purchase)
    [potatoes] = await PurchaseItem.filter(purchase_id=purchase.pk)
    await coop.order(ania, purchase, potatoes.pk, "2")
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    bill = await Bill.get(purchase_id=purchase.pk, user_id=ania.id)
    assert (bill.fund_share, bill.total) == (0, 500)


async def test_a_percent_of_zero_written_with_more_digits_is_refused_and_the_share_kept(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value="10%")

    for value in ("00%", "000%"):  # only "0%" (or "0", "off") turns the share off
        said = await coop.admin.slash(coop.general, "setup option", key="purchases_fund_share", value=value)
        assert refusal(simcord_env, said) == "A percent of the savings is between 1% and 100%."

    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50", shop_price="3,20")
    await coop.publish(purchase)
    [potatoes] = await PurchaseItem.filter(purchase_id=purchase.pk)
    await coop.order(ania, purchase, potatoes.pk, "4")  # saved 2.80: still 10% to the fund
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    bill = await Bill.get(purchase_id=purchase.pk, user_id=ania.id)
    assert (bill.fund_share, bill.total) == (28, 1000 + 28)
