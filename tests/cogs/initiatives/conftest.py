import pytest

from tests.cogs.initiatives.helpers import Community


@pytest.fixture
async def community(simcord_env) -> Community:
    return await Community(simcord_env).ready()
