"""/setup: quickstart, show, channel, role, language, option, import (Manage Server)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.setup import flows, service
from config.content import ContentError, ContentPack, ContentTooDeep, parse_pack
from gromada import guild_config
from gromada.checks import as_check, require_admin
from gromada.content_import import import_sections
from gromada.errors import InvalidInput
from gromada.feature import FeatureCog
from gromada.i18n import N_, _, _n
from gromada.text import matches_search
from gromada.ui import paginate_lines, reply, truncate
from models.core import BindingKind

if TYPE_CHECKING:
    from gromada.bot import Gromada

# The largest pack that can be valid: 25 values cards and 25 volunteer roles at their longest,
# written in Cyrillic (two bytes a letter).
MAX_PACK_BYTES = 256 * 1024
PACK_TOO_LARGE = N_("The file is too large (at most {kb} KB).")
# Each language by its own name, as people look for it.
LANGUAGE_CHOICES = [
    app_commands.Choice(name="English", value="en"),
    app_commands.Choice(name="Polski", value="pl"),
    app_commands.Choice(name="Русский", value="ru"),
]


class SetupCog(FeatureCog):
    setup = app_commands.Group(
        name="setup",
        description="Configure Gromada on this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        bot.content_importers["values"] = service.values_importer

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # default_permissions only hides the commands; the bot checks for itself.
        return await as_check(lambda: require_admin(interaction))

    @setup.command(name="quickstart", description="Create the channels and roles Gromada needs, reusing what exists")
    @app_commands.describe(language="The server's language")
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def quickstart(self, interaction: discord.Interaction, language: str = "en") -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self._locks[interaction.guild_id]:
            report = await flows.run_quickstart(self.bot, interaction.guild, language)
        lines = [_("**Quickstart finished.**")]
        lines.append(_("Created: {items}", items=", ".join(report.created) or _("nothing, everything existed")))
        if report.reused:
            lines.append(_("Reused: {items}", items=", ".join(report.reused)))
        if report.problems:
            lines.append(_("**Needs your attention:**"))
            lines.extend(f"- {problem}" for problem in report.problems)
        pages = paginate_lines(lines)
        for page in pages:
            await reply(interaction, page)

    @setup.command(name="show", description="Show this server's Gromada configuration")
    async def show(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        settings = await guild_config.guild_settings(guild.id)
        bound = await guild_config.bindings(guild.id)
        embed = discord.Embed(title=_("Gromada on {server}", server=truncate(guild.name, 100)))
        embed.add_field(name=_("Language"), value=settings.language, inline=False)
        for kind, title in (
            (BindingKind.CHANNEL, _("Channels")),
            (BindingKind.CATEGORY, _("Categories")),
            (BindingKind.ROLE, _("Roles")),
        ):
            lines = [
                f"{purpose.key}: {self._mention(guild, kind, bound.get((kind, purpose.key)))}"
                for purpose in guild_config.purposes(kind)
            ]
            embed.add_field(name=title, value=truncate("\n".join(lines) or "-", 1024), inline=False)
        options = await guild_config.all_options(guild.id)
        option_lines = [f"{key}: {guild_config.OPTIONS[key].show(value)}" for key, value in sorted(options.items())]
        embed.add_field(name=_("Options"), value=truncate("\n".join(option_lines) or "-", 1024), inline=False)
        missing = flows.missing_bot_permissions(guild)
        if missing:
            embed.add_field(name=_("Needs your attention"), value=truncate("\n".join(missing), 1024), inline=False)
        await reply(interaction, embed=embed)

    @staticmethod
    def _mention(guild: discord.Guild, kind: BindingKind, discord_id: int | None) -> str:
        if discord_id is None:
            return _("not set")
        target = guild.get_role(discord_id) if kind == BindingKind.ROLE else guild.get_channel(discord_id)
        if target is None:
            return _("missing (deleted?)")
        return target.mention if kind != BindingKind.CATEGORY else target.name

    @setup.command(name="channel", description="Choose the channel or category for a purpose")
    @app_commands.describe(purpose="What the channel is for", channel="The channel or category")
    async def channel(
        self,
        interaction: discord.Interaction,
        purpose: str,
        channel: discord.TextChannel | discord.CategoryChannel,
    ) -> None:
        kind = BindingKind.CATEGORY if isinstance(channel, discord.CategoryChannel) else BindingKind.CHANNEL
        if (kind, purpose) not in guild_config.PURPOSES:
            raise InvalidInput(N_("“{purpose}” is not a purpose for this kind of channel."), purpose=purpose[:40])
        await guild_config.bind(interaction.guild_id, kind, purpose, channel.id)
        await reply(interaction, _("{purpose} is now {channel}.", purpose=purpose, channel=channel.mention))

    @channel.autocomplete("purpose")
    async def _channel_purposes(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return self._purpose_choices((BindingKind.CHANNEL, BindingKind.CATEGORY), current)

    @setup.command(name="role", description="Choose the role for a purpose")
    @app_commands.describe(purpose="What the role is for", role="The role")
    async def role(self, interaction: discord.Interaction, purpose: str, role: discord.Role) -> None:
        if (BindingKind.ROLE, purpose) not in guild_config.PURPOSES:
            raise InvalidInput(N_("“{purpose}” is not a role purpose."), purpose=purpose[:40])
        if role.is_default() or role.managed:
            raise InvalidInput(N_("Choose a regular role, not @everyone or a bot's own role."))
        await guild_config.bind(interaction.guild_id, BindingKind.ROLE, purpose, role.id)
        await reply(interaction, _("{purpose} is now {role}.", purpose=purpose, role=role.mention))
        # Features that keep something one with a purpose's role follow it (a volunteer role).
        self.bot.dispatch("role_purpose_bound", interaction.guild, purpose)

    @role.autocomplete("purpose")
    async def _role_purposes(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return self._purpose_choices((BindingKind.ROLE,), current)

    @staticmethod
    def _purpose_choices(kinds: tuple[BindingKind, ...], current: str) -> list[app_commands.Choice[str]]:
        keys = sorted({key for kind, key in guild_config.PURPOSES if kind in kinds})
        return [app_commands.Choice(name=key, value=key) for key in keys if matches_search(current, key)][:25]

    @setup.command(name="language", description="Set the server's language")
    @app_commands.describe(language="The server's language")
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def language(self, interaction: discord.Interaction, language: str) -> None:
        await guild_config.set_language(interaction.guild_id, language)
        await reply(interaction, _("The server's language is now {language}.", language=language))

    @setup.command(name="option", description="Change a threshold or duration")
    @app_commands.describe(key="The option", value="Its new value (a number, a duration like 3d, or on/off)")
    async def option(self, interaction: discord.Interaction, key: str, value: str) -> None:
        parsed = await guild_config.set_option(interaction.guild_id, key, value)
        shown = guild_config.OPTIONS[key].show(parsed)
        await reply(interaction, _("{key} is now {value}.", key=key, value=shown))

    @option.autocomplete("key")
    async def _option_keys(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        # There are more options than the 25 Discord shows, so what is typed narrows them,
        # by name or by the label in the reader's language; those matched by name come first.
        labelled = [(key, _(option.description)) for key, option in sorted(guild_config.OPTIONS.items())]
        by_name = [(key, label) for key, label in labelled if matches_search(current, key)]
        by_label = [(key, label) for key, label in labelled if matches_search(current, key, label)]
        found = by_name + [pair for pair in by_label if pair not in by_name]
        return [app_commands.Choice(name=truncate(f"{key} — {label}", 100), value=key) for key, label in found][:25]

    @setup.command(name="import", description="Import a content pack (values cards, volunteer roles) in TOML or YAML")
    @app_commands.describe(file="A .toml, .yaml or .yml file")
    async def import_pack(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if not file.filename.lower().endswith((".toml", ".yaml", ".yml")):
            raise InvalidInput(N_("The content pack must be a .toml, .yaml or .yml file."))
        if file.size > MAX_PACK_BYTES:
            raise InvalidInput(PACK_TOO_LARGE, kb=MAX_PACK_BYTES // 1024)
        await interaction.response.defer(ephemeral=True, thinking=True)
        raw = await file.read()
        if len(raw) > MAX_PACK_BYTES:  # what arrived, whatever the attachment claimed
            raise InvalidInput(PACK_TOO_LARGE, kb=MAX_PACK_BYTES // 1024)
        pack = await self._parse(raw, file.filename)
        sections = service.pack_sections(pack)
        if not sections:
            raise InvalidInput(N_("The file has no values cards and no volunteer roles."))
        async with self._locks[interaction.guild_id]:
            counts = await import_sections(self.bot.content_importers, interaction.guild_id, sections)
        lines = [
            _n("{section}: {n} item imported.", "{section}: {n} items imported.", counts[section], section=section)
            if section in counts
            else _(service.IMPORT_UNSUPPORTED, section=section)
            for section in sections
        ]
        await reply(interaction, "\n".join(lines))

    @staticmethod
    async def _parse(raw: bytes, filename: str) -> ContentPack:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(N_("The file is not UTF-8 text.")) from None
        try:
            # Parsing a large YAML file takes a while in pure Python: keep the bot answering meanwhile.
            return await asyncio.to_thread(parse_pack, text, filename)
        except ContentTooDeep:
            raise InvalidInput(
                N_(
                    "The file could not be read: its lists or tables are nested too deeply. "
                    "A content pack needs only a few levels."
                )
            ) from None
        except ContentError as error:
            if error.line:
                raise InvalidInput(N_("Line {line}: {problem}"), line=error.line, problem=error.problem) from None
            raise InvalidInput(N_("The file could not be read: {problem}"), problem=error.problem) from None
