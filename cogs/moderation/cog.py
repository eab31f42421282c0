"""/mod: warn, timeout, kick, ban, unban, note, history, case, reason."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from cogs.moderation import flows, rules, service, views
from gromada.checks import is_moderator, require_guild
from gromada.durations import MAX_DURATION, parse_duration
from gromada.errors import NotAllowed
from gromada.feature import FeatureCog
from gromada.i18n import N_, _, _n
from gromada.ids import IdOption
from gromada.scheduler import TimerHandler, now
from gromada.ui import Pager, paginate_lines, reply
from models.moderation import CaseAction


class ModerationCog(FeatureCog):
    # Visible to everyone on purpose: holders of the moderator role need no Discord
    # permission, and the bot checks every invocation itself.
    mod = app_commands.Group(
        name="mod", description="Moderation: warnings, timeouts, kicks, bans and their cases", guild_only=True
    )

    def __init__(self, bot: commands.Bot) -> None:
        super().__init__(bot)
        # One action at a time per member, so two moderators do not ban the same person twice at once.
        self._locks: defaultdict[tuple[int, int], asyncio.Lock] = defaultdict(asyncio.Lock)

    def timer_handlers(self) -> Mapping[str, TimerHandler]:
        return {service.UNBAN_TIMER: partial(flows.on_ban_expired, self.bot)}

    async def ensure_deadlines(self) -> None:
        # A temporary ban whose timer was lost (a crash between the ban and its timer, or a
        # timer that gave up after its retries) is armed again: every ban ends when it says.
        await self.bot.timers.ensure_all(service.UNBAN_TIMER, service.expiring_bans(), due=lambda ban: ban.expires_at)

    async def _prepare(
        self,
        interaction: discord.Interaction,
        action: CaseAction,
        target: discord.abc.User,
        reason: str,
        *,
        duration: str | None = None,
        longest: timedelta = MAX_DURATION,
    ) -> tuple[discord.Member, str, timedelta | None]:
        """Everything that can refuse, before anything happens: who asks comes first, so
        nothing else a non-moderator typed is even read."""
        moderator = await flows.moderator_for(interaction, action)
        length = parse_duration(duration, maximum=longest) if duration is not None else None
        flows.check_target(moderator, target)
        cleaned = service.clean_reason(reason)
        await flows.log_channel(moderator.guild)
        await interaction.response.defer(ephemeral=True, thinking=True)
        return moderator, cleaned, length

    async def _report(self, interaction: discord.Interaction, outcome: flows.Outcome, target: discord.abc.User) -> None:
        escalation_lines: list[str] = []
        if outcome.escalation is not None:
            cases = await service.history(interaction.guild_id, target.id, include_notes=True)
            escalation_lines = views.escalation_text(target.mention, outcome.escalation, cases)
        await reply(
            interaction,
            views.outcome_text(outcome.case, target.mention, logged=outcome.logged, escalation_lines=escalation_lines),
        )

    def _lock(self, interaction: discord.Interaction, target: discord.abc.User) -> asyncio.Lock:
        return self._locks[(interaction.guild_id, target.id)]

    @mod.command(name="warn", description="Warn a member; they are told by DM")
    @app_commands.describe(member="Who to warn", reason="Why (the member sees this)")
    async def warn(self, interaction: discord.Interaction, member: discord.Member, reason: str) -> None:
        moderator, reason, _ = await self._prepare(interaction, CaseAction.WARN, member, reason)
        async with self._lock(interaction, member):
            outcome = await flows.warn(self.bot, moderator, member, reason)
        await self._report(interaction, outcome, member)

    @mod.command(name="timeout", description="Time a member out (they cannot write or speak) for a while")
    @app_commands.describe(
        member="Who to time out", duration="How long, like 90m, 36h or 7d (at most 28d)", reason="Why"
    )
    async def timeout(
        self, interaction: discord.Interaction, member: discord.Member, duration: str, reason: str
    ) -> None:
        moderator, reason, length = await self._prepare(
            interaction, CaseAction.TIMEOUT, member, reason, duration=duration, longest=rules.MAX_TIMEOUT
        )
        async with self._lock(interaction, member):
            outcome = await flows.timeout(self.bot, moderator, member, length, reason)
        await self._report(interaction, outcome, member)

    @mod.command(name="kick", description="Remove a member from the server; they may join again")
    @app_commands.describe(member="Who to kick", reason="Why (the member sees this)")
    async def kick(self, interaction: discord.Interaction, member: discord.Member, reason: str) -> None:
        moderator, reason, _ = await self._prepare(interaction, CaseAction.KICK, member, reason)
        async with self._lock(interaction, member):
            outcome = await flows.kick(self.bot, moderator, member, reason)
        await self._report(interaction, outcome, member)

    @mod.command(name="ban", description="Ban someone, for good or for a while")
    @app_commands.describe(
        member="Who to ban (also someone who already left)",
        reason="Why (the member sees this)",
        duration="For how long, like 36h or 7d; empty bans until unbanned",
        delete_days="Delete their messages of the last days (0 to 7)",
    )
    async def ban(
        self,
        interaction: discord.Interaction,
        member: discord.User,
        reason: str,
        duration: str | None = None,
        delete_days: app_commands.Range[int, 0, rules.MAX_DELETE_DAYS] = 0,
    ) -> None:
        moderator, reason, length = await self._prepare(
            interaction, CaseAction.BAN, member, reason, duration=duration, longest=rules.MAX_TEMPORARY_BAN
        )
        async with self._lock(interaction, member):
            outcome = await flows.ban(self.bot, moderator, member, reason, length, delete_days)
        await self._report(interaction, outcome, member)

    @mod.command(name="unban", description="Lift a ban")
    @app_commands.describe(user="Who to unban (their user id works too)", reason="Why")
    async def unban(self, interaction: discord.Interaction, user: discord.User, reason: str) -> None:
        moderator, reason, _ = await self._prepare(interaction, CaseAction.UNBAN, user, reason)
        async with self._lock(interaction, user):
            outcome = await flows.unban(self.bot, moderator, user, reason)
        await self._report(interaction, outcome, user)

    @mod.command(name="note", description="Write a note about someone that only staff can read")
    @app_commands.describe(member="Who the note is about", text="The note (the member never sees it)")
    async def note(self, interaction: discord.Interaction, member: discord.User, text: str) -> None:
        moderator, text, _ = await self._prepare(interaction, CaseAction.NOTE, member, text)
        outcome = await flows.note(self.bot, moderator, member, text)
        await self._report(interaction, outcome, member)

    @mod.command(name="history", description="Someone's moderation cases (your own, or anyone's for moderators)")
    @app_commands.describe(member="Whose cases to show")
    async def history(self, interaction: discord.Interaction, member: discord.User) -> None:
        viewer = require_guild(interaction)
        staff = await is_moderator(viewer)
        if not staff and member.id != viewer.id:
            raise NotAllowed(N_("You can see only your own moderation history; moderators can see anyone's."))
        cases = await service.history(interaction.guild_id, member.id, include_notes=staff)
        if not cases:
            await reply(interaction, _("{member} has no moderation cases.", member=member.mention))
            return
        title = _n("{member}: {n} case", "{member}: {n} cases", len(cases), member=member.mention)
        pages = paginate_lines([views.history_line(case, for_staff=staff) for case in cases])
        await Pager(pages, owner_id=viewer.id, title=title).send(interaction)

    @mod.command(name="case", description="Show one moderation case")
    @app_commands.describe(number="The case number")
    async def case(self, interaction: discord.Interaction, number: IdOption) -> None:
        await flows.moderator_for(interaction, CaseAction.NOTE)
        found = await service.get_case(interaction.guild_id, number)
        await reply(interaction, embed=views.case_embed(found))

    @mod.command(name="reason", description="Change the reason of a case and its mod-log entry")
    @app_commands.describe(number="The case number", text="The new reason")
    async def reason(self, interaction: discord.Interaction, number: IdOption, text: str) -> None:
        editor = await flows.moderator_for(interaction, CaseAction.NOTE)
        text = service.clean_reason(text)
        await interaction.response.defer(ephemeral=True, thinking=True)
        case = await service.edit_reason(interaction.guild_id, number, text, editor_id=editor.id, now=now())
        logged = await flows.refresh_log(self.bot, interaction.guild, case)
        lines = [_("Case #{number} now has the new reason.", number=case.number)]
        if not logged:
            lines.append(_("I could not update its mod-log entry. Check that I may send messages there."))
        await reply(interaction, "\n".join(lines), embed=views.case_embed(case))
