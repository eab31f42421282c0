"""Onboarding tests: a server after quickstart, with buddies, where mentions work as on Discord."""

from __future__ import annotations

import pytest
from simcord.backend import Backend
from simcord.enums import ChannelType

from tests.helpers import Server


@pytest.fixture(autouse=True)
def mentions_add_to_private_threads(monkeypatch):
    """On Discord, pinging someone in a private thread adds them to it; SimCord does not model that.

    The bot relies on it (one REST call fewer per join), so the tests model it here: a message
    that pings a member who can see the parent channel adds that member to the thread.
    """
    original = Backend.commit_message

    def commit_message(self, message, *args, **kwargs):
        committed = original(self, message, *args, **kwargs)
        channel = self.channels.get(message.channel_id)
        if channel is not None and channel.type == ChannelType.PRIVATE_THREAD:
            guild = self.guilds.get(channel.guild_id)
            for user_id in message.ping_user_ids:
                if guild is not None and user_id in guild.members:
                    self.add_thread_member(channel.id, user_id)
        return committed

    monkeypatch.setattr(Backend, "commit_message", commit_message)


class Community(Server):
    """A server after /setup quickstart with buddies; newcomers join with `join()`."""

    def __init__(self, env, buddies: int = 2) -> None:
        super().__init__(env)
        self.buddies = []
        self._buddy_count = buddies

    async def ready(self) -> Community:
        await self.env.settle()
        await self.admin.slash(self.general, "setup quickstart")
        buddy_role = self.guild.roles["Buddy"]
        self.buddies = [
            self.guild.add_member(self.env.create_user(f"buddy{index}"), roles=[buddy_role])
            for index in range(self._buddy_count)
        ]
        await self.env.settle()
        return self

    async def join(self, name: str):
        newcomer = self.guild.add_member(self.env.create_user(name))
        await self.env.settle()
        return newcomer

    def thread_of(self, newcomer):
        """The newcomer's welcome thread (a SimCord channel handle)."""
        for thread in self.channel_handle("welcome").threads:
            if newcomer.id in self.env.backend.get_channel(thread.id).thread_members:
                return thread
        raise AssertionError(f"{newcomer} is in no welcome thread")

    def channel_handle(self, name: str):
        return self.guild.channels[name]

    def discord_member(self, actor):
        return self.guild.me.guild.get_member(actor.id)


@pytest.fixture
async def community(simcord_env) -> Community:
    return await Community(simcord_env).ready()
