"""A server after quickstart, with a moderator, a member and a buddy to act on."""

from __future__ import annotations

import discord

from models.moderation import ModCase
from tests.helpers import Server, quickstarted


class ModerationServer(Server):
    """A server with a moderator and a buddy besides the admin and member: build it with moderation_server()."""

    def __init__(self, env) -> None:
        super().__init__(env)
        self.buddy = None
        self.moderator = None

    @property
    def mod_log(self):
        return self.guild.channels["mod-log"]

    def log_embeds(self) -> list[discord.Embed]:
        return [message.embeds[0] for message in self.mod_log.history() if message.embeds]

    def dm_path(self, actor) -> str:
        return f"/channels/{getattr(actor, 'user', actor).dm_channel.id}/messages"


async def moderation_server(env) -> ModerationServer:
    server = await quickstarted(env, server_class=ModerationServer)
    server.moderator = server.add_member("marta_mod", await server.role_for("moderator"))
    server.buddy = server.add_member("bartek_buddy", await server.role_for("buddy"))
    await env.settle()
    return server


def field(embed: discord.Embed, name: str) -> str:
    return next(item.value for item in embed.fields if item.name == name)


async def cases(guild_id: int) -> list[ModCase]:
    return await ModCase.filter(guild_id=guild_id).order_by("number")
