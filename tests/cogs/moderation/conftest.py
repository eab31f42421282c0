import pytest_asyncio

from tests.cogs.moderation.helpers import ModerationServer, moderation_server


@pytest_asyncio.fixture
async def server(simcord_env) -> ModerationServer:
    return await moderation_server(simcord_env)
