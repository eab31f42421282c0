"""Counting the SQL statements a workload sends, outside the timed part of a benchmark.

`counting_statements()` wraps the execute methods of Tortoise's database clients (SQLite and
PostgreSQL, their transaction wrappers included) while it is open, and records each statement
sent, with its first words, so a report can say what a vote or a join costs in statements and
which ones they are. Transactions are counted apart: BEGIN and COMMIT are round trips too, but
not statements a feature wrote.

Wrapping adds its own cost to every statement: a benchmark times its workload first, without
this, and then counts a further sample of the same actions with it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

EXECUTE_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script")


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0

    def __len__(self) -> int:
        return len(self.statements)

    def shapes(self) -> Counter[str]:
        """How many of each kind: verb and table, e.g. `SELECT poll`, `INSERT poll_ballot`."""
        return Counter(_shape(statement) for statement in self.statements)

    def summary(self, actions: int) -> str:
        per_action = len(self.statements) / max(1, actions)
        kinds = ", ".join(f"{shape} {count / max(1, actions):.2f}" for shape, count in self.shapes().most_common())
        return (
            f"{per_action:.2f} SQL statements per action "
            f"({self.transactions / max(1, actions):.2f} transactions); per action: {kinds}"
        )


def _shape(statement: str) -> str:
    text = " ".join(statement.split())
    verb = text.split(" ", 1)[0].upper()
    table = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', text, flags=re.IGNORECASE)
    return f"{verb} {table.group(1) if table else ''}".strip()


def _client_classes() -> list[type]:
    # Imported here so that a benchmark on SQLite does not need asyncpg, and the other way round.
    found: list[type] = []
    for module in ("tortoise.backends.sqlite.client", "tortoise.backends.asyncpg.client"):
        try:
            loaded = __import__(module, fromlist=["*"])
        except ImportError:
            continue
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, BaseDBAsyncClient) and value not in found:
                found.append(value)
    return found


@contextmanager
def counting_statements() -> Iterator[StatementLog]:
    log = StatementLog()
    originals: list[tuple[type, str, object]] = []

    def wrap(method):
        @functools.wraps(method)
        async def counted(self, query, *args, **kwargs):
            log.statements.append(query)
            return await method(self, query, *args, **kwargs)

        return counted

    def wrap_begin(method):
        @functools.wraps(method)
        async def counted(self, *args, **kwargs):
            log.transactions += 1
            return await method(self, *args, **kwargs)

        return counted

    for cls in _client_classes():
        for name in EXECUTE_METHODS:
            if name in vars(cls):
                originals.append((cls, name, vars(cls)[name]))
                setattr(cls, name, wrap(vars(cls)[name]))
        if issubclass(cls, TransactionalDBClient) and "begin" in vars(cls):
            originals.append((cls, "begin", vars(cls)["begin"]))
            cls.begin = wrap_begin(vars(cls)["begin"])
    try:
        yield log
    finally:
        for cls, name, method in reversed(originals):
            setattr(cls, name, method)
