"""Less arrived than was bought: who gets what, bills again to the grosz, members told, credit."""

import asyncio
import csv
import io
from decimal import Decimal

import discord

from cogs.purchases import service
from cogs.purchases.rules import FIRST_COME, PROPORTIONAL
from gromada.errors import Conflict
from models.purchases import Bill, OrderLine, Payment, PurchaseItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown, speaking


async def closed_purchase(coop, delivery_fee="10"):
    """Potatoes 4 + 3 + 3 kg at 2.50 (Ania, Celina, Dmitrij in that order), Apples 2 kg at 4.00 (Olga's
    treasurer friend Tomasz), closed and billed."""
    ania, celina, dmitrij = coop.members
    purchase = await coop.open(delivery_fee=delivery_fee)
    await coop.item(purchase, "Potatoes", "kg", "2,50")
    await coop.item(purchase, "Apples", "kg", "4")
    await coop.publish(purchase)
    potatoes, apples = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, potatoes.pk, "3")
    await coop.order(dmitrij, purchase, potatoes.pk, "3")
    await coop.order(coop.treasurer, purchase, apples.pk, "2")
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    return purchase, potatoes, apples


async def totals(purchase) -> dict[int, int]:
    return {bill.user_id: bill.total for bill in await Bill.filter(purchase_id=purchase.pk)}


