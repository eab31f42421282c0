"""Guards for the conventions every feature relies on."""

import ast
import inspect
import re
from pathlib import Path

import pytest
from tortoise.models import Model

from gromada.db import model_modules

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted(ROOT.glob("cogs/*/service.py"))
FEATURES = sorted(path.parent for path in ROOT.glob("cogs/*/__init__.py"))
# The issues name these prefixes for two features; every other feature uses its own name.
CUSTOM_ID_PREFIX = {"polls": "poll", "purchases": "purchase"}


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.parent.name)
def test_services_do_not_import_discord(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names] + [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    assert not [name for name in imported if name == "discord" or name.startswith("discord.")]


@pytest.mark.parametrize("package", FEATURES, ids=lambda path: path.name)
def test_feature_packages_only_define_setup(package):
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    definitions = [
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert definitions == ["setup"]


def _models():
    import importlib

    for name in model_modules():
        module = importlib.import_module(f"models.{name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Model) and value.__module__ == module.__name__:
                yield value


def test_table_comments_cannot_break_sqlite_migrations():
    # Tortoise turns the docstring into a table comment; its SQLite migration runner splits
    # scripts at every semicolon, and "*/" would end the comment early.
    offenders = [
        model.__name__
        for model in _models()
        if ";" in (model._meta.table_description or "") or "*/" in (model._meta.table_description or "")
    ]
    assert not offenders


def test_every_model_module_has_migrations():
    for name in model_modules():
        folder = ROOT / "models" / "migrations" / name
        assert list(folder.glob("0001_*.py")), f"models/{name}.py has no migrations: run makemigrations"


def test_persistent_custom_ids_follow_the_convention():
    """Templates of persistent items are `<feature>:<action>:…`, lowercase."""
    pattern = re.compile(r"template=r?[\"']([^\"']+)[\"']")
    for package in FEATURES:
        for path in package.glob("*.py"):
            for template in pattern.findall(path.read_text(encoding="utf-8")):
                assert template.startswith(f"{CUSTOM_ID_PREFIX.get(package.name, package.name)}:"), (
                    f"{path}: {template}"
                )
                literal = re.sub(r"\(\?P<\w+>", "(", template)  # group names are regex syntax, not id text
                assert literal == literal.lower(), f"{path}: {template}"
