"""No migration may silently delete the rows that point at a table it rebuilds on SQLite.

On SQLite, Tortoise's AlterField, RemoveField and a check constraint added or removed remake
the table: create a copy, copy the rows, DROP the old table, rename. With foreign keys on
(Tortoise turns them on), the DROP deletes every row that references the table through an
ON DELETE CASCADE key: an enum gaining a member on `initiative` emptied the initiatives'
member lists. PostgreSQL alters in place, so only SQLite servers lose data, and only those
upgrading across that migration: the suite, migrating an empty database, cannot notice.

So every such operation on a table that other tables reference fails here until its
migration says, in a module-level `REBUILDS_CHECKED = "why"`, why it is safe (the children
are copied aside first, or the key does not cascade), or the operation leaves the schema
alone (`models.migrations.schema_kept.DescribeField`, for a change of description only).
A RenameField of a plain column is an ALTER TABLE RENAME COLUMN and rebuilds nothing.

Turning foreign keys off around migrations instead was rejected: `PRAGMA foreign_keys` is a
no-op inside a transaction and Tortoise runs each migration in one, so it would have to
patch Tortoise's executor or make migrations non-atomic, and it would only guard migrations
run by the bot, not by the `tortoise` command line.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from tortoise import fields
from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

import models
import models.migrations
from gromada.db import model_modules
from models.migrations.schema_kept import DescribeField

REBUILDING = (ops.AlterField, ops.RemoveField)


def referenced_models() -> set[str]:
    """`app.Model` of every model another model points at with a foreign key or one-to-one."""
    found = set()
    for name in model_modules():
        module = importlib.import_module(f"models.{name}")
        for model in vars(module).values():
            if not (inspect.isclass(model) and issubclass(model, Model) and model.__module__ == module.__name__):
                continue
            for field in model._meta.fields_map.values():
                if isinstance(field, ForeignKeyFieldInstance) and isinstance(field.model_name, str):
                    found.add(field.model_name)
    return found


def migrations() -> list[tuple[str, object]]:
    found = []
    for app in pkgutil.iter_modules(models.migrations.__path__):
        if not app.ispkg:
            continue
        package = importlib.import_module(f"models.migrations.{app.name}")
        for migration in pkgutil.iter_modules(package.__path__):
            found.append((app.name, importlib.import_module(f"models.migrations.{app.name}.{migration.name}")))
    return found


def rebuilds_the_table(operation: object) -> bool:
    """Whether the operation, as Tortoise runs it on SQLite, remakes its model's table."""
    if isinstance(operation, ops.AddConstraint | ops.RemoveConstraint):
        constraint = getattr(operation, "constraint", None)
        return isinstance(constraint, CheckConstraint)
    if not isinstance(operation, REBUILDING):
        return False
    # A subclass that leaves the database alone (DescribeField) rebuilds nothing.
    stock = next(cls for cls in REBUILDING if isinstance(operation, cls))
    return type(operation).database_forward is stock.database_forward


def model_of(operation: object) -> str:
    return getattr(operation, "model_name", None) or getattr(operation, "name", "")


def unchecked_rebuilds() -> list[str]:
    referenced = referenced_models()
    found = []
    for app, module in migrations():
        if getattr(module, "REBUILDS_CHECKED", None):
            continue
        for operation in module.Migration.operations:
            if rebuilds_the_table(operation) and f"{app}.{model_of(operation)}" in referenced:
                found.append(f"{module.__name__}: {type(operation).__name__} on {app}.{model_of(operation)}")
    return found


def test_no_migration_rebuilds_a_referenced_table_unchecked():
    assert unchecked_rebuilds() == []


def test_the_guard_tells_a_rebuild_from_a_description_change():
    field = fields.CharField(max_length=10)
    assert "initiatives.Initiative" in referenced_models()
    assert rebuilds_the_table(ops.AlterField(model_name="Initiative", name="status", field=field))
    assert rebuilds_the_table(ops.RemoveField(model_name="Initiative", name="status"))
    assert not rebuilds_the_table(DescribeField(model_name="Initiative", name="status", field=field))
    assert not rebuilds_the_table(ops.RenameField(model_name="Initiative", old_name="a", new_name="b"))
