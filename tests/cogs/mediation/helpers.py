"""A server after quickstart with mediators, a requester and an uninvolved member."""

from __future__ import annotations

import discord
from simcord.backend.access import can_access_channel

from models.mediation import Ticket
from tests.helpers import Server, quickstarted


class MediationServer(Server):
    """Mediators, a requester (the member), an outsider and another party: build it with mediation_server()."""

    def __init__(self, env) -> None:
        super().__init__(env)
        self.requester = self.member
        self.outsider = self.add_member("celina")
        self.other_party = self.add_member("dmitrij")
        self.mediators: list = []

    @property
    def mediation(self):
        return self.channel("mediation")

    @property
    def log(self):
        return self.channel("mediation-log")

    def panel(self) -> discord.Message:
        return next(m for m in self.mediation.history() if m.components)

    async def request(self, actor=None, *, what="We argue about the garden shifts.", parties="", hoped="A fair rota."):
        actor = actor or self.requester
        shown = await actor.click(self.panel(), label="Request mediation")
        values = {"what_happened": what, "hoped_outcome": hoped}
        if parties:
            values["parties"] = parties
        return await actor.submit_modal(shown, values)

    def space(self, ticket: Ticket):
        return next(handle for handle in self.guild.channels.values() if handle.id == ticket.channel_id)

    def alert(self, ticket: Ticket) -> discord.Message:
        return next(m for m in self.log.history() if m.id == ticket.alert_message_id)

    def can_read(self, actor, ticket: Ticket) -> bool:
        return can_access_channel(self.env, ticket.channel_id, actor, history=True)

    def can_read_channel(self, actor, channel) -> bool:
        return can_access_channel(self.env, channel.id, actor, history=True)


async def mediation_server(env, *, mediators: tuple[str, ...] = ("mira", "marek")) -> MediationServer:
    server = await quickstarted(env, server_class=MediationServer)
    mediator = await server.role_for("mediator")
    server.mediators = [server.add_member(name, mediator) for name in mediators]
    await env.settle()
    return server
