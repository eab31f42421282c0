"""Moderation rules on the database: numbered cases, history, reasons, expiring bans.

Case numbers are given out per server by a counter row incremented with a conditional
update inside the same transaction that inserts the case, so concurrent actions on
SQLite and PostgreSQL get consecutive, distinct numbers; the unique (guild_id, number)
constraint is the last line of defence, and a collision is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from cogs.moderation.rules import escalation_due
from gromada.errors import Conflict, InvalidInput, NotFound
from gromada.guild_config import declare_duration, declare_int
from gromada.i18n import N_, Plural
from gromada.text import clean
from models.moderation import CaseAction, CaseCounter, CaseStatus, ModCase

UNBAN_TIMER = "moderation.unban"
MAX_REASON_LENGTH = 1000  # an embed field holds 1,024 characters
NUMBERING_ATTEMPTS = 5

ESCALATION_WARNINGS = declare_int(
    "moderation_escalation_warnings",
    3,
    0,
    50,
    N_("Warnings within the escalation window after which the moderator is alerted (0: never)"),
)
ESCALATION_WINDOW = declare_duration(
    "moderation_escalation_window",
    timedelta(days=30),
    N_("How far back warnings count for the escalation alert"),
    minimum=timedelta(days=1),
)


@dataclass(frozen=True)
class Escalation:
    """The alert a moderator sees when a member collects too many warnings."""

    warnings: int
    window: timedelta


def clean_reason(text: str) -> str:
    cleaned = clean(text)
    if not cleaned:
        raise InvalidInput(N_("Please give a reason."))
    if len(cleaned) > MAX_REASON_LENGTH:
        raise InvalidInput(
            Plural(
                "The reason is too long (at most {n} character).",
                "The reason is too long (at most {n} characters).",
                MAX_REASON_LENGTH,
            )
        )
    return cleaned


async def _ensure_counter(guild_id: int) -> None:
    try:
        await CaseCounter.get_or_create(guild_id=guild_id)
    except IntegrityError:
        pass  # created at the same moment by another action: it exists now


async def _insert_numbered(connection: Any, guild_id: int, fields: dict[str, Any]) -> ModCase:
    """Take the next number and insert the case, inside the caller's transaction."""
    await CaseCounter.filter(guild_id=guild_id).using_db(connection).update(last_number=F("last_number") + 1)
    number = await CaseCounter.filter(guild_id=guild_id).using_db(connection).values_list("last_number", flat=True)
    return await ModCase.create(using_db=connection, guild_id=guild_id, number=number[0], **fields)


async def _raise_counter_past_stored(guild_id: int) -> None:
    """Move the counter to the largest stored number, for numbers taken outside it (a restored backup, an import).

    A conditional update that only ever raises it, so a concurrent action is never given a
    number twice.
    """
    largest = await ModCase.filter(guild_id=guild_id).order_by("-number").first().values_list("number", flat=True)
    if largest is not None:
        await CaseCounter.filter(guild_id=guild_id, last_number__lt=largest).update(last_number=largest)


async def record_case(
    guild_id: int,
    action: CaseAction,
    *,
    target_id: int,
    moderator_id: int | None,
    reason: str,
    now: datetime,
    expires_at: datetime | None = None,
    status: CaseStatus = CaseStatus.RECORDED,
    dm_delivered: bool | None = None,
    related_number: int | None = None,
) -> ModCase:
    """Store an action that happened, under the server's next case number."""
    fields = {
        "action": action,
        "status": status,
        "target_id": target_id,
        "moderator_id": moderator_id,
        "reason": reason,
        "created_at": now,
        "expires_at": expires_at,
        "dm_delivered": dm_delivered,
        "related_number": related_number,
    }
    await _ensure_counter(guild_id)
    for _attempt in range(NUMBERING_ATTEMPTS):
        try:
            async with in_transaction() as connection:
                return await _insert_numbered(connection, guild_id, fields)
        except IntegrityError:
            # The rollback undid this attempt's increment too, so without this the next
            # attempt would collide with the same number again.
            await _raise_counter_past_stored(guild_id)
    raise Conflict()


