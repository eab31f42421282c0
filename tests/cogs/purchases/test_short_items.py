"""Items short of their bulk minimum: progress on the card, the day-before reminder, and the
coordinator's choice at the deadline (drop, more time once, buy anyway), with its own deadline."""

import asyncio
from datetime import timedelta

import discord
import pytest

from cogs.purchases import flows, service
from gromada.bot import create_bot
from gromada.errors import Conflict, InvalidInput, NotFound
from models.core import Timer, TimerStatus
from models.purchases import Bill, OrderLine, PurchaseItem, PurchaseStatus, ShortChoice
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import deadline_failures, dms, refusal, shown


async def short_purchase(coop, deadline="20m", **options):
    """Potatoes (10 kg minimum, 2.50), Honey (5 jar minimum, 30.00), Apples (no minimum)."""
    purchase = await coop.open(deadline=deadline, **options)
    await coop.item(purchase, "Potatoes", "kg", "2,50", bulk_min="10")
    await coop.item(purchase, "Honey", "jar", "30", bulk_min="5")
    await coop.item(purchase, "Apples", "kg", "4")
    await coop.publish(purchase)
    return purchase, await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")


def card_edits(env, purchase) -> int:
    return sum(
        1 for request in env.http_requests if request.method == "PATCH" and str(purchase.message_id) in request.path
    )


def channel_messages(coop, text: str) -> list[str]:
    return [message.content for message in coop.general.history() if text in (message.content or "")]


async def test_the_card_shows_what_each_item_still_needs_redrawn_once_for_a_burst(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase, (potatoes, honey, apples) = await short_purchase(coop)
    before = card_edits(simcord_env, purchase)

    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, potatoes.pk, "3")
    await coop.order(dmitrij, purchase, honey.pk, "5")
    await coop.order(dmitrij, purchase, apples.pk, "1")
    assert card_edits(simcord_env, purchase) == before  # nothing yet: coalesced
    await simcord_env.advance_time(6)

    assert card_edits(simcord_env, purchase) == before + 1
    card = coop.card(purchase).embeds[0].description
    assert "⏳ ordered 7 of the minimum 10 kg: 3 kg more to reach it" in card
    assert "✅ ordered 5 of the minimum 5 jars" in card and "more to reach it" not in card.split("Honey")[1]
    assert "ordered: 1 kg" in card
    cog = simcord_env.bot.get_cog("PurchasesCog")
    assert not cog.flush_cards.is_running()  # nothing left to show: the loop rests

    # A removed line marks the card again, and it is redrawn once more.
    cart = await ania.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
    await ania.select(cart.response, [str(potatoes.pk)], custom_id=f"purchase:remove:{purchase.pk}:0")
    await simcord_env.advance_time(6)
    assert card_edits(simcord_env, purchase) == before + 2
    assert "ordered 3 of the minimum 10 kg: 7 kg more to reach it" in coop.card(purchase).embeds[0].description


async def test_a_day_before_the_deadline_the_channel_hears_once_which_items_are_short(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase, (potatoes, honey, apples) = await short_purchase(coop, deadline="25h")
    await coop.order(ania, purchase, potatoes.pk, "6")
    await coop.order(celina, purchase, honey.pk, "5")
    await coop.order(celina, purchase, apples.pk, "2")
    timer = await Timer.get(kind=service.REMINDER_TIMER, ref_id=purchase.pk)
    assert timer.due_at == purchase.deadline - timedelta(hours=24)

    await simcord_env.restart_bot(create_bot(settings))
    assert channel_messages(coop, "has not reached") == []
    await simcord_env.advance_time(61 * 60)

    [reminder] = channel_messages(coop, "has not reached")
    assert f"Purchase #{purchase.pk} “Vegetables” closes" in reminder
    assert "**Potatoes** · ⏳ ordered 6 of the minimum 10 kg: 4 kg more to reach it" in reminder
    assert "Honey" not in reminder and "Apples" not in reminder  # reached, or no minimum
    assert f"/{purchase.message_id}" in reminder  # a link to the card to top up
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(60 * 60)
    assert len(channel_messages(coop, "has not reached")) == 1
    assert (await Timer.get(kind=service.REMINDER_TIMER, ref_id=purchase.pk)).status == TimerStatus.DONE


async def test_a_reminder_discord_refused_goes_out_once_on_the_retry(simcord_env, caplog):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop, deadline="25h")
    await coop.order(ania, purchase, potatoes.pk, "6")
    # The bot may not post there for a while (discord.py itself would retry a 5xx at once).
    simcord_env.inject_error(
        "POST", f"/channels/{coop.general.id}/messages", status=403, code=50013, message="Missing Permissions"
    )

    await simcord_env.advance_time(60 * 60 + 20)  # due, refused: the retry comes a minute later
    assert channel_messages(coop, "reached the supplier's minimum") == []
    assert [type(error) for error in deadline_failures(caplog)] == [discord.Forbidden]
    await simcord_env.advance_time(2 * 60)

    [reminder] = channel_messages(coop, "reached the supplier's minimum")
    assert "**Potatoes** · ⏳ ordered 6 of the minimum 10 kg: 4 kg more to reach it" in reminder
    await simcord_env.advance_time(2 * 3600)
    assert len(channel_messages(coop, "reached the supplier's minimum")) == 1
    assert (await Timer.get(kind=service.REMINDER_TIMER, ref_id=purchase.pk)).status == TimerStatus.DONE


