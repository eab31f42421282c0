import pytest_asyncio

from tests.cogs.moderation.helpers import ModServer


@pytest_asyncio.fixture
async def server(simcord_env) -> ModServer:
    return await ModServer(simcord_env).ready()
