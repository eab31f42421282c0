"""A cooperative's server for purchase tests: a coordinator, a treasurer and three members."""

from __future__ import annotations

import discord
from simcord.components import walk_components

from models.purchases import Purchase
from tests.helpers import Server, quickstarted, shown


class CoopServer(Server):
    """A server with an order coordinator, a treasurer and three members: build it with coop_server()."""

    def __init__(self, env) -> None:
        super().__init__(env)
        self.coordinator = None
        self.treasurer = None
        self.members: list = []

    async def open(self, title="Vegetables", deadline="20m", **options) -> Purchase:
        result = await self.coordinator.slash(self.general, "purchase open", title=title, deadline=deadline, **options)
        assert "#" in shown(result), shown(result)
        return await Purchase.filter(title=title).order_by("-id").first()

    async def item(self, purchase: Purchase, name: str, unit: str, price: str, **options):
        return await self.coordinator.slash(
            self.general, "purchase item", purchase=purchase.pk, name=name, unit=unit, price=price, **options
        )

    async def publish(self, purchase: Purchase):
        result = await self.coordinator.slash(self.general, "purchase publish", purchase=purchase.pk)
        await purchase.refresh_from_db()
        return result

    def card(self, purchase: Purchase):
        return next(message for message in self.general.history() if message.id == purchase.message_id)

    async def order(self, actor, purchase: Purchase, item_id: int, quantity: str):
        """Order button → select the item → type the quantity; returns the cart shown after."""
        cart = await actor.click(self.card(purchase), custom_id=f"purchase:order:{purchase.pk}")
        return await self.choose(actor, cart, purchase, item_id, quantity)

    async def choose(self, actor, cart, purchase: Purchase, item_id: int, quantity: str, page: int = 0):
        modal = await actor.select(cart.response, [str(item_id)], custom_id=f"purchase:pick:{purchase.pk}:{page}")
        assert modal.modal is not None, shown(modal)
        return await actor.submit_modal(modal, {"quantity": quantity})

    def buttons(self, message) -> list[str]:
        """The custom_ids of the buttons on a message that can still be pressed."""
        if message.components and isinstance(message.components[0], dict):  # an interaction's response
            found = walk_components(message.components)
            return [
                c["custom_id"] for c in found if c.get("type") == 2 and c.get("custom_id") and not c.get("disabled")
            ]
        return [
            child.custom_id
            for row in message.components
            for child in row.children
            if isinstance(child, discord.Button) and child.custom_id and not child.disabled
        ]

    def prompt(self, item_id: int):
        """The latest message in the channel asking coordinators about this short item."""
        wanted = f"purchase:drop:{item_id}"
        return next(
            message
            for message in reversed(list(self.general.history()))
            if any(child.custom_id == wanted for row in message.components for child in row.children)
        )

    async def decide(self, item_id: int, choice: str, actor=None):
        """A coordinator presses drop / extend / buy for a short item on the prompt in the channel."""
        actor = actor or self.coordinator
        return await actor.click(self.prompt(item_id), custom_id=f"purchase:{choice}:{item_id}")


async def coop_server(env) -> CoopServer:
    coop = await quickstarted(env, server_class=CoopServer)
    # Quickstart creates these as volunteer roles, bound to no purpose until a server binds them.
    coop.coordinator = coop.add_member("olga", coop.guild.roles["Order coordinator"])
    coop.treasurer = coop.add_member("tomasz", coop.guild.roles["Treasurer"])
    coop.members = [coop.member] + [coop.add_member(name) for name in ("celina", "dmitrij")]
    await env.settle()
    return coop
