import os
import subprocess
import sys


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
