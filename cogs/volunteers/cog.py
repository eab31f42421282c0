"""/volunteer and /thanks: the catalogue, panels, claims, roster and recognition; parse, call flows, reply."""

from __future__ import annotations

import asyncio
import functools
import io
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.activities import service as activities_service
from cogs.volunteers import flows, service, views
from cogs.volunteers.certificate import render
from gromada import cooldowns
from gromada.checks import admin_only, require_guild
from gromada.errors import DiscordRefused, InvalidInput
from gromada.feature import FeatureCog, changed_roles, held_roles, listener
from gromada.i18n import N_, _, _n
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, mention_only, paginate_lines, reply, truncate
from models.volunteers import Approval

if TYPE_CHECKING:
    from gromada.bot import Gromada

# What the options of /volunteer role create and edit mean.
ROLE_OPTIONS_HELP = {
    "seats": "How many people can hold it",
    "description": "One line about it",
    "responsibilities": "What the volunteer does",
    "term_days": "How long a term lasts, in days",
    "approval": "Whether a coordinator approves each volunteer",
    "prerequisite": "A role people need before they can take this one",
}
# Thanks ping someone in public; a certificate is a picture drawn and posted in public.
THANKS_COOLDOWN = cooldowns.declare(
    "thanks", timedelta(seconds=30), N_("Time a member waits between two thanks they give")
)
CERTIFICATE_COOLDOWN = cooldowns.declare(
    "volunteer_certificate", timedelta(minutes=1), N_("Time a member waits between two certificates")
)


