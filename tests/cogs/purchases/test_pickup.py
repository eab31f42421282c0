"""Pickup points with time slots: members choose one, the volunteer on duty hands orders over."""

import asyncio

import discord
import pytest

from cogs.purchases import service
from gromada.bot import create_bot
from gromada.errors import Conflict
from models.purchases import PickupChoice, PickupPoint, PurchaseItem
from tests.cogs.purchases.helpers import coop_server
from tests.helpers import dms, refusal, shown


async def with_points(coop):
    purchase = await coop.open()
    await coop.item(purchase, "Potatoes", "kg", "2,50")
    await coop.item(purchase, "Honey", "jar", "30")
    added = await coop.coordinator.slash(
        coop.general, "purchase pickup add", purchase=purchase.pk, place="Library", slot="Saturday 10:00–12:00"
    )
    assert "Pickup point added to purchase" in shown(added) and "Library, Saturday 10:00–12:00" in shown(added)
    await coop.coordinator.slash(
        coop.general, "purchase pickup add", purchase=purchase.pk, place="Garden shed", slot="Sunday 16:00–17:00"
    )
    await coop.publish(purchase)
    items = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    points = await PickupPoint.filter(purchase_id=purchase.pk).order_by("id")
    return purchase, items, points


async def test_members_choose_a_pickup_point_and_the_volunteer_hands_orders_over(simcord_env, settings):
    coop = await coop_server(simcord_env)
    ania, celina, dmitrij = coop.members
    purchase, (potatoes, honey), (library, shed) = await with_points(coop)

    cart = await coop.order(ania, purchase, potatoes.pk, "3")
    assert "Choose below where you pick up your order." in shown(cart)
    chosen = await ania.select(cart.response, [str(library.pk)], custom_id=f"purchase:pickup:{purchase.pk}")
    assert "Pickup: Library, Saturday 10:00–12:00" in chosen.response.content
    await coop.order(celina, purchase, honey.pk, "1")
    await coop.order(dmitrij, purchase, potatoes.pk, "2")
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    # After the close, with the command.
    later = await celina.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=shed.pk)
    assert "Pickup: Garden shed, Sunday 16:00–17:00" in shown(later)
    assert {c.user_id: c.point_id for c in await PickupChoice.all()} == {ania.id: library.pk, celina.id: shed.pk}

    listed = await coop.coordinator.slash(coop.general, "purchase pickup list", purchase=purchase.pk)

    assert "The distribution lists are in your direct messages" in shown(listed)
    assert "Not collected yet: 3 members." in shown(listed)
    assert f"<@{dmitrij.id}>: Potatoes 2 kg · no pickup point chosen" in shown(listed)
    library_list = next(
        message for message in coop.coordinator.user.dm_channel.history() if "Library" in message.content
    )
    assert "**Pickup at Library, Saturday 10:00–12:00" in library_list.content
    assert f"<@{ania.id}>: Potatoes 3 kg" in library_list.content
    assert f"<@{celina.id}>" not in library_list.content

    await simcord_env.restart_bot(create_bot(settings))
    ania_choice = await PickupChoice.get(user_id=ania.id)
    handed = await coop.coordinator.user.click(library_list, custom_id=f"purchase:handed:{ania_choice.pk}")

    assert f"<@{ania.id}>: Potatoes 3 kg · handed over" in handed.response.content
    assert coop.buttons(handed.response) == []
    ania_choice = await PickupChoice.get(id=ania_choice.pk)
    assert ania_choice.handed_over_at is not None and ania_choice.handed_over_by == coop.coordinator.id
    again = await coop.coordinator.slash(coop.general, "purchase pickup list", purchase=purchase.pk)
    assert "Not collected yet: 2 members." in shown(again) and f"<@{ania.id}>" not in shown(again)
    moved = await ania.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=shed.pk)
    assert "already handed over" in refusal(simcord_env, moved)


