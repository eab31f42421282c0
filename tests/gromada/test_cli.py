import logging
import os
import subprocess
import sys

import aiohttp
import discord
import pytest
from aiohttp.client_reqrep import ConnectionKey

from gromada import startup
from gromada.__main__ import main
from gromada.bot import Gromada


def _env(**values: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", ""), **values}


def test_run_without_a_token_explains_and_exits_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gromada", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env=_env(DISCORD_TOKEN=""),
        timeout=60,
    )
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "gromada demo" in result.stderr


def test_migrate_creates_the_schema(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "gromada", "migrate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(DATABASE_URL=f"sqlite://{database}", LOG_FORMAT="text"),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import sqlite3

    tables = {row[0] for row in sqlite3.connect(database).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"guild_settings", "timer", "guild_binding"} <= tables


# ---------------------------------------------------------------- `gromada run` when Discord says no

DNS_FAILURE = aiohttp.ClientConnectorDNSError(
    ConnectionKey("discord.com", 443, True, True, None, None, None),
    OSError(-3, "Temporary failure in name resolution"),
)


@pytest.fixture
def gromada_run(monkeypatch, tmp_path, capsys):
    """`gromada run` in this process with a token set; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DISCORD_TOKEN", "a-token-discord-will-judge")
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path / 'gromada.sqlite3'}")
    monkeypatch.setenv("WEB_ENABLED", "false")
    monkeypatch.setenv("LOG_FORMAT", "text")
    monkeypatch.setattr(startup, "LOGIN_PAUSES", (0, 0))  # three attempts, no waiting
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def run(*options: str) -> tuple[int, str, str]:
        code = main(["run", *options])
        seen = capsys.readouterr()
        return code, seen.out, seen.err

    yield run
    root.handlers[:] = handlers  # `gromada run` configured logging for the process
    root.setLevel(level)


def _fake(monkeypatch, name: str, *outcomes):
    """Make the bot's `name` (login, connect) meet these outcomes in turn: an error is raised."""
    calls = []

    async def fake(self, *args, **kwargs):
        outcome = outcomes[min(len(calls), len(outcomes) - 1)]
        calls.append(name)
        if isinstance(outcome, BaseException):
            raise outcome

    monkeypatch.setattr(Gromada, name, fake)
    return calls


def test_a_refused_token_is_said_in_one_line_and_exits_2(gromada_run, monkeypatch):
    _fake(monkeypatch, "login", discord.LoginFailure("Improper token has been passed."))
    connects = _fake(monkeypatch, "connect", None)

    code, out, err = gromada_run()

    assert code == 2
    assert err.strip() == startup.BAD_TOKEN
    assert "DISCORD_TOKEN" in err and "Reset Token" in err
    assert "Traceback" not in out + err
    assert connects == []


def test_missing_privileged_intents_are_said_in_one_line_and_exit_2(gromada_run, monkeypatch):
    logins = _fake(monkeypatch, "login", None)
    _fake(monkeypatch, "connect", discord.PrivilegedIntentsRequired(None))

    code, out, err = gromada_run()

    assert code == 2
    assert err.strip() == startup.NO_INTENTS
    assert "Server Members and Message Content" in err
    assert "Traceback" not in out + err
    assert logins == ["login"]  # nothing to retry: a setting must change first


def test_no_network_is_retried_with_one_line_each_then_given_up_with_exit_1(gromada_run, monkeypatch):
    logins = _fake(monkeypatch, "login", DNS_FAILURE)
    _fake(monkeypatch, "connect", None)

    code, out, err = gromada_run()

    assert code == 1
    assert len(logins) == 3
    retries = [line for line in out.splitlines() if "cannot reach Discord" in line]
    assert len(retries) == 2
    assert "ClientConnectorDNSError: Cannot connect to host discord.com:443" in retries[0]
    assert "(attempt 1 of 3)" in retries[0] and "(attempt 2 of 3)" in retries[1]
    assert err.strip().startswith("Could not reach Discord in 3 attempts (ClientConnectorDNSError")
    assert "internet connection" in err
    assert "Traceback" not in out + err


def test_the_network_coming_back_lets_the_bot_start(gromada_run, monkeypatch):
    logins = _fake(monkeypatch, "login", DNS_FAILURE, None)
    connects = _fake(monkeypatch, "connect", None)

    code, out, err = gromada_run()

    assert code == 0
    assert logins == ["login", "login"] and connects == ["connect"]
    assert "(attempt 1 of 3)" in out
    assert err == "" and "Traceback" not in out


def test_a_first_gateway_connection_that_fails_is_retried_without_tracebacks(gromada_run, monkeypatch):
    # Logging in worked, then the gateway could not be reached: discord.py logs its own
    # reconnect attempt and then fails to resume a session it never had.
    _fake(monkeypatch, "login", None)
    monkeypatch.setattr(discord.backoff.ExponentialBackoff, "delay", lambda self: 0)
    opened = []

    async def unreachable_gateway(*args, **kwargs):
        opened.append(1)
        raise aiohttp.ClientConnectionError("Cannot connect to host gateway.discord.gg:443")

    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "from_client", unreachable_gateway)

    code, out, err = gromada_run()

    assert code == 1
    assert len(opened) == 3
    assert "Attempting a reconnect" in out  # discord.py's own line, now without its traceback
    assert len([line for line in out.splitlines() if "cannot reach Discord" in line]) == 2
    assert err.startswith("Could not reach Discord in 3 attempts (ClientConnectionError")
    assert "Traceback" not in out + err
