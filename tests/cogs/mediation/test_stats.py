"""/ticket stats: counts by state, medians and the average rating, small counts hidden."""

from datetime import timedelta

import discord

from models.mediation import Ticket, TicketStatus
from tests.cogs.mediation.helpers import MediationServer, mediation_server
from tests.helpers import refusal, shown, speaking


async def seed(server: MediationServer, status: TicketStatus, count: int, *, rating=None, days_ago=1) -> None:
    start = discord.utils.utcnow() - timedelta(days=days_ago)
    for index in range(count):
        await Ticket.create(
            guild_id=server.guild.id,
            requester_id=1000 + index,
            channel_id=int(f"9{days_ago:03d}{index:04d}{len(status)}"),
            status=status,
            what_happened="x",
            hoped_outcome="y",
            created_at=start,
            claimed_at=start + timedelta(hours=2) if status != TicketStatus.OPEN else None,
            closed_at=start + timedelta(hours=20) if status == TicketStatus.CLOSED else None,
            rating=rating,
        )


async def test_stats_show_figures_and_hide_counts_under_five(simcord_env):
    server = await mediation_server(simcord_env)
    await seed(server, TicketStatus.CLOSED, 6, rating=4)
    await seed(server, TicketStatus.OPEN, 2)
    await seed(server, TicketStatus.CLOSED, 3, days_ago=200)  # outside the window

    result = await server.mediators[0].slash(server.general, "ticket stats", days=30)

    text = shown(result)
    assert result.ephemeral
    assert "Requests: 8" in text
    assert "Waiting: <5" in text
    assert "Being mediated: <5" in text
    assert "Closed: 6" in text
    assert "Median time to claim: 2 hours" in text
    assert "Median time to close: 20 hours" in text
    assert "Average rating: 4.0/5 (6 ratings)" in text


async def test_stats_agree_with_their_numbers_in_polish_and_russian(simcord_env, monkeypatch):
    server = await mediation_server(simcord_env)
    await seed(server, TicketStatus.CLOSED, 22, rating=5)
    mediator = server.mediators[0]

    with speaking(monkeypatch, mediator, "pl"):
        polish = shown(await mediator.slash(server.general, "ticket stats", days=22))
    with speaking(monkeypatch, mediator, "ru"):
        russian = shown(await mediator.slash(server.general, "ticket stats", days=21))

    assert polish.startswith("**Mediacje z ostatnich 22 dni**")
    assert "Średnia ocena: 5.0/5 (22 oceny)" in polish
    assert russian.startswith("**Медиация: итоги за 21 день**")
    assert "Средняя оценка: 5.0/5 (22 оценки)" in russian
    assert "Медианное время до принятия в работу: 2 часа" in russian


async def test_stats_with_few_tickets_reveal_no_medians(simcord_env):
    server = await mediation_server(simcord_env)
    await seed(server, TicketStatus.CLOSED, 2, rating=1)

    text = shown(await server.mediators[0].slash(server.general, "ticket stats"))

    assert "Requests: <5" in text and "Closed: <5" in text
    assert "Median time to close: not enough tickets" in text
    assert "Average rating: not enough ratings (<5 ratings)" in text


async def test_stats_are_for_staff_only(simcord_env):
    server = await mediation_server(simcord_env)

    result = await server.outsider.slash(server.general, "ticket stats")

    assert "Only mediators and moderators" in refusal(simcord_env, result)
