"""Each feature's words stay its own: no string is rendered with another domain's translation."""

import asyncio
import re

import pytest
from discord import Locale, app_commands

from cogs.mediation.views import invitation_view
from cogs.volunteers.views import offer_view
from gromada.i18n import (
    COMMAND_CONTEXT,
    LANGUAGES,
    N_,
    Message,
    Plural,
    catalog,
    domain_files,
    domain_of_module,
    translate,
    use_locale,
)
from gromada.i18n_catalogs import loaded_tree, read_catalog
from gromada.translator import GromadaTranslator

PLACEHOLDER = re.compile(r"\{(\w+)\}")
TRANSLATED = [language for language in LANGUAGES if language != "en"]


class Shown(str):
    """A placeholder's stand-in value. Like cogs.purchases.money.PartOf, it may also be asked for
    with its unit (`{arrived:unit}`); any other format spec is as invalid as on a plain string."""

    def __format__(self, spec: str) -> str:
        return f"{self} unit" if spec == "unit" else super().__format__(spec)


def _entries(language: str):
    for path in domain_files(language):
        for entry in read_catalog(language, path.stem):
            if entry.id and entry.string and all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
                yield path.stem, entry


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_renders_with_its_own_domains_translation(language):
    wrong = []
    for domain, entry in _entries(language):
        if entry.context == COMMAND_CONTEXT:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[1]
        params = {name: Shown(f"<{name}>") for name in PLACEHOLDER.findall(source)}
        if isinstance(entry.id, tuple):
            params["n"] = 5
            rendered = translate(Plural(*entry.id, 5, domain), locale=language, **params)
            forms = list(entry.string)
            expected = forms[min(catalog(language, domain).plural(5), len(forms) - 1)].format(**params)
        else:
            rendered = translate(Message(entry.id, domain), locale=language, **params)
            expected = entry.string.format(**params) if params else entry.string
        if rendered != expected:
            wrong.append((domain, entry.id, rendered, expected))
    assert not wrong, wrong[:5]


@pytest.fixture(scope="module")
def tree():
    return asyncio.run(loaded_tree())


@pytest.mark.parametrize("language", TRANSLATED)
async def test_command_strings_use_the_declaring_features_wording(language, tree):
    translator = GromadaTranslator()
    checked = 0
    for command in tree.walk_commands():
        if not isinstance(command, app_commands.Command):
            continue
        catalog_of_feature = read_catalog(language, domain_of_module(command.module))
        for parameter in command.parameters:
            wording = catalog_of_feature.get(parameter.name, context=COMMAND_CONTEXT).string
            expected = None if wording == parameter.name else wording  # Discord keeps the English name
            context = app_commands.TranslationContext(app_commands.TranslationContextLocation.parameter_name, parameter)
            shown = await translator.translate(app_commands.locale_str(parameter.name), Locale(language), context)
            assert shown == expected, (command.qualified_name, parameter.name, shown, expected)
            checked += 1
    assert checked > 50


def test_the_same_english_word_keeps_each_features_wording():
    with use_locale("pl"):
        mediation_accept = invitation_view(1).children[0].item.label
        volunteers_accept = offer_view(1).children[0].item.label
    assert mediation_accept == "Przyjmij"
    assert volunteers_accept == "Przyjmuję"
    # A message marked in one feature and rendered elsewhere (the error path) keeps its domain.
    assert translate(N_("Accept"), locale="pl") == translate(Message("Accept", "core"), locale="pl")
