"""/privacy export and /privacy forget, the retention sweep, and members who leave."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from cogs.privacy import flows, service
from cogs.privacy.views import ForgetButton, KeepButton, confirmation, forget_preview
from gromada import cooldowns
from gromada.checks import require_guild
from gromada.commands import mention
from gromada.feature import FeatureCog, listener
from gromada.i18n import _
from gromada.scheduler import TimerHandler, now
from gromada.ui import reply

# An export reads every feature's rows about the member and sends a file by DM.
EXPORT_COOLDOWN = cooldowns.export("privacy_export")


class PrivacyCog(FeatureCog):
    privacy = app_commands.Group(
        name="privacy", description="See or erase what Gromada keeps about you", guild_only=True
    )

    persistent_items = (ForgetButton, KeepButton)

    def timer_handlers(self) -> Mapping[str, TimerHandler]:
        return {
            service.RETENTION_TIMER: partial(flows.on_retention, self.bot),
            service.DEPARTURE_TIMER: partial(flows.on_departure, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        # The daily retention sweep always has its next run armed (each sweep arms the next).
        await self.bot.timers.ensure(service.RETENTION_TIMER, now() + service.SWEEP_EVERY, ref_id=0)

    # ------------------------------------------------------------ commands

    @privacy.command(name="export", description="Receive by direct message everything Gromada keeps about you here")
    @cooldowns.limited(EXPORT_COOLDOWN)
    async def export(self, interaction: discord.Interaction) -> None:
        member = require_guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await flows.send_export(self.bot, member):
            cooldowns.give_back(interaction)  # nothing reached them: they may retry at once
            await reply(
                interaction,
                _(
                    "I could not send you a direct message. Allow direct messages from this server's members "
                    "(Privacy settings of the server) and run {command} again.",
                    command=mention(self.bot, "privacy export"),
                ),
            )
            return
        await reply(interaction, _("I sent you everything Gromada keeps about you here by direct message."))

    @privacy.command(name="forget", description="Erase what Gromada keeps about you here (asks to confirm)")
    async def forget(self, interaction: discord.Interaction) -> None:
        member = require_guild(interaction)
        plan = await service.plan_forget(member.guild.id, member.id)
        await reply(interaction, forget_preview(plan, self.bot), view=confirmation(member.id))

    # ------------------------------------------------------------ people who leave

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        if member.bot:
            return
        row, due = await service.record_departure(member.guild.id, member.id, now())
        await self.bot.timers.schedule(service.DEPARTURE_TIMER, due, ref_id=row.pk, guild_id=member.guild.id)

    @listener(when=lambda member: service.may_have_departed(member.guild.id, member.id))
    async def on_member_join(self, member: discord.Member) -> None:
        departure_id = await service.cancel_departure(member.guild.id, member.id)
        if departure_id is not None:
            await self.bot.timers.cancel(service.DEPARTURE_TIMER, departure_id)
