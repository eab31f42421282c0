"""/healthz and /metrics as an operator's monitoring would read them."""

from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from config.settings import Settings
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
        assert await health.json() == {
            "status": "ok",
            "database": True,
            "gateway": True,
            "shards": [{"shard": 0, "connected": True, "latency_ms": 0.0}],
        }

        metrics = await (await client.get("/metrics")).text()
        assert 'gromada_interactions_total{shard="0",type="application_command"} 1.0' in metrics
        assert "gromada_events_total" in metrics
        assert "gromada_scheduler_lag_seconds_count" in metrics

        await close_database()
        down = await client.get("/healthz")
        assert down.status == 503
        assert (await down.json())["database"] is False


async def test_metrics_need_the_configured_bearer_token_and_health_stays_open(simcord_env):
    simcord_env.bot.settings = simcord_env.bot.settings.model_copy(update={"metrics_token": SecretStr("s3cret-token")})
    await simcord_env.settle()

    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-tokem"})
        prefix = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        basic = await client.get("/metrics", headers={"Authorization": "Basic s3cret-token"})
        right = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        health = await client.get("/healthz")

        for refused in (anonymous, wrong, prefix, basic):
            assert refused.status == 401
            assert refused.headers["WWW-Authenticate"] == "Bearer"
            assert "gromada_" not in await refused.text()
        assert right.status == 200
        assert "gromada_events_total" in await right.text()
        assert health.status == 200


async def test_an_empty_metrics_token_leaves_metrics_open(simcord_env, monkeypatch):
    # .env.example ships `METRICS_TOKEN=` empty: that means no token, not an impossible one.
    monkeypatch.setenv("METRICS_TOKEN", "")
    simcord_env.bot.settings = Settings(_env_file=None, database_url=simcord_env.bot.settings.database_url)
    await simcord_env.settle()

    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        assert (await client.get("/metrics")).status == 200


async def test_no_port_is_opened_when_the_web_is_disabled(simcord_env):
    assert simcord_env.bot.settings.web_enabled is False
    assert simcord_env.bot._web is None
