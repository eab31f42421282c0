"""What happens first for every interaction: choose the language to answer in."""

from __future__ import annotations

import discord

from gromada import guild_config
from gromada.i18n import LANGUAGES, set_locale
from models.core import MemberLocale


def language_of(locale: discord.Locale | str | None) -> str | None:
    """ "pl" for Locale.polish, "en" for en-US and en-GB, None for a language we don't speak."""
    if locale is None:
        return None
    value = locale.value if isinstance(locale, discord.Locale) else str(locale)
    prefix = value.split("-", 1)[0].lower()
    return prefix if prefix in LANGUAGES else None


async def activate(interaction: discord.Interaction) -> str:
    """Answer in the person's language if we speak it, else in the server's language."""
    client = interaction.client
    language = language_of(interaction.locale)
    if language is not None:
        remember = getattr(client, "remember_locale", None)
        if remember is not None:
            await remember(interaction.user.id, language)
    else:
        language = await guild_config.language(interaction.guild_id) or _default_language(client)
    set_locale(language)
    metrics = getattr(client, "metrics", None)
    if metrics is not None:
        metrics.interaction(interaction.type.name, interaction.guild_id)
    return language


async def language_for_member(client: discord.Client, user_id: int, guild_id: int | None) -> str:
    """The language to write to someone outside an interaction (a DM, a reminder)."""
    remembered = await MemberLocale.get_or_none(user_id=user_id)
    if remembered is not None:
        return remembered.locale
    return await guild_config.language(guild_id) or _default_language(client)


async def language_for_guild(client: discord.Client, guild_id: int | None) -> str:
    return await guild_config.language(guild_id) or _default_language(client)


def _default_language(client: discord.Client) -> str:
    settings = getattr(client, "settings", None)
    return settings.default_language if settings is not None else "en"
