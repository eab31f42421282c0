"""Onboarding tests: a server after quickstart, with buddies, where mentions work as on Discord."""

from __future__ import annotations

import pytest
from simcord.backend import Backend
from simcord.enums import ChannelType

from tests.cogs.onboarding.helpers import OnboardingServer, onboarding_server


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


@pytest.fixture
async def server(simcord_env) -> OnboardingServer:
    return await onboarding_server(simcord_env)
