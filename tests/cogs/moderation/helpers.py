"""A server after quickstart, with a moderator, a member and a buddy to act on."""

from __future__ import annotations

import discord

from models.moderation import ModCase
from tests.helpers import Server


class ModServer(Server):
    def __init__(self, env) -> None:
        super().__init__(env)
        self.buddy = None
        self.moderator = None

    async def ready(self) -> ModServer:
        await self.env.settle()
        await self.admin.slash(self.general, "setup quickstart")
        roles = self.guild.roles
        self.moderator = self.guild.add_member(self.env.create_user("marta_mod"), roles=[roles["Moderator"]])
        self.buddy = self.guild.add_member(self.env.create_user("bartek_buddy"), roles=[roles["Buddy"]])
        await self.env.settle()
        return self

    @property
    def mod_log(self):
        return self.guild.channels["mod-log"]

    def log_embeds(self) -> list[discord.Embed]:
        return [message.embeds[0] for message in self.mod_log.history() if message.embeds]

    def dms(self, actor) -> list[str]:
        return [message.content for message in getattr(actor, "user", actor).dm_channel.history() if message.author.bot]

    def dm_path(self, actor) -> str:
        return f"/channels/{getattr(actor, 'user', actor).dm_channel.id}/messages"


def field(embed: discord.Embed, name: str) -> str:
    return next(item.value for item in embed.fields if item.name == name)


async def cases(guild_id: int) -> list[ModCase]:
    return await ModCase.filter(guild_id=guild_id).order_by("number")
