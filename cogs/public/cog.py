"""/setup public enable|disable|rotate|show (Manage Server): the server's public pages.

The commands sit under /setup, where admins look for everything about configuring the bot,
but belong to this feature: the group is attached to /setup when this cog loads (setup
loads first) and detached when it unloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.public import rules, service
from gromada.checks import as_check, require_admin
from gromada.commands import mention
from gromada.feature import FeatureCog
from gromada.i18n import _
from gromada.scheduler import now
from gromada.ui import reply

if TYPE_CHECKING:
    from gromada.bot import Gromada


class PublicPagesCommands(app_commands.Group):
    def __init__(self, bot: Gromada) -> None:
        super().__init__(
            name="public", description="Publish this server's decisions, ledger and initiatives on the web"
        )
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # default_permissions (inherited from /setup) only hides the commands; the bot checks for itself.
        return await as_check(lambda: require_admin(interaction))

    def _address(self, token: str) -> str:
        return rules.site_address(self.bot.settings.public_base_url(), token)

    async def _names_line(self, guild_id: int) -> str:
        if await service.shows_names(guild_id):
            return _("Members' names are shown (option public_names is on).")
        return _("Members' names are not shown, only counts (option public_names is off).")

    @app_commands.command(name="enable", description="Publish the public pages and show their address")
    async def enable(self, interaction: discord.Interaction) -> None:
        token, newly = await service.enable(interaction.guild_id, now())
        first = (
            _("The public pages are on: {address}", address=self._address(token))
            if newly
            else _("The public pages were already on: {address}", address=self._address(token))
        )
        lines = [
            first,
            _(
                "Anyone with this address can read the decisions, the ledger, the initiatives and the volunteer "
                "roles. {rotate} gives a new address and the old one stops working.",
                rotate=mention(self.bot, "setup public rotate"),
            ),
            await self._names_line(interaction.guild_id),
        ]
        await reply(interaction, "\n".join(lines))

    @app_commands.command(name="disable", description="Stop publishing the public pages")
    async def disable(self, interaction: discord.Interaction) -> None:
        if await service.disable(interaction.guild_id):
            await reply(interaction, _("The public pages are off. Their address no longer works."))
        else:
            await reply(interaction, _("The public pages were already off."))

    @app_commands.command(name="rotate", description="Give the public pages a new address; the old one stops working")
    async def rotate(self, interaction: discord.Interaction) -> None:
        token = await service.rotate(interaction.guild_id, now())
        await reply(
            interaction,
            _(
                "The public pages have a new address: {address}\nThe old one no longer works.",
                address=self._address(token),
            ),
        )

    @app_commands.command(name="show", description="Show whether the public pages are on, and their address")
    async def show(self, interaction: discord.Interaction) -> None:
        token = await service.token_of(interaction.guild_id)
        if token is None:
            await reply(
                interaction,
                _(
                    "The public pages are off. {enable} publishes them.",
                    enable=mention(self.bot, "setup public enable"),
                ),
            )
            return
        lines = [
            _("The public pages are on: {address}", address=self._address(token)),
            await self._names_line(interaction.guild_id),
        ]
        await reply(interaction, "\n".join(lines))


class PublicPagesCog(FeatureCog):
    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        self.commands = PublicPagesCommands(bot)

    async def cog_load(self) -> None:
        await super().cog_load()
        setup = self.bot.tree.get_command("setup")
        if isinstance(setup, app_commands.Group):
            setup.add_command(self.commands, override=True)

    async def cog_unload(self) -> None:
        setup = self.bot.tree.get_command("setup")
        if isinstance(setup, app_commands.Group):
            setup.remove_command(self.commands.name)
        await super().cog_unload()
