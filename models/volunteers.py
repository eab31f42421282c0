"""Volunteer roles: the catalogue, who sits in which seat, waitlists, approvals, thanks.

A role has `seats` numbered slots. A live seat (offered or held) is a `VolunteerSeat` row;
the unique constraint on (role, slot) is what makes two people racing for the last seat
end with exactly one holder, on SQLite and PostgreSQL alike, and (role, user) keeps a
person from holding the same role twice. Ended tenures move to `VolunteerTerm`, the
history that roster and certificates read.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import Keep, PersonalData


class Approval(StrEnum):
    AUTO = "auto"
    COORDINATOR = "coordinator"


class VolunteerRole(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    # The catalogue key of a content pack (None for roles created by hand).
    key = fields.CharField(max_length=40, null=True)
    name = fields.CharField(max_length=100)
    description = fields.CharField(max_length=500, default="")
    responsibilities = fields.CharField(max_length=1000, default="")
    seats = fields.IntField()
    term_days = fields.IntField(null=True)
    approval = fields.CharEnumField(Approval, max_length=12, default=Approval.AUTO)
    discord_role_id = fields.BigIntField()
    # A purpose ("buddy") makes this role and the server's role for that purpose one thing: its
    # Discord role is always the one bound to the purpose (gromada.guild_config).
    purpose = fields.CharField(max_length=40, null=True)
    prerequisite_role_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "volunteer_role"
        unique_together = (("guild_id", "name"),)


class SeatStatus(StrEnum):
    OFFERED = "offered"  # reserved for someone from the waitlist until the offer expires
    ACTIVE = "active"


class VolunteerSeat(Model):
    id = fields.IntField(primary_key=True)
    role: fields.ForeignKeyRelation[VolunteerRole] = fields.ForeignKeyField(
        "volunteers.VolunteerRole", related_name="seat_rows", on_delete=fields.CASCADE
    )
    guild_id = fields.BigIntField(db_index=True)
    slot = fields.IntField()
    user_id = fields.BigIntField(db_index=True)
    status = fields.CharEnumField(SeatStatus, max_length=10)
    started_at = fields.DatetimeField(null=True)
    term_ends_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True)
    terms = fields.IntField(default=1)

    # A live seat goes through stepping down (it frees the seat and the Discord role).
    personal_data = PersonalData(
        user_fields=("user_id",),
        keep=(Keep("volunteer_seat", {}),),
        export_with={"role": ("name",)},
    )

    class Meta:
        table = "volunteer_seat"
        unique_together = (("role", "slot"), ("role", "user_id"))


class VolunteerTerm(Model):
    """A tenure that ended: who held which role, from when to when, for how many terms."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    role_id = fields.IntField()
    role_name = fields.CharField(max_length=100)
    user_id = fields.BigIntField(db_index=True)
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField()
    terms = fields.IntField(default=1)
    reason = fields.CharField(max_length=20)

    # The roster's history stays, under a pseudonym.
    personal_data = PersonalData(user_fields=("user_id",))

    class Meta:
        table = "volunteer_term"


class WaitlistEntry(Model):
    id = fields.IntField(primary_key=True)
    role: fields.ForeignKeyRelation[VolunteerRole] = fields.ForeignKeyField(
        "volunteers.VolunteerRole", related_name="waitlist", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    joined_at = fields.DatetimeField()

    personal_data = PersonalData(
        user_fields=("user_id",), delete_for=("user_id",), guild="role__guild_id", export_with={"role": ("name",)}
    )

    class Meta:
        table = "volunteer_waitlist"
        unique_together = (("role", "user_id"),)


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ApprovalRequest(Model):
    id = fields.IntField(primary_key=True)
    role: fields.ForeignKeyRelation[VolunteerRole] = fields.ForeignKeyField(
        "volunteers.VolunteerRole", related_name="requests", on_delete=fields.CASCADE
    )
    guild_id = fields.BigIntField(db_index=True)
    user_id = fields.BigIntField()
    status = fields.CharEnumField(RequestStatus, max_length=10, default=RequestStatus.PENDING)
    created_at = fields.DatetimeField()
    decided_by = fields.BigIntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    channel_id = fields.BigIntField(null=True)
    message_id = fields.BigIntField(null=True)

    personal_data = PersonalData(
        user_fields=("user_id", "decided_by"), delete_for=("user_id",), export_with={"role": ("name",)}
    )

    class Meta:
        table = "volunteer_request"


class VolunteerPanel(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    channel_id = fields.BigIntField()
    message_id = fields.BigIntField()

    class Meta:
        table = "volunteer_panel"
        unique_together = (("guild_id", "channel_id"),)


class Thanks(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    from_user_id = fields.BigIntField()
    to_user_id = fields.BigIntField(db_index=True)
    message = fields.CharField(max_length=500)
    created_at = fields.DatetimeField()

    # Thanks received are about the person and go with them; thanks given stay for the
    # person thanked, signed by a pseudonym.
    personal_data = PersonalData(
        user_fields=("from_user_id", "to_user_id"), delete_for=("to_user_id",), quoting_texts=("message",)
    )

    class Meta:
        table = "volunteer_thanks"
