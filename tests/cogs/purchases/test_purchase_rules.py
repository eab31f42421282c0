"""Refusals, restarts, failing Discord calls and races around joint purchases."""

import asyncio
import logging

import discord
import pytest
from simcord.interactions import OptionError

from cogs.purchases import flows, service
from cogs.purchases.flows import close_and_notify
from gromada.bot import create_bot
from gromada.error_handler import describe
from gromada.errors import InvalidInput, NotFound
from models.core import Timer, TimerStatus
from models.purchases import Bill, DeliveryStatus, OrderLine, Purchase, PurchaseItem, PurchaseStatus
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown, speaking


async def published(coop, **options):
    purchase = await coop.open(**options)
    await coop.item(purchase, "Potatoes", "kg", "2,50", bulk_min="10", max_per_member="8")
    await coop.item(purchase, "Honey", "jar", "30")
    await coop.publish(purchase)
    items = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    return purchase, items


async def test_only_coordinators_open_and_only_treasurers_record_payments(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]

    opened = await member.slash(coop.general, "purchase open", title="Mine", deadline="1d")
    assert "Only order coordinators" in refusal(simcord_env, opened)
    assert not await Purchase.exists()

    purchase, (_potatoes, honey) = await published(coop, delivery_fee="5")
    await coop.order(member, purchase, honey.pk, "1")
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)

    paid = await member.slash(coop.general, "purchase paid", purchase=purchase.pk, member=member)
    assert "Only the treasurer" in refusal(simcord_env, paid)
    exported = await member.slash(coop.general, "purchase export", purchase=purchase.pk)
    assert "can export" in refusal(simcord_env, exported)
    assert (await Bill.get(user_id=member.id)).paid_at is None

    # A moderator (staff) may act as treasurer.
    paid = await coop.admin.slash(coop.general, "purchase paid", purchase=purchase.pk, member=member)
    assert "paid PLN\xa035.00" in shown(paid)
    again = await coop.admin.slash(coop.general, "purchase paid", purchase=purchase.pk, member=member)
    assert "already marked as paid" in refusal(simcord_env, again)


async def test_a_member_who_left_after_ordering_can_still_be_recorded_as_paid(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[1]
    purchase, (_potatoes, honey) = await published(coop)
    await coop.order(member, purchase, honey.pk, "1")
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    coop.guild.remove_member(member)
    await simcord_env.settle()

    paid = await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=member.user)

    assert "paid PLN\xa030.00" in shown(paid)
    assert (await Bill.get(user_id=member.id)).paid_by == coop.treasurer.id


async def test_bad_input_is_refused_and_nothing_half_saved(simcord_env):
    coop = await coop_server(simcord_env)
    wrong_currency = await coop.coordinator.slash(
        coop.general, "purchase open", title="Cheese", deadline="2d", currency="XYZ"
    )
    assert "not a currency code" in refusal(simcord_env, wrong_currency)
    wrong_fee = await coop.coordinator.slash(
        coop.general, "purchase open", title="Cheese", deadline="2d", delivery_fee="-3"
    )
    assert "cannot be negative" in refusal(simcord_env, wrong_fee)
    assert not await Purchase.exists()

    purchase = await coop.open(title="Cheese")
    empty = await coop.coordinator.slash(coop.general, "purchase publish", purchase=purchase.pk)
    assert "Add at least one item" in refusal(simcord_env, empty)
    for price, message in (("-4,50", "cannot be negative"), ("cheap", "is not a number"), ("4,505", "decimal places")):
        refused = await coop.item(purchase, "Gouda", "kg", price)
        assert message in refusal(simcord_env, refused)
    assert not await PurchaseItem.exists()
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DRAFT and purchase.message_id is None
    never = await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    assert "never published" in refusal(simcord_env, never)

    await coop.item(purchase, "Gouda", "kg", "42")
    same_name = await coop.item(purchase, "Gouda", "kg", "40")
    assert refusal(simcord_env, same_name) == f"Purchase #{purchase.pk} already has an item called “Gouda”."
    assert [(item.name, item.unit_price) for item in await PurchaseItem.filter(purchase_id=purchase.pk)] == [
        ("Gouda", 4200)
    ]
    await coop.publish(purchase)
    twice = await coop.coordinator.slash(coop.general, "purchase publish", purchase=purchase.pk)
    assert "already published" in refusal(simcord_env, twice)
    early = await coop.treasurer.slash(coop.general, "purchase paid", purchase=purchase.pk, member=coop.members[0])
    assert refusal(simcord_env, early) == f"Purchase #{purchase.pk} has no bills yet: it closes at its deadline."
    cards = [message for message in coop.general.history() if message.embeds]
    assert len(cards) == 1


