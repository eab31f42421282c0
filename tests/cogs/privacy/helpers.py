"""A server where one member used every feature, built through each feature's own flows or services."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tortoise import Tortoise

from cogs.mediation import service as mediation
from cogs.purchases import service as purchases
from gromada.scheduler import now
from models.mediation import Ticket
from models.purchases import Purchase
from tests.cogs.mediation.helpers import MediationServer
from tests.helpers import shown

AGREEMENT = "Borys takes Mondays, Dmitrij takes Thursdays."


async def closed_ticket(server: MediationServer, requester=None, *, with_party: bool = True) -> Ticket:
    """A mediation the member asked for, with the other party invited, talked through and closed."""
    requester = requester or server.requester
    await server.request(requester, what="We argue about the garden shifts.", hoped="A fair rota.")
    ticket = await Ticket.filter(requester_id=requester.id).order_by("-id").first()
    mira = server.mediators[0]
    await mira.click(server.alert(ticket), label="Claim")
    space = server.space(ticket)
    if with_party:
        claimed = await Ticket.get(id=ticket.pk)
        await mediation.invite_party(claimed, server.other_party.id, mira.id, now(), is_bot=False)
    await requester.send(space, f"Here is the rota, <@{server.other_party.id}>.")
    await mira.send(space, f"Thank you <@{requester.id}>, let us find a fair split.")
    await mediation.add_note(ticket, mira.id, "Borys seems tired; go gently.", now())
    form = await mira.slash(space, "ticket close")
    result = await mira.submit_modal(form, {"outcome": AGREEMENT})
    assert "is closed" in shown(result), shown(result)
    return await Ticket.get(id=ticket.pk)


async def purchase_with_orders(
    server: MediationServer, title: str, orders: dict[int, str], *, close: bool = True
) -> Purchase:
    """A purchase by a coordinator (an admin here), with these members' orders of one item."""
    moment = now()
    row = await purchases.open_purchase(
        guild_id=server.guild.id, user_id=server.admin.id, title=title, deadline="3d", now=moment, delivery_fee="9"
    )
    item = await purchases.add_item(
        guild_id=server.guild.id, purchase_id=row.pk, name="Apples", unit="kg", price="4.50"
    )
    await purchases.mark_published(row.pk, server.general.id, 1)
    for user_id, quantity in orders.items():
        await purchases.set_quantity(
            guild_id=server.guild.id,
            purchase_id=row.pk,
            item_id=item.pk,
            user_id=user_id,
            quantity=quantity,
            now=moment,
        )
    if close:
        assert await purchases.close_purchase(row.pk, moment + timedelta(seconds=1))
    return await Purchase.get(id=row.pk)


async def mark_paid(server: MediationServer, purchase: Purchase, user_id: int) -> None:
    """The coordinator (an admin here) marks this member's bill paid."""
    await purchases.set_paid(
        guild_id=server.guild.id, purchase_id=purchase.pk, user_id=user_id, paid=True, by=server.admin.id, now=now()
    )


async def tables_holding(user_id: int) -> dict[str, list[str]]:
    """Every table and column, read with raw SQL, where the id still appears (as a number or in text)."""
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "sqlite":
        _, rows = await connection.execute_query("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [row["name"] for row in rows if not row["name"].startswith("sqlite_")]
    else:
        _, rows = await connection.execute_query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        tables = [row["table_name"] for row in rows]
    found: dict[str, list[str]] = {}
    for table in tables:
        for row in await connection.execute_query_dict(f'SELECT * FROM "{table}"'):
            for column, value in row.items():
                if value == user_id or (isinstance(value, str | bytes | dict | list) and str(user_id) in str(value)):
                    found.setdefault(table, []).append(column)
    return found


async def exported_file(actor) -> tuple[str, dict[str, Any]]:
    """The member's last DM: its text and the JSON file attached."""
    messages = actor.user.dm_channel.history()
    message = next(m for m in reversed(messages) if m.attachments)
    data = json.loads((await message.attachments[0].read()).decode("utf-8"))
    text = "\n".join(m.content for m in messages)
    return text, data
