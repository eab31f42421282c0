"""Demo walk: a ranked-choice poll, votes, a consent objection, the close with its rounds."""

from __future__ import annotations

from gromada.i18n import N_
from models.polls import Poll

ORDER = 60


async def walk(demo) -> None:
    general = demo.channel("general")
    admin = demo.admin

    demo.say(f"{admin.name} asks where the next meeting should be, ranked choice, open for a day.")
    created = await admin.slash(
        general,
        "poll create",
        question="Where do we meet next?",
        options="Library; Park; Café",
        kind="ranked",
        duration="1d",
    )
    demo.show(admin.name, created)
    message = general.last_message
    demo.say(f"The poll in #general: {message.embeds[0].title}")

    rankings = {
        demo.members[0]: ["Library", "Park"],
        demo.members[1]: ["Park"],
        demo.members[2]: ["Café", "Park"],
        demo.buddy: ["Library"],
        admin: ["Park", "Library"],
    }
    labels = ["Library", "Park", "Café"]
    for voter, ranking in rankings.items():
        flow = await voter.click(message, label=demo.label(N_("Rank the options")))
        for label in ranking:
            flow = await voter.select(flow.response, [str(labels.index(label))], custom_id="poll:ranking:choose")
        done = await voter.click(flow.response, label=demo.label(N_("Submit ranking")))
        demo.show(voter.name, done)

    await demo.advance(6)
    refreshed = next(m for m in general.history() if m.id == message.id)
    demo.say("A few seconds later the poll message shows the first preferences (one edit for all five votes):")
    demo.say(refreshed.embeds[0].description.split("\n\n")[0])

    demo.say("A day passes; the deadline closes the poll.")
    await demo.advance(86400)
    closed = await Poll.filter(question="Where do we meet next?").first()
    results = next(m for m in general.history() if m.id == closed.results_message_id)
    demo.say(f"Results posted with a chart ({results.attachments[0].filename}):")
    demo.say(results.embeds[0].description)

    demo.say(f"\n{admin.name} asks for consent on a proposal.")
    await admin.slash(general, "poll create", question="Adopt the new statute?", options="", kind="consent")
    consent = general.last_message
    demo.show(demo.members[0].name, await demo.members[0].click(consent, label=demo.label(N_("Agree"))))
    modal = await demo.members[1].click(consent, label=demo.label(N_("Object")))
    demo.show(demo.members[1].name, await demo.members[1].submit_modal(modal, {"reason": "Article 4 is unclear"}))
    poll_id = consent.embeds[0].footer.text.split("#")[-1]
    demo.show(admin.name, await admin.slash(general, "poll close", poll_id=int(poll_id)))
    closed = await Poll.get(id=int(poll_id))
    demo.say(next(m for m in general.history() if m.id == closed.results_message_id).embeds[0].description)

    demo.show(demo.members[2].name, await demo.members[2].slash(general, "decisions"))


QUESTION = N_("Shall we buy a shared cargo bike?")
OPTIONS = (N_("Yes, this spring"), N_("Yes, next year"), N_("No"))


async def furnish(demo) -> None:
    """An open single-choice poll in #decisions with four votes, closing in three days."""
    decisions = demo.channel("decisions")
    options = "; ".join(demo.label(option) for option in OPTIONS)
    await demo.admin.slash(decisions, "poll create", question=demo.label(QUESTION), options=options, kind="single")
    poll = await Poll.filter(guild_id=demo.guild.id).order_by("-id").first()
    card = next(message for message in decisions.history() if message.id == poll.message_id)
    voters = [demo.people["buddy"], demo.members[1], demo.members[2], demo.people["coordinator"]]
    for voter, option in zip(voters, (0, 0, 1, 2), strict=True):
        await voter.click(card, custom_id=f"poll:vote:{poll.pk}:{option}")
    await demo.advance(6)  # the card's tally refreshes a few seconds after the votes
