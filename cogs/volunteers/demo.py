"""Demo walk: a role fills up, the waitlist gets the seat by DM, thanks and a certificate."""

from gromada.i18n import N_

ORDER = 30


async def walk(demo) -> None:
    general = demo.guild.channels["general"]
    first, second = demo.members[0], demo.members[1]
    demo.say("The admin adds a small volunteer role with one seat.")
    demo.show("Admin", await demo.admin.slash(general, "volunteer role create", name="Tidy-up crew", seats=1))
    demo.show(first.name, await first.slash(general, "volunteer claim", role="Tidy-up crew"))
    demo.show(second.name, await second.slash(general, "volunteer claim", role="Tidy-up crew"))
    demo.show(first.name, await first.slash(general, "volunteer release", role="Tidy-up crew"))
    offer = second.user.dm_channel.last_message
    demo.say(f"{second.name} gets a DM: {offer.content}")
    demo.show(second.name, await second.user.click(offer, label=demo.label(N_("Accept"))))
    demo.show("Admin", await demo.admin.slash(general, "volunteer roster"))
    demo.show("Admin", await demo.admin.slash(general, "thanks", member=second, message="for tidying the storeroom"))
    result = await demo.admin.slash(general, "volunteer certificate", member=second)
    demo.show("Everyone", result)
    await demo.advance(5)
    volunteers = demo.channel("volunteers")
    panel = volunteers.last_message
    fields = [field.name for field in panel.embeds[0].fields] if panel and panel.embeds else []
    demo.say(f"The panel in #{volunteers.name} now reads: " + "; ".join(fields))


async def furnish(demo) -> None:
    """A one-seat volunteer role, taken, with the ordinary member on its waitlist."""
    general, name = demo.channel("general"), demo.label(N_("Tidy-up crew"))
    await demo.admin.slash(general, "volunteer role create", name=name, seats=1)
    await demo.members[2].slash(general, "volunteer claim", role=name)
    await demo.members[0].slash(general, "volunteer claim", role=name)
