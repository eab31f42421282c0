"""Arranging volunteer-role scenes on a quickstarted server: roles, panels, holders."""

from __future__ import annotations

from tests.helpers import Server


async def create_role(server: Server, name: str, seats: int, **options):
    return await server.admin.slash(server.general, "volunteer role create", name=name, seats=seats, **options)


def panel_message(server: Server):
    channel = server.guild.channels["volunteers"]
    panels = [m for m in channel.history() if m.embeds and m.embeds[0].title == "Volunteer roles"]
    assert len(panels) == 1, f"expected one panel, found {len(panels)}"
    return panels[0]


def role_id(server: Server, name: str) -> int:
    return server.role(name).id


def holders(server: Server, name: str) -> set[int]:
    role = server.guild.me.guild.get_role(role_id(server, name))
    return {m.id for m in role.members}