async def test_a_short_delivery_is_shared_in_proportion_and_every_bill_follows_exactly(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase, potatoes, _apples = await closed_purchase(coop)
    # Goods 10.00, 7.50, 7.50, 8.00 (of 33.00): the 10.00 fee is 3.03, 2.27, 2.27, 2.43.
    assert await totals(purchase) == {ania.id: 1303, celina.id: 977, dmitrij.id: 977, coop.treasurer.id: 1043}
    await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=ania)

    recorded = await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="potatoes", quantity="7,5"
    )

    assert "Potatoes, 7.5 of 10 kg arrived. 4 bills changed" in shown(recorded)
    assert f"<@{ania.id}> · gets 3 kg of the 4 kg ordered · PLN\xa013.03 → PLN\xa010.30" in shown(recorded)
    received = {line.user_id: line.received for line in await OrderLine.filter(item_id=potatoes.pk)}
    assert received == {ania.id: Decimal(3), celina.id: Decimal("2.25"), dmitrij.id: Decimal("2.25")}
    # Goods 7.50, 5.63 (5.625 half up), 5.63, 8.00 (of 26.76): the fee is 2.80 (2.8027), 2.10 (2.1039),
    # 2.10 (2.1039), 2.98 (2.9895) and the 0.02 left over to the largest remainders: Tomasz's, then
    # Celina's (an earlier member than Dmitrij on the tie).
    bills = {bill.user_id: bill for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert {user: (bill.goods, bill.delivery_share) for user, bill in bills.items()} == {
        ania.id: (750, 280),
        celina.id: (563, 211),
        dmitrij.id: (563, 210),
        coop.treasurer.id: (800, 299),
    }
    assert sum(bill.delivery_share for bill in bills.values()) == 1000
    assert (await PurchaseItem.get(id=potatoes.pk)).arrived == Decimal("7.5")

    ania_dm = "\n".join(dms(ania))
    assert "less arrived than was bought.** Potatoes: 7.5 of 10 kg." in ania_dm
    assert "You get 3 kg of the 4 kg you ordered." in ania_dm
    assert "Everyone gets the same share of their order" in ania_dm
    assert "Your bill goes from PLN\xa013.03 to PLN\xa010.30 (−PLN\xa02.73)." in ania_dm
    assert "You already paid PLN\xa013.03: PLN\xa02.73 is credit toward your next purchase." in ania_dm
    assert "Potatoes: 3 of 4 kg arrived × PLN\xa02.50 = PLN\xa07.50" in ania_dm
    # Tomasz ordered no potatoes, but the fee is shared again: he is told too.
    tomasz_dm = "\n".join(dms(coop.treasurer))
    assert "The delivery fee is shared again" in tomasz_dm
    assert "from PLN\xa010.43 to PLN\xa010.99 (+PLN\xa00.56)" in tomasz_dm

    books = shown(await coop.treasurer.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert "- Potatoes: 10 kg · PLN\xa018.76 · arrived: 7.5 kg" in books
    assert "Billed: PLN\xa036.76" in books and "Paid: PLN\xa013.03" in books and "Outstanding: PLN\xa026.46" in books
    assert "Credit for members' next purchases (paid beyond bills lowered by a short delivery): PLN\xa02.73" in books
    credit = "PLN\xa02.73 of it is credit toward your next purchase."
    assert f"<@{ania.id}>: PLN\xa010.30 · Paid PLN\xa013.03: {credit}" in books
    mine = shown(await ania.slash(coop.general, "purchase mine", purchase=purchase.pk))
    assert "Total to pay: PLN\xa010.30" in mine and "PLN\xa02.73 of it is credit" in mine


async def test_the_coordinator_reads_what_each_member_gets_of_counted_things_in_their_language(
    simcord_env, monkeypatch
):
    coop = await coop_server(simcord_env)
    ania, celina, _dmitrij = coop.members
    expected = {
        "en": ("gets 5 jars of the 10 jars ordered", "gets 1 jar of the 2 jars ordered"),
        "pl": ("dostaje: 5 słoików (zamówiono: 10 słoików)", "dostaje: 1 słoik (zamówiono: 2 słoiki)"),
        "ru": ("получает: 5 банок (заказано: 10 банок)", "получает: 1 банка (заказано: 2 банки)"),
    }

    for language, (ania_gets, celina_gets) in expected.items():
        purchase = await coop.open(title=f"Honey ({language})", delivery_fee="0")
        await coop.item(purchase, "Honey", "jar", "30")
        await coop.publish(purchase)
        [honey] = await PurchaseItem.filter(purchase_id=purchase.pk)
        await coop.order(ania, purchase, honey.pk, "10")
        await coop.order(celina, purchase, honey.pk, "2")
        await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
        # 6 of the 12 jars arrive: everyone gets half of their order.
        with speaking(monkeypatch, coop.coordinator, language):
            recorded = shown(
                await coop.coordinator.slash(
                    coop.general, "purchase delivered", purchase=purchase.pk, item="Honey", quantity="6"
                )
            )
        assert f"<@{ania.id}> · {ania_gets} · " in recorded, language
        assert f"<@{celina.id}> · {celina_gets} · " in recorded, language


async def test_what_arrived_is_named_with_its_unit_in_every_language(simcord_env, monkeypatch):
    coop = await coop_server(simcord_env)
    _ania, celina, _dmitrij = coop.members
    # English says the unit once, after the total; Polish and Russian say what arrived in a phrase
    # of its own, so it carries the unit too.
    expected = {
        "en": (
            "Honey, 6 of 12 jars arrived.",
            "less arrived than was bought.** Honey: 6 of 12 jars.",
            "Honey: 1 of 2 jars arrived × ",
        ),
        "pl": (
            "Honey, dotarło: 6 słoików, kupiono: 12 słoików.",
            "dotarło mniej, niż kupiono.** Honey: dotarło: 6 słoików, kupiono: 12 słoików.",
            "Honey: dotarło: 1 słoik (zamówiono: 2 słoiki) × ",
        ),
        "ru": (
            "Honey, пришло: 6 банок, куплено: 12 банок.",
            "пришло меньше, чем куплено.** Honey: пришло: 6 банок, куплено: 12 банок.",
            "Honey: пришло: 1 банка (заказано: 2 банки) × ",
        ),
    }

    for language, (summary, notice, line) in expected.items():
        purchase = await coop.open(title=f"Honey ({language})", delivery_fee="0")
        await coop.item(purchase, "Honey", "jar", "30")
        await coop.publish(purchase)
        [honey] = await PurchaseItem.filter(purchase_id=purchase.pk)
        await coop.order(coop.members[0], purchase, honey.pk, "10")
        with speaking(monkeypatch, celina, language):  # Celina is written to in the language she uses
            await coop.order(celina, purchase, honey.pk, "2")
        await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
        with speaking(monkeypatch, coop.coordinator, language):
            recorded = shown(
                await coop.coordinator.slash(
                    coop.general, "purchase delivered", purchase=purchase.pk, item="Honey", quantity="6"
                )
            )

        assert summary in recorded, (language, recorded)
        celina_dm = dms(celina)[-1]
        assert notice in celina_dm, (language, celina_dm)
        assert line in celina_dm, (language, celina_dm)


async def test_first_come_fills_the_earliest_orders_when_the_server_chooses_it(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    await coop.admin.slash(coop.general, "setup option", key="purchases_short_delivery", value="first-come")
    purchase, potatoes, _apples = await closed_purchase(coop, delivery_fee="0")

    recorded = await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="5"
    )

    assert "The earliest orders are filled in full first" in shown(recorded)
    received = {line.user_id: line.received for line in await OrderLine.filter(item_id=potatoes.pk)}
    assert received == {ania.id: None, celina.id: Decimal(1), dmitrij.id: Decimal(0)}  # None: all of it
    assert await totals(purchase) == {ania.id: 1000, celina.id: 250, dmitrij.id: 0, coop.treasurer.id: 800}
    assert "You get 0 kg of the 3 kg you ordered." in "\n".join(dms(dmitrij))
    assert "Nothing to pay: none of your order arrived." in shown(
        await dmitrij.slash(coop.general, "purchase mine", purchase=purchase.pk)
    )


async def test_recording_again_corrects_from_the_orders_not_from_the_last_record(simcord_env):
    coop = await coop_server(simcord_env)
    purchase, potatoes, _apples = await closed_purchase(coop)
    before = await totals(purchase)

    await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="5"
    )
    await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="10"
    )

    assert await totals(purchase) == before
    assert all(line.received is None for line in await OrderLine.filter(item_id=potatoes.pk))


