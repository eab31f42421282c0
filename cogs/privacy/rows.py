"""Turning rows into plain JSON values for the export file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.fields import BigIntField
from tortoise.models import Model


def plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def columns(model: type[Model]) -> list[str]:
    """Every stored column of a model by its field name (`purchase_id` for a relation)."""
    return list(model._meta.fields_db_projection)


def _is_snowflake(model: type[Model], name: str) -> bool:
    field = model._meta.fields_map.get(name)
    return isinstance(field, BigIntField) and (name.endswith("_id") or name.endswith("_by"))


def row_values(row: Model, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Column values as JSON; Discord ids as strings, as Discord writes them (they exceed
    the integers JavaScript and spreadsheets read exactly)."""
    values = {}
    for name in names:
        value = getattr(row, name, None)
        values[name] = str(value) if value is not None and _is_snowflake(type(row), name) else plain(value)
    return values
