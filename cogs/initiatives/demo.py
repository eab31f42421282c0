"""Demo walk: a proposal gathers supporters, gets its channel, posts progress and asks for help."""

from __future__ import annotations

from gromada.i18n import N_

ORDER = 40


async def walk(demo) -> None:
    lead, first, second = demo.members[0], demo.members[1], demo.buddy
    general = demo.channel("general")
    proposals = demo.channel("initiatives")

    demo.say(f"{lead.name} proposes an initiative with /initiative propose.")
    form = await lead.slash(general, "initiative propose")
    posted = await lead.submit_modal(
        form,
        {
            "title": "Ogród społeczny",
            "goal": "Grow vegetables together behind the community hall.",
            "needs": "Seeds, tools and four pairs of hands.",
            "first_step": "Ask the landlord about the plot.",
        },
    )
    demo.show(lead.name, posted)
    card = proposals.last_message
    demo.say(f"The card in #{proposals.name} shows supporters {_field(card, demo.label(N_('Supporters')))}.")

    for supporter in (first, second):
        result = await supporter.click(card, label=demo.label(N_("Support")))
        demo.show(supporter.name, result)
        card = next(message for message in proposals.history() if message.id == card.id)

    space = demo.channel("ogród-społeczny")
    welcome = space.pinned_messages()[0]
    demo.say(f"Pinned in #{space.name}: {welcome.content}")

    update = await lead.slash(space, "initiative update", status="in_progress", note="The landlord said yes!")
    demo.show(lead.name, update)
    need = await lead.slash(space, "initiative need", text="Someone with a van on Saturday")
    demo.show(lead.name, need)
    helper = demo.members[2]
    offered = await helper.click(proposals.last_message, label=demo.label(N_("I can help")))
    demo.show(helper.name, offered)
    demo.say(f"In #{space.name}: {space.last_message.content}")


def _field(message, name: str) -> str:
    return next((field.value for field in message.embeds[0].fields if field.name == name), "?")


PROPOSALS = (
    # title, goal, needs, first step; who proposes, who supports (by their place in demo.members)
    (
        N_("Seed library"),
        N_("Swap seeds between neighbours."),
        N_("Jars, labels and a shelf."),
        N_("Ask the library for a corner."),
    ),
    (
        N_("Community garden"),
        N_("Grow vegetables together behind the community hall."),
        N_("Seeds, tools and four pairs of hands."),
        N_("Ask the landlord about the plot."),
    ),
)


async def furnish(demo) -> None:
    """A proposal one supporter short of the threshold, and one that got its own channel."""
    proposals = demo.channel("initiatives")
    seed_library, garden = PROPOSALS
    backers = {
        seed_library: (demo.members[1], [demo.members[2]]),
        garden: (demo.buddy, [demo.members[0], demo.people["coordinator"]]),
    }
    for texts, (author, supporters) in backers.items():
        form = await author.slash(demo.channel("general"), "initiative propose")
        fields = dict(zip(("title", "goal", "needs", "first_step"), texts, strict=True))
        await author.submit_modal(form, {key: demo.label(text) for key, text in fields.items()})
        card = proposals.last_message
        for supporter in supporters:
            await supporter.click(card, label=demo.label(N_("Support")))