async def test_a_pickup_point_chosen_in_one_purchase_is_not_shown_as_chosen_in_the_next(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    first, (potatoes, _honey), (library, _shed) = await with_points(coop)
    await coop.order(ania, first, potatoes.pk, "1")
    await ania.slash(coop.general, "purchase pickup choose", purchase=first.pk, point=library.pk)
    second = await coop.open(title="Bread")
    await coop.item(second, "Rye bread", "piece", "8")
    await coop.coordinator.slash(coop.general, "purchase pickup add", purchase=second.pk, place="Café", slot="Monday")
    await coop.publish(second)
    [bread] = await PurchaseItem.filter(purchase_id=second.pk)

    cart = await coop.order(ania, second, bread.pk, "2")

    assert "Choose below where you pick up your order." in shown(cart)
    assert "Pickup:" not in shown(cart) and "Library" not in shown(cart)
    again = await ania.click(coop.card(first), custom_id=f"purchase:order:{first.pk}")
    assert "Pickup: Library, Saturday 10:00–12:00" in shown(again)


async def test_after_one_members_order_is_handed_over_the_others_still_choose_their_point(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase, (potatoes, honey), (library, shed) = await with_points(coop)
    await coop.order(ania, purchase, potatoes.pk, "3")
    await coop.order(celina, purchase, honey.pk, "1")
    await ania.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=library.pk)
    await coop.coordinator.slash(coop.general, "purchase close", purchase=purchase.pk)
    await coop.coordinator.slash(coop.general, "purchase pickup list", purchase=purchase.pk)
    ania_choice = await PickupChoice.get(user_id=ania.id)
    await coop.coordinator.user.click(_library_list(coop), custom_id=f"purchase:handed:{ania_choice.pk}")
    assert (await PickupChoice.get(id=ania_choice.pk)).handed_over_at is not None

    chosen = await celina.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=shed.pk)

    assert "Pickup: Garden shed, Sunday 16:00–17:00" in shown(chosen)
    assert {c.user_id: c.point_id for c in await PickupChoice.all()} == {ania.id: library.pk, celina.id: shed.pk}


async def test_pickup_refusals_lose_nothing(simcord_env):
    coop = await coop_server(simcord_env)
    ania, celina, _ = coop.members
    purchase, (potatoes, _honey), (library, _shed) = await with_points(coop)
    other = await coop.open(title="Other")
    await coop.item(other, "Bread", "piece", "8")
    await coop.coordinator.slash(coop.general, "purchase pickup add", purchase=other.pk, place="Café", slot="Monday")
    elsewhere = await PickupPoint.get(purchase_id=other.pk)
    await coop.order(ania, purchase, potatoes.pk, "1")

    nothing_ordered = await celina.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=library.pk)
    assert "Order something in purchase" in refusal(simcord_env, nothing_ordered)
    wrong_point = await ania.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=elsewhere.pk)
    assert refusal(simcord_env, wrong_point) == f"That pickup point is not part of purchase #{purchase.pk}."
    for place, slot in (("Library", "  "), ("  ", "Saturday")):
        blank = await coop.coordinator.slash(
            coop.general, "purchase pickup add", purchase=purchase.pk, place=place, slot=slot
        )
        assert refusal(simcord_env, blank) == "A pickup point needs a place and a time slot."
    twice = await coop.coordinator.slash(
        coop.general, "purchase pickup add", purchase=purchase.pk, place="Library", slot="Saturday 10:00–12:00"
    )
    assert "already has that pickup point" in refusal(simcord_env, twice)
    member_add = await ania.slash(coop.general, "purchase pickup add", purchase=purchase.pk, place="Home", slot="Any")
    assert "Only order coordinators" in refusal(simcord_env, member_add)
    member_list = await ania.slash(coop.general, "purchase pickup list", purchase=purchase.pk)
    assert "can see who collects what" in refusal(simcord_env, member_list)

    assert not await PickupChoice.exists()
    assert await PickupPoint.filter(purchase_id=purchase.pk).count() == 2
    assert not [text for text in dms(ania) if "Pickup at" in text]


