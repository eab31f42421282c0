"""Arranging activity scenes on a quickstarted server: planning one, its cards, its dates."""

from __future__ import annotations

from datetime import datetime, timedelta

from cogs.activities.service import CHANNEL_PURPOSE
from models.activities import ActivityOccurrence
from tests.helpers import Server


def local(moment: datetime) -> str:
    """A moment as a coordinator types it (the server's clock is UTC unless set otherwise)."""
    return moment.strftime("%Y-%m-%d %H:%M")


def days_ahead(env, days: float, hour: int = 10) -> str:
    """A start `days` from the simulated now, at `hour`:00 UTC."""
    moment = (env.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return local(moment)


async def plan(server: Server, title: str, start: str, seats: int = 3, duration: str = "2h", **options):
    return await server.admin.slash(
        server.general, "activity create", title=title, start=start, duration=duration, seats=seats, **options
    )


def activities_channel(server: Server):
    """#activities, under the name quickstart gave it in the server's language (#działania…)."""
    return next(channel for name, channel in server.guild.channels.items() if name in CHANNEL_PURPOSE.names())


def cards(server: Server) -> list:
    """The activity cards in #activities, oldest first."""
    return [message for message in activities_channel(server).history() if message.embeds]


def card_of(server: Server, occurrence: ActivityOccurrence):
    return next(message for message in activities_channel(server).history() if message.id == occurrence.message_id)


def seats_field(message) -> str:
    return next(field.value for field in message.embeds[0].fields if field.name == "Seats")


def events(server: Server) -> list:
    """The server's Discord Scheduled Events, as the backend holds them."""
    return list(server.env.backend.get_guild(server.guild.id).scheduled_events.values())


async def advance_to(env, moment: datetime, *, step: timedelta = timedelta(days=7)) -> None:
    """Move the clock to `moment` a week at a time: each step's deadlines (window checks,
    reminders, the daily sweeps of other features) settle before the next, on PostgreSQL too."""
    while env.now() < moment:
        await env.advance_time(min(step, moment - env.now()).total_seconds())
