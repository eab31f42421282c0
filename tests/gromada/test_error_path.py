"""One error path: domain errors become localised ephemeral replies, bugs get an incident id."""

import logging
import re
from datetime import UTC, datetime

import discord
import pytest
from discord import app_commands

from gromada.errors import LimitReached, Relative
from gromada.i18n import N_
from gromada.ui import BaseView
from tests.helpers import Server, refusal, shown


class BrokenView(BaseView):
    @discord.ui.button(label="Explode", custom_id="test:explode")
    async def explode(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise KeyError("a bug in a button")

    @discord.ui.button(label="Full", custom_id="test:full")
    async def full(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise LimitReached(N_("The value must be between {minimum} and {maximum}."), minimum=1, maximum=3)


@pytest.fixture
def simcord_bot(simcord_bot):
    """The real bot and error handler, with three commands that fail in known ways."""

    @app_commands.command(name="explode", description="fails with a bug")
    async def explode(interaction: discord.Interaction) -> None:
        raise RuntimeError("a bug in a command")

    @app_commands.command(name="limited", description="fails with a domain error")
    async def limited(interaction: discord.Interaction) -> None:
        raise LimitReached(N_("The value must be between {minimum} and {maximum}."), minimum=1, maximum=3)

    @app_commands.command(name="buttons", description="posts buttons that fail")
    async def buttons(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Try these", view=BrokenView())

    for command in (explode, limited, buttons):
        simcord_bot.tree.add_command(command)
    return simcord_bot


async def test_domain_error_is_shown_as_its_message(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.member.slash(server.general, "limited")

    assert refusal(simcord_env, result) == "The value must be between 1 and 3."


def test_a_relative_moment_in_an_error_reads_as_discord_relative_time():
    until = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    error = LimitReached(N_("You can try again {when}."), when=Relative(until))

    assert error.render("en") == f"You can try again <t:{int(until.timestamp())}:R>."
    assert str(error) == error.render("en")  # the English text in logs reads the same


def test_a_plain_moment_in_an_error_reads_as_a_date_and_time():
    # "until in 3 days" would not read: a moment not asked for as relative is a date.
    until = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    error = LimitReached(N_("The poll is closed until {when}."), when=until)

    assert error.render("en") == f"The poll is closed until <t:{int(until.timestamp())}:f>."


async def test_unexpected_exception_shows_an_incident_id_that_is_logged(simcord_env, caplog, incidents):
    server = Server(simcord_env)
    await simcord_env.settle()

    with caplog.at_level(logging.ERROR, logger="gromada.error_handler"):
        result = await server.member.slash(server.general, "explode")

    assert result.ephemeral
    incident = re.search(r"incident id ([0-9A-F]{8})", shown(result)).group(1)
    logged = [record for record in caplog.records if incident in record.getMessage()]
    assert logged and "a bug in a command" in str(logged[0].exc_info[1])
    assert [type(error.__cause__ or error).__name__ for error in simcord_env.errors] == ["RuntimeError"]
    assert [str(error) for error in incidents.take()] == ["a bug in a command"]


async def test_views_route_to_the_same_error_path(simcord_env, caplog, incidents):
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.member.slash(server.general, "buttons")
    message = server.general.last_message

    with caplog.at_level(logging.ERROR, logger="gromada.error_handler"):
        crashed = await server.member.click(message, label="Explode")
    refused = await server.member.click(message, label="Full")

    assert crashed.ephemeral and "incident id" in shown(crashed)
    assert any("incident" in record.getMessage() for record in caplog.records)
    assert refused.ephemeral and shown(refused) == "The value must be between 1 and 3."
    simcord_env.errors  # noqa: B018 - both failures were handled and shown; acknowledge them
    assert [repr(error) for error in incidents.take()] == [repr(KeyError("a bug in a button"))]
