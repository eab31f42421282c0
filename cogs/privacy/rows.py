"""Turning rows into plain JSON values for the export file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

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


def row_values(row: Model, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: plain(getattr(row, name, None)) for name in names}
