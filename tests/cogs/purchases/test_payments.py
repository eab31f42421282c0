"""Money after the close: partial payments, undoing them, credit carried to the next purchase,
refunds, and each member's balance across purchases."""

import asyncio

import discord

from cogs.purchases import service
from gromada.errors import Conflict, InvalidInput
from models.purchases import Bill, Payment, PaymentKind, PurchaseItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown


async def billed(coop, orders, title="Vegetables", fee="0"):
    """A closed purchase of Potatoes at 2.50 a kg: `orders` maps an actor to a quantity."""
    purchase = await coop.open(title=title, delivery_fee=fee)
    await coop.item(purchase, "Potatoes", "kg", "2,50")
    await coop.publish(purchase)
    [potatoes] = await PurchaseItem.filter(purchase_id=purchase.pk)
    for actor, quantity in orders.items():
        await coop.order(actor, purchase, potatoes.pk, quantity)
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    return purchase


async def pay(coop, purchase, member, amount=None):
    options = {"amount": amount} if amount else {}
    return await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=member, **options)


async def test_a_bill_is_paid_in_parts_and_the_rest_is_shown_until_it_is_paid(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase = await billed(coop, {ania: "5"})  # 12.50

    first = await pay(coop, purchase, ania, "5")
    paid = f"<@{ania.id}> paid PLN\xa05.00 for purchase #{purchase.pk}. Paid PLN\xa05.00; PLN\xa07.50 is still to pay."
    assert paid in shown(first)
    bill = await Bill.get(user_id=ania.id)
    assert bill.paid_amount == 500 and bill.paid_at is None
    too_much = await pay(coop, purchase, ania, "8")
    assert "Only PLN\xa07.50 is still to pay on that bill." in refusal(simcord_env, too_much)
    for amount, message in (("0", "more than zero"), ("-2", "cannot be negative"), ("1,234", "decimal places")):
        assert message in refusal(simcord_env, await pay(coop, purchase, ania, amount))
    member_try = await ania.slash(coop.general, "purchase paid", purchase=purchase.pk, member=ania, amount="7,50")
    assert "Only the treasurer" in refusal(simcord_env, member_try)
    mine = shown(await ania.slash(coop.general, "purchase mine", purchase=purchase.pk))
    assert "Paid PLN\xa05.00; PLN\xa07.50 is still to pay." in mine
    books = shown(await coop.treasurer.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert "Paid: PLN\xa05.00" in books and "Outstanding: PLN\xa07.50" in books and "Members who paid: 0 of 1" in books

    rest = await pay(coop, purchase, ania)

    assert f"paid PLN\xa07.50 for purchase #{purchase.pk}." in shown(rest) and "still to pay" not in shown(rest)
    bill = await Bill.get(user_id=ania.id)
    assert bill.paid_amount == 1250 and bill.paid_at is not None and bill.paid_by == coop.treasurer.id
    assert [(p.amount, p.kind) for p in await Payment.filter(bill_id=bill.pk).order_by("id")] == [
        (500, PaymentKind.PAYMENT),
        (750, PaymentKind.PAYMENT),
    ]
    again = await pay(coop, purchase, ania)
    assert "already marked as paid" in refusal(simcord_env, again)

    undone = await coop.treasurer.slash(coop.general, "purchase unpaid", purchase=purchase.pk, member=ania)
    assert "is unpaid again" in shown(undone)
    bill = await Bill.get(user_id=ania.id)
    assert bill.paid_amount == 0 and bill.paid_at is None
    assert (await Payment.filter(bill_id=bill.pk).order_by("-id").first()).amount == -1250


async def test_credit_from_a_short_delivery_pays_the_next_purchase_and_the_rest_can_be_refunded(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    first = await billed(coop, {ania: "4", celina: "4"}, title="Autumn")
    await pay(coop, first, ania)  # 10.00
    await coop.coordinator.slash(coop.general, "purchase delivered", purchase=first.pk, item="Potatoes", quantity="4")
    assert service.credit_of(await Bill.get(purchase_id=first.pk, user_id=ania.id)) == 500  # 2 of 4 kg: 5.00

    balance = shown(await ania.slash(coop.general, "purchase balance"))
    assert f"- #{first.pk} Autumn: billed PLN\xa05.00 · paid PLN\xa010.00" in balance
    assert "**Credit: PLN\xa05.00**, taken off the next bill when a purchase closes." in balance

    second = await billed(coop, {ania: "1", celina: "2"}, title="Winter")  # Ania 2.50: all paid by her credit

    winter = await Bill.get(purchase_id=second.pk, user_id=ania.id)
    assert winter.paid_amount == 250 and winter.paid_at is not None
    autumn = await Bill.get(purchase_id=first.pk, user_id=ania.id)
    assert autumn.paid_amount == 750 and service.credit_of(autumn) == 250
    kinds = [(p.amount, p.kind) for p in await Payment.filter(user_id=ania.id, kind=PaymentKind.CREDIT).order_by("id")]
    assert kinds == [(-250, PaymentKind.CREDIT), (250, PaymentKind.CREDIT)]
    assert "Paid. Thank you!" in [text for text in dms(ania) if "Winter" in text][-1]
    assert await Bill.get(purchase_id=second.pk, user_id=celina.id).values_list("paid_amount", flat=True) == 0
    books = shown(await coop.treasurer.slash(coop.general, "purchase ledger", purchase=second.pk))
    assert f"<@{ania.id}>: PLN\xa02.50 · paid · across purchases: PLN\xa02.50 in credit" in books

    too_much = await coop.treasurer.slash(coop.general, "purchase refund", purchase=first.pk, member=ania, amount="3")
    assert "The credit on that bill is only PLN\xa02.50." in refusal(simcord_env, too_much)
    refunded = await coop.treasurer.slash(coop.general, "purchase refund", purchase=first.pk, member=ania)
    assert f"Paid back to <@{ania.id}>: PLN\xa02.50 of the credit on purchase #{first.pk}." in shown(refunded)
    assert "All settled in PLN." in shown(await ania.slash(coop.general, "purchase balance"))
    nothing = await coop.treasurer.slash(coop.general, "purchase refund", purchase=first.pk, member=ania)
    assert refusal(simcord_env, nothing) == f"That member has no credit on purchase #{first.pk} to pay back."


async def test_credit_on_two_earlier_purchases_pays_only_what_the_new_bill_still_owes(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    sources = [await billed(coop, {ania: "2", celina: "2"}, title=title) for title in ("Autumn", "Spring")]
    for earlier in sources:  # 5.00 each, paid, then half arrives: 2.50 of credit on each
        await pay(coop, earlier, ania)
        await coop.coordinator.slash(
            coop.general, "purchase delivered", purchase=earlier.pk, item="Potatoes", quantity="2"
        )
        assert service.credit_of(await Bill.get(purchase_id=earlier.pk, user_id=ania.id)) == 250

    winter = await billed(coop, {ania: "1,2", celina: "1"}, title="Winter")  # Ania 3.00

    bill = await Bill.get(purchase_id=winter.pk, user_id=ania.id)
    assert bill.total == 300 and bill.paid_amount == 300 and bill.paid_at is not None
    autumn, spring = [await Bill.get(purchase_id=source.pk, user_id=ania.id) for source in sources]
    assert service.credit_of(autumn) == 0 and service.credit_of(spring) == 200
    mine = shown(await ania.slash(coop.general, "purchase balance"))
    assert "**Credit: PLN\xa02.00**" in mine, mine


async def test_credit_on_one_server_pays_no_bill_on_another(simcord_env):
    coop = await coop_server(simcord_env)
    neighbours = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    there = neighbours.guild.add_member(ania.user)  # the same person, a member of both cooperatives
    await simcord_env.settle()
    autumn = await billed(coop, {ania: "4", celina: "4"}, title="Autumn")
    await pay(coop, autumn, ania)  # 10.00, then half arrives: 5.00 of credit here
    await coop.coordinator.slash(coop.general, "purchase delivered", purchase=autumn.pk, item="Potatoes", quantity="4")

    bread = await billed(neighbours, {there: "2"}, title="Bread")  # 5.00 there, in the same currency

    assert bread.currency == autumn.currency
    bill = await Bill.get(purchase_id=bread.pk, user_id=ania.id)
    assert (bill.total, bill.paid_amount, bill.paid_at) == (500, 0, None)
    assert service.credit_of(await Bill.get(purchase_id=autumn.pk, user_id=ania.id)) == 500
    assert not await Payment.filter(kind=PaymentKind.CREDIT).exists()
    bread_bill = [text for text in dms(ania) if "Bread" in text][-1]
    assert "Total to pay: PLN\xa05.00" in bread_bill and "Paid. Thank you!" not in bread_bill
    assert "**Credit: PLN\xa05.00**" in shown(await ania.slash(coop.general, "purchase balance"))


async def test_balances_are_private_to_the_member_and_the_treasurer(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    first = await billed(coop, {ania: "2"}, title="Autumn")
    await billed(coop, {ania: "1", celina: "1"}, title="Winter")
    await pay(coop, first, ania)

    own = shown(await ania.slash(coop.general, "purchase balance"))
    assert "**Your balance in joint purchases**" in own and "**Still to pay: PLN\xa02.50**" in own
    nosy = await celina.slash(coop.general, "purchase balance", member=ania)
    assert "can see others' balances" in refusal(simcord_env, nosy)
    seen = shown(await coop.treasurer.slash(coop.general, "purchase balance", member=ania))
    assert f"**Balance in joint purchases: <@{ania.id}>**" in seen and "Still to pay: PLN\xa02.50" in seen
    assert "No bills yet." in shown(await coop.coordinator.slash(coop.general, "purchase balance"))


async def test_payments_at_once_never_pay_more_than_the_bill_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of payments in quick succession, not a race.
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase = await billed(coop, {ania: "5"})  # 12.50

    outcomes = await asyncio.gather(
        *(
            service.set_paid(
                guild_id=coop.guild.id,
                purchase_id=purchase.pk,
                user_id=ania.id,
                paid=True,
                by=coop.treasurer.id,
                now=discord.utils.utcnow(),
                amount="5",
            )
            for _ in range(4)
        ),
        return_exceptions=True,
    )

    assert all(isinstance(outcome, service.Moved | Conflict | InvalidInput) for outcome in outcomes), outcomes
    recorded = [outcome for outcome in outcomes if isinstance(outcome, service.Moved)]
    bill = await Bill.get(user_id=ania.id)
    assert 1 <= len(recorded) <= 2
    assert bill.paid_amount == 500 * len(recorded) == sum(await Payment.all().values_list("amount", flat=True))


async def test_credit_stays_with_a_member_who_asks_to_be_forgotten_until_it_is_paid_back(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await billed(coop, {ania: "4", celina: "4"})
    await pay(coop, purchase, ania)
    await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="4"
    )

    preview = await ania.slash(coop.general, "privacy forget")
    assert "You have credit from a joint purchase" in shown(preview)
    await ania.click(preview.response, label="Forget me")
    assert (await Bill.get(purchase_id=purchase.pk, user_id=ania.id)).paid_amount == 1000

    await coop.treasurer.slash(coop.general, "purchase refund", purchase=purchase.pk, member=ania)
    again = await ania.slash(coop.general, "privacy forget")
    assert "You have credit" not in shown(again)
    await ania.click(again.response, label="Forget me")
    assert not await Bill.exists(user_id=ania.id)


async def test_a_member_whose_goods_never_arrived_is_paid_back_and_one_who_had_not_paid_owes_nothing(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await billed(coop, {ania: "4", celina: "2"})  # 10.00 and 5.00
    await pay(coop, purchase, ania)

    await coop.coordinator.slash(
        coop.general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="0"
    )

    assert [(bill.user_id, bill.total, bill.paid_amount) for bill in await service.bills_of(purchase.pk)] == sorted(
        [(ania.id, 0, 1000), (celina.id, 0, 0)]
    )
    nothing = f"That member has nothing to pay for purchase #{purchase.pk}."
    for command in ("purchase paid", "purchase unpaid", "purchase refund"):
        refused = await coop.treasurer.slash(coop.general, command, purchase=purchase.pk, member=celina)
        assert refusal(simcord_env, refused) == nothing
    zero = await coop.treasurer.slash(coop.general, "purchase refund", purchase=purchase.pk, member=ania, amount="0")
    assert refusal(simcord_env, zero) == "The amount must be more than zero."
    assert not await Payment.filter(kind=PaymentKind.REFUND).exists()

    refunded = await coop.treasurer.slash(
        coop.general, "purchase refund", purchase=purchase.pk, member=ania, amount="10,00"
    )

    assert f"Paid back to <@{ania.id}>: PLN\xa010.00 of the credit on purchase #{purchase.pk}." in shown(refunded)
    bill = await Bill.get(purchase_id=purchase.pk, user_id=ania.id)
    assert (bill.total, bill.paid_amount) == (0, 0)
    assert [(p.amount, p.kind) for p in await Payment.filter(bill_id=bill.pk).order_by("id")] == [
        (1000, PaymentKind.PAYMENT),
        (-1000, PaymentKind.REFUND),
    ]
    balance = shown(await ania.slash(coop.general, "purchase balance"))
    assert "Credit" not in balance and "Still to pay" not in balance
    assert await Bill.get(purchase_id=purchase.pk, user_id=celina.id).values_list("paid_amount", flat=True) == 0


async def test_taking_payments_back_reports_what_was_taken_and_leaves_other_bills_alone(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase = await billed(coop, {ania: "5", celina: "2"})  # 12.50 and 5.00
    await pay(coop, purchase, ania, "5")
    await pay(coop, purchase, ania, "2,50")
    await pay(coop, purchase, celina)

    moved = await service.set_paid(
        guild_id=coop.guild.id,
        purchase_id=purchase.pk,
        user_id=ania.id,
        paid=False,
        by=coop.treasurer.id,
        now=discord.utils.utcnow(),
    )

    assert moved.amount == -750
    assert (moved.bill.user_id, moved.bill.paid_amount, moved.bill.paid_at) == (ania.id, 0, None)
    last = await Payment.filter(bill_id=moved.bill.pk).order_by("-id").first()
    assert (last.amount, last.kind, last.recorded_by) == (-750, PaymentKind.UNDO, coop.treasurer.id)
    assert (await Bill.get(purchase_id=purchase.pk, user_id=celina.id)).paid_amount == 500


async def test_amounts_typed_to_the_grosz_pay_and_take_back_exactly_that(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase = await billed(coop, {ania: "5"})  # 12.50

    await pay(coop, purchase, ania, "12,49")
    last_grosz = await pay(coop, purchase, ania, "0,01")

    assert f"<@{ania.id}> paid PLN\xa00.01 for purchase #{purchase.pk}." == shown(last_grosz)
    bill = await Bill.get(user_id=ania.id)
    assert (bill.paid_amount, bill.paid_by) == (1250, coop.treasurer.id) and bill.paid_at is not None
    await coop.treasurer.slash(coop.general, "purchase unpaid", purchase=purchase.pk, member=ania)
    twice = await coop.treasurer.slash(coop.general, "purchase unpaid", purchase=purchase.pk, member=ania)
    assert refusal(simcord_env, twice) == "That bill is already marked as unpaid."
    await pay(coop, purchase, ania, "0,01")
    undone = await coop.treasurer.slash(coop.general, "purchase unpaid", purchase=purchase.pk, member=ania)

    assert "is unpaid again" in shown(undone)
    assert (await Bill.get(user_id=ania.id)).paid_amount == 0
    assert [p.amount for p in await Payment.filter(bill_id=bill.pk).order_by("id")] == [1249, 1, -1250, 1, -1]