async def test_an_item_bought_anyway_loses_the_groups_part_first(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await coop.open()
    await coop.item(purchase, "Honey", "jar", "30", bulk_min="10")
    await coop.publish(purchase)
    [honey] = await PurchaseItem.filter(purchase_id=purchase.pk)
    await coop.order(ania, purchase, honey.pk, "4")
    await coop.order(celina, purchase, honey.pk, "3")
    await simcord_env.advance_time(21 * 60)
    await coop.decide(honey.pk, "buy")
    assert (await PurchaseItem.get(id=honey.pk)).group_cost == 9000  # 3 jars

    await coop.coordinator.slash(coop.general, "purchase delivered", purchase=purchase.pk, item="Honey", quantity="8")
    assert (await PurchaseItem.get(id=honey.pk)).group_cost == 3000  # the group gets 1 jar of 3
    assert await totals(purchase) == {ania.id: 12000, celina.id: 9000}

    await coop.coordinator.slash(coop.general, "purchase delivered", purchase=purchase.pk, item="Honey", quantity="5")
    assert (await PurchaseItem.get(id=honey.pk)).group_cost == 0
    assert await totals(purchase) == {ania.id: 9000, celina.id: 6000}  # 5 of 4 + 3: 2.86 → 3, 2.14 → 2


async def test_bad_records_are_refused_and_change_nothing(simcord_env):
    coop = await coop_server(simcord_env)
    purchase, _potatoes, _apples = await closed_purchase(coop)
    before = await totals(purchase)
    open_one = await coop.open(title="Later")
    await coop.item(open_one, "Bread", "piece", "8")
    await coop.publish(open_one)

    for actor, options, message in (
        (coop.members[0], {"item": "Potatoes", "quantity": "5"}, "Only order coordinators"),
        (coop.coordinator, {"item": "Tomatoes", "quantity": "5"}, "has no item called “Tomatoes”"),
        (coop.coordinator, {"item": "Potatoes", "quantity": "10,5"}, "Only 10 kg of Potatoes were bought"),
        (coop.coordinator, {"item": "Potatoes", "quantity": "lots"}, "is not a number"),
        (coop.coordinator, {"item": "Potatoes", "quantity": "-2"}, "cannot be negative"),
    ):
        refused = await actor.slash(coop.general, "purchase delivered", purchase=purchase.pk, **options)
        assert message in refusal(simcord_env, refused), shown(refused)
    too_much = await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="potatoes", quantity="11"
    )
    assert refusal(simcord_env, too_much) == "Only 10 kg of Potatoes were bought: record at most that much."
    missing = await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item=" Tomatoes ", quantity="1"
    )
    assert refusal(simcord_env, missing) == f"Purchase #{purchase.pk} has no item called “Tomatoes”."
    not_closed = await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=open_one.pk, item="Bread", quantity="1"
    )
    assert "once purchase" in refusal(simcord_env, not_closed)

    assert await totals(purchase) == before
    assert not await OrderLine.filter(received__not_isnull=True).exists()
    assert not await PurchaseItem.filter(arrived__not_isnull=True).exists()


async def test_the_item_picker_offers_the_purchases_items(simcord_env):
    coop = await coop_server(simcord_env)
    purchase, _potatoes, _apples = await closed_purchase(coop)

    offered = await coop.coordinator.autocomplete(
        coop.general, "purchase delivered", "item", "pot", purchase=purchase.pk
    )

    assert [choice["value"] for choice in offered] == ["Potatoes"]


