"""/mediation panel (admins) and /ticket (mediators): the glue between Discord and the service."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from cogs.mediation import flows, service
from cogs.mediation.views import (
    CheckinButton,
    ClaimButton,
    CloseModal,
    InvitationButton,
    RateButton,
    RequestButton,
    require_mediator_role,
    stats_report,
)
from gromada import cooldowns, guild_config
from gromada.checks import admin_only, is_moderator, require_guild
from gromada.commands import Command, mention
from gromada.errors import DiscordRefused, InvalidInput, NotAllowed
from gromada.feature import FeatureCog, listener, roles_taken
from gromada.i18n import N_, _
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, paginate_lines, reply, truncate
from models.core import BindingKind

TRANSCRIPT_COOLDOWN = cooldowns.export("mediation_transcript")


class MediationCog(FeatureCog):
    mediation = app_commands.Group(
        name="mediation",
        description="Mediation on this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    ticket = app_commands.Group(name="ticket", description="Work on a mediation ticket", guild_only=True)
    persistent_items = (RequestButton, ClaimButton, InvitationButton, RateButton, CheckinButton)

    def __init__(self, bot: commands.Bot) -> None:
        super().__init__(bot)
        bot.quickstart_steps.append(self.quickstart_step)

    def timer_handlers(self) -> Mapping[str, TimerHandler]:
        return {
            service.UNCLAIMED_TIMER: partial(flows.on_unclaimed, self.bot),
            service.CHECKIN_TIMER: partial(flows.on_checkin, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        # A ticket's deadline is written after its row, with Discord calls in between (the
        # space, the alert, the lock); a stop there, or a handler that failed through every
        # retry, lost it. Armed again from the rows: the next reminder of a ticket still
        # waiting (none past the server's limit), and the check-in of a closed one not asked
        # yet (one asked or answered is never asked again).
        waiting, checkins = service.awaiting_deadlines()
        await self.bot.timers.ensure_all(service.UNCLAIMED_TIMER, waiting, due=service.reminder_due)
        await self.bot.timers.ensure_all(service.CHECKIN_TIMER, checkins, due=service.checkin_due)

    # ------------------------------------------------------------ setup

    async def quickstart_step(self, guild: discord.Guild, report) -> None:
        await flows.set_up(self.bot, guild, report)

    @mediation.command(name="panel", description="Post the Request mediation panel")
    @app_commands.describe(channel="Where to post it (the mediation channel if empty)")
    @admin_only()
    async def panel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        if channel is None:
            channel = guild.get_channel(await guild_config.binding(guild.id, BindingKind.CHANNEL, "mediation") or 0)
            if channel is None:
                raise InvalidInput(
                    N_("Choose a channel, or run {command} to create the mediation channel."),
                    command=Command("setup quickstart"),
                )
        try:
            await flows.post_panel(self.bot, guild, channel)
        except discord.Forbidden:
            raise DiscordRefused(
                N_("I cannot post in {channel}. Let me view it and send messages there."), channel=channel.mention
            ) from None
        await reply(interaction, _("The mediation panel is in {channel}.", channel=channel.mention))

    # ------------------------------------------------------------ /ticket

    @ticket.command(name="add", description="Invite another party; they see the space only after accepting")
    @app_commands.describe(member="The member to invite")
    async def add(self, interaction: discord.Interaction, member: discord.Member) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        party, previous = await service.invite_party(ticket, member.id, mediator.id, now(), is_bot=member.bot)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await flows.send_invitation(self.bot, ticket, mediator, member, party.pk, previous)
        await reply(
            interaction, _("{member} was invited. They will see this space once they accept.", member=member.mention)
        )
        await flows.post_in_space(
            self.bot, ticket, lambda: _("<@{member}> was invited to this mediation.", member=member.id)
        )

    @ticket.command(name="note", description="Write a note only mediators can read")
    @app_commands.describe(text="The note (kept privately, never posted in the space)")
    async def note(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 1000]) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        await service.add_note(ticket, mediator.id, text, now())
        await reply(
            interaction,
            _("Note saved. Only mediators can read it, with {command}.", command=mention(self.bot, "ticket notes")),
        )

    @ticket.command(name="notes", description="Read the mediators' notes on this ticket")
    async def notes(self, interaction: discord.Interaction) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        rows = await service.notes(ticket, mediator.id)
        if not rows:
            await reply(interaction, _("There are no notes on this ticket yet."))
            return
        lines = [f"{format_dt(row.created_at, 'f')} <@{row.author_id}>: {truncate(row.text, 1500)}" for row in rows]
        await Pager(paginate_lines(lines), owner_id=mediator.id, title=_("Notes on #{id}", id=ticket.pk)).send(
            interaction
        )

    @ticket.command(name="close", description="Close this ticket with its outcome")
    async def close(self, interaction: discord.Interaction) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        service.require_mediator_of(ticket, mediator.id)
        await interaction.response.send_modal(CloseModal(ticket.pk))

    @ticket.command(name="transcript", description="Get the kept transcript of this closed ticket (only you see it)")
    @cooldowns.limited(TRANSCRIPT_COOLDOWN)
    async def transcript(self, interaction: discord.Interaction) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        text = await service.transcript_for(ticket, mediator.id)
        await reply(
            interaction,
            _("The transcript of mediation #{id}.", id=ticket.pk),
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=f"mediation-{ticket.pk}.txt"),
        )

    @ticket.command(name="unclaim", description="Stop mediating this ticket so another mediator can take it")
    async def unclaim(self, interaction: discord.Interaction) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        ticket = await service.unclaim(ticket.pk, mediator.id)
        await flows.wait_for_mediator(self.bot, ticket)
        await reply(interaction, _("You no longer mediate ticket #{id}; the mediators were alerted.", id=ticket.pk))

    @ticket.command(name="handover", description="Hand this ticket over to another mediator")
    @app_commands.describe(mediator="The mediator who takes over")
    async def handover(self, interaction: discord.Interaction, mediator: discord.Member) -> None:
        current = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        if mediator.get_role(await service.mediator_role_id(ticket.guild_id) or 0) is None:
            raise InvalidInput(
                N_("{member} does not have the {role} role."),
                member=mediator.mention,
                role=await guild_config.role_shown(ticket.guild_id, "mediator"),
            )
        ticket = await service.hand_over(ticket.pk, current.id, mediator.id)
        await reply(interaction, _("{mediator} now mediates ticket #{id}.", mediator=mediator.mention, id=ticket.pk))
        await flows.announce_mediator(self.bot, ticket)

    @ticket.command(name="stats", description="Mediation figures, with small counts hidden")
    @app_commands.describe(days="How many days back (default 90)")
    async def stats(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 3650] = 90) -> None:
        member = require_guild(interaction)
        role_id = await service.mediator_role_id(member.guild.id)
        if not (await is_moderator(member) or member.get_role(role_id or 0) is not None):
            raise NotAllowed(N_("Only mediators and moderators can see mediation figures."))
        figures = await service.stats(member.guild.id, now() - timedelta(days=days))
        await reply(interaction, stats_report(figures, days))

    # ------------------------------------------------------------ people leaving

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await flows.release(self.bot, payload.guild_id, payload.user.id, N_("Your mediator left the server."))

    @listener(when=roles_taken)  # the mediator role taken away
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        role_id = await service.mediator_role_id(after.guild.id)
        if role_id and before.get_role(role_id) is not None and after.get_role(role_id) is None:
            await flows.release(
                self.bot, after.guild.id, after.id, N_("Your mediator no longer mediates on this server.")
            )
