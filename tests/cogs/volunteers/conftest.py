import pytest_asyncio

from gromada.db import close_database, open_database


@pytest_asyncio.fixture
async def database(settings):
    """The migrated test database (SQLite, or PostgreSQL with GROMADA_TEST_DATABASE_URL), no bot."""
    await open_database(settings)
    yield
    await close_database()
