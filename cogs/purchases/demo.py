"""Demo walk: a coordinator keeps a supplier's catalogue (imported from a CSV file) and opens a
joint purchase from it with /purchase repeat; members order; a day before the deadline the
channel hears which item is short and a member tops it up; at the deadline the coordinator buys
the other short item anyway; bills go out; less than was bought arrives, and the bills are settled
again; the books are open, and a member's credit shows in their balance; on pickup day the
volunteer hands a member's box over from the distribution list; the season's savings are summed,
and next week's purchase is opened again from this one."""

from __future__ import annotations

from gromada.i18n import N_
from models.purchases import PickupChoice, PickupPoint, Purchase, PurchaseItem

ORDER = 70
# The supplier's price list as a Polish spreadsheet exports it: semicolons and decimal commas.
CATALOGUE = b"name;unit;price;bulk_min;shop_price\nPotatoes;kg;2,50;10;3,20\nHoney;jar;30;5;38\n"


async def walk(demo) -> None:
    coordinator = demo.admin  # staff may coordinate and keep the books
    general = demo.guild.channels["general"]  # Demo.channel() reads an attribute SimCord's guild lacks
    demo.show("Ala (coordinator)", await coordinator.slash(general, "purchase supplier add", name="Farma Zielona"))
    demo.show(
        "Ala (coordinator)",
        await coordinator.slash(
            general, "purchase supplier import", supplier="Farma Zielona", file=("farma-zielona.csv", CATALOGUE)
        ),
    )
    demo.show(
        demo.members[1].name, await demo.members[1].slash(general, "purchase supplier show", supplier="Farma Zielona")
    )
    opened = await coordinator.slash(
        general,
        "purchase repeat",
        supplier="Farma Zielona",
        title="Farm box",
        deadline="25h",
        delivery_fee="12,00",
    )
    demo.show("Ala (coordinator)", opened)
    purchase = await Purchase.all().order_by("-id").first()
    await coordinator.slash(
        general, "purchase pickup add", purchase=purchase.pk, place="Library", slot="Saturday 10:00–12:00"
    )
    demo.show("Ala", await coordinator.slash(general, "purchase publish", purchase=purchase.pk))
    await purchase.refresh_from_db()
    potatoes, honey = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")

    def card():
        return next(message for message in general.history() if message.id == purchase.message_id)

    async def order(member, item, quantity):
        cart = await member.click(card(), custom_id=f"purchase:order:{purchase.pk}")
        modal = await member.select(cart.response, [str(item.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
        demo.show(member.name, await member.submit_modal(modal, {"quantity": quantity}))

    for member, item, quantity in ((demo.members[0], potatoes, "6"), (demo.members[1], potatoes, "2,5")):
        await order(member, item, quantity)
    await order(demo.members[2], honey, "2")
    await demo.advance(6)  # the card is redrawn once for the burst of orders
    demo.say(f"The card now reads: {card().embeds[0].description}")

    demo.say("… an hour passes: a day before the deadline the channel hears what is short …")
    await demo.advance(3600)
    demo.say(f"Gromada in #general: {next(m for m in reversed(list(general.history())) if m.content).content}")
    await order(demo.members[0], honey, "3")  # topped up: honey reaches its 5 jars

    demo.say("… the day passes; at the deadline potatoes are still 1.5 kg short …")
    await demo.advance(24 * 3600)
    prompt = next(m for m in reversed(list(general.history())) if m.components and m.id != purchase.message_id)
    demo.say(f"Gromada in #general: {prompt.content}")
    chosen = await coordinator.click(prompt, custom_id=f"purchase:buy:{potatoes.pk}")
    demo.say(f"Ala buys potatoes anyway; the prompt now reads: {chosen.response.content}")
    for member in demo.members:
        for message in demo.new_dms(member):
            demo.say_dm(member.name, message)

    demo.show(
        "Ala (treasurer)",
        await coordinator.slash(general, "purchase paid", purchase=purchase.pk, member=demo.members[0]),
    )
    demo.say("… the delivery comes: only 7 of the 10 kg of potatoes …")
    demo.show(
        "Ala (coordinator)",
        await coordinator.slash(general, "purchase delivered", purchase=purchase.pk, item="Potatoes", quantity="7"),
    )
    for member in demo.members:
        for message in demo.new_dms(member):
            demo.say_dm(member.name, message)
    demo.show(demo.members[1].name, await demo.members[1].slash(general, "purchase ledger", purchase=purchase.pk))
    demo.show(demo.members[0].name, await demo.members[0].slash(general, "purchase balance"))

    demo.say("… pickup day at the library …")
    point = await PickupPoint.get(purchase_id=purchase.pk)
    demo.show(
        demo.members[0].name,
        await demo.members[0].slash(general, "purchase pickup choose", purchase=purchase.pk, point=point.pk),
    )
    demo.show("Ala (volunteer on duty)", await coordinator.slash(general, "purchase pickup list", purchase=purchase.pk))
    listed = next(m for m in reversed(list(coordinator.user.dm_channel.history())) if m.components)
    choice = await PickupChoice.get(purchase_id=purchase.pk, user_id=demo.members[0].id)
    handed = await coordinator.user.click(listed, custom_id=f"purchase:handed:{choice.pk}")
    demo.say(f"Ala hands the box over; her list now reads: {handed.response.content}")

    demo.show(demo.members[2].name, await demo.members[2].slash(general, "purchase savings"))
    demo.say("… next week's box: the same items from the same farm …")
    demo.show(
        "Ala (coordinator)",
        await coordinator.slash(general, "purchase repeat", purchase=purchase.pk, deadline="7d"),
    )


ITEMS = ((N_("Potatoes"), "kg", "2,50", "10", "3,20"), (N_("Honey"), N_("jar"), "30", "5", "38"))


async def furnish(demo) -> None:
    """A supplier with its catalogue, and a purchase opened from it in #purchases, taking orders
    for two more days, with two members' orders."""
    coordinator = demo.people["coordinator"]
    channel = demo.guild.create_text_channel("purchases")
    await demo.env.settle()
    await coordinator.slash(channel, "purchase supplier add", name="Farma Zielona")
    for name, unit, price, minimum, shop in ITEMS:
        await coordinator.slash(
            channel,
            "purchase supplier item",
            supplier="Farma Zielona",
            name=demo.label(name),
            unit=demo.label(unit),
            price=price,
            bulk_min=minimum,
            shop_price=shop,
        )
    await coordinator.slash(
        channel,
        "purchase repeat",
        supplier="Farma Zielona",
        title=demo.label(N_("Farm box")),
        deadline="2d",
        delivery_fee="12,00",
    )
    purchase = await Purchase.filter(guild_id=demo.guild.id).order_by("-id").first()
    await coordinator.slash(channel, "purchase publish", purchase=purchase.pk)
    await purchase.refresh_from_db()
    potatoes, honey = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    for member, item, quantity in ((demo.members[0], potatoes, "6"), (demo.members[2], honey, "2")):
        card = next(message for message in channel.history() if message.id == purchase.message_id)
        cart = await member.click(card, custom_id=f"purchase:order:{purchase.pk}")
        modal = await member.select(cart.response, [str(item.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
        await member.submit_modal(modal, {"quantity": quantity})
