"""Messages name slash commands by mention, which Discord shows in each reader's language."""

import ast
import asyncio
from pathlib import Path

import discord
import pytest
from discord import app_commands

from gromada.bot import create_bot
from gromada.commands import mention
from gromada.errors import NotConfigured
from gromada.i18n_catalogs import loaded_tree
from tests.helpers import Server, command_mention, refusal

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def simcord_bot(simcord_bot):
    """The real bot, with a command that needs a server set up first."""

    @app_commands.command(name="unready", description="refuses: the server is not set up")
    async def unready(interaction: discord.Interaction) -> None:
        raise NotConfigured()

    simcord_bot.tree.add_command(unready)
    return simcord_bot


async def test_a_refusal_mentions_the_command_to_run_once_the_commands_are_synced(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.member.slash(server.general, "unready")

    quickstart = await command_mention(simcord_env, "setup quickstart")
    assert refusal(simcord_env, result) == f"This server is not set up for that yet. An admin can run {quickstart}."


async def test_a_bot_started_without_syncing_reads_the_ids_from_discord(simcord_env, settings):
    server = Server(simcord_env)
    await simcord_env.settle()

    bot = create_bot(settings.model_copy(update={"sync_commands": False}))
    bot.tree.add_command(simcord_env.bot.tree.get_command("unready"))
    await simcord_env.restart_bot(bot)
    result = await server.member.slash(server.general, "unready")

    assert await command_mention(simcord_env, "setup quickstart") in refusal(simcord_env, result)
    assert mention(bot, "volunteer role create") == await command_mention(simcord_env, "volunteer role create")


async def test_when_discord_cannot_list_the_commands_they_are_named_in_plain_text(simcord_env, settings):
    server = Server(simcord_env)
    await simcord_env.settle()
    application = simcord_env.bot.application_id

    bot = create_bot(settings.model_copy(update={"sync_commands": False}))
    bot.tree.add_command(simcord_env.bot.tree.get_command("unready"))
    simcord_env.inject_error("GET", f"/applications/{application}/commands", status=500)
    await simcord_env.restart_bot(bot)
    result = await server.member.slash(server.general, "unready")

    assert refusal(simcord_env, result) == "This server is not set up for that yet. An admin can run /setup quickstart."


def _named_commands() -> set[str]:
    """Every command the code names as `mention(bot, "…")` or `Command("…")`."""
    named = set()
    for path in [*ROOT.glob("gromada/*.py"), *ROOT.glob("cogs/*/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            arguments = {"mention": node.args[1:2], "Command": node.args[:1]}.get(function, [])
            named |= {arg.value for arg in arguments if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    return named


def test_every_command_a_message_names_exists():
    tree = asyncio.run(loaded_tree())
    existing = {command.qualified_name for command in tree.walk_commands()}
    named = _named_commands()

    assert {"setup quickstart", "initiative reopen", "volunteer role create"} <= named
    assert named <= existing, f"not a command: {sorted(named - existing)}"
