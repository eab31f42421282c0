"""A started bot holds only what it runs on: the simulator, the demo and image libraries stay out.

Each of them costs megabytes in every running bot (Pillow alone about four) for something done
rarely or never in production: images are drawn when someone asks for one, the simulated Discord
runs only under `gromada demo` and in tests. The check runs in a fresh interpreter, since this
test process has all of them loaded already.
"""

import json
import subprocess
import sys
from pathlib import Path

from config.settings import Settings
from gromada import db
from gromada.db import close_database, open_database

ROOT = Path(__file__).resolve().parents[2]

# What a start must not import: (module, why it may come later).
NOT_AT_START = {
    "simcord": "the simulated Discord: `gromada demo` and tests only",
    "gromada.demo": "`gromada demo` only",
    "PIL": "drawn on demand (poll charts, certificates)",
    "yaml": "read when a YAML content pack is imported",
    "aiohttp.web": "the health and metrics server, when enabled",
    "gromada.web": "the web server's pages, when enabled",
    "jinja2": "the public pages' templates, when the web server is enabled",
    "aiohttp_jinja2": "the public pages' templates, when the web server is enabled",
    "icalendar": "the calendar feed, built when a calendar app asks for it (about 4 MB)",
    "asyncpg": "PostgreSQL only (this start is on SQLite): its driver and the processes' notices",
    "matplotlib": "not needed by anything",
    "numpy": "not needed by anything",
    "pandas": "not needed by anything",
    "pytest": "tests only",
}

START = """
import asyncio, json, sys

from config.settings import Settings
from gromada.bot import create_bot
from gromada.db import close_database


async def start(folder):
    settings = Settings(_env_file=None, database_url=f"sqlite://{folder}/start.sqlite3", web_enabled=False)
    bot = create_bot(settings)

    async def offline():
        pass  # no Discord to read the command ids from

    bot._learn_commands = offline
    await bot.setup_hook()  # database, every feature, deadlines
    loaded = sorted(bot.extensions)
    bot.timers.shutdown()
    await close_database()
    return loaded


extensions = asyncio.run(start(sys.argv[1]))
print(json.dumps({"extensions": extensions, "modules": sorted(sys.modules)}))
"""


def start_in_a_fresh_process(folder: Path) -> dict:
    """Start a bot on the database in `folder` in a new interpreter: its extensions and modules."""
    result = subprocess.run(
        [sys.executable, "-c", START, str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_started_bot_with_every_feature_imports_no_simulator_demo_or_image_library(tmp_path):
    started = start_in_a_fresh_process(tmp_path)

    features = sorted(f"cogs.{path.parent.name}" for path in ROOT.glob("cogs/*/__init__.py"))
    assert started["extensions"] == features
    loaded = set(started["modules"])
    imported = {
        name: why for name, why in NOT_AT_START.items() if any(m == name or m.startswith(f"{name}.") for m in loaded)
    }
    assert imported == {}


def test_a_start_with_no_migration_to_apply_loads_no_migration(tmp_path):
    first = start_in_a_fresh_process(tmp_path)  # a new database: every migration is applied
    again = start_in_a_fresh_process(tmp_path)

    assert "tortoise.migrations.executor" in first["modules"]
    # The apps' migration folders are read for the names of their migrations, none imported.
    migrations = [name for name in again["modules"] if name.startswith("models.migrations.") and name.count(".") > 2]
    assert migrations == []
    assert not any(name.startswith("tortoise.migrations") for name in again["modules"])


async def test_a_migration_not_recorded_as_applied_is_pending(database_url):
    await open_database(Settings(_env_file=None, database_url=database_url), migrate=False)
    try:
        context = db._context
        config = db.tortoise_config(database_url)
        assert not await db.migrations_pending(context, config)

        await context.db("default").execute_query(
            "DELETE FROM tortoise_migrations WHERE app = 'onboarding' AND name = '0001_initial'"
        )

        assert await db.migrations_pending(context, config)
    finally:
        await close_database()
