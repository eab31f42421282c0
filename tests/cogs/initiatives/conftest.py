import pytest

from tests.cogs.initiatives.helpers import InitiativeServer
from tests.helpers import quickstarted


@pytest.fixture
async def server(simcord_env) -> InitiativeServer:
    return await quickstarted(simcord_env, server_class=InitiativeServer)
