"""/setup show, channel, role, language, option and import, as an admin uses them."""

import discord
import pytest

from cogs.setup import service
from gromada import guild_config
from gromada.guild_config import declare_int
from gromada.i18n import N_
from models.core import BindingKind, ValueCard
from tests.helpers import Server, quickstarted, refusal, shown, speaking


@pytest.fixture(autouse=True)
def declared_option():
    """An option as a feature declares one; /setup option serves whatever is declared."""
    declare_int("test_threshold", 3, 1, 50, N_("Supporters needed"))
    yield
    guild_config.OPTIONS.pop("test_threshold")


PACK_TOML = """
[[values]]
title = "Solidarność"
body = "Pomagamy sobie nawzajem."

[[values]]
title = "Jawność"
body = "Wszystko, co wspólne, jest widoczne."
"""

BAD_PACK_YAML = """values:
  - title: Openness
    body: Everything we share is visible.
  - title: Care
"""


async def test_show_lists_language_bindings_and_options(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(server.general, "setup show")

    embed = result.response.embeds[0]
    fields = {field.name: field.value for field in embed.fields}
    assert result.ephemeral
    assert fields["Language"] == "en"
    assert "mod_log: <#" in fields["Channels"]
    assert "moderator: <@&" in fields["Roles"]
    assert "test_threshold: 3" in fields["Options"]


async def test_channel_and_role_rebind_a_purpose(simcord_env):
    server = await quickstarted(simcord_env)
    elsewhere = server.guild.create_text_channel("kitchen-table")
    stewards = server.guild.create_role("Stewards")
    await simcord_env.settle()

    bound_channel = await server.admin.slash(server.general, "setup channel", purpose="decisions", channel=elsewhere)
    bound_role = await server.admin.slash(server.general, "setup role", purpose="moderator", role=stewards)

    assert shown(bound_channel) == f"decisions is now <#{elsewhere.id}>."
    assert shown(bound_role) == f"moderator is now <@&{stewards.id}>."
    assert await guild_config.binding(server.guild.id, BindingKind.CHANNEL, "decisions") == elsewhere.id
    assert await guild_config.binding(server.guild.id, BindingKind.ROLE, "moderator") == stewards.id


async def test_unknown_purpose_is_refused_and_nothing_changes(simcord_env):
    server = await quickstarted(simcord_env)
    before = await guild_config.bindings(server.guild.id)

    result = await server.admin.slash(server.general, "setup channel", purpose="kitchen", channel=server.general)

    assert refusal(simcord_env, result) == "“kitchen” is not a purpose for this kind of channel."
    assert await guild_config.bindings(server.guild.id) == before


async def test_option_is_validated_and_stored(simcord_env):
    server = await quickstarted(simcord_env)

    changed = await server.admin.slash(server.general, "setup option", key="test_threshold", value="5")
    too_big = await server.admin.slash(server.general, "setup option", key="test_threshold", value="500")
    unknown = await server.admin.slash(server.general, "setup option", key="nope", value="1")

    assert shown(changed) == "test_threshold is now 5."
    assert "between 1 and 50" in shown(too_big)
    assert "There is no option called “nope”." in shown(unknown)
    refusal(simcord_env, unknown)
    assert await guild_config.get_option(server.guild.id, "test_threshold") == 5


async def offered_options(server, typed: str) -> list[str]:
    return [choice["value"] for choice in await server.admin.autocomplete(server.general, "setup option", "key", typed)]


async def test_option_autocomplete_reaches_every_option_by_what_is_typed(simcord_env, monkeypatch):
    server = await quickstarted(simcord_env)
    assert len(guild_config.OPTIONS) > 25  # more than Discord shows at once

    assert len(await offered_options(server, "")) == 25
    for key in guild_config.OPTIONS:
        # The last words of its name, as a person types them ("escalation window").
        typed = " ".join(key.split("_")[-2:])
        offered = await offered_options(server, typed)
        assert key in offered, f"{key} is not offered for {typed!r}"
        assert len(offered) <= 25
    # Matched by name first, then by label (the warnings' label speaks of the escalation window).
    by_words = ["moderation_escalation_window", "moderation_escalation_warnings"]
    assert await offered_options(server, "Escalation_WINDOW") == by_words
    assert await offered_options(server, "window escalation") == by_words
    assert await offered_options(server, "kitchen") == []

    # By its label in the admin's language, too.
    with speaking(monkeypatch, server.admin, "pl"):
        assert await offered_options(server, "strefa czasowa") == ["timezone"]
    with speaking(monkeypatch, server.admin, "ru"):
        assert await offered_options(server, "часовой пояс") == ["timezone"]


async def test_import_replaces_the_values_cards(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(server.general, "setup import", file=("wartosci.toml", PACK_TOML.encode("utf-8")))

    assert "values: 2 items imported." in shown(result)
    cards = await service.values_cards(server.guild.id)
    assert [card.title for card in cards] == ["Solidarność", "Jawność"]


async def test_import_error_names_the_line_and_keeps_the_old_cards(simcord_env):
    server = await quickstarted(simcord_env)
    await server.admin.slash(server.general, "setup import", file=("wartosci.toml", PACK_TOML.encode()))

    result = await server.admin.slash(server.general, "setup import", file=("values.yaml", BAD_PACK_YAML.encode()))

    assert refusal(simcord_env, result).startswith("Line 4: values.1.body: Field required")
    assert await ValueCard.filter(guild_id=server.guild.id).count() == 2


async def test_import_refuses_other_file_types(simcord_env):
    server = await quickstarted(simcord_env)

    result = await server.admin.slash(server.general, "setup import", file=("values.txt", b"hello"))

    assert refusal(simcord_env, result) == "The content pack must be a .toml, .yaml or .yml file."


async def test_quickstart_in_polish_seeds_polish_values_and_role_names(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    await server.admin.slash(server.general, "setup quickstart", language="pl")

    guild = server.guild.me.guild
    assert await guild_config.language(guild.id) == "pl"
    assert discord.utils.get(guild.roles, name="Koordynator zamówień") is not None
    assert (await service.values_cards(guild.id))[0].title == "Współpracujemy"
