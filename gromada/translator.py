"""Command names, descriptions and choices in Polish and Russian, from the same catalogs."""

from __future__ import annotations

import discord
from discord import app_commands

from gromada.i18n import command_text
from gromada.interactions import language_of


class GromadaTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        language = language_of(locale)
        if language is None:
            return None
        return command_text(string.message, language)
