"""Translations: gettext catalogs (Babel) for en, pl and ru, and the current locale.

Catalogs live in config/locales/<lang>/LC_MESSAGES/<domain>.po, one domain per feature
(`core` for the runtime and setup, `web` for the public pages and their templates), so
features never edit each other's files. A message is translated in the domain of the module
that wrote it, so two features may translate the same English words differently ("Accept"
an invitation, "Accept" a seat): `_()`, `_n()`, `lazy()` and `Plural()` take the domain of
their caller, and `N_()` returns the text marked with it, so a message raised in one place
and rendered in another keeps its feature's wording. A message found in neither its domain
nor `core` falls back to any domain that has it.
English is the source language: a msgid is the English text, and an untranslated English
entry falls back to it.

The locale of the person being answered sits in a contextvar, set when an interaction
arrives (gromada.interactions) or explicitly with `use_locale` for DMs and scheduled jobs.
Messages use str.format placeholders: `_("Seats: {taken}/{total}", taken=2, total=5)`.

This module does not import discord, so services can use it.
"""

from __future__ import annotations

import contextvars
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("en", "pl", "ru")
# Each language by its own name, as people look for it.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ru": "Русский"}
SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "config" / "locales"
# Context for command names, descriptions and choices, which Discord shows in its own UI.
COMMAND_CONTEXT = "command"
CORE_DOMAIN = "core"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("gromada_locale", default=SOURCE_LANGUAGE)


WEB_DOMAIN = "web"


def domain_of_module(module: str) -> str:
    """`cogs.polls.views` -> "polls"; the public pages (gromada.web) -> "web"; the runtime,
    config and setup share `core`."""
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "cogs" and parts[1] != "setup":
        return parts[1]
    if parts[:2] == ["gromada", "web"]:
        return WEB_DOMAIN
    return CORE_DOMAIN


def _caller_domain() -> str:
    """The domain of the first module up the stack that is not this one."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return domain_of_module(frame.f_globals.get("__name__", "")) if frame is not None else CORE_DOMAIN


class Message(str):
    """An English msgid that remembers the domain whose catalog translates it."""

    domain: str

    def __new__(cls, text: str, domain: str) -> Message:
        marked = super().__new__(cls, text)
        marked.domain = domain
        return marked


@dataclass(frozen=True)
class Plural:
    """A message with plural forms, translated for `n` (Polish and Russian have three)."""

    singular: str
    plural: str
    n: int
    domain: str = field(default_factory=_caller_domain, compare=False)


@dataclass(frozen=True)
class Text:
    """A message to translate later, in the locale of whoever will read it."""

    message: str | Plural
    params: dict[str, Any] = field(default_factory=dict)
    domain: str = CORE_DOMAIN

    def render(self, locale: str | None = None) -> str:
        return translate(self.message, locale=locale, domain=self.domain, **self.params)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now; it keeps its caller's domain."""
    return message if isinstance(message, Message) else Message(message, _caller_domain())


def lazy(message: str | Plural, **params: Any) -> Text:
    return Text(message, params, _caller_domain())


def domain_files(language: str) -> list[Path]:
    return sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"))


@cache
def _compiled(language: str, domain: str) -> bytes:
    """One domain's catalog compiled to .mo bytes (empty when the domain has no catalog)."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return b""
    with path.open("rb") as handle:
        parsed = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    return buffer.getvalue()


def _translations(language: str, domain: str) -> Translations:
    compiled = _compiled(language, domain)
    return Translations(io.BytesIO(compiled), domain=domain) if compiled else Translations(domain=domain)


@cache
def catalog(language: str, domain: str = CORE_DOMAIN) -> Translations:
    """Translations for one domain, falling back to `core`, then to every other domain.

    gettext's own fallback chain does the lookup; each chain gets its own objects, since a
    Translations instance can sit in only one chain.
    """
    chain = _translations(language, domain)
    others = sorted(path.stem for path in domain_files(language))
    for fallback in [CORE_DOMAIN, *others]:
        if fallback != domain:
            chain.add_fallback(_translations(language, fallback))
    return chain


def reload_catalogs() -> None:
    _compiled.cache_clear()
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


def translate(message: str | Plural, *, locale: str | None = None, domain: str | None = None, **params: Any) -> str:
    """`message` in the reader's language, from the domain it is marked with (else `domain`)."""
    translations = catalog(locale or current_locale(), getattr(message, "domain", None) or domain or CORE_DOMAIN)
    if isinstance(message, Plural):
        text = translations.ngettext(message.singular, message.plural, message.n)
        params.setdefault("n", message.n)
    else:
        text = translations.gettext(str(message))
    return text.format(**params) if params else text


def _(message: str, **params: Any) -> str:
    return translate(message, domain=_caller_domain(), **params)


def _n(singular: str, plural: str, n: int, **params: Any) -> str:
    return translate(Plural(singular, plural, n, _caller_domain()), **params)


def format_day(day: date, locale: str | None = None) -> str:
    """A date with its month named, in the reader's language ("1 kwietnia 2026"), for text that
    Discord does not render as a timestamp (a picture): 01/04/2026 is read differently from
    country to country."""
    return format_date(day, format="long", locale=locale or current_locale())


def command_text(message: str, language: str, domain: str = CORE_DOMAIN) -> str | None:
    """A command name, description or choice in `language` (its domain's wording first), or None."""
    if language == SOURCE_LANGUAGE:
        return None
    translated = catalog(language, domain).pgettext(COMMAND_CONTEXT, message)
    return None if translated == message else translated