async def test_the_reminder_names_a_short_item_nobody_has_ordered_yet(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop, deadline="25h")
    await coop.order(ania, purchase, potatoes.pk, "6")

    await simcord_env.advance_time(61 * 60)

    [reminder] = channel_messages(coop, "reached the supplier's minimum")
    assert "These items have not reached the supplier's minimum yet:" in reminder
    assert "**Potatoes** · ⏳ ordered 6 of the minimum 10 kg" in reminder
    assert "**Honey**" in reminder and "Apples" not in reminder


async def test_no_reminder_when_the_deadline_is_less_than_a_day_away_or_nothing_is_short(simcord_env):
    coop = await coop_server(simcord_env)
    near, _items = await short_purchase(coop, deadline="20h")
    assert not await Timer.exists(kind=service.REMINDER_TIMER, ref_id=near.pk)
    far = await coop.open(title="Bread", deadline="25h")
    await coop.item(far, "Rye bread", "piece", "8", bulk_min="2")
    await coop.publish(far)
    [bread] = await PurchaseItem.filter(purchase_id=far.pk)
    await coop.order(coop.members[0], far, bread.pk, "2")

    await simcord_env.advance_time(61 * 60)

    assert channel_messages(coop, "has not reached") == []
    assert (await Timer.get(kind=service.REMINDER_TIMER, ref_id=far.pk)).status == TimerStatus.DONE


