"""Command names, descriptions and choices in Polish and Russian, from the same catalogs.

Each string is looked up in the domain of the feature that declares the command, so the
`duration` option of one feature keeps its wording when another translates "duration" too.
"""

from __future__ import annotations

import discord
from discord import app_commands

from gromada.i18n import CORE_DOMAIN, command_text, domain_of_module
from gromada.interactions import language_of


def _declaring_module(context: app_commands.TranslationContext) -> str | None:
    data = context.data
    if isinstance(data, app_commands.Parameter):
        data = data.command
    return getattr(data, "module", None)


class GromadaTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        language = language_of(locale)
        if language is None:
            return None
        module = _declaring_module(context)
        domain = domain_of_module(module) if module else CORE_DOMAIN
        return command_text(string.message, language, domain)
