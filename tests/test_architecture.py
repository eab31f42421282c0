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


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.parent.name)
def test_services_clean_free_text_with_the_one_helper(path):
    # gromada.text.clean decides what counts as written; str.strip() keeps zero-width spaces,
    # so text of invisible characters only would pass a service's "not empty" check.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    strips = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strip"
    ]
    assert not strips, f"use gromada.text.clean instead of strip() on lines {strips}"


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


def _persistent_item_classes():
    import importlib

    import discord

    for package in FEATURES:
        if (package / "views.py").exists():
            importlib.import_module(f"cogs.{package.name}.views")
    pending = list(discord.ui.DynamicItem.__subclasses__())
    while pending:
        item = pending.pop()
        pending.extend(item.__subclasses__())
        if item.__module__.startswith("cogs."):
            yield item


def test_persistent_custom_ids_follow_the_convention():
    """Templates of persistent items are `<feature>:<action>:…`, lowercase."""
    checked = 0
    for item in _persistent_item_classes():
        feature = item.__module__.split(".")[1]
        template = item.__discord_ui_compiled_template__.pattern
        if template == "(?!)":
            continue  # an intermediate base, never registered
        assert template.startswith(f"{CUSTOM_ID_PREFIX.get(feature, feature)}:"), f"{item.__qualname__}: {template}"
        literal = re.sub(r"\(\?P<\w+>", "(", template)  # group names are regex syntax, not id text
        assert literal == literal.lower(), f"{item.__qualname__}: {template}"
        checked += 1
    assert checked >= 30


# ---------------------------------------------------------------- one shape for every feature

# The files of a feature, each with one job (ARCHITECTURE.md, "Layout").
FEATURE_MODULES = {"__init__", "cog", "flows", "views", "service", "rules", "demo"}
# Modules outside that set, each with the reason it stands apart.
DOCUMENTED_EXCEPTIONS = {
    "polls/anonymity.py": "the anonymous-ballot scheme, documented and reviewed on its own",
    "polls/chart.py": "drawing the results chart with Pillow, run in a thread",
    "volunteers/certificate.py": "drawing the PNG certificate with Pillow, run in a thread",
    "purchases/money.py": "exact money in minor units and its formatting, shared by service and views",
    "purchases/catalogue.py": "suppliers' catalogues, their all-or-nothing CSV import and purchases opened again",
    "privacy/declarations.py": "what every feature's models declare as personal data",
    "activities/calendar.py": "the iCalendar file of activities and meetings, built with the icalendar library",
}


# Module-level imports inside a feature run downwards: cog -> flows -> views -> service -> rules.
# Documented exceptions sit between service and rules (a service or flows may use them).
LAYER = {"__init__": 9, "demo": 8, "cog": 7, "flows": 6, "views": 5, "service": 3, "rules": 1}
EXCEPTION_LAYER = 2
# Documented exceptions that build on their feature's service rather than serve it.
ABOVE_SERVICE = {"purchases/catalogue.py": 4}


def _layer(stem: str, feature: str = "") -> int:
    return LAYER.get(stem, ABOVE_SERVICE.get(f"{feature}/{stem}.py", EXCEPTION_LAYER))


def _feature_imports(path: Path, *, lazy: bool) -> set[str]:
    """Sibling modules of the same feature imported at module level (or, with lazy, anywhere else)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = set(tree.body)
    prefix = f"cogs.{path.parent.name}"
    found: set[str] = set()
    for node in ast.walk(tree):
        if (node in top_level) == lazy:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.startswith(prefix + "."):
                found.add(name[len(prefix) + 1 :].split(".")[0])
    return found


@pytest.mark.parametrize("package", FEATURES, ids=lambda path: path.name)
def test_features_have_the_same_files(package):
    unexpected = [
        f"{package.name}/{path.name}"
        for path in sorted(package.glob("*.py"))
        if path.stem not in FEATURE_MODULES and f"{package.name}/{path.name}" not in DOCUMENTED_EXCEPTIONS
    ]
    assert not unexpected, f"outside the feature layout (or add a reason to DOCUMENTED_EXCEPTIONS): {unexpected}"
    assert not list(package.glob("*/")) or all(p.name == "__pycache__" for p in package.iterdir() if p.is_dir())


@pytest.mark.parametrize("package", FEATURES, ids=lambda path: path.name)
def test_modules_of_a_feature_import_one_way(package):
    upward = []
    for path in sorted(package.glob("*.py")):
        feature = package.name
        for target in _feature_imports(path, lazy=False):
            if _layer(target, feature) >= _layer(path.stem, feature):
                upward.append(f"{path.stem} imports {target} at module level")
        for target in _feature_imports(path, lazy=True):
            # The one lazy import allowed: a button's handler reaching its feature's flows.
            if _layer(target, feature) >= _layer(path.stem, feature) and (path.stem, target) != ("views", "flows"):
                upward.append(f"{path.stem} imports {target} inside a function")
    assert not upward, upward


# Dates whose day and month are both numbers: 01/04/2026 is April to some readers and January to
# others. Discord's short date ("d") is one; a year-first ISO date is not.
NUMERIC_DATE = re.compile(r"""format_dt\([^()]*(?:\([^()]*\))?[^()]*,\s*["']d["']\)|(?<!%Y[./-])%[dm][./-]%[dm]""")


@pytest.mark.parametrize(
    "path",
    sorted([*ROOT.glob("cogs/*/*.py"), *ROOT.glob("gromada/*.py")]),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_dates_name_their_month(path):
    found = NUMERIC_DATE.findall(path.read_text(encoding="utf-8"))
    assert not found, f"show a date with gromada.ui.date_named (or gromada.i18n.format_day in a picture): {found}"


@pytest.mark.parametrize("path", sorted(ROOT.glob("cogs/*/*.py")), ids=lambda path: str(path.relative_to(ROOT)))
def test_features_read_the_one_clock(path):
    text = path.read_text(encoding="utf-8")
    assert "utcnow()" not in text, "use gromada.scheduler.now, the bot's one clock"
    assert "<t:" not in text, "Discord timestamps go through discord.utils.format_dt"


# ---------------------------------------------------------------- the web pages read, never act

WEB_MODULES = sorted(ROOT.glob("gromada/web/*.py"))
# What a page may read from a feature: its rules on the database and its pure helpers.
WEB_READS = {"service", "rules", "money"}


@pytest.mark.parametrize("path", WEB_MODULES, ids=lambda path: path.name)
def test_web_pages_read_features_through_their_services_only(path):
    """Pages never reach a feature's cog, flows or views (nor Discord itself): they show what
    the services hold, and a page request can never post, DM or change anything on Discord."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    wrong = [
        name
        for name in imported
        if name == "discord"
        or name.startswith("discord.")
        or (name.startswith("cogs.") and len(name.split(".")) > 2 and name.split(".")[2] not in WEB_READS)
    ]
    assert not wrong, wrong