async def test_at_the_deadline_short_items_wait_for_the_coordinator_who_drops_one(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase, (potatoes, honey, apples) = await short_purchase(coop, delivery_fee="4")
    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, honey.pk, "2")
    await coop.order(dmitrij, purchase, apples.pk, "1")

    await simcord_env.advance_time(21 * 60)

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DECIDING and not await Bill.exists()
    prompt = coop.prompt(potatoes.pk)
    assert prompt.id == coop.prompt(honey.pk).id  # one message asks about both
    assert f"<@{coop.coordinator.id}>" in prompt.content
    assert "**Potatoes** · ⏳ ordered 4 of the minimum 10 kg: 6 kg more to reach it" in prompt.content
    assert "buying anyway costs the group PLN\xa015.00" in prompt.content  # 6 kg × 2.50
    assert "buying anyway costs the group PLN\xa090.00" in prompt.content  # 3 jars × 30.00
    assert "a coordinator chooses" in coop.card(purchase).embeds[0].description
    assert (await Timer.get(kind=service.DECISION_TIMER, ref_id=purchase.pk)).due_at == purchase.decide_by
    # Orders stay closed while the coordinator chooses.
    assert coop.buttons(coop.card(purchase)) == []
    with pytest.raises(InvalidInput, match="waiting for a coordinator's choice"):
        await service.set_quantity(
            guild_id=coop.guild.id,
            purchase_id=purchase.pk,
            item_id=apples.pk,
            user_id=ania.id,
            quantity="1",
            now=discord.utils.utcnow(),
        )

    member_try = await ania.click(prompt, custom_id=f"purchase:drop:{potatoes.pk}")
    assert "Only order coordinators" in refusal(simcord_env, member_try)
    first = await coop.decide(potatoes.pk, "drop")
    assert "→ dropped" in first.response.content
    assert f"purchase:drop:{potatoes.pk}" not in coop.buttons(coop.prompt(potatoes.pk))
    assert f"purchase:drop:{honey.pk}" in coop.buttons(coop.prompt(honey.pk))
    assert not await Bill.exists()  # honey still waits
    await coop.decide(honey.pk, "drop")

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED
    assert coop.buttons(coop.prompt(honey.pk)) == []
    bills = {bill.user_id: bill for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert {user: bill.total for user, bill in bills.items()} == {ania.id: 0, celina.id: 0, dmitrij.id: 400 + 400}
    assert "Potatoes: 4 kg — dropped" in "\n".join(dms(ania))
    [announcement] = channel_messages(coop, "is closed**")
    assert "- Potatoes: dropped; its buyers pay nothing for it." in announcement
    assert (await Timer.get(kind=service.DECISION_TIMER, ref_id=purchase.pk)).status == TimerStatus.CANCELLED


async def test_bought_anyway_members_pay_their_orders_and_the_group_the_rest(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase, (potatoes, honey, _apples) = await short_purchase(coop)
    await coop.order(ania, purchase, potatoes.pk, "4,5")
    await coop.order(celina, purchase, potatoes.pk, "2,3")
    await coop.order(celina, purchase, honey.pk, "5")

    await simcord_env.advance_time(21 * 60)
    assert f"purchase:drop:{honey.pk}" not in str(coop.prompt(potatoes.pk).components)  # honey reached 5
    await coop.decide(potatoes.pk, "buy")

    potatoes = await PurchaseItem.get(id=potatoes.pk)
    assert not potatoes.dropped and potatoes.choice == ShortChoice.BUY
    # 10 kg bought, 6.8 kg ordered: 3.2 kg × 2.50 = 8.00 is the group's cost.
    assert potatoes.group_cost == 800
    bills = {bill.user_id: bill.total for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert bills == {ania.id: 1125, celina.id: 575 + 15000}
    supplier = "\n".join(dms(coop.coordinator))
    assert "- Potatoes: 10 kg (the minimum: 3.2 kg beyond members' orders, the group's cost)" in supplier
    books = shown(await coop.treasurer.slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert "- Potatoes: 6.8 kg · PLN\xa017.00 · bought anyway: 3.2 kg more at the group's cost, PLN\xa08.00" in books
    assert "The group's cost (items bought anyway beyond members' orders): PLN\xa08.00" in books
    assert "Billed: PLN\xa0167.00" in books  # members pay their own orders only
    [announcement] = channel_messages(coop, "is closed**")
    assert "- Potatoes: bought anyway; 3.2 kg beyond members' orders cost the group PLN\xa08.00." in announcement


async def test_more_time_reopens_orders_once_and_tells_every_buyer(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase, (potatoes, honey, apples) = await short_purchase(coop)
    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, honey.pk, "2")
    await coop.order(dmitrij, purchase, apples.pk, "1")
    await simcord_env.advance_time(21 * 60)

    await coop.decide(honey.pk, "drop")
    await coop.decide(potatoes.pk, "extend")

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.OPEN and purchase.extended
    assert timedelta(days=2) - timedelta(minutes=1) < purchase.deadline - discord.utils.utcnow() <= timedelta(days=2)
    for member in (ania, celina, dmitrij):
        notice = "\n".join(dms(member))
        assert "gets more time: orders are open again until" in notice
        assert "**Potatoes** · ⏳ ordered 4 of the minimum 10 kg: 6 kg more to reach it" in notice
    assert "Honey" not in dms(dmitrij)[-1]  # dropped: not asked for any more
    assert "open again until" in channel_messages(coop, "open again until")[0]
    honey = await PurchaseItem.get(id=honey.pk)
    assert honey.dropped
    cart = await dmitrij.click(coop.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
    [options] = [
        row["components"][0]["options"]
        for row in cart.response.components
        if row["components"][0].get("custom_id", "").startswith("purchase:pick:")
    ]
    assert [option["label"] for option in options] == ["Potatoes", "Apples"]  # honey is no longer offered
    # A cart opened before the drop still offers it: ordering it is refused.
    with pytest.raises(InvalidInput, match="can no longer be ordered"):
        await service.set_quantity(
            guild_id=coop.guild.id,
            purchase_id=purchase.pk,
            item_id=honey.pk,
            user_id=dmitrij.id,
            quantity="5",
            now=discord.utils.utcnow(),
        )
    assert (await Timer.get(kind=service.DEADLINE_TIMER, ref_id=purchase.pk, status=TimerStatus.PENDING)).due_at == (
        purchase.deadline
    )

    # Members top up; the card follows. Still 1 kg short at the new deadline.
    await coop.order(dmitrij, purchase, potatoes.pk, "5")
    await simcord_env.advance_time(6)
    assert "ordered 9 of the minimum 10 kg: 1 kg more to reach it" in coop.card(purchase).embeds[0].description
    await simcord_env.advance_time(2 * 24 * 3600)

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DECIDING
    second = coop.prompt(potatoes.pk)
    assert coop.buttons(second) == [f"purchase:drop:{potatoes.pk}", f"purchase:buy:{potatoes.pk}"]  # no more time
    with pytest.raises(InvalidInput, match="extended once already"):
        await service.choose(
            guild_id=coop.guild.id, item_id=potatoes.pk, choice=ShortChoice.EXTEND, now=discord.utils.utcnow()
        )
    await coop.decide(potatoes.pk, "buy")
    assert (await PurchaseItem.get(id=potatoes.pk)).group_cost == 250
    bills = {bill.user_id: bill.total for bill in await Bill.filter(purchase_id=purchase.pk)}
    assert bills == {ania.id: 1000, celina.id: 0, dmitrij.id: 1250 + 400}


async def test_topped_up_in_the_extra_time_the_purchase_closes_by_itself(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop)
    await coop.order(ania, purchase, potatoes.pk, "4")
    await simcord_env.advance_time(21 * 60)
    await coop.decide(potatoes.pk, "extend")

    await coop.order(celina, purchase, potatoes.pk, "6")
    await simcord_env.advance_time(2 * 24 * 3600 + 60)

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED
    assert {bill.user_id: bill.total for bill in await Bill.all()} == {ania.id: 1000, celina.id: 1500}
    assert len([text for text in dms(celina) if "Bill for joint purchase" in text]) == 1


async def test_without_a_choice_in_twelve_hours_short_items_are_dropped_even_across_a_restart(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase, (potatoes, honey, apples) = await short_purchase(coop)
    await coop.order(ania, purchase, potatoes.pk, "4")
    await coop.order(celina, purchase, honey.pk, "2")
    await coop.order(celina, purchase, apples.pk, "1")
    await simcord_env.advance_time(21 * 60)
    await coop.decide(honey.pk, "buy")

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(11 * 3600)
    assert not await Bill.exists()
    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(3600)

    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED
    potatoes, honey = await PurchaseItem.get(id=potatoes.pk), await PurchaseItem.get(id=honey.pk)
    assert potatoes.dropped and potatoes.choice == ShortChoice.DROP
    assert not honey.dropped and honey.group_cost == 9000
    [announcement] = channel_messages(coop, "No choice was made in time")
    assert "No choice was made in time for: Potatoes. They are dropped." in announcement
    assert {bill.user_id: bill.total for bill in await Bill.all()} == {ania.id: 0, celina.id: 6000 + 400}
    timers = await Timer.filter(kind=service.DECISION_TIMER, ref_id=purchase.pk)
    assert [timer.status for timer in timers] == [TimerStatus.DONE]


async def test_the_choice_buttons_still_work_after_a_restart(simcord_env, settings):
    coop = await coop_server(simcord_env)
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop)
    await coop.order(coop.members[0], purchase, potatoes.pk, "4")
    await simcord_env.advance_time(21 * 60)

    await simcord_env.restart_bot(create_bot(settings))
    chosen = await coop.decide(potatoes.pk, "drop")

    assert "→ dropped" in chosen.response.content
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CLOSED


async def test_closing_early_with_short_items_asks_the_coordinator_too(simcord_env):
    coop = await coop_server(simcord_env)
    purchase, (potatoes, _honey, apples) = await short_purchase(coop)
    await coop.order(coop.members[0], purchase, potatoes.pk, "4")
    await coop.order(coop.members[1], purchase, apples.pk, "1")

    closed = await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)

    assert "1 item is short of its minimum: choose for it in" in shown(closed)
    assert coop.prompt(potatoes.pk) is not None
    again = await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    assert "waiting for a coordinator's choice" in refusal(simcord_env, again)
    ledger = shown(await coop.members[1].slash(coop.general, "purchase ledger", purchase=purchase.pk))
    assert "Bills are written when orders close" in ledger
    # The first deadline was cancelled: passing it changes nothing.
    await simcord_env.advance_time(21 * 60)
    await purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DECIDING
    assert not await Bill.exists()
    assert await OrderLine.filter(purchase_id=purchase.pk).count() == 2


async def test_a_choice_made_twice_or_too_late_is_refused(simcord_env):
    coop = await coop_server(simcord_env)
    purchase, (potatoes, honey, _apples) = await short_purchase(coop)
    await coop.order(coop.members[0], purchase, potatoes.pk, "4")
    await coop.order(coop.members[1], purchase, honey.pk, "1")
    await simcord_env.advance_time(21 * 60)
    prompt = coop.prompt(potatoes.pk)
    now = discord.utils.utcnow()

    await service.choose(guild_id=coop.guild.id, item_id=potatoes.pk, choice=ShortChoice.DROP, now=now)
    # The prompt the coordinator still has open shows the buttons: pressing again is refused.
    twice = await coop.coordinator.click(prompt, custom_id=f"purchase:buy:{potatoes.pk}")
    assert "A choice for Potatoes was already made." in refusal(simcord_env, twice)
    assert (await PurchaseItem.get(id=potatoes.pk)).choice == ShortChoice.DROP

    await coop.decide(honey.pk, "drop")
    with pytest.raises(InvalidInput, match="not waiting for a choice"):
        await service.choose(guild_id=coop.guild.id, item_id=honey.pk, choice=ShortChoice.BUY, now=now)
    with pytest.raises(NotFound, match="no longer part"):
        await service.choose(guild_id=coop.guild.id + 1, item_id=honey.pk, choice=ShortChoice.BUY, now=now)


async def test_two_coordinators_choosing_at_once_close_once_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these transactions one after
    # another, so there it checks the outcome of choices in quick succession, not a race.
    coop = await coop_server(simcord_env)
    purchase, (potatoes, honey, _apples) = await short_purchase(coop)
    await coop.order(coop.members[0], purchase, potatoes.pk, "4")
    await coop.order(coop.members[1], purchase, honey.pk, "1")
    await simcord_env.advance_time(21 * 60)
    now = discord.utils.utcnow()

    def choose(item, choice):
        return service.choose(guild_id=coop.guild.id, item_id=item.pk, choice=choice, now=now)

    # The same item, different choices at once (two coordinators, double clicks): exactly one is recorded.
    same = await asyncio.gather(
        *(choose(potatoes, choice) for _ in range(4) for choice in (ShortChoice.DROP, ShortChoice.BUY)),
        return_exceptions=True,
    )
    recorded = [outcome for outcome in same if not isinstance(outcome, Conflict)]
    assert len(recorded) == 1 and all(isinstance(outcome, Conflict) for outcome in same if outcome not in recorded)
    assert (await PurchaseItem.get(id=potatoes.pk)).choice == recorded[0].choice
    # The last choice, and two appliers at once (two clicks, or a click and the decision deadline).
    await choose(honey, ShortChoice.DROP)
    applied = await asyncio.gather(
        *(service.apply_choices(purchase.pk, now, timedelta(days=2)) for _ in range(3)), return_exceptions=True
    )

    assert [outcome for outcome in applied if outcome is not None] == [service.Applied(service.OrdersEnded.CLOSED)]
    assert await Bill.filter(purchase_id=purchase.pk).count() == 2


async def test_orders_racing_the_deadline_are_counted_before_the_choice_or_refused_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL (see above).
    coop = await coop_server(simcord_env)
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop)
    await coop.order(coop.members[0], purchase, potatoes.pk, "1")
    now = discord.utils.utcnow()
    buyers = coop.members[1:] + [coop.guild.add_member(simcord_env.create_user(f"buyer{n}")) for n in range(5)]
    await simcord_env.settle()
    orders = [
        service.set_quantity(
            guild_id=purchase.guild_id,
            purchase_id=purchase.pk,
            item_id=potatoes.pk,
            user_id=actor.id,
            quantity="1",
            now=now,
        )
        for actor in buyers
    ]

    outcomes = await asyncio.gather(
        *orders[:4], service.end_orders(purchase.pk, now), *orders[4:], return_exceptions=True
    )

    assert service.OrdersEnded.DECIDING in outcomes
    refused = [outcome for outcome in outcomes if isinstance(outcome, InvalidInput)]
    landed = await OrderLine.filter(purchase_id=purchase.pk).count()
    assert landed + len(refused) == len(buyers) + 1
    # The choice is about what landed: the shortfall counts every landed order and only those.
    [short] = await service.undecided(purchase.pk)
    assert short.ordered == landed and short.missing == 10 - landed


async def test_the_decision_deadline_and_a_click_at_once_apply_once(simcord_env):
    coop = await coop_server(simcord_env)
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop)
    await coop.order(coop.members[0], purchase, potatoes.pk, "4")
    await simcord_env.advance_time(21 * 60)
    timer = await Timer.get(kind=service.DECISION_TIMER, ref_id=purchase.pk)
    await service.choose(
        guild_id=coop.guild.id, item_id=potatoes.pk, choice=ShortChoice.BUY, now=discord.utils.utcnow()
    )

    await asyncio.gather(
        flows.on_decision_deadline(simcord_env.bot, timer), flows.on_decision_deadline(simcord_env.bot, timer)
    )
    await simcord_env.settle()

    assert len(channel_messages(coop, "is closed**")) == 1
    assert await Bill.filter(purchase_id=purchase.pk).count() == 1
    assert len([text for text in dms(coop.members[0]) if "Bill for joint purchase" in text]) == 1


async def test_after_more_time_the_channel_hears_again_a_day_before_the_new_deadline(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, (potatoes, _honey, _apples) = await short_purchase(coop, deadline="25h")
    await coop.order(ania, purchase, potatoes.pk, "4")
    await simcord_env.advance_time(61 * 60)
    assert len(channel_messages(coop, "reached the supplier's minimum yet")) == 1  # the first day before
    await simcord_env.advance_time(24 * 3600)
    await coop.decide(potatoes.pk, "extend")  # two days more, by default
    await purchase.refresh_from_db()
    timer = await Timer.get(kind=service.REMINDER_TIMER, ref_id=purchase.pk, status=TimerStatus.PENDING)
    assert timer.due_at == purchase.deadline - timedelta(hours=24) and timer.guild_id == coop.guild.id

    await simcord_env.restart_bot(create_bot(settings))
    await simcord_env.advance_time(24 * 3600 + 60)

    _first, second = channel_messages(coop, "reached the supplier's minimum yet")
    assert "ordered 4 of the minimum 10 kg: 6 kg more to reach it" in second
    await simcord_env.advance_time(12 * 3600)
    assert len(channel_messages(coop, "reached the supplier's minimum yet")) == 2  # once per deadline


async def test_more_time_for_one_purchase_leaves_another_purchases_choices_waiting(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    first, (potatoes, honey, _apples) = await short_purchase(coop)
    second, (other_potatoes, other_honey, _other_apples) = await short_purchase(coop, title="Fruit")
    for purchase, items in ((first, (potatoes, honey)), (second, (other_potatoes, other_honey))):
        await coop.order(ania, purchase, items[0].pk, "4")
        await coop.order(celina, purchase, items[1].pk, "2")
    await simcord_env.advance_time(21 * 60)
    await coop.decide(other_honey.pk, "drop")  # the second purchase still waits for its potatoes

    await coop.decide(honey.pk, "drop")
    await coop.decide(potatoes.pk, "extend")

    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.status, second.status) == (PurchaseStatus.OPEN, PurchaseStatus.DECIDING)
    assert (await PurchaseItem.get(id=honey.pk)).dropped
    waiting = await PurchaseItem.get(id=other_honey.pk)
    assert (waiting.choice, waiting.dropped) == (ShortChoice.DROP, False)
