"""What an admin changes with /setup applies to the very next thing the bot does.

The server's configuration is kept in memory once read (gromada.guild_config); each test
lets the bot read it first (a newcomer joins, a poll is made), then changes it and checks
that the next action follows the change.
"""

from __future__ import annotations

from cogs.polls.cog import CREATE_COOLDOWN
from models.core import ValueCard
from tests.cogs.setup.test_setup_commands import PACK_TOML
from tests.helpers import Server, quickstarted, refusal, shown, wait_out


async def join(server: Server, name: str):
    newcomer = server.guild.add_member(server.env.create_user(name))
    await server.env.settle()
    return newcomer


def welcome_of(server: Server, newcomer, channel: str = "welcome"):
    """The first message of the newcomer's private welcome thread in `channel`."""
    for thread in server.guild.channels[channel].threads:
        first = thread.history()[0]
        if f"<@{newcomer.id}>" in first.content:
            return first
    raise AssertionError(f"{newcomer} has no welcome thread in #{channel}")


async def test_a_new_welcome_channel_serves_the_next_newcomer(simcord_env):
    server = await quickstarted(simcord_env)
    first = await join(server, "first")
    arrivals = server.guild.create_text_channel("arrivals")
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup channel", purpose="welcome", channel=arrivals)
    second = await join(server, "second")

    assert "welcome is now" in shown(result)
    assert welcome_of(server, first)
    assert welcome_of(server, second, channel="arrivals")


async def test_a_newcomer_role_bound_with_setup_is_given_to_the_next_newcomer(simcord_env):
    server = await quickstarted(simcord_env)
    await join(server, "first")
    guests = server.guild.create_role("Guests")
    await simcord_env.settle()

    await server.admin.slash(server.general, "setup role", purpose="newcomer", role=guests)
    second = await join(server, "second")

    roles = {role.name for role in server.guild.me.guild.get_member(second.id).roles}
    assert "Guests" in roles and "Newcomer" not in roles


async def test_the_server_language_speaks_to_the_next_newcomer(simcord_env):
    server = await quickstarted(simcord_env)
    first = await join(server, "first")

    await server.admin.slash(server.general, "setup language", language="pl")
    second = await join(server, "second")

    assert welcome_of(server, first).embeds[0].title == "We cooperate"
    welcome = welcome_of(server, second)
    assert welcome.embeds[0].title == "Współpracujemy"
    assert welcome.content.startswith("Witaj")


async def test_imported_values_are_shown_to_the_next_newcomer(simcord_env):
    server = await quickstarted(simcord_env)
    first = await join(server, "first")

    await server.admin.slash(server.general, "setup import", file=("wartosci.toml", PACK_TOML.encode("utf-8")))
    second = await join(server, "second")

    assert welcome_of(server, first).embeds[0].title == "We cooperate"
    assert welcome_of(server, second).embeds[0].title == "Solidarność"


SECOND_PACK_TOML = """
[[values]]
title = "Równość"
body = "Każdy głos waży tyle samo."
"""


async def test_a_second_import_replaces_the_cards_and_leaves_another_servers_alone(simcord_env):
    server = await quickstarted(simcord_env)
    other = await quickstarted(simcord_env)
    await other.admin.slash(other.general, "setup import", file=("wartosci.toml", PACK_TOML.encode("utf-8")))
    await server.admin.slash(server.general, "setup import", file=("wartosci.toml", PACK_TOML.encode("utf-8")))

    result = await server.admin.slash(server.general, "setup import", file=("nowe.toml", SECOND_PACK_TOML.encode()))
    here = await join(server, "here")
    there = await join(other, "there")

    assert "values: 1 item imported." in shown(result)
    card = welcome_of(server, here).embeds[0]
    assert (card.title, card.footer.text) == ("Równość", "Value 1 of 1")
    assert await ValueCard.filter(guild_id=server.guild.id).values_list("title", flat=True) == ["Równość"]
    # The other server keeps the cards it imported.
    card = welcome_of(other, there).embeds[0]
    assert (card.title, card.footer.text) == ("Solidarność", "Value 1 of 2")
    stored = ValueCard.filter(guild_id=other.guild.id).order_by("position").values_list("title", flat=True)
    assert await stored == ["Solidarność", "Jawność"]


async def test_an_option_changed_with_setup_decides_the_next_command(simcord_env):
    server = await quickstarted(simcord_env)
    member = server.guild.add_member(simcord_env.create_user("marta"), roles=[server.guild.roles["Member"]])
    await simcord_env.settle()
    opened = await member.slash(server.general, "poll create", question="Picnic?", options="yes; no")
    await wait_out(simcord_env, CREATE_COOLDOWN)

    await server.admin.slash(server.general, "setup option", key="polls_creators", value="moderators")
    refused = await member.slash(server.general, "poll create", question="Picnic again?", options="yes; no")

    assert "is open for" in shown(opened)
    assert "Only moderators can create polls" in refusal(simcord_env, refused)
