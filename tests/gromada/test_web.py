"""/healthz and /metrics as an operator's monitoring would read them."""

from aiohttp.test_utils import TestClient, TestServer

from gromada.db import close_database
from gromada.web import make_app
from tests.helpers import Server


async def test_health_and_metrics(simcord_env):
    server = Server(simcord_env)
    await simcord_env.settle()
    await server.admin.slash(server.general, "setup show")

    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        assert await health.json() == {"status": "ok", "database": True, "gateway": True}

        metrics = await (await client.get("/metrics")).text()
        assert 'gromada_interactions_total{type="application_command"} 1.0' in metrics
        assert "gromada_events_total" in metrics
        assert "gromada_scheduler_lag_seconds_count" in metrics

        await close_database()
        down = await client.get("/healthz")
        assert down.status == 503
        assert (await down.json())["database"] is False


async def test_no_port_is_opened_when_the_web_is_disabled(simcord_env):
    assert simcord_env.bot.settings.web_enabled is False
    assert simcord_env.bot._web is None