class VolunteersCog(FeatureCog):
    persistent_items = (
        views.RolePicker,
        views.ClaimButton,
        views.ReleaseButton,
        views.AcceptOffer,
        views.DeclineOffer,
        views.RenewTerm,
        views.ApproveRequest,
        views.RejectRequest,
    )

    volunteer = app_commands.Group(
        name="volunteer", description="Volunteer roles: seats, waitlists and terms", guild_only=True
    )
    role = app_commands.Group(name="role", description="Manage the volunteer roles catalogue", parent=volunteer)

    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        # The bot's one coalescing refresher of panels (flows.mark_dirty reaches it through the cog).
        self.panels = flows.panel_refresher(bot)
        bot.quickstart_steps.append(functools.partial(flows.quickstart, bot))
        bot.content_importers["volunteer_roles"] = functools.partial(flows.import_roles, bot)

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {
            service.OFFER_EXPIRY_TIMER: functools.partial(flows.offer_expired, self.bot),
            service.RENEWAL_PROMPT_TIMER: functools.partial(flows.renewal_due, self.bot),
            service.TERM_END_TIMER: functools.partial(flows.term_ended, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        # A deadline lost between a seat's change and arming its timer (a stop at that moment,
        # or a handler that failed through every retry) is armed again: an offer nobody answers
        # passes on, and a term nobody renews ends, so a seat is never held for ever. The
        # renewal prompt is not: one already sent leaves no timer behind, and arming it again
        # would ask twice; the term still ends without it.
        offers, terms = service.awaiting_deadlines()
        await self.bot.timers.ensure_all(service.OFFER_EXPIRY_TIMER, offers, due=lambda seat: seat.offer_expires_at)
        await self.bot.timers.ensure_all(service.TERM_END_TIMER, terms, due=lambda seat: seat.term_ends_at)

    async def cog_unload(self) -> None:
        await super().cog_unload()
        self.panels.stop()

    # ------------------------------------------------------------ catalogue

    async def _role_names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = [role.name for role in await service.roles(interaction.guild_id)]
        return [app_commands.Choice(name=name, value=name) for name in names if current.casefold() in name.casefold()][
            :25
        ]

    @role.command(name="create", description="Add a volunteer role (creates its Discord role if missing)")
    @app_commands.describe(name="The role's name", **ROLE_OPTIONS_HELP)
    @admin_only()
    async def role_create(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        seats: app_commands.Range[int, 1, 500],
        description: app_commands.Range[str, 0, 500] = "",
        responsibilities: app_commands.Range[str, 0, 1000] = "",
        term_days: app_commands.Range[int, 1, 3650] | None = None,
        approval: Literal["auto", "coordinator"] = "auto",
        prerequisite: discord.Role | None = None,
    ) -> None:
        fields = service.RoleFields(
            name=name,
            seats=seats,
            description=description,
            responsibilities=responsibilities,
            term_days=term_days,
            approval=Approval(approval),
            prerequisite_role_id=prerequisite.id if prerequisite else None,
        )
        role, discord_role = await flows.create_role(self.bot, interaction.guild, fields)
        await reply(
            interaction,
            _n(
                "Volunteer role **{role}** created with {n} seat, linked to {discord_role}.",
                "Volunteer role **{role}** created with {n} seats, linked to {discord_role}.",
                seats,
                role=role.name,
                discord_role=discord_role.mention,
            ),
        )

    @role.command(name="edit", description="Change a volunteer role")
    @app_commands.describe(
        role="The volunteer role", name="A new name", discord_role="The Discord role it gives", **ROLE_OPTIONS_HELP
    )
    @admin_only()
    async def role_edit(
        self,
        interaction: discord.Interaction,
        role: str,
        name: app_commands.Range[str, 1, 100] | None = None,
        seats: app_commands.Range[int, 1, 500] | None = None,
        description: app_commands.Range[str, 0, 500] | None = None,
        responsibilities: app_commands.Range[str, 0, 1000] | None = None,
        term_days: app_commands.Range[int, 1, 3650] | None = None,
        approval: Literal["auto", "coordinator"] | None = None,
        prerequisite: discord.Role | None = None,
        discord_role: discord.Role | None = None,
    ) -> None:
        found = await service.find_role(interaction.guild_id, role)
        changes = service.cleaned_changes(
            {
                key: value
                for key, value in (
                    ("name", name),
                    ("seats", seats),
                    ("description", description),
                    ("responsibilities", responsibilities),
                    ("term_days", term_days),
                    ("approval", Approval(approval) if approval else None),
                    ("prerequisite_role_id", prerequisite.id if prerequisite else None),
                )
                if value is not None
            }
        )
        name_after, approval_after = changes.get("name", found.name), changes.get("approval", found.approval)
        if discord_role is not None:
            await flows.check_assignable(interaction.guild, discord_role, name_after, approval_after)
            changes["discord_role_id"] = discord_role.id
        elif "approval" in changes and (current := interaction.guild.get_role(found.discord_role_id)) is not None:
            # Turning approval off must not open a role that needs it (the Mediator role, say).
            await service.check_claimable(interaction.guild_id, current.id, current.name, name_after, approval_after)
        if not changes:
            raise InvalidInput(N_("Say what to change: a name, seats, a description…"))
        if changes.get("discord_role_id", found.discord_role_id) != found.discord_role_id:
            await interaction.response.defer(ephemeral=True, thinking=True)  # one Discord call per holder
        updated = await flows.edit_role(self.bot, interaction.guild, found, changes)
        await reply(interaction, _("Volunteer role **{role}** updated.", role=updated.name))

    @role.command(name="delete", description="Delete a volunteer role (its holders lose the Discord role)")
    @app_commands.describe(role="The volunteer role")
    @admin_only()
    async def role_delete(self, interaction: discord.Interaction, role: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await service.find_role(interaction.guild_id, role)
        await flows.delete_role(self.bot, interaction.guild, found)
        await reply(
            interaction, _("Volunteer role **{role}** deleted. Its Discord role stays on the server.", role=found.name)
        )

    role_edit.autocomplete("role")(_role_names)
    role_delete.autocomplete("role")(_role_names)

    # ------------------------------------------------------------ panel and claims

    @volunteer.command(name="panel", description="Post the volunteer roles panel")
    @app_commands.describe(channel="Where to post it (this channel if empty)")
    @admin_only()
    async def post_panel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        target = channel or interaction.channel
        try:
            _message, reused = await flows.post_panel(self.bot, target)
        except discord.HTTPException:
            raise DiscordRefused(
                N_("I cannot post in {channel}. Let my role view it and send messages there."), channel=target.mention
            ) from None
        if reused:
            await reply(interaction, _("The panel in {channel} is up to date.", channel=target.mention))
        else:
            await reply(interaction, _("Panel posted in {channel}.", channel=target.mention))

    @volunteer.command(name="claim", description="Take a seat in a volunteer role")
    @app_commands.describe(role="The volunteer role")
    async def claim(self, interaction: discord.Interaction, role: str) -> None:
        found = await service.find_role(interaction.guild_id, role)
        await reply(interaction, await flows.claim_for(self.bot, require_guild(interaction), found))

    @volunteer.command(name="release", description="Step down from a volunteer role, or leave its waitlist")
    @app_commands.describe(role="The volunteer role")
    async def release(self, interaction: discord.Interaction, role: str) -> None:
        found = await service.find_role(interaction.guild_id, role)
        await reply(interaction, await flows.release_for(self.bot, require_guild(interaction), found))

    claim.autocomplete("role")(_role_names)
    release.autocomplete("role")(_role_names)

    # ------------------------------------------------------------ reading

    @volunteer.command(name="roster", description="Who holds which volunteer role, since and until when")
    async def roster(self, interaction: discord.Interaction) -> None:
        # Only reads: seats follow Discord where they change (role edits, joins, releases) and
        # at each connect, so a look at the roster never hands out a seat.
        guild = require_guild(interaction).guild
        states = await service.catalogue_state(guild.id)
        lines = views.roster_lines(states, flows.unseated_holders(guild, states))
        await Pager(paginate_lines(lines), owner_id=interaction.user.id, title=_("Volunteer roster")).send(interaction)

    @volunteer.command(name="mine", description="Your volunteer roles, offers and waitlist places")
    async def mine(self, interaction: discord.Interaction) -> None:
        mine = await service.member_volunteering(interaction.guild_id, interaction.user.id)
        lines = views.member_lines(mine)
        await reply(interaction, truncate("\n".join(lines), 1900))

    # ------------------------------------------------------------ recognition

    @app_commands.command(name="thanks", description="Thank someone publicly for what they did")
    @app_commands.describe(member="Who to thank", message="What for")
    @app_commands.guild_only()
    @cooldowns.limited(THANKS_COOLDOWN)
    async def thanks(
        self, interaction: discord.Interaction, member: discord.Member, message: app_commands.Range[str, 1, 500]
    ) -> None:
        author = require_guild(interaction)
        thanks = await service.thank(interaction.guild_id, author.id, member.id, message, now(), to_bot=member.bot)
        await reply(
            interaction,
            _("{author} thanks {member}: {text}", author=author.mention, member=member.mention, text=thanks.message),
            ephemeral=False,
            allowed_mentions=mention_only(member),
        )

    @volunteer.command(name="certificate", description="A certificate of appreciation for a member")
    @app_commands.describe(member="Who it is for")
    @cooldowns.limited(CERTIFICATE_COOLDOWN)
    async def certificate(self, interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.defer(thinking=True)
        mine = await service.member_volunteering(interaction.guild_id, member.id)
        activities = await activities_service.certificate_line(interaction.guild_id, member.id, now())
        more = [activities] if activities else []
        text = views.certificate_text(interaction.guild.name, member.display_name, mine, now().date(), more)
        png = await asyncio.to_thread(render, text)
        file = discord.File(io.BytesIO(png), filename="certificate.png")
        await reply(
            interaction,
            _("A certificate of appreciation for {member}.", member=member.mention),
            ephemeral=False,
            file=file,
        )

    # ------------------------------------------------------------ Discord changes made by people

    @listener(when=lambda before, after: service.may_be_volunteer_role(after.guild.id, changed_roles(before, after)))
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        old, new = {role.id for role in before.roles}, {role.id for role in after.roles}
        if old != new:
            await flows.role_changed_by_hand(self.bot, after, added=new - old, removed=old - new)

    @listener(when=lambda member: service.may_be_volunteer_role(member.guild.id, held_roles(member)))
    async def on_member_join(self, member: discord.Member) -> None:
        # Someone may join holding a volunteer role already (given by another app, say).
        given = held_roles(member)
        if given:
            await flows.role_changed_by_hand(self.bot, member, added=given, removed=set())

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        await flows.member_left(self.bot, member)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Roles given, taken or rebound while the bot was away: seats catch up with Discord.
        for guild in self.bot.guilds:
            await flows.follow_purposes(self.bot, guild)

    @commands.Cog.listener()
    async def on_role_purpose_bound(self, guild: discord.Guild, purpose: str) -> None:
        """/setup role bound a role to a purpose: a volunteer role one with it follows."""
        await flows.follow_purposes(self.bot, guild)
