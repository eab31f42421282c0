"""Upgrading a server's data: the migration that adds the withdrawn status keeps every member."""

import sqlite3

from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from config.settings import Settings
from gromada.db import close_database, open_database, tortoise_config


async def test_adding_the_withdrawn_status_keeps_the_initiatives_members(tmp_path):
    path = tmp_path / "before.sqlite3"
    url = f"sqlite://{path}"
    config = tortoise_config(url)
    await open_database(Settings(_env_file=None, database_url=url), migrate=False)
    connection = Tortoise.get_connection("default")
    executor = MigrationExecutor(connection, config["apps"])
    await executor.migrate([MigrationTarget("initiatives", "0002_opening_since")])
    await connection.execute_script(
        "INSERT INTO initiative (guild_id, proposer_id, title, slug, goal, needs, first_step, status, progress,"
        " threshold, support_until, card_channel_id, created_at) VALUES"
        " (1, 7, 'Garden', 'garden', 'Grow', 'Seeds', 'Ask', 'active', 'planning', 3, '2026-01-15', 5,"
        " '2026-01-01');"
        "INSERT INTO initiative_member (initiative_id, user_id, is_lead, joined_at) VALUES"
        " (1, 7, 1, '2026-01-01'), (1, 8, 0, '2026-01-02')"
    )

    await executor.migrate(None)
    await close_database()

    database = sqlite3.connect(path)
    assert database.execute("SELECT title, status FROM initiative").fetchall() == [("Garden", "active")]
    assert database.execute("SELECT user_id FROM initiative_member ORDER BY user_id").fetchall() == [(7,), (8,)]
