"""Arranging initiative scenarios: a set-up server, people, and proposals made through the modal."""

from __future__ import annotations

from models.initiatives import Initiative
from tests.helpers import Server


class InitiativeServer(Server):
    """A server with three more members to support proposals; quickstart it with quickstarted()."""

    def __init__(self, env) -> None:
        super().__init__(env)
        self.supporters = [self.add_member(name) for name in ("celina", "dmitrij", "edward")]

    @property
    def proposals(self):
        return self.channel("initiatives")

    async def propose(self, actor=None, title: str = "Community garden", **fields) -> tuple:
        actor = actor or self.member
        form = await actor.slash(self.general, "initiative propose")
        values = {
            "title": title,
            "goal": fields.get("goal", "Grow vegetables together behind the community hall."),
            "needs": fields.get("needs", "Seeds, tools and four pairs of hands."),
            "first_step": fields.get("first_step", "Ask the landlord about the plot."),
        }
        result = await actor.submit_modal(form, values)
        return result, await Initiative.filter(title=title).order_by("-id").first()

    def card(self, initiative: Initiative):
        return next(m for m in self.proposals.history() if m.id == initiative.card_message_id)


def field(message, name: str) -> str:
    return next(f.value for f in message.embeds[0].fields if f.name == name)


async def open_initiative(server: InitiativeServer, title: str = "Community garden"):
    """A proposal that reached the threshold: its channel exists."""
    _, initiative = await server.propose(title=title)
    for supporter in server.supporters[:2]:
        await supporter.click(server.card(initiative), label="Support")
    await initiative.refresh_from_db()
    return initiative, server.guild.channels[initiative.slug]
