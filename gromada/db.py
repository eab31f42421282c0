"""Opening, migrating and closing the database.

Every module in models/ is a Tortoise app of its own, with migrations in
models/migrations/<module>/. Discovering them here means a new feature only adds files.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Any

from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError

import models
from config.settings import Settings
from gromada import cache_sync
from gromada.cache import forget_everything

log = logging.getLogger(__name__)

# The one open database of this process. A bot that stopped without closing (a crash, or a
# restart in tests) leaves it open; the next open replaces it.
_context: TortoiseContext | None = None


def model_modules() -> list[str]:
    """Names of the feature model modules (core first: other apps may read its tables)."""
    names = sorted(
        info.name for info in pkgutil.iter_modules(models.__path__) if not info.ispkg and info.name != "__init__"
    )
    return sorted(names, key=lambda name: name != "core")


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            name: {
                "models": [f"models.{name}"],
                "default_connection": "default",
                "migrations": f"models.migrations.{name}",
            }
            for name in model_modules()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_folder(settings: Settings) -> None:
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


async def open_database(settings: Settings, *, migrate: bool = True) -> None:
    """Connect and bring the schema up to date (migrations are idempotent)."""
    global _context
    forget_everything()  # what was kept in memory came from the database being replaced
    _ensure_sqlite_folder(settings)
    config = tortoise_config(settings.database_url)
    await close_database()
    # The bot owns one database and handles interactions in many tasks, so the
    # connection is shared process-wide rather than bound to the opening task.
    _context = await Tortoise.init(config=config, _enable_global_fallback=True)
    if migrate:
        try:
            if await migrations_pending(_context, config):
                await apply_migrations(_context, config)
        except BaseException:
            # An open connection keeps a thread alive: close it so the process can exit and report.
            await close_database()
            raise


def migration_names(package: str) -> list[str]:
    """The migrations of one app, by name, as Tortoise's loader finds them (none is imported)."""
    folder = importlib.import_module(package).__path__
    return [name for _, name, is_package in pkgutil.iter_modules(folder) if not is_package and name[0] not in "_~"]


async def migrations_pending(context: TortoiseContext, config: dict[str, Any]) -> bool:
    """Whether a migration on disk is not applied yet, read from Tortoise's own record of them.

    Most starts have nothing to apply, and Tortoise's migration machinery with every app's
    migrations costs about 2 MB held for the life of the process: it is loaded only when needed.
    """
    on_disk = {
        (app, name) for app, options in config["apps"].items() for name in migration_names(options["migrations"])
    }
    try:
        rows = await context.db("default").execute_query_dict("SELECT app, name FROM tortoise_migrations")
    except OperationalError:  # no record yet: a new database
        return True
    return not on_disk <= {(row["app"], row["name"]) for row in rows}


async def apply_migrations(context: TortoiseContext, config: dict[str, Any]) -> None:
    from tortoise.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(context.db("default"), config["apps"])
    await executor.migrate(None, progress=_log_progress)


def _log_progress(event: str, app_label: str, migration: str) -> None:
    log.info("migration %s: %s.%s", event, app_label, migration)


async def close_database() -> None:
    global _context
    await cache_sync.stop()
    forget_everything()
    if _context is not None:
        await _context.close_connections()
        _context = None


async def database_reachable() -> bool:
    if _context is None:
        return False
    try:
        await _context.db("default").execute_query("SELECT 1")
    except Exception:  # any failure means "not reachable" for a health check
        log.warning("database health check failed", exc_info=True)
        return False
    return True


def __getattr__(name: str) -> Any:
    # `tortoise -c gromada.db.TORTOISE_ORM makemigrations <app>` reads the configuration here.
    if name == "TORTOISE_ORM":
        return tortoise_config(Settings().database_url)
    raise AttributeError(name)