async def test_a_purchase_number_beyond_the_database_column_is_refused_by_discord(simcord_env):
    # Purchase numbers are 32-bit keys: PostgreSQL fails on a larger one, which ended as an
    # incident. The option is bounded, so Discord refuses it before the bot sees it.
    coop = await coop_server(simcord_env)
    purchase = await coop.open(title="Cheese")
    await coop.item(purchase, "Gouda", "kg", "42")
    await coop.publish(purchase)

    for command, options in (
        ("purchase close", {}),
        ("purchase item", {"name": "Brie", "unit": "kg", "price": "9"}),
        ("purchase ledger", {}),
        ("purchase mine", {}),
    ):
        with pytest.raises(OptionError, match="must be ≤ 2147483647"):
            await coop.coordinator.slash(coop.general, command, purchase=2**31, **options)

    assert simcord_env.errors == []
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.OPEN
    assert [item.name for item in await PurchaseItem.filter(purchase_id=purchase.pk)] == ["Gouda"]
    # The largest number a purchase can have still reaches the bot, and is simply not found.
    largest = await coop.coordinator.slash(coop.general, "purchase ledger", purchase=2**31 - 1)
    assert "There is no purchase #2147483647" in refusal(simcord_env, largest)


async def test_typing_a_huge_or_odd_number_into_the_purchase_picker_offers_nothing(simcord_env, caplog):
    coop = await coop_server(simcord_env)
    purchase = await coop.open(title="Cheese")

    offered = {
        typed: await coop.coordinator.autocomplete(coop.general, "purchase ledger", "purchase", typed)
        for typed in (str(purchase.pk), "#" + str(purchase.pk), "9" * 25, "²", "٣")
    }

    assert [choice["value"] for choice in offered[str(purchase.pk)]] == [purchase.pk]
    assert [choice["value"] for choice in offered["#" + str(purchase.pk)]] == [purchase.pk]
    assert offered["9" * 25] == offered["²"] == offered["٣"] == []
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_bad_quantities_and_orders_after_the_deadline_are_refused(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (potatoes, honey) = await published(coop)

    for quantity, message in (("9", "at most 8 kg of Potatoes"), ("-1", "negative"), ("lots", "not a number")):
        result = await coop.order(member, purchase, potatoes.pk, quantity)
        assert message in refusal(simcord_env, result)
    assert not await OrderLine.exists()

    # The modal was opened in time but submitted after the deadline.
    cart = await member.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
    modal = await member.select(cart.response, [str(honey.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
    await simcord_env.advance_time(21 * 60)
    late = await member.submit_modal(modal, {"quantity": "1"})
    assert "Orders for purchase" in refusal(simcord_env, late)
    assert not await OrderLine.exists()
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED


async def test_member_changes_and_removes_lines_in_the_cart(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (potatoes, honey) = await published(coop)

    await coop.order(member, purchase, potatoes.pk, "3")
    cart = await coop.order(member, purchase, honey.pk, "1")
    assert "Total before delivery: **PLN\xa037.50**" in shown(cart)

    removed = await member.select(cart.response, [str(potatoes.pk)], custom_id=f"purchase:remove:{purchase.pk}:0")
    assert "Potatoes" not in removed.response.content and "PLN\xa030.00" in removed.response.content
    assert await OrderLine.filter(user_id=member.id).count() == 1
    mine = await member.slash(coop.general, "purchase mine", purchase=purchase.pk)
    assert "Honey: 1 jar" in shown(mine)


async def test_an_item_of_another_purchase_cannot_be_removed_from_the_cart(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (potatoes, _honey) = await published(coop)
    other, (other_potatoes, _other_honey) = await published(coop, title="Other")
    await coop.order(member, purchase, potatoes.pk, "3")
    await coop.order(member, other, other_potatoes.pk, "2")

    # A select's value is whatever the client sends: an item of the other purchase is refused.
    with pytest.raises(NotFound) as refused:
        await service.remove_line(
            guild_id=purchase.guild_id,
            purchase_id=purchase.pk,
            item_id=other_potatoes.pk,
            user_id=member.id,
            now=discord.utils.utcnow(),
        )
    assert describe(refused.value) == (f"That item is no longer part of purchase #{purchase.pk}.", True)
    assert await OrderLine.filter(user_id=member.id).count() == 2


async def test_closing_twice_sends_each_bill_once(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (potatoes, _honey) = await published(coop)
    await coop.order(member, purchase, potatoes.pk, "8")
    await coop.order(coop.members[1], purchase, potatoes.pk, "2")

    closed = await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    assert "2 bills written" in shown(closed)
    assert "Order list for the supplier" in shown(closed) and "- Potatoes: 10 kg" in shown(closed)
    again = await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    assert refusal(simcord_env, again) == f"Purchase #{purchase.pk} is already closed."
    late_item = await coop.item(purchase, "Honey", "jar", "30")
    assert refusal(simcord_env, late_item) == f"Purchase #{purchase.pk} is closed; items can no longer be added."
    assert await PurchaseItem.filter(purchase_id=purchase.pk).count() == 2
    # The deadline passes later: its timer was cancelled, and closing is idempotent anyway.
    await simcord_env.advance_time(30 * 60)

    assert len([text for text in dms(member) if "Bill for joint purchase" in text]) == 1
    assert await Bill.filter(purchase_id=purchase.pk).count() == 2


async def test_restart_before_the_deadline_keeps_the_card_and_the_deadline(simcord_env, settings):
    coop = await coop_server(simcord_env)
    member, other = coop.members[:2]
    purchase, (potatoes, honey) = await published(coop, deadline="30m")
    await coop.order(member, purchase, potatoes.pk, "6")
    # A cart opened before the restart...
    cart = await other.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")

    await simcord_env.restart_bot(create_bot(settings))

    # ...and the card's button both still work after it.
    modal = await other.select(cart.response, [str(potatoes.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
    await other.submit_modal(modal, {"quantity": "4"})
    await coop.order(member, purchase, honey.pk, "1")
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(31 * 60)
    await simcord_env.restart_bot(create_bot(settings))

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED
    assert {bill.user_id: bill.total for bill in await Bill.all()} == {member.id: 1500 + 3000, other.id: 1000}
    assert len([text for text in dms(member) if "Bill for joint purchase" in text]) == 1


async def test_failed_dm_keeps_the_bill_readable(simcord_env):
    coop = await coop_server(simcord_env)
    member, other = coop.members[:2]
    purchase, (potatoes, _honey) = await published(coop)
    await coop.order(member, purchase, potatoes.pk, "5")
    await coop.order(other, purchase, potatoes.pk, "5")
    # This member does not accept direct messages from server members.
    simcord_env.inject_error(
        "POST", f"/channels/{member.user.dm_channel.id}/messages", status=403, code=50007, times=None
    )

    closed = await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)

    assert "1 member could not get a direct message" in shown(closed)
    assert (await Bill.get(user_id=member.id)).delivery == DeliveryStatus.FAILED
    assert (await Bill.get(user_id=other.id)).delivery == DeliveryStatus.SENT
    mine = shown(await member.slash(coop.general, "purchase mine"))
    assert "Total to pay: PLN\xa012.50" in mine
    books = shown(await coop.treasurer.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert f"<@{member.id}>: PLN\xa012.50 · unpaid · the bill could not be sent by DM" in books


async def test_a_card_goes_only_where_the_coordinator_may_post(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50")
    welcome = coop.guild.channels["welcome"]  # members read it; only the bot writes there

    refused = await coop.coordinator.slash(coop.general, "purchase publish", purchase=purchase.pk, channel=welcome)

    assert "You cannot post in" in refusal(simcord_env, refused)
    assert not [m for m in welcome.history() if m.embeds]
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DRAFT


async def test_failed_card_post_leaves_a_draft_that_can_be_published_again(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50")
    simcord_env.inject_error("POST", f"/channels/{coop.general.id}/messages", status=500)

    failed = await coop.coordinator.slash(coop.general, "purchase publish", purchase=purchase.pk)
    assert "Nothing was published" in refusal(simcord_env, failed)
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DRAFT

    retried = await coop.publish(purchase)
    assert "is open for orders" in shown(retried)
    assert purchase.status == PurchaseStatus.OPEN and coop.card(purchase) is not None


async def test_members_ordering_the_same_item_at_once_are_all_counted_once_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of orders in quick succession, not a race.
    coop = await coop_server(simcord_env)
    purchase, (potatoes, _honey) = await published(coop)
    first = coop.members[0]

    def order(actor, quantity):
        return service.set_quantity(
            guild_id=purchase.guild_id,
            purchase_id=purchase.pk,
            item_id=potatoes.pk,
            user_id=actor.id,
            quantity=quantity,
            now=discord.utils.utcnow(),
        )

    # Everyone at once, each submitting eight times (impatient double clicks).
    await asyncio.gather(*(order(actor, "3") for _ in range(8) for actor in coop.members))

    lines = await OrderLine.filter(item_id=potatoes.pk)
    assert len(lines) == 3 and len({line.user_id for line in lines}) == 3
    assert sum(line.quantity for line in lines) == 9
    cart = await first.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
    assert "Potatoes: 3 kg" in shown(cart)


async def test_orders_racing_the_close_are_either_billed_or_refused_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of orders before or after a close, not a race.
    coop = await coop_server(simcord_env)
    purchase, (potatoes, honey) = await published(coop)
    now = discord.utils.utcnow()
    buyers = coop.members + [coop.guild.add_member(simcord_env.create_user(f"buyer{n}")) for n in range(5)]
    await simcord_env.settle()
    orders = [
        service.set_quantity(
            guild_id=purchase.guild_id,
            purchase_id=purchase.pk,
            item_id=item.pk,
            user_id=actor.id,
            quantity="1",
            now=now,
        )
        for actor in buyers
        for item in (potatoes, honey)
    ]

    outcomes = await asyncio.gather(
        *orders[:8], service.close_purchase(purchase.pk, now), *orders[8:], return_exceptions=True
    )

    refused = [outcome for outcome in outcomes if isinstance(outcome, InvalidInput)]
    assert all(not isinstance(outcome, Exception) or isinstance(outcome, InvalidInput) for outcome in outcomes)
    lines = await OrderLine.filter(purchase_id=purchase.pk)
    assert len(lines) + len(refused) == 16
    # Every order that landed was billed: none slipped in after the bills were written.
    assert all(line.amount is not None for line in lines)
    bills = await Bill.filter(purchase_id=purchase.pk)
    assert sum(bill.goods for bill in bills) == sum(line.amount for line in lines)


async def test_many_items_page_through_the_select(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase = await coop.open()
    for number in range(30):
        await coop.item(purchase, f"Spice {number:02}", "g", "1")
    await coop.publish(purchase)
    last = await PurchaseItem.get(purchase_id=purchase.pk, name="Spice 29")

    cart = await member.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
    select = next(row for row in cart.response.components)["components"][0]
    assert len(select["options"]) == 25
    page = await member.click(cart.response, custom_id=f"purchase:items:{purchase.pk}:1")
    assert "Items 26–30 of 30" in page.response.content
    ordered = await coop.choose(member, page, purchase, last.pk, "250", page=1)
    assert "Spice 29: 250 g" in shown(ordered)


async def test_every_line_of_a_long_cart_can_be_removed(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase = await coop.open()
    for number in range(30):
        await coop.item(purchase, f"Spice {number:02}", "g", "1")
    await coop.publish(purchase)
    items = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    for item in items:  # 30 lines: more than one select can offer
        await service.set_quantity(
            guild_id=coop.guild.id,
            purchase_id=purchase.pk,
            item_id=item.pk,
            user_id=member.id,
            quantity="5",
            now=discord.utils.utcnow(),
        )

    cart = await member.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
    selects = [row["components"][0] for row in cart.response.components if row["components"][0]["type"] == 3]
    assert [len(select["options"]) for select in selects] == [25, 25]
    page = await member.click(cart.response, custom_id=f"purchase:items:{purchase.pk}:1")
    removed = await member.select(page.response, [str(items[29].pk)], custom_id=f"purchase:remove:{purchase.pk}:1")

    assert await OrderLine.filter(user_id=member.id).count() == 29
    assert not await OrderLine.filter(user_id=member.id, item_id=items[29].pk).exists()
    assert "Items 26–30 of 30" in removed.response.content  # still on the page it was removed from


async def test_polish_member_orders_in_polish_and_gets_a_polish_bill(simcord_env, monkeypatch):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (_potatoes, honey) = await published(coop, delivery_fee="2,50")

    with speaking(monkeypatch, member, "pl"):
        cart = await coop.order(member, purchase, honey.pk, "2")
    assert "Twoje zamówienie" in shown(cart) and "60,00\xa0zł" in shown(cart)

    await simcord_env.advance_time(21 * 60)

    bill = "\n".join(dms(member))
    assert "Rachunek za wspólny zakup" in bill and "Do zapłaty: 62,50\xa0zł" in bill


async def test_a_role_bound_with_setup_replaces_the_catalogue_role(simcord_env):
    coop = await coop_server(simcord_env)
    guild = coop.guild
    buyers = guild.create_role("Buyers")
    buyer = guild.add_member(simcord_env.create_user("bea"), roles=[buyers])
    await simcord_env.settle()
    await coop.admin.slash(coop.general, "setup role", purpose="order_coordinator", role=buyers)

    opened = await buyer.slash(coop.general, "purchase open", title="Flour", deadline="1d")
    assert "Draft purchase" in shown(opened)
    # Holding a role merely named "Order coordinator" no longer counts once a role is bound.
    refused = await coop.coordinator.slash(coop.general, "purchase open", title="Oats", deadline="1d")
    assert "Only order coordinators" in refusal(simcord_env, refused)
    assert await Purchase.filter(title="Flour").exists() and not await Purchase.filter(title="Oats").exists()


async def test_ledger_of_an_open_purchase_shows_progress_and_the_fee_to_share(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (potatoes, _honey) = await published(coop, delivery_fee="7,50")
    await coop.order(member, purchase, potatoes.pk, "1,5")

    ledger = shown(await coop.members[1].slash(coop.general, "purchase ledger", purchase=purchase.pk))

    assert "- Potatoes: 1.5 kg · PLN\xa03.75" in ledger
    assert "Delivery fee: PLN\xa07.50" in ledger and "Bills are written when orders close" in ledger
    missing = await member.slash(coop.general, "purchase ledger", purchase=purchase.pk + 100)
    assert "There is no purchase" in refusal(simcord_env, missing)


async def test_a_draft_takes_no_orders_until_it_is_published(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open(title="Cheese")
    await coop.item(purchase, "Gouda", "kg", "42")
    [gouda] = await PurchaseItem.filter(purchase_id=purchase.pk)

    with pytest.raises(InvalidInput) as refused:
        await service.set_quantity(
            guild_id=coop.guild.id,
            purchase_id=purchase.pk,
            item_id=gouda.pk,
            user_id=coop.members[0].id,
            quantity="1",
            now=discord.utils.utcnow(),
        )

    assert str(refused.value) == f"Purchase #{purchase.pk} is not open for orders yet."
    assert not await OrderLine.exists()


async def test_a_delivery_fee_is_read_in_the_purchases_own_currency(simcord_env):
    coop = await coop_server(simcord_env)

    yen = await coop.open(title="Tea", currency="JPY", delivery_fee="500")
    dinar = await coop.open(title="Dates", currency="KWD", delivery_fee="1,250")
    fractions = await coop.coordinator.slash(
        coop.general, "purchase open", title="Rice", deadline="2d", currency="JPY", delivery_fee="1,5"
    )

    assert (yen.currency, yen.delivery_fee) == ("JPY", 500)
    assert (dinar.currency, dinar.delivery_fee) == ("KWD", 1250)
    assert refusal(simcord_env, fractions) == "JPY amounts have at most 0 decimal places."
    assert not await Purchase.exists(title="Rice")
    ledger = shown(await coop.coordinator.slash(coop.general, "purchase ledger", purchase=yen.pk))
    assert "Delivery fee: ¥500" in ledger


async def test_closing_a_purchase_leaves_the_other_open_purchases_taking_orders(simcord_env):
    coop = await coop_server(simcord_env)
    neighbours = await coop_server(simcord_env)
    ania = coop.members[0]
    opened = []
    for server, title in ((coop, "Vegetables"), (coop, "Fruit"), (neighbours, "Bread")):
        purchase = await server.open(title=title)
        await server.item(purchase, "Potatoes", "kg", "2,50")
        await server.publish(purchase)
        opened.append((purchase, await PurchaseItem.get(purchase_id=purchase.pk)))
    (closing, potatoes), (fruit, fruit_potatoes), (bread, _bread_potatoes) = opened
    await coop.order(ania, closing, potatoes.pk, "2")

    await coop.coordinator.slash(coop.general, "purchase close", purchase=closing.pk)

    for purchase in (fruit, bread):
        await purchase.refresh_from_db()
        assert (purchase.status, purchase.closed_at) == (PurchaseStatus.OPEN, None)
    cart = await coop.order(ania, fruit, fruit_potatoes.pk, "1")
    assert "Potatoes: 1 kg" in shown(cart), shown(cart)
    assert await OrderLine.filter(purchase_id=fruit.pk, user_id=ania.id).count() == 1
    assert [bill.user_id for bill in await Bill.filter(purchase_id=closing.pk)] == [ania.id]


async def test_a_title_and_item_name_that_grow_when_normalised_are_kept_within_their_length(simcord_env):
    # U+0958 is written as two code points once normalised: 80 typed become 160.
    coop = await coop_server(simcord_env)
    await coop.coordinator.slash(coop.general, "purchase open", title="\u0958" * 100, deadline="2d")
    purchase = await Purchase.get(guild_id=coop.guild.id)

    await coop.item(purchase, "\u0958" * 80, "bag", "5")

    assert len(purchase.title) == 100
    [item] = await PurchaseItem.filter(purchase_id=purchase.pk)
    assert len(item.name) == 80


async def test_deadline_and_a_manual_close_at_the_same_moment_bill_once(simcord_env):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (_potatoes, honey) = await published(coop)
    await coop.order(member, purchase, honey.pk, "1")

    closed = await asyncio.gather(
        close_and_notify(simcord_env.bot, purchase.pk), close_and_notify(simcord_env.bot, purchase.pk)
    )
    await simcord_env.settle()

    assert sorted(closed) == [False, True]
    assert await Bill.filter(purchase_id=purchase.pk).count() == 1
    assert len([text for text in dms(member) if "Bill for joint purchase" in text]) == 1
    assert len([text for text in dms(coop.coordinator) if "Order list for the supplier" in text]) == 1


async def test_two_publishes_at_once_leave_one_card(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50")
    [potatoes] = await PurchaseItem.filter(purchase_id=purchase.pk)
    bot = simcord_env.bot
    channel = bot.get_channel(coop.general.id)
    coordinator = channel.guild.get_member(coop.coordinator.id)

    async def press_publish():
        # SimCord runs one command at a time, so the race is run at the level /purchase publish uses.
        row = await service.check_publishable(purchase.guild_id, purchase.pk, discord.utils.utcnow())
        await flows.publish(bot, row, channel, coordinator)

    outcomes = await asyncio.gather(*(press_publish() for _ in range(3)), return_exceptions=True)
    await simcord_env.settle()

    # Every publish posted its card before recording it; the ones that lost took theirs back.
    refused = [outcome for outcome in outcomes if outcome is not None]
    assert len(refused) == 2 and outcomes.count(None) == 1, outcomes
    for error in refused:
        text, expected = describe(error)
        assert expected and text == f"Purchase #{purchase.pk} is already published.", (error, text)
    await purchase.refresh_from_db()
    cards = [message for message in coop.general.history() if message.embeds]
    assert [card.id for card in cards] == [purchase.message_id]
    assert purchase.status == PurchaseStatus.OPEN and purchase.channel_id == coop.general.id
    assert await Timer.filter(kind=service.DEADLINE_TIMER, ref_id=purchase.pk, status=TimerStatus.PENDING).count() == 1
    # The card that stayed is the one members order from.
    cart = await coop.order(coop.members[0], purchase, potatoes.pk, "2")
    assert "Potatoes: 2 kg" in shown(cart)


async def test_an_open_purchase_whose_deadline_was_never_written_gets_one_at_start(simcord_env, settings):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (_potatoes, honey) = await published(coop)
    await coop.order(member, purchase, honey.pk, "1")
    # As if the process had stopped right after publishing, before writing the deadline.
    await simcord_env.bot.timers.cancel(service.DEADLINE_TIMER, purchase.pk)

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(21 * 60)

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED
    assert len([text for text in dms(member) if "Bill for joint purchase" in text]) == 1


async def test_bills_written_before_a_crash_are_sent_at_start(simcord_env, settings):
    coop = await coop_server(simcord_env)
    member = coop.members[0]
    purchase, (_potatoes, honey) = await published(coop)
    await coop.order(member, purchase, honey.pk, "1")
    # The close committed its bills, then the process stopped before any DM went out.
    await simcord_env.bot.timers.cancel(service.DEADLINE_TIMER, purchase.pk)
    assert await service.close_purchase(purchase.pk, discord.utils.utcnow())
    assert dms(member) == []

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.settle()

    assert len([text for text in dms(member) if "Bill for joint purchase" in text]) == 1
    assert (await Bill.get(user_id=member.id)).delivery == DeliveryStatus.SENT
    # Written for the purchase's server, so with several processes the one holding it sends them.
    [finish] = await Timer.filter(kind=service.DEADLINE_TIMER, ref_id=purchase.pk, status=TimerStatus.DONE)
    assert finish.guild_id == coop.guild.id


async def test_an_item_name_is_kept_on_one_line_and_a_blank_one_is_refused(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()

    for name, unit in (("  ", "kg"), ("Beans", "\u200b ")):
        blank = await coop.item(purchase, name, unit, "3")
        assert refusal(simcord_env, blank) == "An item needs a name and a unit (kg, piece, litre…)."
    assert not await PurchaseItem.exists()
    added = await coop.item(purchase, "Green\n  beans", "big\tbag", "3")

    assert "Green beans" in shown(added), shown(added)
    item = await PurchaseItem.get(purchase_id=purchase.pk)
    assert (item.name, item.unit) == ("Green beans", "big bag")
