"""Replies come in the person's language, else the server's; commands are localised too."""

from gromada import guild_config
from tests.helpers import Server, refusal, shown, speaking


async def test_polish_admin_gets_polish_replies(simcord_env, monkeypatch):
    server = Server(simcord_env)
    await simcord_env.settle()

    with speaking(monkeypatch, server.admin, "pl"):
        result = await server.admin.slash(server.general, "setup language", language="ru")

    assert shown(result) == "Język serwera to teraz ru."
    assert await guild_config.language(server.guild.id) == "ru"


async def test_russian_member_is_refused_in_russian(simcord_env, monkeypatch):
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.open_command_to("setup", server.member)

    with speaking(monkeypatch, server.member, "ru"):
        result = await server.member.slash(server.general, "setup show")

    assert refusal(simcord_env, result) == "Для этого нужно разрешение «Управлять сервером»."


async def test_unknown_locale_falls_back_to_the_server_language(simcord_env, monkeypatch):
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.admin.slash(server.general, "setup language", language="pl")

    with speaking(monkeypatch, server.admin, "de"):
        result = await server.admin.slash(server.general, "setup language", language="pl")

    assert shown(result) == "Język serwera to teraz pl."


async def test_command_names_and_descriptions_are_localised(simcord_env):
    commands = {command.name: command for command in await simcord_env.bot.tree.fetch_commands()}
    setup = commands["setup"]
    localised_names = {str(locale): name for locale, name in setup.name_localizations.items()}
    localised_descriptions = {str(locale): text for locale, text in setup.description_localizations.items()}

    assert localised_names == {"pl": "konfiguracja", "ru": "настройка"}
    assert localised_descriptions["pl"] == "Skonfiguruj Gromadę na tym serwerze"
