"""Moderation on Discord: who may act, telling the member, acting, recording, logging.

The order matters. The case is recorded before Discord acts, so an action never stands
without its case (a refused case, such as a conflict, stops the action before it happens).
When Discord then refuses the action, the case is withdrawn and the moderator told that
nothing was recorded. The member is told by DM before a kick or ban (afterwards the bot
shares no server with them), and that DM is deleted again when Discord refuses; a DM is
only sent once the case is recorded. A DM or a mod-log post that fails never fails the
case: the reply says so.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta

import discord

from cogs.moderation import rules, service, views
from cogs.moderation.rules import Standing
from gromada import guild_config, messaging
from gromada.checks import require_guild
from gromada.commands import Command
from gromada.error_handler import permission_label
from gromada.errors import DiscordRefused, GromadaError, NotAllowed, NotConfigured
from gromada.i18n import N_, use_locale
from gromada.interactions import language_for_guild
from gromada.scheduler import now
from models.core import BindingKind, Timer
from models.moderation import CaseAction, CaseStatus, ModCase

log = logging.getLogger(__name__)

MOD_LOG = "mod_log"  # the channel purpose every case is posted to


@dataclass
class Outcome:
    case: ModCase
    logged: bool
    escalation: service.Escalation | None = None


# ---------------------------------------------------------------- who may act


async def moderator_for(interaction: discord.Interaction, action: CaseAction) -> discord.Member:
    """The person acting, if the moderator role or Discord's permission for `action` allows it."""
    member = require_guild(interaction)
    role_id = await guild_config.binding(member.guild.id, BindingKind.ROLE, "moderator")
    has_role = role_id is not None and member.get_role(role_id) is not None
    permissions = {name for name, granted in member.guild_permissions if granted}
    if member.guild.owner_id != member.id and not rules.may_use(
        action, has_moderator_role=has_role, permissions=permissions
    ):
        raise NotAllowed(
            N_("Only moderators can do that: you need the {role} role or the {permission} permission."),
            role=await guild_config.role_shown(member.guild.id, "moderator"),
            permission=permission_label(rules.ACTION_PERMISSION[action]),
        )
    if action in rules.DISCORD_ACTIONS:
        me = member.guild.me
        needed = rules.ACTION_PERMISSION[action]
        if not getattr(me.guild_permissions, needed):
            raise NotAllowed(
                N_("I need the {permission} permission to do that. Ask an admin to grant it to my role."),
                permission=permission_label(needed),
            )
    return member


def standing(member: discord.Member) -> Standing:
    # The rank in discord.py's role order (position, then age), as Discord breaks ties:
    # roles sharing a position number are still above or below each other.
    return Standing(
        user_id=member.id,
        top_role_position=member.guild.roles.index(member.top_role),
        is_owner=member.guild.owner_id == member.id,
        name=member.display_name,
    )


def check_target(moderator: discord.Member, target: discord.Member | discord.User) -> None:
    guild = moderator.guild
    if isinstance(target, discord.Member):
        rules.check_target(standing(moderator), standing(target), standing(guild.me))
    elif target.id in (moderator.id, guild.me.id):
        # Not a member (a ban ahead of time): only who they are matters.
        rules.check_target(standing(moderator), Standing(target.id, -1, name=target.name), standing(guild.me))


async def log_channel(guild: discord.Guild) -> discord.abc.Messageable:
    """The mod-log channel, checked before acting: a case nobody can read is refused up front."""
    channel = await messaging.purpose_channel(guild, MOD_LOG)
    if channel is None:
        raise NotConfigured(
            N_("There is no mod-log channel for the cases. An admin can run {quickstart} or {setup_channel}."),
            quickstart=Command("setup quickstart"),
            setup_channel=Command("setup channel"),
        )
    return channel


# ---------------------------------------------------------------- side effects


async def tell(
    bot: discord.Client, guild: discord.Guild, user: discord.abc.User, action: CaseAction, reason: str, until
) -> discord.Message | None:
    """DM the member in their language; None when it could not be delivered."""
    return await messaging.dm(
        bot, user.id, guild_id=guild.id, render=lambda: views.dm_text(action, guild.name, reason, until)
    )


