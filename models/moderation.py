"""Moderation cases: one numbered row per action, and each server's case counter."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import Keep, PersonalData


class CaseAction(StrEnum):
    WARN = "warn"
    TIMEOUT = "timeout"
    KICK = "kick"
    BAN = "ban"
    UNBAN = "unban"
    NOTE = "note"


class CaseStatus(StrEnum):
    # A ban still in force (a temporary one is lifted by its timer).
    ACTIVE = "active"
    # A ban that was lifted, by an unban or at its expiry.
    ENDED = "ended"
    # Everything else: the action happened and is on record.
    RECORDED = "recorded"


class CaseCounter(Model):
    """The last case number given out on a server (raised inside the transaction of each new case)."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    last_number = fields.IntField(default=0)

    class Meta:
        table = "moderation_case_counter"


class ModCase(Model):
    """One moderation action on a server, numbered 1, 2, 3… per server."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    number = fields.IntField()
    action = fields.CharEnumField(CaseAction, max_length=10)
    status = fields.CharEnumField(CaseStatus, max_length=10, default=CaseStatus.RECORDED)
    target_id = fields.BigIntField()
    # None when the bot acted by itself (a temporary ban lifted at its expiry).
    moderator_id = fields.BigIntField(null=True)
    reason = fields.TextField()
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    # Whether the member was told by DM (None: no DM is sent for this action).
    dm_delivered = fields.BooleanField(null=True)
    # The case this one follows from (the ban an expiry lifts).
    related_number = fields.IntField(null=True)
    log_channel_id = fields.BigIntField(null=True)
    log_message_id = fields.BigIntField(null=True)
    reason_edited_at = fields.DatetimeField(null=True)
    reason_edited_by = fields.BigIntField(null=True)

    # Cases about a member stay for the server's safety (notes are purged after the
    # privacy_moderation_note_retention period); the member sees them only if the server
    # allows it. A moderator who is forgotten becomes a pseudonym.
    personal_data = PersonalData(
        user_fields=("target_id", "moderator_id", "reason_edited_by"),
        keep=(Keep("moderation_record", {}, fields=("target_id",)),),
        export_only_if="privacy_export_moderation",
        quoting_texts=("reason",),
        export_only={
            "moderator_id": ("number", "action", "created_at"),
            "reason_edited_by": ("number", "action", "reason_edited_at"),
        },
    )

    class Meta:
        table = "moderation_case"
        unique_together = (("guild_id", "number"),)
        indexes = (("guild_id", "target_id", "action", "created_at"), ("guild_id", "target_id", "status"))
