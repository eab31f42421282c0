"""Arranging volunteer-role scenes: a server after quickstart, roles, panels, DMs."""

from __future__ import annotations

from tests.helpers import Server


async def ready_server(env) -> Server:
    server = Server(env)
    await env.settle()
    await server.admin.slash(server.general, "setup quickstart")
    return server


def member(server: Server, name: str, roles=()):
    return server.guild.add_member(server.env.create_user(name), roles=list(roles))


async def create_role(server: Server, name: str, seats: int, **options):
    return await server.admin.slash(server.general, "volunteer role create", name=name, seats=seats, **options)


def panel_message(server: Server):
    channel = server.guild.channels["volunteers"]
    panels = [m for m in channel.history() if m.embeds and m.embeds[0].title == "Volunteer roles"]
    assert len(panels) == 1, f"expected one panel, found {len(panels)}"
    return panels[0]


def role_id(server: Server, name: str) -> int:
    return server.role(name).id


def last_dm(env, actor):
    return actor.user.dm_channel.last_message


def holders(server: Server, name: str) -> set[int]:
    role = server.guild.me.guild.get_role(role_id(server, name))
    return {m.id for m in role.members}
