"""Hand-written SQL for the few statements that must say in one what the ORM says in several.

A vote, say, inserts a ballot only while its poll is open and the voter is in its electorate:
one statement checks and writes, which is one round trip and atomic by itself on SQLite and on
PostgreSQL alike. Everything else goes through the ORM.

Statements are written once with `?` placeholders; they are numbered ($1, $2, …) for
PostgreSQL here, so a statement holds no other question mark (no `?` in a literal, no jsonb
`?` operator). What only one database needs (a row lock SQLite has no use for) is chosen with
`is_postgres()`. Values go in as the ORM would store them (`stored`), so rows written here and
by the ORM read back alike.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model


def _client() -> BaseDBAsyncClient:
    # Inside `in_transaction()` this is the transaction's connection.
    return connections.get("default")


def is_postgres() -> bool:
    return _client().capabilities.dialect == "postgres"


@lru_cache(maxsize=128)
def _numbered(statement: str) -> str:
    parts = statement.split("?")
    return parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], start=1))


async def fetch(statement: str, *values: Any) -> list[dict[str, Any]]:
    """Run one statement (with RETURNING, for writes whose result matters) and return its rows."""
    client = _client()
    if client.capabilities.dialect == "postgres":
        statement = _numbered(statement)
    return await client.execute_query_dict(statement, list(values))


def stored(model: type[Model], field: str, value: Any) -> Any:
    """`value` as the ORM writes it into `model.field` (JSON as text, datetimes in UTC)."""
    return model._meta.fields_map[field].to_db_value(value, model)
