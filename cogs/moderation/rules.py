"""Who may act on whom, as plain values: tested without Discord.

Discord itself refuses a kick, ban or timeout of someone whose highest role is not below
the bot's; the bot also refuses when it is not below the moderator's, so that the role
hierarchy a server builds (Moderator above Mediator, Buddy, Member, Newcomer) means what
it says, and a moderator cannot use the bot to act above their own rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gromada.errors import NotAllowed
from gromada.i18n import N_
from models.moderation import CaseAction

# Discord's own ceiling for a native timeout.
MAX_TIMEOUT = timedelta(days=28)
MAX_TEMPORARY_BAN = timedelta(days=365)
MAX_DELETE_DAYS = 7

# The Discord permission that allows each action without the moderator role.
ACTION_PERMISSION: dict[CaseAction, str] = {
    CaseAction.WARN: "moderate_members",
    CaseAction.NOTE: "moderate_members",
    CaseAction.TIMEOUT: "moderate_members",
    CaseAction.KICK: "kick_members",
    CaseAction.BAN: "ban_members",
    CaseAction.UNBAN: "ban_members",
}

# Actions the bot performs on Discord, and so needs the permission for itself.
DISCORD_ACTIONS = frozenset({CaseAction.TIMEOUT, CaseAction.KICK, CaseAction.BAN, CaseAction.UNBAN})

ACTION_LABELS: dict[CaseAction, str] = {
    CaseAction.WARN: N_("Warning"),
    CaseAction.TIMEOUT: N_("Timeout"),
    CaseAction.KICK: N_("Kick"),
    CaseAction.BAN: N_("Ban"),
    CaseAction.UNBAN: N_("Unban"),
    CaseAction.NOTE: N_("Note"),
}


@dataclass(frozen=True)
class Standing:
    """A person's place on a server: who they are and how high their highest role stands."""

    user_id: int
    top_role_position: int
    is_owner: bool = False
    name: str = ""


def may_use(action: CaseAction, *, has_moderator_role: bool, permissions: set[str]) -> bool:
    """The moderator role, administrators, or the permission Discord requires for the action.

    Warnings and notes touch nothing on Discord, so server admins (Manage Server) may
    write them too, as they count as moderators everywhere else in Gromada.
    """
    if has_moderator_role or "administrator" in permissions or ACTION_PERMISSION[action] in permissions:
        return True
    return action not in DISCORD_ACTIONS and "manage_guild" in permissions


def check_target(actor: Standing, target: Standing, bot: Standing) -> None:
    """Refuse acting on oneself, the bot, the owner, or anyone not below both actor and bot."""
    if target.user_id == actor.user_id:
        raise NotAllowed(N_("You cannot take moderation action on yourself."))
    if target.user_id == bot.user_id:
        raise NotAllowed(N_("I will not take moderation action on myself."))
    if target.is_owner:
        raise NotAllowed(N_("Nobody can take moderation action on the server owner."))
    if not actor.is_owner and target.top_role_position >= actor.top_role_position:
        raise NotAllowed(
            N_("{member}'s highest role is not below yours, so you cannot act on them. Ask someone ranked higher."),
            member=target.name,
        )
    if target.top_role_position >= bot.top_role_position:
        raise NotAllowed(
            N_(
                "{member}'s highest role is not below mine, so Discord will not let me act on them. "
                "An admin can drag my role higher in Server Settings → Roles."
            ),
            member=target.name,
        )


def expiry(now: datetime, duration: timedelta | None) -> datetime | None:
    return now + duration if duration is not None else None


def escalation_due(warning_count: int, threshold: int) -> bool:
    """Whether this warning reaches the threshold: tell the moderator, punish nobody."""
    return threshold > 0 and warning_count >= threshold
