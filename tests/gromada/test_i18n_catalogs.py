"""Every string the bot can show exists in en, pl and ru, with the same placeholders."""

import asyncio
import re
from collections import defaultdict

import pytest
from babel.messages.catalog import Catalog
from discord import app_commands

from gromada.i18n import COMMAND_CONTEXT, LANGUAGES, Plural, domain_of_module, translate
from gromada.i18n_catalogs import all_messages, loaded_tree, read_catalog

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
# Discord's rule for command and option names (lowercase letters of any script, digits, - and _).
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture(scope="module")
def tree():
    return asyncio.run(loaded_tree())


@pytest.fixture(scope="module")
def messages(tree):
    return all_messages(tree)


@pytest.fixture(scope="module")
def command_words(tree):
    """Names (of commands, groups and parameters) and choice names, by the domain declaring them.

    Discord holds names to its name rule; a choice's name is free text people read.
    """
    names, choices = defaultdict(set), defaultdict(set)
    for command in tree.walk_commands():
        domain = domain_of_module(getattr(command, "module", "") or "")
        names[domain].add(command.name)
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                names[domain].add(parameter.name)
                choices[domain] |= {choice.name for choice in parameter.choices}
    return names, choices


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _strings(catalog: Catalog, message_id, context):
    entry = catalog.get(message_id, context=context)
    if entry is None:
        return None
    return list(entry.string) if isinstance(entry.string, tuple) else [entry.string]


def test_catalogs_list_every_message_in_the_code(messages):
    for domain, entries in messages.items():
        catalog = read_catalog("en", domain)
        assert catalog is not None, f"no en catalog for {domain}: run `gromada i18n`"
        missing = [entry for entry in entries if catalog.get(entry[0], context=entry[1]) is None]
        assert not missing, f"{domain}: run `gromada i18n`; not in the catalog: {missing[:5]}"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(messages, command_words, language):
    names, _choices = command_words
    untranslated, broken = [], []
    for domain, entries in messages.items():
        catalog = read_catalog(language, domain)
        assert catalog is not None, f"no {language} catalog for {domain}"
        for message_id, context in entries:
            strings = _strings(catalog, message_id, context)
            if strings is None or not all(s.strip() for s in strings):
                untranslated.append((domain, message_id))
                continue
            source = message_id if isinstance(message_id, str) else message_id[1]
            expected = _placeholders(source) - ({"n"} if isinstance(message_id, tuple) else set())
            for string in strings:
                if not expected <= _placeholders(string) or not _placeholders(string) <= _placeholders(source) | {"n"}:
                    broken.append((domain, message_id, string))
            if context == COMMAND_CONTEXT and source in names[domain]:
                # A name: the translation must be a valid name too.
                if not COMMAND_NAME.match(strings[0]) or strings[0] != strings[0].lower():
                    broken.append((domain, message_id, strings[0]))
    assert not untranslated, f"{len(untranslated)} untranslated in {language}, e.g. {untranslated[:5]}"
    assert not broken, f"placeholders or names differ in {language}: {broken[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_choice_names_read_as_words(command_words, language):
    """A choice's name is text people read: words with spaces, not a value's spelling ("in_progress")."""
    names, choices = command_words
    unreadable = []
    for domain, words in choices.items():
        catalog = read_catalog(language, domain)
        for word in words - names[domain]:
            shown = word if language == "en" else (_strings(catalog, word, COMMAND_CONTEXT) or [word])[0]
            if "_" in shown or not 1 <= len(shown) <= 100:
                unreadable.append((domain, word, shown))
    assert not unreadable, unreadable


def test_polish_and_russian_plurals_use_their_own_forms():
    imported = ("{section}: {n} item imported.", "{section}: {n} items imported.")

    def form(language: str, n: int) -> str:
        return translate(Plural(*imported, n), locale=language, section="values")

    assert form("en", 1) == "values: 1 item imported."
    assert form("en", 5) == "values: 5 items imported."
    # One, few and many are three different words in both languages (1, 2, 5).
    assert len({form("pl", n).replace(str(n), "") for n in (1, 2, 5)}) == 3
    assert len({form("ru", n).replace(str(n), "") for n in (1, 2, 5)}) == 3
    assert form("pl", 22) == form("pl", 2).replace("2", "22")
    assert form("ru", 21) == form("ru", 1).replace("1", "21")


@pytest.mark.parametrize("language", LANGUAGES)
def test_messages_mention_commands_instead_of_naming_them(messages, tree, language):
    """A command named as text ("/poll close") is English to every reader; a mention
    ({command}, gromada.commands) is shown by Discord in the reader's language."""
    top_level = "|".join(sorted(command.name for command in tree.get_commands()))
    named = re.compile(rf"(?<![<\w])/({top_level})\b")
    offenders = []
    for domain, entries in messages.items():
        catalog = read_catalog(language, domain)
        for message_id, context in entries:
            if context == COMMAND_CONTEXT:
                continue  # Discord's own command UI, where a mention is not rendered
            sources = [message_id] if isinstance(message_id, str) else list(message_id)
            texts = sources if language == "en" else _strings(catalog, message_id, context) or []
            offenders += [(domain, text) for text in texts if named.search(text)]
    assert not offenders, offenders[:5]