async def take_back(message: discord.Message | None) -> None:
    """The action failed after the DM went out: the member must not believe it happened."""
    if message is None:
        return
    try:
        await message.delete()
    except discord.HTTPException:
        log.warning("could not delete the DM about an action that failed", exc_info=True)


async def post_log(bot: discord.Client, guild: discord.Guild, case: ModCase) -> bool:
    """The case's embed in mod-log, in the server's language; its message id kept for edits."""
    message = await messaging.post_to(bot, guild, MOD_LOG, lambda: {"embed": views.case_embed(case)})
    if message is None:
        return False
    case.log_channel_id, case.log_message_id = message.channel.id, message.id
    await service.attach_log(case.pk, message.channel.id, message.id)
    return True


async def refresh_log(bot: discord.Client, guild: discord.Guild, case: ModCase) -> bool:
    """Show an edited case in its log entry; post a new entry when the old one is gone."""
    channel = guild.get_channel(case.log_channel_id) if case.log_channel_id else None
    if channel is None or case.log_message_id is None:
        return await post_log(bot, guild, case)
    with use_locale(await language_for_guild(bot, guild.id)):
        embed = views.case_embed(case)
    try:
        await channel.get_partial_message(case.log_message_id).edit(embed=embed)
    except discord.NotFound:
        return await post_log(bot, guild, case)
    except discord.HTTPException:
        log.warning("could not edit the log entry of case %s", case.pk, exc_info=True)
        return False
    return True


def refused(error: discord.HTTPException, action: CaseAction) -> DiscordRefused:
    log.warning("Discord refused a %s: %s", action, error)
    return DiscordRefused(
        N_("Discord refused the action ({error}). Nothing was recorded; you can try again."),
        error=(error.text or str(error.status))[:200],
    )


# ---------------------------------------------------------------- the actions


async def _finish(bot: discord.Client, guild: discord.Guild, case: ModCase) -> Outcome:
    logged = await post_log(bot, guild, case)
    return Outcome(case=case, logged=logged)


async def warn(bot, moderator: discord.Member, member: discord.Member, reason: str) -> Outcome:
    # The warning is the case itself: the member hears of it only once it is recorded, so a
    # refused case (a conflict) tells nobody of a warning that does not exist.
    moment = now()
    case = await service.record_case(
        moderator.guild.id,
        CaseAction.WARN,
        target_id=member.id,
        moderator_id=moderator.id,
        reason=reason,
        now=moment,
    )
    dm = await tell(bot, moderator.guild, member, CaseAction.WARN, reason, None)
    await service.record_dm(case, delivered=dm is not None)
    outcome = await _finish(bot, moderator.guild, case)
    outcome.escalation = await service.escalation(moderator.guild.id, member.id, moment)
    return outcome


async def note(bot, moderator: discord.Member, member: discord.Member | discord.User, text: str) -> Outcome:
    case = await service.record_case(
        moderator.guild.id, CaseAction.NOTE, target_id=member.id, moderator_id=moderator.id, reason=text, now=now()
    )
    return await _finish(bot, moderator.guild, case)


async def carry_out(
    case: ModCase,
    act: Awaitable[object],
    dm: discord.Message | None = None,
    *,
    when_missing: GromadaError | None = None,
) -> None:
    """Act on Discord for a case just recorded; when Discord refuses, the case and its DM are
    taken back. `when_missing` explains a refusal because what was acted on does not exist."""
    try:
        await act
    except discord.HTTPException as error:
        await take_back(dm)
        await service.withdraw_case(case)
        if when_missing is not None and isinstance(error, discord.NotFound):
            raise when_missing from None
        raise refused(error, case.action) from error


async def timeout(bot, moderator: discord.Member, member: discord.Member, duration: timedelta, reason: str) -> Outcome:
    moment = now()
    until = moment + duration
    case = await service.record_case(
        moderator.guild.id,
        CaseAction.TIMEOUT,
        target_id=member.id,
        moderator_id=moderator.id,
        reason=reason,
        now=moment,
        expires_at=until,
    )
    await carry_out(case, member.timeout(until, reason=audit_reason(moderator, reason)))
    dm = await tell(bot, moderator.guild, member, CaseAction.TIMEOUT, reason, until)
    await service.record_dm(case, delivered=dm is not None)
    return await _finish(bot, moderator.guild, case)


