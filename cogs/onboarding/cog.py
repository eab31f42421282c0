"""/buddy and /onboarding, and the listeners that start, follow and end each journey."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.onboarding import flows, service, views
from gromada import guild_config
from gromada.checks import moderator_only, require_guild, require_moderator
from gromada.errors import NotAllowed, NotConfigured
from gromada.feature import FeatureCog, listener, roles_taken, said_by_a_person_in_a_server
from gromada.i18n import N_, _, _n
from gromada.scheduler import TimerHandler, now
from gromada.ui import reply
from models.core import BindingKind

if TYPE_CHECKING:
    from gromada.bot import Gromada


class OnboardingCog(FeatureCog):
    buddy = app_commands.Group(name="buddy", description="Your availability as a buddy for newcomers", guild_only=True)
    onboarding = app_commands.Group(name="onboarding", description="Newcomers' welcome", guild_only=True)

    persistent_items = views.PERSISTENT_ITEMS

    def __init__(self, bot: Gromada) -> None:
        super().__init__(bot)
        self.threads = flows.ThreadIndex()

    def timer_handlers(self) -> dict[str, TimerHandler]:
        return {
            service.OPEN_THREAD_TIMER: partial(flows.on_open_thread_due, self.bot),
            service.REMIND_TIMER: partial(flows.on_remind_due, self.bot),
            service.BUDDY_CHECK_TIMER: partial(flows.on_buddy_check_due, self.bot),
            service.MATCH_TIMER: partial(flows.on_match_due, self.bot),
        }

    async def ensure_deadlines(self) -> None:
        # A deadline is written after the journey or slot it belongs to, often with Discord
        # calls in between; a stop there (or a handler that failed through every retry) lost
        # it. Each is armed again from the rows: the idle reminder (not one already sent),
        # the check on a buddy who has not written, and the retries of a thread or a match
        # that never finished, which run at once and do nothing if all is in place meanwhile.
        moment = now()
        lost = service.awaiting_deadlines()
        timers = self.bot.timers
        await timers.ensure_all(service.REMIND_TIMER, lost.reminders, due=service.reminder_due)
        await timers.ensure_all(service.OPEN_THREAD_TIMER, lost.threads, due=lambda journey: moment)
        await timers.ensure_all(service.MATCH_TIMER, lost.matches, due=lambda journey: moment)
        await timers.ensure_all(
            service.BUDDY_CHECK_TIMER, lost.buddy_checks, due=lambda slot: service.buddy_check_due(slot, moment)
        )

    # ------------------------------------------------------------ listeners

    @listener(when=lambda member: not member.bot)
    async def on_member_join(self, member: discord.Member) -> None:
        await flows.on_join(self.bot, member)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        await flows.on_leave(self.bot, member)

    @commands.Cog.listener()  # dispatched by /privacy forget
    async def on_member_forgotten(self, guild: discord.Guild, user_id: int, pseudonym: int) -> None:
        await flows.on_forgotten(self.bot, guild, user_id, pseudonym)

    @listener(when=roles_taken)  # the Buddy role taken away
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        await flows.on_roles_changed(self.bot, before, after)

    @listener(when=said_by_a_person_in_a_server)  # a newcomer or their buddy in a welcome thread
    async def on_message(self, message: discord.Message) -> None:
        await flows.on_message(self.bot, message)

    # ------------------------------------------------------------ /buddy

    async def _require_buddy(self, interaction: discord.Interaction) -> discord.Member:
        member = require_guild(interaction)
        role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, "buddy")
        if role_id is None:
            raise NotConfigured()
        if member.get_role(role_id) is None:
            raise NotAllowed(
                N_("Only members with the {role} role can do that. Ask a moderator if you would like to be one."),
                role=await guild_config.role_shown(member.guild.id, "buddy"),
            )
        return member

    @buddy.command(name="available", description="Say whether you can welcome newcomers now")
    @app_commands.describe(
        state="on: you can take newcomers; off: not now", languages="Languages you speak, e.g. Polish, English"
    )
    async def available(
        self, interaction: discord.Interaction, state: Literal["on", "off"], languages: str | None = None
    ) -> None:
        member = await self._require_buddy(interaction)
        await service.set_available(member.guild.id, member.id, state == "on", languages)
        if state == "on":
            await reply(interaction, _("You are available as a buddy. Thank you!"))
            await flows.fill_waiting(self.bot, member.guild)
        else:
            await reply(
                interaction,
                _(
                    "No more newcomers will come to you until you turn this on again. "
                    "The newcomers you look after now stay with you."
                ),
            )

    @buddy.command(name="capacity", description="How many newcomers you can look after at once")
    @app_commands.describe(newcomers="At most this many newcomers at a time")
    async def capacity(
        self,
        interaction: discord.Interaction,
        newcomers: app_commands.Range[int, service.CAPACITY_MIN, service.CAPACITY_MAX],
    ) -> None:
        member = await self._require_buddy(interaction)
        await service.set_capacity(member.guild.id, member.id, newcomers)
        active = await service.active_count(member.guild.id, member.id)
        await reply(
            interaction,
            _n(
                "You now look after at most {n} newcomer at once (now: {active}).",
                "You now look after at most {n} newcomers at once (now: {active}).",
                newcomers,
                active=active,
            ),
        )
        await flows.fill_waiting(self.bot, member.guild)

    # ------------------------------------------------------------ /onboarding

    @onboarding.command(name="status", description="Where a welcome stands (your own; staff: anyone's)")
    @app_commands.describe(member="Whose welcome (staff only for someone else)")
    async def status(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        asker = require_guild(interaction)
        target = member or asker
        if target.id != asker.id:
            await require_moderator(interaction)
        journey = await service.journey_of(asker.guild.id, target.id)
        if journey is None:
            await reply(interaction, _("{member} has no welcome on record.", member=target.mention))
            return
        await reply(interaction, views.status_text(journey))

    @onboarding.command(name="funnel", description="How many newcomers reached each step, and how fast")
    @app_commands.describe(days="Newcomers who joined in the last this many days")
    @moderator_only()
    async def funnel(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30) -> None:
        figures = await service.funnel_since(interaction.guild_id, now() - timedelta(days=days))
        await reply(interaction, views.funnel_text(days, figures))