async def withdraw_case(case: ModCase) -> None:
    """Remove a case whose action Discord then refused: it did not happen.

    The case is recorded before Discord acts, so that an action never stands without its
    case. Its number is given back unless a later case took the next one already, so a
    retry gets the same number and the numbers stay consecutive.
    """
    async with in_transaction() as connection:
        await ModCase.filter(id=case.pk).using_db(connection).delete()
        await (
            CaseCounter.filter(guild_id=case.guild_id, last_number=case.number)
            .using_db(connection)
            .update(last_number=case.number - 1)
        )


async def record_dm(case: ModCase, *, delivered: bool) -> None:
    """Whether the member was told of a case recorded before its DM (a warning)."""
    case.dm_delivered = delivered
    await ModCase.filter(id=case.pk).update(dm_delivered=delivered)


async def attach_log(case_id: int, channel_id: int, message_id: int) -> None:
    await ModCase.filter(id=case_id).update(log_channel_id=channel_id, log_message_id=message_id)


async def get_case(guild_id: int, number: int) -> ModCase:
    case = await ModCase.get_or_none(guild_id=guild_id, number=number)
    if case is None:
        raise NotFound(N_("There is no case #{number} on this server."), number=number)
    return case


async def history(guild_id: int, target_id: int, *, include_notes: bool) -> list[ModCase]:
    """A member's cases, newest first; notes only for staff."""
    query = ModCase.filter(guild_id=guild_id, target_id=target_id)
    if not include_notes:
        query = query.exclude(action=CaseAction.NOTE)
    return await query.order_by("-number")


async def edit_reason(guild_id: int, number: int, reason: str, *, editor_id: int, now: datetime) -> ModCase:
    case = await get_case(guild_id, number)
    case.reason = clean_reason(reason)
    case.reason_edited_at = now
    case.reason_edited_by = editor_id
    await case.save(update_fields=["reason", "reason_edited_at", "reason_edited_by"])
    return case


async def escalation(guild_id: int, target_id: int, now: datetime) -> Escalation | None:
    """After a warning: the alert when the member reached the threshold within the window."""
    threshold = await ESCALATION_WARNINGS.get(guild_id)
    window = await ESCALATION_WINDOW.get(guild_id)
    count = await ModCase.filter(
        guild_id=guild_id, target_id=target_id, action=CaseAction.WARN, created_at__gte=now - window
    ).count()
    if not escalation_due(count, threshold):
        return None
    return Escalation(warnings=count, window=window)


def active_bans(guild_id: int, target_id: int) -> QuerySet[ModCase]:
    """Bans of this person still in force."""
    return ModCase.filter(guild_id=guild_id, target_id=target_id, action=CaseAction.BAN, status=CaseStatus.ACTIVE)


async def end_active_bans(guild_id: int, target_id: int, *, keep: ModCase | None = None) -> list[ModCase]:
    """Bans of this person still in force, now ended (an unban, or a new ban `keep` replacing them)."""
    active = active_bans(guild_id, target_id)
    if keep is not None:
        active = active.exclude(id=keep.pk)
    ended = []
    for case in await active:
        if await ModCase.filter(id=case.pk, status=CaseStatus.ACTIVE).update(status=CaseStatus.ENDED):
            ended.append(case)
    return ended


def expiring_bans() -> QuerySet[ModCase]:
    """Temporary bans still in force, on every server (their timers are checked at start)."""
    return ModCase.filter(action=CaseAction.BAN, status=CaseStatus.ACTIVE, expires_at__isnull=False)


async def active_ban(case_id: int) -> ModCase | None:
    return await ModCase.get_or_none(id=case_id, action=CaseAction.BAN, status=CaseStatus.ACTIVE)


async def close_expired_ban(ban: ModCase, *, reason: str, now: datetime) -> ModCase | None:
    """End a temporary ban at its expiry and record the unban, once however often it is called."""
    await _ensure_counter(ban.guild_id)
    async with in_transaction() as connection:
        claimed = (
            await ModCase.filter(id=ban.pk, status=CaseStatus.ACTIVE)
            .using_db(connection)
            .update(status=CaseStatus.ENDED)
        )
        if not claimed:
            return None
        return await _insert_numbered(
            connection,
            ban.guild_id,
            {
                "action": CaseAction.UNBAN,
                "status": CaseStatus.RECORDED,
                "target_id": ban.target_id,
                "moderator_id": None,
                "reason": reason,
                "created_at": now,
                "related_number": ban.number,
            },
        )