async def test_two_records_of_one_item_at_once_leave_bills_that_match_one_of_them_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of records in quick succession, not a race.
    coop = await coop_server(simcord_env)
    purchase, potatoes, _apples = await closed_purchase(coop)

    def record(quantity):
        return service.record_arrival(
            guild_id=coop.guild.id,
            purchase_id=purchase.pk,
            item_name="Potatoes",
            quantity=quantity,
            rule=PROPORTIONAL,
            now=discord.utils.utcnow(),
        )

    await asyncio.gather(*(record(quantity) for quantity in ("5", "7,5", "2", "9,5", "0", "6", "3,5", "8")))

    arrived = (await PurchaseItem.get(id=potatoes.pk)).arrived
    lines = await OrderLine.filter(item_id=potatoes.pk)
    # (received is None when a member got all of their line; 0 when nothing arrived)
    assert sum(line.quantity if line.received is None else line.received for line in lines) == arrived
    bills = await Bill.filter(purchase_id=purchase.pk)
    goods = {bill.user_id: bill.goods for bill in bills}
    for line in await OrderLine.filter(purchase_id=purchase.pk):
        goods[line.user_id] -= line.amount
    assert set(goods.values()) == {0}  # every bill is the sum of its lines, after the last record
    assert sum(bill.delivery_share for bill in bills) == 1000


async def test_a_payment_recorded_while_a_delivery_is_recorded_pays_the_total_it_saw_on_postgres(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, _potatoes, _apples = await closed_purchase(coop)
    now = discord.utils.utcnow()

    outcomes = await asyncio.gather(
        service.record_arrival(
            guild_id=coop.guild.id,
            purchase_id=purchase.pk,
            item_name="Potatoes",
            quantity="5",
            rule=FIRST_COME,
            now=now,
        ),
        service.set_paid(
            guild_id=coop.guild.id, purchase_id=purchase.pk, user_id=ania.id, paid=True, by=coop.treasurer.id, now=now
        ),
        return_exceptions=True,
    )

    bill = await Bill.get(purchase_id=purchase.pk, user_id=ania.id)
    # Paid before the record (the old total: Ania's first-come 4 kg raise her share of the fee, so
    # 1.85 is still to pay), after it (the new total, in full), or refused while the total moved
    # (the treasurer is asked to try again, and nothing was recorded).
    assert bill.total == 1488
    if isinstance(outcomes[1], Conflict):
        assert bill.paid_amount == 0 and not await Payment.exists()
    else:
        assert bill.paid_amount in (1303, 1488)
        assert [payment.amount for payment in await Payment.all()] == [bill.paid_amount]
    book = await service.ledger(coop.guild.id, purchase.pk)
    assert book.billed == book.paid - book.credit + book.outstanding


async def test_the_export_shows_what_arrived_what_was_paid_and_the_groups_cost(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await coop.open()
    await coop.item(purchase, "Honey", "jar", "30", bulk_min="10")
    await coop.publish(purchase)
    [honey] = await PurchaseItem.filter(purchase_id=purchase.pk)
    await coop.order(ania, purchase, honey.pk, "4")
    await coop.order(celina, purchase, honey.pk, "3")
    await simcord_env.advance_time(21 * 60)
    await coop.decide(honey.pk, "buy")
    await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=ania)  # 120.00
    await coop.coordinator.slash(coop.general, "purchase delivered", purchase=purchase.pk, item="Honey", quantity="5")

    export = await coop.coordinator.slash(coop.general, "purchase export", purchase=purchase.pk)

    rows = list(csv.DictReader(io.StringIO((await export.response.attachments[0].read()).decode())))
    lines = {row["member_id"]: row for row in rows if row["kind"] == "line"}
    assert lines[str(ania.id)]["received"] == "3.000" and lines[str(ania.id)]["amount"] == "90.00"
    totals = {row["member_id"]: row for row in rows if row["kind"] == "total"}
    assert totals[str(ania.id)]["amount"] == "90.00" and totals[str(ania.id)]["paid_amount"] == "120.00"
    assert totals[str(celina.id)]["paid_amount"] == "0.00"
    assert [row for row in rows if row["kind"] == "group_cost"] == []  # 5 of 7 ordered: the group gets none
    await coop.coordinator.slash(coop.general, "purchase delivered", purchase=purchase.pk, item="Honey", quantity="9")
    await simcord_env.advance_time(150)  # the export cooldown
    again = await coop.coordinator.slash(coop.general, "purchase export", purchase=purchase.pk)
    rows = list(csv.DictReader(io.StringIO((await again.response.attachments[0].read()).decode())))
    [group] = [row for row in rows if row["kind"] == "group_cost"]
    assert group["item"] == "Honey" and group["amount"] == "60.00"


async def test_the_item_picker_offers_at_most_twenty_five_items(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    for number in range(26):
        await coop.item(purchase, f"Tea {number:02}", "box", "10")

    offered = await coop.coordinator.autocomplete(
        coop.general, "purchase delivered", "item", "tea", purchase=purchase.pk
    )

    assert [choice["value"] for choice in offered] == [f"Tea {number:02}" for number in range(25)]
