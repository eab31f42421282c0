"""/setup public enable, disable, rotate and show, as an admin uses them."""

import re

from aiohttp.test_utils import TestClient, TestServer

from cogs.public import service
from gromada.commands import mention
from gromada.web import make_app
from models.public import PublicSite
from tests.helpers import Server, refusal, shown

ADDRESS = re.compile(r"http://127\.0\.0\.1:8080/s/([A-Za-z0-9_-]{43})/")


def pages_off(env) -> str:
    """The refusal of a command that needs the pages on, pointing at the command that turns them on."""
    enable = mention(env.bot, "setup public enable")
    assert enable.startswith("</setup public enable:"), enable
    return f"The public pages of this server are off. Turn them on with {enable}."


def address_in(text: str) -> str:
    found = ADDRESS.search(text)
    assert found, text
    return found[1]


async def test_enable_shows_an_unguessable_address_that_serves_the_pages(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup public enable")

    assert result.ephemeral
    token = address_in(shown(result))
    assert "The public pages are on" in shown(result)
    assert "names are not shown" in shown(result)
    assert (await PublicSite.get(guild_id=server.guild.id)).token == token
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{token}/")).status == 200
        assert (await client.get(f"/s/{token[:-1]}x/")).status == 404


async def test_enabling_twice_keeps_the_address_and_show_repeats_it(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    first = address_in(shown(await server.admin.slash(server.general, "setup public enable")))

    again = await server.admin.slash(server.general, "setup public enable")
    show = await server.admin.slash(server.general, "setup public show")

    assert "already on" in shown(again)
    assert address_in(shown(again)) == first
    assert address_in(shown(show)) == first


async def test_rotate_replaces_the_address_and_the_old_one_stops_working(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    old = address_in(shown(await server.admin.slash(server.general, "setup public enable")))

    rotated = await server.admin.slash(server.general, "setup public rotate")

    new = address_in(shown(rotated))
    assert new != old
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{old}/")).status == 404
        assert (await client.get(f"/s/{new}/")).status == 200


async def test_disable_takes_the_pages_down_and_show_says_so(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    token = address_in(shown(await server.admin.slash(server.general, "setup public enable")))

    off = await server.admin.slash(server.general, "setup public disable")
    show = await server.admin.slash(server.general, "setup public show")
    again = await server.admin.slash(server.general, "setup public disable")

    assert "no longer works" in shown(off)
    assert "are off" in shown(show) and not ADDRESS.search(shown(show))
    assert "already off" in shown(again)
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{token}/")).status == 404
    back = address_in(shown(await server.admin.slash(server.general, "setup public enable")))
    assert back != token


async def test_rotate_while_off_is_refused(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup public rotate")

    assert "are off" in refusal(simcord_env, result)
    assert refusal(simcord_env, result) == pages_off(simcord_env)
    assert await PublicSite.filter(token__isnull=False).count() == 0


async def test_rotate_after_disable_is_refused_and_does_not_turn_the_pages_back_on(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    old = address_in(shown(await server.admin.slash(server.general, "setup public enable")))
    await server.admin.slash(server.general, "setup public disable")

    result = await server.admin.slash(server.general, "setup public rotate")
    show = await server.admin.slash(server.general, "setup public show")

    assert refusal(simcord_env, result) == pages_off(simcord_env)
    assert "are off" in shown(show) and not ADDRESS.search(shown(show))
    assert (await PublicSite.get(guild_id=server.guild.id)).token is None
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{old}/")).status == 404


async def test_pages_turned_off_during_a_rotation_are_reported_off_not_as_a_dead_address(simcord_env, monkeypatch):
    # Another admin's /setup public disable lands between the rotation and the reading of
    # the new token: the admin who rotated must not be shown an address that already fails.
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.admin.slash(server.general, "setup public enable")
    read_token = service.token_of

    async def token_read_just_after_a_disable(guild_id):
        await service.disable(guild_id)
        return await read_token(guild_id)

    monkeypatch.setattr(service, "token_of", token_read_just_after_a_disable)
    result = await server.admin.slash(server.general, "setup public rotate")

    assert refusal(simcord_env, result) == pages_off(simcord_env)
    assert not ADDRESS.search(shown(result))
    assert (await PublicSite.get(guild_id=server.guild.id)).token is None


async def test_show_on_a_server_that_never_published_says_the_pages_are_off(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup public show")

    enable = mention(simcord_env.bot, "setup public enable")
    assert shown(result) == f"The public pages are off. {enable} publishes them."
    assert await PublicSite.all().count() == 0


async def test_enabling_one_server_leaves_another_servers_pages_off(simcord_env):
    server, other = Server(simcord_env), Server(simcord_env)
    await simcord_env.settle()
    old = address_in(shown(await other.admin.slash(other.general, "setup public enable")))
    await other.admin.slash(other.general, "setup public disable")

    result = await server.admin.slash(server.general, "setup public enable")
    other_show = await other.admin.slash(other.general, "setup public show")

    token = address_in(shown(result))
    assert "are off" in shown(other_show) and not ADDRESS.search(shown(other_show))
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{token}/")).status == 200
        assert (await client.get(f"/s/{old}/")).status == 404


async def test_rotating_one_server_keeps_another_servers_address(simcord_env):
    server, other = Server(simcord_env), Server(simcord_env)
    await simcord_env.settle()
    mine = address_in(shown(await server.admin.slash(server.general, "setup public enable")))
    theirs = address_in(shown(await other.admin.slash(other.general, "setup public enable")))

    new = address_in(shown(await server.admin.slash(server.general, "setup public rotate")))

    assert new not in (mine, theirs)
    assert address_in(shown(await other.admin.slash(other.general, "setup public show"))) == theirs
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{theirs}/")).status == 200
        assert (await client.get(f"/s/{new}/")).status == 200


async def test_disabling_one_server_keeps_another_servers_pages_on(simcord_env):
    server, other = Server(simcord_env), Server(simcord_env)
    await simcord_env.settle()
    await server.admin.slash(server.general, "setup public enable")
    theirs = address_in(shown(await other.admin.slash(other.general, "setup public enable")))

    off = await server.admin.slash(server.general, "setup public disable")

    assert "no longer works" in shown(off)
    assert address_in(shown(await other.admin.slash(other.general, "setup public show"))) == theirs
    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get(f"/s/{theirs}/")).status == 200


async def test_members_without_manage_server_cannot_publish(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.open_command_to("setup", server.member)

    result = await server.member.slash(server.general, "setup public enable")

    assert "Manage Server" in refusal(simcord_env, result)
    assert await PublicSite.all().count() == 0


async def test_show_says_when_names_are_shown(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.admin.slash(server.general, "setup public enable")

    await server.admin.slash(server.general, "setup option", key="public_names", value="on")
    result = await server.admin.slash(server.general, "setup public show")

    assert "names are shown" in shown(result)


async def test_the_address_starts_with_the_configured_public_url(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.model_copy(
        update={"public_url": "https://gromada.example.org/"}
    )
    server = Server(simcord_env)
    await simcord_env.settle()

    result = await server.admin.slash(server.general, "setup public enable")

    assert re.search(r"https://gromada\.example\.org/s/[A-Za-z0-9_-]{43}/", shown(result))