async def kick(bot, moderator: discord.Member, member: discord.Member, reason: str) -> Outcome:
    case = await service.record_case(
        moderator.guild.id,
        CaseAction.KICK,
        target_id=member.id,
        moderator_id=moderator.id,
        reason=reason,
        now=now(),
    )
    dm = await tell(bot, moderator.guild, member, CaseAction.KICK, reason, None)
    await service.record_dm(case, delivered=dm is not None)
    await carry_out(case, member.kick(reason=audit_reason(moderator, reason)), dm)
    return await _finish(bot, moderator.guild, case)


async def ban(
    bot,
    moderator: discord.Member,
    user: discord.Member | discord.User,
    reason: str,
    duration: timedelta | None,
    delete_days: int,
) -> Outcome:
    guild = moderator.guild
    started = now()
    until = rules.expiry(started, duration)
    case = await service.record_case(
        guild.id,
        CaseAction.BAN,
        target_id=user.id,
        moderator_id=moderator.id,
        reason=reason,
        now=started,
        expires_at=until,
        status=CaseStatus.ACTIVE,
    )
    # Only members can be told: a user outside the server shares no server with the bot.
    dm = None
    if isinstance(user, discord.Member):
        dm = await tell(bot, guild, user, CaseAction.BAN, reason, until)
        await service.record_dm(case, delivered=dm is not None)
    ban_call = guild.ban(user, reason=audit_reason(moderator, reason), delete_message_seconds=delete_days * 86400)
    await carry_out(case, ban_call, dm)
    # The new ban replaces an earlier one still in force (its timer must not lift the new one).
    for earlier in await service.end_active_bans(guild.id, user.id, keep=case):
        await bot.timers.cancel(service.UNBAN_TIMER, earlier.pk)
    if until is not None:
        await bot.timers.schedule(service.UNBAN_TIMER, until, ref_id=case.pk, guild_id=guild.id)
    return await _finish(bot, guild, case)


async def unban(bot, moderator: discord.Member, user: discord.User, reason: str) -> Outcome:
    # No DM: an unbanned user usually shares no server with the bot any more, so it would
    # not arrive (and a note, below, is for staff only).
    guild = moderator.guild
    lifted = await service.active_bans(guild.id, user.id)
    case = await service.record_case(
        guild.id,
        CaseAction.UNBAN,
        target_id=user.id,
        moderator_id=moderator.id,
        reason=reason,
        now=now(),
        related_number=max((earlier.number for earlier in lifted), default=None),
    )
    await carry_out(
        case,
        guild.unban(user, reason=audit_reason(moderator, reason)),
        when_missing=NotAllowed(N_("{user} is not banned on this server."), user=user.name),
    )
    for earlier in await service.end_active_bans(guild.id, user.id):
        await bot.timers.cancel(service.UNBAN_TIMER, earlier.pk)
    return await _finish(bot, guild, case)


async def on_ban_expired(bot: discord.Client, timer: Timer) -> None:
    await lift_expired_ban(bot, timer.ref_id)


async def lift_expired_ban(bot: discord.Client, case_id: int) -> None:
    """A temporary ban's timer: unban on Discord, then record it once (idempotent)."""
    ban = await service.active_ban(case_id)
    if ban is None:
        return  # lifted by hand, replaced by a new ban, or already handled
    guild = bot.get_guild(ban.guild_id)
    if guild is None:
        raise RuntimeError(f"guild {ban.guild_id} unavailable; the unban of case {ban.pk} is retried")
    with use_locale(await language_for_guild(bot, guild.id)):
        reason = views.expiry_reason(ban.number)
    try:
        await guild.unban(discord.Object(ban.target_id), reason=reason)
    except discord.NotFound:
        pass  # unbanned on Discord directly: the case still ends
    unban_case = await service.close_expired_ban(ban, reason=reason, now=now())
    if unban_case is not None:
        await post_log(bot, guild, unban_case)


def audit_reason(moderator: discord.Member, reason: str) -> str:
    return f"{moderator} ({moderator.id}): {reason}"[:512]
