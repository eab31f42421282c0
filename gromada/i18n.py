"""Translations: gettext catalogs (Babel) for en, pl and ru, and the current locale.

Catalogs live in config/locales/<lang>/LC_MESSAGES/<domain>.po, one domain per feature
(`core` for the runtime and setup), so features never edit each other's files. All domains
of a language are merged into one catalog at start. English is the source language: a msgid
is the English text, and an untranslated English entry falls back to it.

The locale of the person being answered sits in a contextvar, set when an interaction
arrives (gromada.interactions) or explicitly with `use_locale` for DMs and scheduled jobs.
Messages use str.format placeholders: `_("Seats: {taken}/{total}", taken=2, total=5)`.

This module does not import discord, so services can use it.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("en", "pl", "ru")
SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "config" / "locales"
# Context for command names, descriptions and choices, which Discord shows in its own UI.
COMMAND_CONTEXT = "command"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("gromada_locale", default=SOURCE_LANGUAGE)


@dataclass(frozen=True)
class Plural:
    """A message with plural forms, translated for `n` (Polish and Russian have three)."""

    singular: str
    plural: str
    n: int


@dataclass(frozen=True)
class Text:
    """A message to translate later, in the locale of whoever will read it."""

    message: str | Plural
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, locale: str | None = None) -> str:
        return translate(self.message, locale=locale, **self.params)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now."""
    return message


def lazy(message: str | Plural, **params: Any) -> Text:
    return Text(message, params)


def domain_files(language: str) -> list[Path]:
    return sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"))


@cache
def catalog(language: str) -> Translations:
    """All domains of one language merged into one set of translations."""
    merged: Translations | None = None
    for path in domain_files(language):
        with path.open("rb") as handle:
            parsed = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, parsed)
        buffer.seek(0)
        loaded = Translations(buffer)
        # The first catalog brings the language's plural rule; merging keeps it.
        merged = loaded if merged is None else merged.merge(loaded)
    return merged if merged is not None else Translations()


def reload_catalogs() -> None:
    catalog.cache_clear()


def current_locale() -> str:
    return _current.get()


def set_locale(language: str) -> contextvars.Token[str]:
    return _current.set(language if language in LANGUAGES else SOURCE_LANGUAGE)


@contextmanager
def use_locale(language: str) -> Iterator[None]:
    token = set_locale(language)
    try:
        yield
    finally:
        _current.reset(token)


def translate(message: str | Plural, *, locale: str | None = None, **params: Any) -> str:
    translations = catalog(locale or current_locale())
    if isinstance(message, Plural):
        text = translations.ngettext(message.singular, message.plural, message.n)
        params.setdefault("n", message.n)
    else:
        text = translations.gettext(message)
    return text.format(**params) if params else text


def _(message: str, **params: Any) -> str:
    return translate(message, **params)


def _n(singular: str, plural: str, n: int, **params: Any) -> str:
    return translate(Plural(singular, plural, n), **params)


def command_text(message: str, language: str) -> str | None:
    """A command name, description or choice in `language`, or None when untranslated."""
    if language == SOURCE_LANGUAGE:
        return None
    translated = catalog(language).pgettext(COMMAND_CONTEXT, message)
    return None if translated == message else translated
