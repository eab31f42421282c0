"""Upgrading a server's data: a volunteer role that gives a purpose's role becomes one with it."""

import sqlite3

from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from config.settings import Settings
from gromada.db import close_database, open_database, tortoise_config

ROLE_COLUMNS = (
    "guild_id, key, name, description, responsibilities, seats, term_days, approval, discord_role_id,"
    " prerequisite_role_id, created_at"
)


async def test_the_volunteer_role_giving_the_buddy_role_is_bound_to_the_buddy_purpose(tmp_path):
    path = tmp_path / "before.sqlite3"
    url = f"sqlite://{path}"
    config = tortoise_config(url)
    await open_database(Settings(_env_file=None, database_url=url), migrate=False)
    connection = Tortoise.get_connection("default")
    executor = MigrationExecutor(connection, config["apps"])
    # The server's bindings and the catalogue as they were before volunteer roles had a purpose.
    await executor.migrate([MigrationTarget("core", "0001_initial"), MigrationTarget("volunteers", "0001_initial")])
    await connection.execute_script(
        "INSERT INTO guild_binding (guild_id, kind, purpose, discord_id) VALUES (1, 'role', 'buddy', 50);"
        "INSERT INTO guild_binding (guild_id, kind, purpose, discord_id) VALUES (2, 'role', 'buddy', 70);"
        f"INSERT INTO volunteer_role ({ROLE_COLUMNS}) VALUES"
        " (1, 'onboarding_buddy', 'Onboarding buddy', '', '', 10, 180, 'auto', 50, NULL, '2026-01-01'),"
        " (1, 'treasurer', 'Treasurer', '', '', 1, 365, 'coordinator', 60, NULL, '2026-01-01'),"
        " (2, 'onboarding_buddy', 'Onboarding buddy', '', '', 10, 180, 'auto', 50, NULL, '2026-01-01')"
    )

    await executor.migrate(None)
    await close_database()

    rows = sqlite3.connect(path).execute("SELECT guild_id, name, purpose FROM volunteer_role ORDER BY id").fetchall()
    # Server 2's Buddy role is another one: its volunteer role gives a plain role.
    assert rows == [(1, "Onboarding buddy", "buddy"), (1, "Treasurer", None), (2, "Onboarding buddy", None)]
