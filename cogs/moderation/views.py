"""What cases look like: the mod-log embed, history lines, DMs and replies (current locale).

Message builders only (moderation has no buttons): flows and the cog send what they build.
Discord timestamps (format_dt) show every reader the moment in their own time zone and language.
"""

from __future__ import annotations

from datetime import datetime

import discord
from discord.utils import format_dt

from cogs.moderation.rules import ACTION_LABELS
from cogs.moderation.service import Escalation
from gromada.durations import format_duration
from gromada.i18n import N_, _
from gromada.ui import MESSAGE_LIMIT, date_named, moment_with_distance, truncate
from models.moderation import CaseAction, ModCase

COLOURS = {
    CaseAction.WARN: discord.Colour.gold(),
    CaseAction.TIMEOUT: discord.Colour.orange(),
    CaseAction.KICK: discord.Colour.dark_orange(),
    CaseAction.BAN: discord.Colour.red(),
    CaseAction.UNBAN: discord.Colour.green(),
    CaseAction.NOTE: discord.Colour.light_grey(),
}
FIELD_LIMIT = 1024


def action_label(action: CaseAction) -> str:
    return _(ACTION_LABELS[action])


def moderator_text(case: ModCase) -> str:
    return f"<@{case.moderator_id}>" if case.moderator_id is not None else _("Gromada (automatic)")


def case_embed(case: ModCase) -> discord.Embed:
    embed = discord.Embed(
        title=_("Case #{number} · {action}", number=case.number, action=action_label(case.action)),
        colour=COLOURS[case.action],
        timestamp=case.created_at,
    )
    embed.add_field(name=_("Member"), value=f"<@{case.target_id}> (`{case.target_id}`)", inline=True)
    embed.add_field(name=_("Moderator"), value=moderator_text(case), inline=True)
    embed.add_field(name=_("Reason"), value=truncate(case.reason, FIELD_LIMIT), inline=False)
    if case.expires_at is not None:
        embed.add_field(name=_("Until"), value=moment_with_distance(case.expires_at), inline=True)
    if case.related_number is not None:
        embed.add_field(name=_("Follows"), value=_("Case #{number}", number=case.related_number), inline=True)
    if case.dm_delivered is not None:
        embed.add_field(
            name=_("Told by DM"), value=_("yes") if case.dm_delivered else _("no, the DM could not be delivered")
        )
    if case.reason_edited_at is not None:
        embed.set_footer(text=_("Reason edited"))
    return embed


def history_line(case: ModCase, *, for_staff: bool = True) -> str:
    """One case in a history; a member reading their own is not told which moderator acted
    (their DMs never name one either), so nobody is singled out for retaliation."""
    parts = [
        f"**#{case.number}**",
        action_label(case.action),
        date_named(case.created_at),
        truncate(case.reason, 150),
    ]
    line = " · ".join(parts)
    if case.expires_at is not None:
        line += " · " + _("until {moment}", moment=date_named(case.expires_at))
    if not for_staff:
        return line
    return line + " · " + _("by {moderator}", moderator=moderator_text(case))


def dm_text(action: CaseAction, server: str, reason: str, until: datetime | None) -> str:
    reason_line = _("Reason: {reason}", reason=truncate(reason, 1500))
    if action == CaseAction.WARN:
        head = _("You received a warning from the moderators of {server}.", server=server)
    elif action == CaseAction.TIMEOUT:
        head = _("You were timed out on {server} until {moment}.", server=server, moment=format_dt(until, "f"))
    elif action == CaseAction.KICK:
        head = _("You were removed from {server}. You may join again with a new invite.", server=server)
    elif until is not None:
        head = _("You were banned from {server} until {moment}.", server=server, moment=format_dt(until, "f"))
    else:
        head = _("You were banned from {server}.", server=server)
    return f"{head}\n{reason_line}"


DONE_MESSAGES = {
    CaseAction.WARN: N_("Case #{number}: {member} was warned."),
    CaseAction.TIMEOUT: N_("Case #{number}: {member} is timed out until {moment}."),
    CaseAction.KICK: N_("Case #{number}: {member} was kicked."),
    CaseAction.BAN: N_("Case #{number}: {member} was banned."),
    CaseAction.UNBAN: N_("Case #{number}: {member} was unbanned."),
    CaseAction.NOTE: N_("Case #{number}: note about {member} saved. They will not see it."),
}


def outcome_text(case: ModCase, member: str, *, logged: bool, escalation_lines: list[str]) -> str:
    moment = format_dt(case.expires_at, "f") if case.expires_at is not None else ""
    lines = [_(DONE_MESSAGES[case.action], number=case.number, member=member, moment=moment)]
    if case.action == CaseAction.BAN and case.expires_at is not None:
        lines.append(_("The ban will be lifted {moment}.", moment=format_dt(case.expires_at, "R")))
    if case.dm_delivered is False:
        lines.append(_("I could not tell them by DM (their DMs may be closed)."))
    if not logged:
        lines.append(_("I could not post this case in the mod-log channel. Check that I may send messages there."))
    lines.extend(escalation_lines)
    return truncate("\n".join(lines), MESSAGE_LIMIT)


def escalation_text(member: str, alert: Escalation, cases: list[ModCase]) -> list[str]:
    lines = [
        _(
            "⚠️ This is warning number {count} for {member} within {window}. "
            "No automatic action was taken; their history:",
            count=alert.warnings,
            member=member,
            window=format_duration(alert.window),
        )
    ]
    lines.extend(history_line(case) for case in cases[:10])
    return lines


def expiry_reason(number: int) -> str:
    return _("The temporary ban of case #{number} expired.", number=number)
