"""Demo walk: a member asks for mediation, a mediator claims, invites the other party, closes."""

from __future__ import annotations

from gromada.i18n import N_

ORDER = 60


async def walk(demo) -> None:
    env, guild = demo.env, demo.guild  # channels by name from SimCord's handles
    celina, dmitrij = demo.members[0], demo.members[1]
    mira = guild.add_member(env.create_user("mira_mediator"), roles=[await demo.role("mediator")])
    await env.settle()
    mediation = demo.channel("mediation")
    panel = next(message for message in mediation.history() if message.components)

    demo.say(f"Celina clicks “Request mediation” in #{mediation.name} and fills in the form.")
    form = await celina.click(panel, label=demo.label(N_("Request mediation")))
    opened = await celina.submit_modal(
        form,
        {
            "what_happened": "Dmitrij and I keep arguing about the tool shed keys.",
            "parties": "dmitrij",
            "hoped_outcome": "A simple rule for who keeps the keys.",
        },
    )
    demo.show("Celina", opened)

    log = demo.channel("mediation-log")
    alert = log.last_message
    demo.say(f"Mediators see in #{log.name}: {alert.content} [{alert.embeds[0].title}]")
    demo.show("Mira", await mira.click(alert, label=demo.label(N_("Claim"))))
    space = next(
        channel for name, channel in guild.channels.items() if name.startswith("mediation-") and name[-1].isdigit()
    )
    demo.say(f"In the private space: {space.last_message.content}")

    await celina.send(space, "Thanks. The keys vanished twice last week.")
    demo.show("Mira", await mira.slash(space, "ticket note", text="Both want the same thing: access on weekends."))
    demo.show("Mira", await mira.slash(space, "ticket add", member=dmitrij))
    (invitation,) = demo.new_dms(dmitrij)
    demo.say_dm("Dmitrij", invitation)
    demo.show("Dmitrij", await dmitrij.user.click(invitation, label=demo.label(N_("Accept"))))
    await dmitrij.send(space, "Fine by me if we keep a key box.")

    close_form = await mira.slash(space, "ticket close")
    closed = await mira.submit_modal(close_form, {"outcome": "A key box by the shed; code shared with both."})
    demo.show("Mira", closed)
    posted = log.last_message
    demo.say(f"#{log.name} gets: {posted.content.splitlines()[0]} + {posted.attachments[0].filename}")
    *_, rating = demo.new_dms(celina)
    demo.say_dm("Celina", rating)
    demo.show("Celina", await celina.user.click(rating, label="★★★★★"))

    demo.say("Two weeks later…")
    await demo.advance(14 * 86400 + 1)
    *_, checkin = demo.new_dms(celina)
    demo.say_dm("Celina", checkin)
    demo.show("Celina", await celina.user.click(checkin, label=demo.label(N_("Yes, it holds"))))
    demo.show("Mira", await mira.slash(guild.channels["general"], "ticket stats"))


REQUEST = {
    "what_happened": N_("We keep arguing about who cleans the tool shed."),
    "hoped_outcome": N_("A simple rota we both keep."),
}


async def furnish(demo) -> None:
    """A ticket nobody has claimed yet: its alert waits for the mediators in #mediation-log."""
    requester, other = demo.members[1], demo.members[2]
    panel = next(message for message in demo.channel("mediation").history() if message.components)
    form = await requester.click(panel, label=demo.label(N_("Request mediation")))
    answers = {key: demo.label(text) for key, text in REQUEST.items()}
    await requester.submit_modal(form, answers | {"parties": other.name})
