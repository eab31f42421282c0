"""/initiative: propose, list, update, need, handover, archive, reopen; deadlines and channel activity.

A proposal's card carries Support, Withdraw support and, for its proposer, Withdraw proposal
(asked to confirm; supporters are not pinged, the card says it was withdrawn). Once the
initiative has its channel, its lead steps back with `/initiative handover <member>` (in the
channel; the new lead's and the previous lead's permissions follow) or `/initiative archive`.
Staff (moderators) may reassign the lead the same way, say when the lead is gone.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.initiatives import flows, service, views
from gromada import cooldowns
from gromada.checks import require_guild
from gromada.commands import mention
from gromada.feature import FeatureCog, listener, said_by_a_person_in_a_server
from gromada.i18n import _
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, mention_only, paginate_lines, reply, truncate
from models.initiatives import InitiativeStatus, Progress

ListStatus = Literal["proposed", "active", "archived", "expired", "withdrawn"]
# A choice's name is what people read (and what translators translate), so it is words, not a stored value.
PROGRESS_CHOICES = [
    app_commands.Choice(name="planning", value=Progress.PLANNING.value),
    app_commands.Choice(name="in progress", value=Progress.IN_PROGRESS.value),
    app_commands.Choice(name="blocked", value=Progress.BLOCKED.value),
    app_commands.Choice(name="done", value=Progress.DONE.value),
]


class InitiativesCog(FeatureCog):
    initiative = app_commands.Group(
        name="initiative", description="Community initiatives with their own channels", guild_only=True
    )
    persistent_items = (
        views.SupportButton,
        views.WithdrawButton,
        views.RetryButton,
        views.WithdrawProposalButton,
        views.JoinButton,
        views.LeaveButton,
        views.HelpButton,
    )

    def __init__(self, bot: commands.Bot) -> None:
        super().__init__(bot)
        # channel id → initiative id of active initiatives, and when activity was last written.
        # Loaded on the first message, so a restart reads it fresh from the database.
        self.active_channels: dict[int, int] | None = None
        self._activity_written: dict[int, datetime] = {}

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {
            service.EXPIRE_TIMER: partial(flows.expire, self.bot),
            service.INACTIVITY_TIMER: partial(flows.check_inactivity, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        # A deadline lost between a change and arming its timer (a stop at that moment, or a
        # handler that failed through every retry) is armed again: every proposal expires or
        # opens, and every quiet channel is warned and archived, as promised.
        moment = now()
        proposals, active = service.awaiting_deadlines()
        await self.bot.timers.ensure_all(
            service.EXPIRE_TIMER, proposals, due=lambda proposal: service.expiry_due(proposal, moment)
        )
        await self.bot.timers.ensure_all(
            service.INACTIVITY_TIMER, active, due=lambda initiative: service.inactivity_due(initiative, moment)
        )

    # ------------------------------------------------------------ commands

    @initiative.command(name="propose", description="Propose an initiative; with enough supporters it gets a channel")
    async def propose(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)
        await flows.proposals_channel(interaction.guild)  # not set up: say so before the form
        await cooldowns.ensure_ready(interaction, views.PROPOSE_COOLDOWN)  # the use counts when the form is sent
        await interaction.response.send_modal(views.ProposalModal())

    @initiative.command(name="list", description="List initiatives")
    @app_commands.describe(status="Only initiatives in this state")
    async def list_(self, interaction: discord.Interaction, status: ListStatus | None = None) -> None:
        rows = await service.listing(interaction.guild_id, InitiativeStatus(status) if status else None)
        lines = []
        for row in rows:
            where = f"<#{row.channel_id}>" if row.channel_id else views.card_link(row)
            lines.append(f"- **{truncate(row.title, 100)}**: {_(views.STATUS_LABELS[row.status])} · {where}")
        if not lines:
            await reply(
                interaction,
                _("No initiatives yet. Start one with {command}.", command=mention(self.bot, "initiative propose")),
            )
            return
        await Pager(paginate_lines(lines), owner_id=interaction.user.id, title=_("Initiatives")).send(interaction)

    @initiative.command(name="update", description="Post a progress note (lead only, in the initiative's channel)")
    @app_commands.describe(status="Where the work stands", note="What happened")
    @app_commands.choices(status=PROGRESS_CHOICES)
    async def update(self, interaction: discord.Interaction, status: str, note: str) -> None:
        initiative = await service.in_channel(interaction.channel_id)
        await service.require_lead(initiative, interaction.user.id)
        progress = Progress(status)
        note = await service.update_progress(initiative, progress, note)
        await interaction.response.send_message(
            _(
                "**Progress: {status}**\n{note}",
                status=_(views.PROGRESS_LABELS[progress]),
                note=note,
            ),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await flows.refresh_card(self.bot, initiative.pk)

    @initiative.command(name="need", description="Ask the community for help (lead only)")
    @app_commands.describe(text="What help you need")
    async def need(self, interaction: discord.Interaction, text: str) -> None:
        initiative = await service.in_channel(interaction.channel_id)
        await service.require_lead(initiative, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = await flows.post_need(self.bot, interaction.guild, initiative, text)
        await reply(interaction, _("Your call for help is posted: {link}", link=message.jump_url))

    @initiative.command(
        name="handover", description="Hand the lead of this initiative to another member (lead or staff)"
    )
    @app_commands.describe(member="The member who leads the initiative from now on")
    # A User, not a Member: someone who left the server gets a clear answer, not a failed conversion.
    async def handover(self, interaction: discord.Interaction, member: discord.User) -> None:
        """The lead steps back, or staff reassign a lead who is gone: in the initiative's channel."""
        by = require_guild(interaction)
        initiative = await service.in_channel(interaction.channel_id)
        await flows.may_manage(by, initiative)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await flows.hand_over(self.bot, interaction.guild, initiative, member, by)
        await interaction.channel.send(
            _("{who} handed the lead of this initiative to {lead}.", who=by.mention, lead=member.mention),
            allowed_mentions=mention_only(member),
        )
        await reply(interaction, _("{lead} now leads this initiative.", lead=member.mention))

    @initiative.command(name="archive", description="Archive this initiative's channel (lead or staff)")
    async def archive(self, interaction: discord.Interaction) -> None:
        member = require_guild(interaction)
        initiative = await service.in_channel(interaction.channel_id)
        await flows.may_manage(member, initiative)
        service.require_status(initiative, InitiativeStatus.ACTIVE)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await flows.archive(self.bot, interaction.guild, initiative)
        await channel.send(
            _(
                "{who} archived this initiative. It stays readable; {command} brings it back.",
                who=member.mention,
                command=mention(self.bot, "initiative reopen"),
            )
        )
        await reply(interaction, _("Archived."))

    @initiative.command(name="reopen", description="Reopen an archived initiative (lead or staff)")
    async def reopen(self, interaction: discord.Interaction) -> None:
        member = require_guild(interaction)
        initiative = await service.in_channel(interaction.channel_id)
        await flows.may_manage(member, initiative)
        service.require_status(initiative, InitiativeStatus.ARCHIVED)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = await flows.reopen(self.bot, interaction.guild, initiative)
        await channel.send(_("{who} reopened this initiative. Welcome back!", who=member.mention))
        await reply(interaction, _("Reopened."))

    # ------------------------------------------------------------ channel activity

    @listener(when=said_by_a_person_in_a_server)  # a member's message in an initiative's channel
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None:
            return
        if self.active_channels is None:
            self.active_channels = await service.active_channel_ids()
        initiative_id = self.active_channels.get(message.channel.id)
        if initiative_id is None or message.author.bot:
            return
        moment = now()
        if service.should_record_activity(self._activity_written.get(initiative_id), moment):
            self._activity_written[initiative_id] = moment
            await service.record_activity(initiative_id, moment)
