"""Upgrading a server's data: decisions that missed their quorum lose the winner they never had."""

import sqlite3

from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from config.settings import Settings
from gromada.db import close_database, open_database, tortoise_config

DECISION_COLUMNS = "guild_id, poll_id, question, outcome, winners, turnout, electorate, decided_at"


async def test_decisions_that_missed_their_quorum_are_left_without_winners(tmp_path):
    path = tmp_path / "before.sqlite3"
    url = f"sqlite://{path}"
    config = tortoise_config(url)
    await open_database(Settings(_env_file=None, database_url=url), migrate=False)
    connection = Tortoise.get_connection("default")
    executor = MigrationExecutor(connection, config["apps"])
    await executor.migrate([MigrationTarget("polls", "0002_reminded_at")])
    await connection.execute_script(
        f"INSERT INTO poll_decision ({DECISION_COLUMNS}) VALUES"
        " (1, 1, 'Where?', 'no_quorum', 'Park', 1, 9, '2026-01-01'),"
        " (1, 2, 'When?', 'winner', 'Friday', 5, 9, '2026-01-01'),"
        " (1, 3, 'Which?', 'tie', 'Tea; Cake', 6, 9, '2026-01-01')"
    )

    await executor.migrate(None)
    await close_database()

    rows = sqlite3.connect(path).execute("SELECT poll_id, winners FROM poll_decision ORDER BY poll_id").fetchall()
    assert rows == [(1, ""), (2, "Friday"), (3, "Tea; Cake")]
