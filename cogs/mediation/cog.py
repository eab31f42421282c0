"""/mediation panel (admins) and /ticket (mediators): the glue between Discord and the service."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from cogs.mediation import closing, service, space
from cogs.mediation.rules import shown_count
from cogs.mediation.views import (
    CloseModal,
    announce_mediator,
    invitation_view,
    panel_message,
    require_mediator_role,
)
from gromada import guild_config
from gromada.checks import admin_only, is_moderator, require_guild
from gromada.durations import format_duration
from gromada.errors import DiscordRefused, InvalidInput, NotAllowed
from gromada.i18n import N_, _, use_locale
from gromada.interactions import language_for_guild
from gromada.messaging import dm
from gromada.scheduler import now
from gromada.ui import Pager, paginate_lines, reply, truncate
from models.core import BindingKind, Timer
from models.mediation import MediationPanel

log = logging.getLogger(__name__)
MEDIATORS_ACCESS = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)


class MediationCog(commands.Cog):
    mediation = app_commands.Group(
        name="mediation",
        description="Mediation on this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    ticket = app_commands.Group(name="ticket", description="Work on a mediation ticket", guild_only=True)

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        bot.add_timer_handler(service.UNCLAIMED_TIMER, self._on_unclaimed)
        bot.add_timer_handler(service.CHECKIN_TIMER, self._on_checkin)
        bot.quickstart_steps.append(self.quickstart_step)

    async def _on_unclaimed(self, timer: Timer) -> None:
        await closing.on_unclaimed(self.bot, timer)

    async def _on_checkin(self, timer: Timer) -> None:
        await closing.on_checkin(self.bot, timer)

    # ------------------------------------------------------------ setup

    async def quickstart_step(self, guild: discord.Guild, report) -> None:
        """Let mediators into their log and category; post the panel once."""
        role = guild.get_role(await guild_config.binding(guild.id, BindingKind.ROLE, "mediator") or 0)
        moderator = guild.get_role(await guild_config.binding(guild.id, BindingKind.ROLE, "moderator") or 0)
        for kind, key in ((BindingKind.CHANNEL, "mediation_log"), (BindingKind.CATEGORY, "mediation")):
            place = guild.get_channel(await guild_config.binding(guild.id, kind, key) or 0)
            if role is None or place is None or place.overwrites_for(role).view_channel:
                continue
            overwrites = dict(place.overwrites)
            overwrites[role] = MEDIATORS_ACCESS
            # Transcripts are confidential: mediators only (quickstart lets moderators into
            # every staff channel; this one is narrowed the first time it is set up).
            overwrites.pop(moderator, None)
            await place.edit(overwrites=overwrites, reason=space.REASON)
        channel = guild.get_channel(await guild_config.binding(guild.id, BindingKind.CHANNEL, "mediation") or 0)
        if not isinstance(channel, discord.TextChannel):
            return
        existing = await MediationPanel.get_or_none(guild_id=guild.id)
        if existing is not None and await self._panel_exists(guild, existing):
            report.reused.append(_("the mediation panel"))
            return
        await self._post_panel(guild, channel)
        report.created.append(_("the mediation panel in #{channel}", channel=channel.name))

    async def _panel_exists(self, guild: discord.Guild, panel: MediationPanel) -> bool:
        channel = guild.get_channel(panel.channel_id)
        if channel is None:
            return False
        try:
            await channel.fetch_message(panel.message_id)
        except discord.NotFound:
            return False
        return True

    async def _post_panel(self, guild: discord.Guild, channel: discord.TextChannel) -> discord.Message:
        with use_locale(await language_for_guild(self.bot, guild.id)):
            message = await channel.send(**panel_message())
        await MediationPanel.update_or_create(
            defaults={"channel_id": channel.id, "message_id": message.id}, guild_id=guild.id
        )
        return message

    @mediation.command(name="panel", description="Post the Request mediation panel")
    @app_commands.describe(channel="Where to post it (the mediation channel if empty)")
    @admin_only()
    async def panel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        if channel is None:
            channel = guild.get_channel(await guild_config.binding(guild.id, BindingKind.CHANNEL, "mediation") or 0)
            if channel is None:
                raise InvalidInput(N_("Choose a channel, or run /setup quickstart to create the mediation channel."))
        try:
            await self._post_panel(guild, channel)
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
        try:
            hidden = await space.hide_until_accepted(self.bot, ticket, member)
        except Exception:
            await service.withdraw_invitation(party.pk, previous)
            raise
        sent = await dm(
            self.bot,
            member.id,
            guild_id=ticket.guild_id,
            render=lambda: {
                "content": _(
                    "{mediator} invites you to a private mediation conversation on {server}. "
                    "You will see it only if you accept.",
                    mediator=mediator.mention,
                    server=mediator.guild.name,
                ),
                "view": invitation_view(party.pk),
            },
        )
        if sent is None:
            await service.withdraw_invitation(party.pk, previous)
            if hidden:
                await space.show_again(self.bot, ticket, member)
            raise DiscordRefused(
                N_("I could not send {member} a direct message, so they were not invited. Ask them to open their DMs."),
                member=member.mention,
            )
        await reply(
            interaction, _("{member} was invited. They will see this space once they accept.", member=member.mention)
        )
        with use_locale(await language_for_guild(self.bot, ticket.guild_id)):
            text = _("<@{member}> was invited to this mediation.", member=member.id)
        await space.post_in_space(self.bot, ticket, text)

    @ticket.command(name="note", description="Write a note only mediators can read")
    @app_commands.describe(text="The note (kept privately, never posted in the space)")
    async def note(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 1000]) -> None:
        mediator = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        await service.add_note(ticket, mediator.id, text, now())
        await reply(interaction, _("Note saved. Only mediators can read it, with /ticket notes."))

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
        await self._wait_for_mediator(ticket)
        await reply(interaction, _("You no longer mediate ticket #{id}; the mediators were alerted.", id=ticket.pk))

    @ticket.command(name="handover", description="Hand this ticket over to another mediator")
    @app_commands.describe(mediator="The mediator who takes over")
    async def handover(self, interaction: discord.Interaction, mediator: discord.Member) -> None:
        current = await require_mediator_role(interaction)
        ticket = await service.ticket_in_channel(interaction.channel_id)
        role_id = await guild_config.binding(ticket.guild_id, BindingKind.ROLE, "mediator")
        if mediator.get_role(role_id or 0) is None:
            raise InvalidInput(N_("{member} does not have the Mediator role."), member=mediator.mention)
        ticket = await service.hand_over(ticket.pk, current.id, mediator.id)
        await reply(interaction, _("{mediator} now mediates ticket #{id}.", mediator=mediator.mention, id=ticket.pk))
        await announce_mediator(self.bot, ticket)
        await space.refresh_alert(self.bot, ticket)

    @ticket.command(name="stats", description="Mediation figures, with small counts hidden")
    @app_commands.describe(days="How many days back (default 90)")
    async def stats(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 3650] = 90) -> None:
        member = require_guild(interaction)
        role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, "mediator")
        if not (await is_moderator(member) or member.get_role(role_id or 0) is not None):
            raise NotAllowed(N_("Only mediators and moderators can see mediation figures."))
        figures = await service.stats(member.guild.id, now() - timedelta(days=days))

        def duration(value):
            return format_duration(value) if value is not None else _("not enough tickets")

        lines = [
            _("**Mediation in the last {days} days**", days=days),
            _("Requests: {count}", count=shown_count(figures.opened)),
            _("Waiting: {count}", count=shown_count(figures.open)),
            _("Being mediated: {count}", count=shown_count(figures.claimed)),
            _("Closed: {count}", count=shown_count(figures.closed)),
            _("Median time to claim: {value}", value=duration(figures.median_to_claim)),
            _("Median time to close: {value}", value=duration(figures.median_to_close)),
            _(
                "Average rating: {value} ({count} ratings)",
                value=f"{figures.average_rating}/5" if figures.average_rating is not None else _("not enough ratings"),
                count=shown_count(figures.ratings),
            ),
            _("Counts under 5 are shown as <5 so that nobody can be recognised."),
        ]
        await reply(interaction, "\n".join(lines))

    # ------------------------------------------------------------ people leaving

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self._release(payload.guild_id, payload.user.id, N_("Your mediator left the server."))

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        role_id = await guild_config.binding(after.guild.id, BindingKind.ROLE, "mediator")
        if role_id and before.get_role(role_id) is not None and after.get_role(role_id) is None:
            await self._release(after.guild.id, after.id, N_("Your mediator no longer mediates on this server."))

    async def _release(self, guild_id: int, mediator_id: int, reason: str) -> None:
        """A mediator is gone: their tickets wait for someone else, and the requester knows."""
        for ticket in await service.release_mediator(guild_id, mediator_id):
            with use_locale(await language_for_guild(self.bot, guild_id)):
                text = _(reason) + " " + _("Another mediator will take over soon.")
            await space.post_in_space(self.bot, ticket, text)
            if self.bot.get_guild(guild_id) is not None:
                await self._wait_for_mediator(ticket)

    async def _wait_for_mediator(self, ticket) -> None:
        """Back to unclaimed: re-enable Claim on the alert, alert again, re-arm the reminder."""
        guild = self.bot.get_guild(ticket.guild_id)
        await space.refresh_alert(self.bot, ticket)  # the old alert shows the ticket waits again
        try:
            await space.post_alert(self.bot, guild, ticket, await space.places(guild))
        except discord.HTTPException:
            log.warning("could not alert mediators about ticket %s", ticket.pk, exc_info=True)
        delay = await service.CLAIM_REMINDER.get(ticket.guild_id)
        await self.bot.timers.schedule(
            service.UNCLAIMED_TIMER, now() + delay, ref_id=ticket.pk, guild_id=ticket.guild_id
        )
