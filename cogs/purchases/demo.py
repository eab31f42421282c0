"""Demo walk: a coordinator runs a joint purchase; members order; bills go out; the books are open."""

from __future__ import annotations

from gromada.i18n import N_
from models.purchases import Purchase, PurchaseItem

ORDER = 70


async def walk(demo) -> None:
    coordinator = demo.admin  # staff may coordinate and keep the books
    general = demo.guild.channels["general"]  # Demo.channel() reads an attribute SimCord's guild lacks
    opened = await coordinator.slash(
        general, "purchase open", title="Farm box", deadline="1h", supplier="Farma Zielona", delivery_fee="12,00"
    )
    demo.show("Ala (coordinator)", opened)
    purchase = await Purchase.all().order_by("-id").first()
    for name, unit, price, minimum in (("Potatoes", "kg", "2,50", "10"), ("Honey", "jar", "30", "5")):
        await coordinator.slash(
            general, "purchase item", purchase=purchase.pk, name=name, unit=unit, price=price, bulk_min=minimum
        )
    demo.show("Ala", await coordinator.slash(general, "purchase publish", purchase=purchase.pk))
    await purchase.refresh_from_db()
    potatoes, honey = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")

    orders = [(demo.members[0], potatoes, "6"), (demo.members[1], potatoes, "4,5"), (demo.members[2], honey, "2")]
    for member, item, quantity in orders:
        card = next(message for message in general.history() if message.id == purchase.message_id)
        cart = await member.click(card, custom_id=f"purchase:order:{purchase.pk}")
        modal = await member.select(cart.response, [str(item.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
        demo.show(member.name, await member.submit_modal(modal, {"quantity": quantity}))

    demo.say("… an hour passes; the deadline closes the purchase …")
    await demo.env.advance_time(3600 + 60)
    for member in demo.members:
        for message in demo.new_dms(member):
            demo.say_dm(member.name, message)

    demo.show(
        "Ala (treasurer)",
        await coordinator.slash(general, "purchase paid", purchase=purchase.pk, member=demo.members[0]),
    )
    demo.show(demo.members[1].name, await demo.members[1].slash(general, "purchase ledger", purchase=purchase.pk))


ITEMS = ((N_("Potatoes"), "kg", "2,50", "10"), (N_("Honey"), N_("jar"), "30", "5"))


async def furnish(demo) -> None:
    """A purchase in #purchases taking orders for two more days, with two members' orders."""
    coordinator = demo.people["coordinator"]
    channel = demo.guild.create_text_channel("purchases")
    await demo.env.settle()
    await coordinator.slash(
        channel,
        "purchase open",
        title=demo.label(N_("Farm box")),
        deadline="2d",
        supplier="Farma Zielona",
        delivery_fee="12,00",
    )
    purchase = await Purchase.filter(guild_id=demo.guild.id).order_by("-id").first()
    for name, unit, price, minimum in ITEMS:
        await coordinator.slash(
            channel,
            "purchase item",
            purchase=purchase.pk,
            name=demo.label(name),
            unit=demo.label(unit),
            price=price,
            bulk_min=minimum,
        )
    await coordinator.slash(channel, "purchase publish", purchase=purchase.pk)
    await purchase.refresh_from_db()
    potatoes, honey = await PurchaseItem.filter(purchase_id=purchase.pk).order_by("position")
    for member, item, quantity in ((demo.members[0], potatoes, "6"), (demo.members[2], honey, "2")):
        card = next(message for message in channel.history() if message.id == purchase.message_id)
        cart = await member.click(card, custom_id=f"purchase:order:{purchase.pk}")
        modal = await member.select(cart.response, [str(item.pk)], custom_id=f"purchase:pick:{purchase.pk}:0")
        await member.submit_modal(modal, {"quantity": quantity})
