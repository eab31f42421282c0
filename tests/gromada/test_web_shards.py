"""/healthz and /metrics of a process holding several shards: each shard is reported and labelled."""

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gromada.web import make_app
from tests.helpers import ADMIN_PERMISSIONS


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"shard_count": 2})  # both shards, in this one process


def server_on(env, shard: int):
    """A server Discord gives to `shard`, with an admin in #general."""
    guild = env.create_guild(f"Server on shard {shard}", shard_id=shard)
    general = guild.create_text_channel("general")
    admin = guild.add_member(
        env.create_user(f"admin{shard}"), roles=[guild.create_role("Board", permissions=ADMIN_PERMISSIONS)]
    )
    return general, admin


async def test_health_and_metrics_report_each_shard(simcord_env):
    servers = {shard: server_on(simcord_env, shard) for shard in (0, 1)}
    await simcord_env.settle()
    general, admin = servers[1]
    await admin.slash(general, "setup show")
    await admin.slash(general, "setup show")
    await servers[0][1].slash(servers[0][0], "setup show")

    async with TestClient(TestServer(make_app(simcord_env.bot), host="127.0.0.1")) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        assert (await health.json())["shards"] == [
            {"shard": 0, "connected": True, "latency_ms": 0.0},
            {"shard": 1, "connected": True, "latency_ms": 0.0},
        ]
        metrics = await (await client.get("/metrics")).text()
        assert 'gromada_interactions_total{shard="0",type="application_command"} 1.0' in metrics
        assert 'gromada_interactions_total{shard="1",type="application_command"} 2.0' in metrics
        assert 'gromada_shard_connected{shard="1"} 1.0' in metrics
        assert 'gromada_shard_guilds{shard="0"} 1.0' in metrics
        assert 'gromada_events_total{event="guild_available",shard="1"}' in metrics

        await simcord_env.bot.get_shard(1).disconnect()
        down = await client.get("/healthz")
        assert down.status == 503
        assert (await down.json())["shards"][1] == {"shard": 1, "connected": False, "latency_ms": None}
        assert 'gromada_shard_connected{shard="1"} 0.0' in await (await client.get("/metrics")).text()
