"""A joint purchase end to end: open, items, publish, orders, deadline, bills, payments, ledger."""

from decimal import Decimal

from models.core import Timer, TimerStatus
from models.purchases import Bill, DeliveryStatus, OrderLine, PurchaseItem, PurchaseStatus
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, shown


async def test_whole_purchase_from_opening_to_the_ledger(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase = await coop.open(title="Farm box", deadline="20m", supplier="Farma Zielona", delivery_fee="10,00")
    await coop.item(purchase, "Potatoes", "kg", "2,50", bulk_min="10")
    await coop.item(purchase, "Honey", "jar", "30.00", bulk_min="5")
    await coop.item(purchase, "Apples", "kg", "4,20")
    potatoes, honey, apples = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")

    published = await coop.publish(purchase)
    assert "is open for orders" in shown(published)
    assert purchase.status == PurchaseStatus.OPEN
    card = coop.card(purchase)
    assert "Potatoes" in card.embeds[0].description and "Farma Zielona" in card.embeds[0].description

    cart = await coop.order(ania, purchase, potatoes.pk, "6")
    assert "Potatoes: 6 kg" in shown(cart) and "15.00" in shown(cart)
    await coop.order(celina, purchase, potatoes.pk, "3,5")
    await coop.order(celina, purchase, honey.pk, "2")
    await coop.order(dmitrij, purchase, apples.pk, "1.5")
    # Ania changes her mind: 4 kg of potatoes instead of 6, and some apples.
    changed = await coop.order(ania, purchase, potatoes.pk, "4")
    assert "Potatoes: 4 kg" in shown(changed)
    await coop.order(ania, purchase, apples.pk, "2")
    assert await OrderLine.filter(purchase_id=purchase.pk).count() == 5

    # Potatoes: 4 + 3.5 = 7.5 kg, under the 10 kg minimum, until Dmitrij adds 2.5 kg. The card
    # is redrawn a few seconds after a burst of orders.
    await simcord_env.advance_time(6)
    assert "⏳ ordered 7.5 of the minimum 10 kg: 2.5 kg more to reach it" in coop.card(purchase).embeds[0].description
    await coop.order(dmitrij, purchase, potatoes.pk, "2,5")
    await simcord_env.advance_time(6)
    assert "✅ ordered 10 of the minimum 10 kg" in coop.card(purchase).embeds[0].description

    # Short deadlines keep simulated time small: other features tick on the same clock.
    await simcord_env.advance_time(21 * 60)
    # Honey is short (2 of 5 jars): the coordinator chooses to drop it, and the bills go out.
    assert not await Bill.exists()
    await coop.decide(honey.pk, "drop")

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED
    assert (await Timer.get(kind="purchases.deadline", ref_id=purchase.pk)).status == TimerStatus.DONE
    honey = await PurchaseItem.get(id=honey.pk)
    assert honey.dropped  # 2 jars ordered, 5 needed
    bills = {bill.user_id: bill for bill in await Bill.filter(purchase_id=purchase.pk)}
    # Goods: Ania 4*2.50 + 2*4.20 = 18.40; Celina 3.5*2.50 = 8.75 (honey dropped); Dmitrij 1.5*4.20 + 2.5*2.50 = 12.55.
    assert {user: bill.goods for user, bill in bills.items()} == {ania.id: 1840, celina.id: 875, dmitrij.id: 1255}
    assert sum(bill.delivery_share for bill in bills.values()) == 1000
    # 10.00 in proportion to 18.40 : 8.75 : 12.55 (of 39.70) -> 4.63 (4.634), 2.20 (2.204), 3.16 (3.161) + 1 left over
    assert {user: bill.delivery_share for user, bill in bills.items()} == {
        ania.id: 464,
        celina.id: 220,
        dmitrij.id: 316,
    }
    assert all(bill.delivery == DeliveryStatus.SENT for bill in bills.values())

    celina_bill = "\n".join(dms(celina))
    assert "Honey: 2 jars — dropped" in celina_bill
    assert "Total to pay: PLN\xa010.95" in celina_bill
    assert "Total to pay: PLN\xa023.04" in "\n".join(dms(ania))
    supplier_list = "\n".join(dms(coop.coordinator))
    assert "Potatoes: 10 kg" in supplier_list and "Apples: 3.5 kg" in supplier_list
    assert "Honey" in supplier_list and "Dropped" in supplier_list
    assert "Orders are closed" in coop.card(purchase).embeds[0].description

    paid = await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=ania)
    assert "paid PLN\xa023.04" in shown(paid)
    await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=celina)
    await coop.treasurer.slash(coop.general, "purchase unpaid", purchase=purchase.pk, member=celina)

    public = shown(await dmitrij.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert "Billed: PLN\xa049.70" in public and "Paid: PLN\xa023.04" in public and "Outstanding: PLN\xa026.66" in public
    assert "Members who paid: 1 of 3" in public
    assert f"<@{ania.id}>" not in public  # members see the books, not who owes what
    books = shown(await coop.treasurer.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert f"<@{ania.id}>: PLN\xa023.04 · paid" in books and f"<@{celina.id}>: PLN\xa010.95 · unpaid" in books

    mine = shown(await dmitrij.slash(coop.general, "purchase mine"))
    assert "Bill for joint purchase" in mine and "PLN\xa015.71" in mine

    export = await coop.coordinator.slash(coop.general, "purchase export", purchase=purchase.pk)
    csv_text = (await export.response.attachments[0].read()).decode()
    assert "total," + str(ania.id) in csv_text and ",23.04,PLN,yes" in csv_text
    assert await OrderLine.filter(purchase_id=purchase.pk, item_id=honey.pk, amount=0).count() == 1
    assert Decimal(str(bills[dmitrij.id].total)) == 1571


async def test_a_line_worth_an_exact_half_grosz_is_billed_rounded_up(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase = await coop.open(title="Spices", deadline="20m")
    await coop.item(purchase, "Saffron", "g", "0,45")
    [saffron] = await PurchaseItem.filter(purchase_id=purchase.pk)
    await coop.publish(purchase)

    # 0.5 g at 0.45 a gram is 22.5 groszy: half up makes 23, never 22.
    cart = await coop.order(member, purchase, saffron.pk, "0,5")
    assert "Saffron: 0.5 g" in shown(cart) and "PLN\xa00.23" in shown(cart)
    await simcord_env.advance_time(21 * 60)

    assert (await OrderLine.get(purchase_id=purchase.pk)).amount == 23
    assert (await Bill.get(purchase_id=purchase.pk, user_id=member.id)).total == 23
    assert "Total to pay: PLN\xa00.23" in "\n".join(dms(member))