async def test_only_coordinators_hand_over_from_a_list_that_reached_someone_else(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, (potatoes, _honey), (library, _shed) = await with_points(coop)
    await coop.order(ania, purchase, potatoes.pk, "1")
    await ania.slash(coop.general, "purchase pickup choose", purchase=purchase.pk, point=library.pk)
    await coop.coordinator.slash(coop.general, "purchase pickup list", purchase=purchase.pk)
    choice = await PickupChoice.get(user_id=ania.id)
    # The coordinator steps down before the pickup day; the list is still in their messages.
    guild = coop.discord_guild()
    await guild.get_member(coop.coordinator.id).remove_roles(coop.role("Order coordinator"))
    await simcord_env.settle()

    refused = await coop.coordinator.user.click(_library_list(coop), custom_id=f"purchase:handed:{choice.pk}")

    assert "can hand orders over" in refusal(simcord_env, refused)
    assert (await PickupChoice.get(id=choice.pk)).handed_over_at is None


def _library_list(coop):
    return next(message for message in coop.coordinator.user.dm_channel.history() if "Library" in message.content)


async def test_two_volunteers_handing_over_the_same_order_at_once_record_it_once_on_postgres(simcord_env):
    # Proves the race only on PostgreSQL: on SQLite Tortoise runs these one after another.
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, (potatoes, _honey), (library, shed) = await with_points(coop)
    await coop.order(ania, purchase, potatoes.pk, "1")

    # The member changes their mind quickly: one choice stays.
    await asyncio.gather(
        *(
            service.choose_pickup(guild_id=coop.guild.id, purchase_id=purchase.pk, point_id=point.pk, user_id=ania.id)
            for point in (library, shed, library, shed)
        )
    )
    [choice] = await PickupChoice.filter(user_id=ania.id)
    outcomes = await asyncio.gather(
        *(service.hand_over(choice_id=choice.pk, by=by, now=discord.utils.utcnow()) for by in (1, 2, 3)),
        return_exceptions=True,
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Conflict", "Conflict", "PickupChoice"]
    with pytest.raises(Conflict):
        await service.hand_over(choice_id=choice.pk, by=4, now=discord.utils.utcnow())
    assert (await PickupChoice.get(id=choice.pk)).handed_over_by in (1, 2, 3)


async def test_the_point_picker_offers_the_purchases_points_and_none_to_another_server(simcord_env):
    coop = await coop_server(simcord_env)
    ania = coop.members[0]
    purchase, _items, (library, shed) = await with_points(coop)
    other = await coop_server(simcord_env)

    offered = await ania.autocomplete(coop.general, "purchase pickup choose", "point", "", purchase=purchase.pk)
    typed = await ania.autocomplete(coop.general, "purchase pickup choose", "point", "SHED", purchase=purchase.pk)
    elsewhere = await other.members[0].autocomplete(
        other.general, "purchase pickup choose", "point", "", purchase=purchase.pk
    )

    assert [(choice["name"], choice["value"]) for choice in offered] == [
        ("Library, Saturday 10:00–12:00", library.pk),
        ("Garden shed, Sunday 16:00–17:00", shed.pk),
    ]
    assert [choice["value"] for choice in typed] == [shed.pk]
    assert elsewhere == []


async def test_a_purchase_holds_at_most_twenty_pickup_points(simcord_env):
    coop = await coop_server(simcord_env)
    purchase = await coop.open()
    for hour in range(20):
        await coop.coordinator.slash(
            coop.general, "purchase pickup add", purchase=purchase.pk, place="Hall", slot=f"Sunday {hour}:00"
        )

    one_more = await coop.coordinator.slash(
        coop.general, "purchase pickup add", purchase=purchase.pk, place="Hall", slot="Monday"
    )

    assert refusal(simcord_env, one_more) == "A purchase can have at most 20 pickup points."
    assert await PickupPoint.filter(purchase_id=purchase.pk).count() == 20
