"""Importing a content pack all or nothing.

Each feature that understands a section of a pack (values cards, volunteer roles) registers
an importer on the bot. An import runs in two stages, so that a pack changes everything or
nothing:

1. Prepare: each importer checks its items and makes the Discord changes they need (the
   Discord role of a new volunteer role), remembering how to undo them. It writes nothing
   to the database.
2. Write: the database writes of every section run in one transaction.

When anything fails, the transaction rolls back and the Discord changes are undone, so a
pack whose last volunteer role is refused leaves the values cards as they were. Discord
calls stay out of the transaction: held across slow REST calls, it would keep every other
server waiting for the database (SQLite runs one transaction at a time).

No discord import: a feature's importer does its Discord work itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

log = logging.getLogger(__name__)


async def _nothing() -> None:
    return None


@dataclass
class PreparedImport:
    """One section of a pack, checked and ready to write."""

    # The database writes, run inside the pack's one transaction; returns how many items.
    write: Callable[[], Awaitable[int]]
    # Undoes the Discord changes made while preparing, when the import fails.
    undo: Callable[[], Awaitable[None]] = _nothing
    # What to do once the pack is stored (refresh a panel).
    done: Callable[[], None] = lambda: None


# A feature's importer for one section: (guild_id, validated items) -> the prepared import.
ContentImporter = Callable[[int, list[Any]], Awaitable[PreparedImport]]


async def import_sections(
    importers: Mapping[str, ContentImporter], guild_id: int, sections: Mapping[str, list[Any]]
) -> dict[str, int]:
    """Import every section that has an importer, all or nothing; how many items each stored."""
    prepared: dict[str, PreparedImport] = {}
    try:
        for section, items in sections.items():
            importer = importers.get(section)
            if importer is not None:
                prepared[section] = await importer(guild_id, items)
        async with in_transaction():
            counts = {section: await step.write() for section, step in prepared.items()}
    except BaseException:
        for step in reversed(prepared.values()):
            await _undo_quietly(step)
        raise
    for step in prepared.values():
        step.done()
    return counts


async def _undo_quietly(step: PreparedImport) -> None:
    # The person must learn why the import failed, not that tidying up failed too.
    try:
        await step.undo()
    except Exception:
        log.exception("could not undo part of a failed content import")
