"""Keeping the catalogs complete: what the code says, per domain, and updating the .po files.

Two kinds of text need translating: messages in code (`_()`, `_n()`, `N_()`, `lazy()`,
`Plural()`) found by Babel's extractor, and the slash-command tree (names, descriptions,
parameters, choices) read from the loaded bot under the "command" context.
A domain is `core` (gromada/, config/, cogs/setup/), `web` (gromada/web/ and its templates,
whose `_()` and `_n()` calls Jinja2's extractor finds) or a feature's name (cogs/<feature>/).

`gromada i18n` rewrites the catalogs: new messages appear with empty translations in pl and
ru (the suite fails until they are filled), vanished ones are dropped.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from gromada.i18n import COMMAND_CONTEXT, LANGUAGES, LOCALES_DIR, WEB_DOMAIN, domain_of_module

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "gromada" / "web" / "templates"
KEYWORDS = {"_": None, "N_": None, "lazy": None, "_n": (1, 2), "Plural": (1, 2)}

Message = tuple[str | tuple[str, str], str | None]  # (id or (singular, plural), context)


def domain_of(path: Path) -> str:
    return domain_of_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


def source_files() -> list[Path]:
    files: list[Path] = []
    for folder in ("gromada", "config", "cogs"):
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def code_messages() -> dict[str, set[Message]]:
    found: dict[str, set[Message]] = defaultdict(set)
    for path in source_files():
        for _lineno, message, _comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, strip_comment_tags=True
        ):
            if not message or (isinstance(message, tuple) and not all(message)):
                continue
            found[domain_of(path)].add((message, context))
    for path in sorted(TEMPLATES.rglob("*.*")):
        for _lineno, message, _comments, context in extract_from_file(
            "jinja2.ext:babel_extract", str(path), keywords=KEYWORDS, options={"trim_blocks": "true"}
        ):
            if not message or (isinstance(message, tuple) and not all(message)):
                continue
            found[WEB_DOMAIN].add((message, context))
    return found


def command_messages(tree) -> dict[str, set[Message]]:
    """Every name, description and choice of the command tree, by the domain that declares it."""
    from discord import app_commands

    found: dict[str, set[Message]] = defaultdict(set)

    def add(domain: str, text: str) -> None:
        if text and text != "…":
            found[domain].add((text, COMMAND_CONTEXT))

    for command in tree.walk_commands():
        module = getattr(command, "module", "") or ""
        domain = domain_of_module(module)
        add(domain, command.name)
        add(domain, command.description)
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                add(domain, parameter.name)
                add(domain, parameter.description)
                for choice in parameter.choices:
                    add(domain, choice.name)
    return found


def catalog_path(language: str, domain: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(language: str, domain: str) -> Catalog | None:
    path = catalog_path(language, domain)
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def _carried_over(previous: str | tuple[str, ...] | None, message_id, num_plurals: int) -> str | tuple[str, ...]:
    """The translation an entry keeps. A message that gains a plural keeps its old translation as
    the singular form, the other forms left empty for a translator to fill."""
    if isinstance(message_id, tuple):
        if isinstance(previous, tuple):
            return previous
        return (previous or "",) + ("",) * (num_plurals - 1)
    # A message that lost its plural is translated afresh: its forms may say {n}.
    return "" if isinstance(previous, tuple) else previous or ""


def update_catalogs(messages: dict[str, set[Message]]) -> list[Path]:
    written: list[Path] = []
    for domain, entries in sorted(messages.items()):
        for language in LANGUAGES:
            existing = read_catalog(language, domain)
            # Keep the header's date, so regenerating an unchanged domain changes nothing.
            created = existing.creation_date if existing else None
            catalog = Catalog(locale=language, domain=domain, project="Gromada", fuzzy=False, creation_date=created)
            for message_id, context in sorted(entries, key=lambda entry: (str(entry[0]), entry[1] or "")):
                previous = existing.get(message_id, context=context) if existing else None
                translated = previous.string if previous is not None else None
                string = _carried_over(translated, message_id, catalog.num_plurals)
                catalog.add(message_id, string, context=context)
            path = catalog_path(language, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
            written.append(path)
    return written


def all_messages(tree) -> dict[str, set[Message]]:
    merged: dict[str, set[Message]] = defaultdict(set)
    for source in (code_messages(), command_messages(tree)):
        for domain, entries in source.items():
            merged[domain] |= entries
    return merged


async def loaded_tree():
    """The command tree with every feature loaded, without connecting anywhere."""
    from config.settings import Settings
    from gromada.bot import create_bot, feature_extensions
    from gromada.db import close_database, open_database

    settings = Settings(_env_file=None, web_enabled=False, database_url="sqlite://:memory:")
    bot = create_bot(settings)
    # Features may read the database while loading (re-arming their deadlines, say).
    await open_database(settings)
    try:
        for extension in feature_extensions():
            await bot.load_extension(extension)
    finally:
        bot.timers.shutdown()
        await close_database()
    return bot.tree
