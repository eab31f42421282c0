"""Onboarding by peers: each newcomer's journey, buddies' preferences and their slots."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import PersonalData


class Step(IntEnum):
    """How far a newcomer got; each step is reached in this order."""

    JOINED = 0
    VALUES = 1  # said "I share these values"
    INTRODUCED = 2  # posted an introduction
    MATCHED = 3  # a buddy was assigned (at least once)
    COMPLETED = 4  # the buddy signed the welcome off


class JourneyStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    COMPLETED = "completed"


class Journey(Model):
    """One newcomer on one server, from join to graduation (kept when they leave, to resume)."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    user_id = fields.BigIntField()
    status = fields.CharEnumField(JourneyStatus, max_length=10, default=JourneyStatus.ACTIVE)
    step = fields.IntEnumField(Step, default=Step.JOINED)
    # The furthest values card the newcomer has seen (0-based).
    card = fields.IntField(default=0)
    thread_id = fields.BigIntField(null=True)
    step_message_id = fields.BigIntField(null=True)
    buddy_id = fields.BigIntField(null=True)
    about = fields.TextField(null=True)
    interests = fields.TextField(null=True)
    languages = fields.CharField(max_length=200, default="")  # language codes, comma separated
    joined_at = fields.DatetimeField()
    values_at = fields.DatetimeField(null=True)
    introduced_at = fields.DatetimeField(null=True)
    matched_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    left_at = fields.DatetimeField(null=True)
    last_active_at = fields.DatetimeField()
    reminded_at = fields.DatetimeField(null=True)
    team_notified_at = fields.DatetimeField(null=True)

    # The newcomer's own journey goes with them; as someone's buddy they become a pseudonym.
    personal_data = PersonalData(
        user_fields=("user_id", "buddy_id"),
        delete_for=("user_id",),
        owned_channels=("thread_id",),
        export_only={"buddy_id": ("id", "status", "step", "matched_at", "completed_at")},
    )

    class Meta:
        table = "onboarding_journey"
        unique_together = (("guild_id", "user_id"),)
        indexes = (("guild_id", "status", "step"), ("guild_id", "joined_at"))


class BuddyProfile(Model):
    """A buddy's own settings (a Buddy without a row is available at the server's capacity)."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    user_id = fields.BigIntField()
    available = fields.BooleanField(default=True)
    capacity = fields.IntField(null=True)  # None: the server's onboarding_buddy_capacity
    languages = fields.CharField(max_length=200, default="")

    personal_data = PersonalData(user_fields=("user_id",), delete_for=("user_id",))

    class Meta:
        table = "onboarding_buddy"
        unique_together = (("guild_id", "user_id"),)


class BuddySlot(Model):
    """A buddy looking after one newcomer now.

    Slots are numbered below the buddy's capacity and unique per buddy, so two newcomers
    matched at the same moment cannot both take a buddy's last slot: one insert fails.
    The row is deleted when the welcome ends, the newcomer leaves or the buddy is replaced.
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    buddy_id = fields.BigIntField()
    slot = fields.IntField()
    journey: fields.OneToOneRelation[Journey] = fields.OneToOneField(
        "onboarding.Journey", related_name="slot", on_delete=fields.CASCADE
    )
    assigned_at = fields.DatetimeField()
    # When the buddy first wrote in the newcomer's thread (None: not yet).
    spoke_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        user_fields=("buddy_id",), delete_for=("buddy_id",), part_of=("journey_id", "onboarding_journey")
    )

    class Meta:
        table = "onboarding_buddy_slot"
        unique_together = (("guild_id", "buddy_id", "slot"),)
