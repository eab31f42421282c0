"""A Gromada bot for a benchmark on SQLite (the harness's) or on a fresh PostgreSQL database.

    --database postgres://gromada:gromada@127.0.0.1:54329/postgres

names a server and a role allowed to create databases: the benchmark creates a database of
its own there and drops it at the end, so it never touches data it did not make.

The bot's connection pool keeps its idle connections open (asyncpg's
max_inactive_connection_lifetime=0) during a benchmark. By default asyncpg arms a 300 s timer
each time a connection goes back to the pool; SimCord keeps a real handle for every timer the
bot arms until that timer's moment, so over 2,000 votes (4,000 statements in 200 simulated
seconds) thousands pile up and SimCord's scans of them make every later action dearer, for
a reason a bot on a real event loop (which drops cancelled timers) does not have.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

from benchmarks.harness import gromada_bot
from config.settings import Settings
from gromada.bot import create_bot


def _with_database(url: str, name: str, query: str = "") -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}", query=query))


async def _admin(server_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(
        _with_database(server_url, "postgres").replace("postgres://", "postgresql://", 1)
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def bot_on(database: str | None) -> AsyncIterator:
    """The harness's bot on SQLite when `database` is None, else on a fresh PostgreSQL database."""
    if not database:
        async with gromada_bot() as bot:
            yield bot
        return
    name = f"gromada_bench_{uuid.uuid4().hex[:10]}"
    await _admin(database, f'CREATE DATABASE "{name}"')
    try:
        settings = Settings(
            _env_file=None,
            database_url=_with_database(database, name, "max_inactive_connection_lifetime=0"),
            web_enabled=False,
            sync_commands=True,
            log_level="WARNING",
        )
        bot = create_bot(settings)
        try:
            yield bot
        finally:
            from gromada.db import close_database

            bot.timers.shutdown()
            await close_database()
    finally:
        await _admin(database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
