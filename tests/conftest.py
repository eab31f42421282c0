"""Test harness: every test gets its own migrated database and a bot inside SimCord.

By default the database is SQLite: the schema is migrated once per run into a template
file that each test copies. With GROMADA_TEST_DATABASE_URL=postgres://user:pass@host/name
(as .ci/run sets) every test gets a fresh PostgreSQL database cloned from a migrated
template instead.

Race tests drive concurrent calls with asyncio.gather. On SQLite Tortoise runs transactions
one after another, so a race guarded inside a transaction (a row lock, a unique constraint
checked there) cannot happen there: such a test's name ends in `_on_postgres`, it still
checks the outcome on SQLite, and it proves the race only on PostgreSQL
(`GROMADA_TEST_DATABASE_URL=postgres://… pytest -k on_postgres`). A run on SQLite says so at
the end. Race tests without the suffix interleave outside transactions and can fail on both.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import pytest_asyncio

from config.settings import Settings
from gromada.bot import create_bot
from gromada.db import close_database, open_database

POSTGRES_URL = os.environ.get("GROMADA_TEST_DATABASE_URL", "")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _postgres_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(
        _with_database(POSTGRES_URL, "postgres").replace("postgres://", "postgresql://", 1)
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _migrate(url: str) -> None:
    await open_database(Settings(database_url=url))
    await close_database()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> str:
    """A database migrated once per run; each test starts from a copy of it."""
    if POSTGRES_URL:
        name = f"gromada_template_{uuid.uuid4().hex[:8]}"
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
        asyncio.run(_migrate(_with_database(POSTGRES_URL, name)))
        yield name
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}"'))
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(_migrate(f"sqlite://{path}"))
    yield str(path)


@pytest.fixture
def database_url(template_database, tmp_path) -> str:
    if POSTGRES_URL:
        name = f"gromada_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        yield _with_database(POSTGRES_URL, name)
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return
    path = Path(tmp_path) / "gromada.sqlite3"
    shutil.copyfile(template_database, path)
    yield f"sqlite://{path}"


class Incidents(logging.Handler):
    """Unexpected errors the one error path answered with an incident id (it logs each one)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self._seen: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self._seen.append(record.exc_info[1])

    def take(self) -> list[BaseException]:
        """The incidents so far, acknowledged: a test that expects one checks it here."""
        seen, self._seen = self._seen, []
        return seen


@pytest.fixture(autouse=True)
def incidents() -> Incidents:
    """Fail a test in which a person was shown an incident id the test did not expect.

    SimCord re-raises at teardown the errors of commands and Views, but never sees those of
    persistent buttons and selects: gromada.ui routes them to the error path itself. A crash
    there (a raw IntegrityError, say) would otherwise pass any test that did not read the reply.
    """
    recorder = Incidents()
    logger = logging.getLogger("gromada.error_handler")
    logger.addHandler(recorder)
    yield recorder
    logger.removeHandler(recorder)
    unexpected = recorder.take()
    if unexpected:
        pytest.fail(f"a person was shown an incident id for: {unexpected!r}")


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        web_enabled=False,
        sync_commands=True,
        log_format="text",
    )


@pytest_asyncio.fixture
async def database(settings):
    """The migrated test database (SQLite, or PostgreSQL with GROMADA_TEST_DATABASE_URL), no bot."""
    await open_database(settings)
    yield
    await close_database()


@pytest_asyncio.fixture
async def simcord_bot(settings):
    bot = create_bot(settings)
    yield bot
    # SimCord detaches bots without closing them; release what they opened.
    bot.timers.shutdown()
    if bot._web is not None:  # a test that turned the web server on
        await bot._web.cleanup()
    await close_database()


RACE_PROVEN_ON_POSTGRES = "_on_postgres"


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly when race tests ran where they cannot fail (they are no evidence there)."""
    if POSTGRES_URL:
        return
    ran = [
        report
        for report in terminalreporter.stats.get("passed", [])
        if report.when == "call" and RACE_PROVEN_ON_POSTGRES in report.nodeid.rsplit("::", 1)[-1]
    ]
    if ran:
        terminalreporter.write_line(
            f"{len(ran)} race tests named *{RACE_PROVEN_ON_POSTGRES} ran on SQLite, where Tortoise serialises "
            "transactions: they checked outcomes but proved no race. Run them on PostgreSQL: "
            "GROMADA_TEST_DATABASE_URL=postgres://user:pass@host/postgres pytest -k on_postgres"
        )
