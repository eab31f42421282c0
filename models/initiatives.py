"""Initiatives: proposals that gather supporters and become working channels."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import Keep, PersonalData


class InitiativeStatus(StrEnum):
    PROPOSED = "proposed"  # gathering supporters
    OPENING = "opening"  # threshold reached: one handler is creating the channel
    ACTIVE = "active"
    ARCHIVED = "archived"
    EXPIRED = "expired"  # the support window ended below the threshold
    WITHDRAWN = "withdrawn"  # the proposer took the proposal back before it got its channel


class Progress(StrEnum):
    """What the lead says about the work (`/initiative update`)."""

    PLANNING = "planning"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"


class Initiative(Model):
    """A proposal and, once enough people support it, a working channel.

    Who proposed it stays in proposer_id. Who leads it is the member row marked is_lead: the
    proposer at first, then whoever the lead or staff hand it over to.
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    proposer_id = fields.BigIntField()
    title = fields.CharField(max_length=100)
    # Readable and unique per server; the channel is named after it.
    slug = fields.CharField(max_length=100)
    goal = fields.TextField()
    needs = fields.TextField()
    first_step = fields.TextField()
    status = fields.CharEnumField(InitiativeStatus, max_length=10, default=InitiativeStatus.PROPOSED)
    progress = fields.CharEnumField(Progress, max_length=12, default=Progress.PLANNING)
    last_note = fields.TextField(null=True)
    # Frozen when proposed, so the counter on the card never changes meaning.
    threshold = fields.IntField()
    support_until = fields.DatetimeField()
    card_channel_id = fields.BigIntField()
    card_message_id = fields.BigIntField(null=True)
    channel_id = fields.BigIntField(null=True, db_index=True)
    welcome_message_id = fields.BigIntField(null=True)
    # When the current opening attempt began: one that never finished (the bot stopped
    # mid-way) is stale after a while and may be claimed again.
    opening_since = fields.DatetimeField(null=True)
    # Why the last attempt to open the channel failed (shown with the Retry button).
    open_error = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()
    opened_at = fields.DatetimeField(null=True)
    archived_at = fields.DatetimeField(null=True)
    last_activity_at = fields.DatetimeField(null=True)
    inactivity_warned_at = fields.DatetimeField(null=True)

    # A proposal gathering support is its proposer's to withdraw before they are forgotten.
    # Once it has a channel, the lead's member row is what is kept (see InitiativeMember), and
    # a pseudonym stands for the proposer, who may have handed the lead over long ago.
    personal_data = PersonalData(
        user_fields=("proposer_id",),
        keep=(Keep("open_proposal", {"status__in": ("proposed", "opening")}),),
        quoting_texts=("goal", "needs", "first_step", "last_note"),
        export_only={"proposer_id": ("id", "title", "status", "goal", "needs", "first_step", "created_at")},
    )

    class Meta:
        table = "initiative"
        unique_together = (("guild_id", "slug"),)


class InitiativeMember(Model):
    """A supporter while proposed, a member of the channel once opened (the proposer leads)."""

    id = fields.IntField(primary_key=True)
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "initiatives.Initiative", related_name="members", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    is_lead = fields.BooleanField(default=False)
    joined_at = fields.DatetimeField()

    # Support stays counted under a pseudonym (a threshold once reached stays reached). The lead
    # withdraws their proposal, or hands the active initiative over or archives it, first.
    personal_data = PersonalData(
        user_fields=("user_id",),
        guild="initiative__guild_id",
        part_of=("initiative_id", "initiative"),
        keep=(
            Keep("open_proposal", {"is_lead": True, "initiative__status__in": ("proposed", "opening")}),
            Keep("open_initiative", {"is_lead": True, "initiative__status": "active"}),
        ),
        export_with={"initiative": ("id", "title", "status")},
    )

    class Meta:
        table = "initiative_member"
        unique_together = (("initiative", "user_id"),)


class InitiativeNeed(Model):
    """A call for help posted by the lead, with an "I can help" button."""

    id = fields.IntField(primary_key=True)
    initiative: fields.ForeignKeyRelation[Initiative] = fields.ForeignKeyField(
        "initiatives.Initiative", related_name="calls", on_delete=fields.CASCADE
    )
    text = fields.TextField()
    channel_id = fields.BigIntField()
    message_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    # No person in it, but a call for help may mention one.
    personal_data = PersonalData(user_fields=(), guild="initiative__guild_id", quoting_texts=("text",))

    class Meta:
        table = "initiative_need"


class NeedHelper(Model):
    id = fields.IntField(primary_key=True)
    need: fields.ForeignKeyRelation[InitiativeNeed] = fields.ForeignKeyField(
        "initiatives.InitiativeNeed", related_name="helpers", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    offered_at = fields.DatetimeField()

    personal_data = PersonalData(
        user_fields=("user_id",),
        delete_for=("user_id",),
        guild="need__initiative__guild_id",
        export_with={"need": ("text",)},
    )

    class Meta:
        table = "initiative_need_helper"
        unique_together = (("need", "user_id"),)
