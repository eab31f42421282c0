"""Meetings: a date with an agenda, who is coming, the minutes, and the decisions taken.

An agenda item comes from an open initiative, an open poll or free text; one can be put to a
poll from the meeting card, and the poll's id is kept on the item so the card lists the
decisions that came out of the meeting. Polls and initiatives are referred to by id (another
feature's rows), never by a foreign key.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import PersonalData


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Meeting(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    title = fields.CharField(max_length=100)
    place = fields.CharField(max_length=200, default="")
    place_channel_id = fields.BigIntField(null=True)
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(MeetingStatus, max_length=10, default=MeetingStatus.PLANNED)
    channel_id = fields.BigIntField(null=True)
    message_id = fields.BigIntField(null=True)
    event_id = fields.BigIntField(null=True)
    minutes = fields.TextField(null=True)
    minutes_by = fields.BigIntField(null=True)
    minutes_message_id = fields.BigIntField(null=True)
    reminded_day = fields.BooleanField(default=False)
    reminded_hour = fields.BooleanField(default=False)
    creator_id = fields.BigIntField()
    created_at = fields.DatetimeField()

    # The minutes are the community's record: they stay, signed by a pseudonym.
    personal_data = PersonalData(user_fields=("creator_id", "minutes_by"))

    class Meta:
        table = "meeting"


class ItemSource(StrEnum):
    FREE = "free"
    INITIATIVE = "initiative"
    POLL = "poll"


class AgendaItem(Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="agenda", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    text = fields.CharField(max_length=200)
    source = fields.CharEnumField(ItemSource, max_length=10, default=ItemSource.FREE)
    # The initiative or poll the item comes from.
    source_ref = fields.IntField(null=True)
    # The poll that decides the item, once put to a vote from the meeting.
    decision_poll = fields.IntField(null=True)
    # The initiative proposed from the item, once proposed from the meeting.
    proposed_initiative = fields.IntField(null=True)

    class Meta:
        table = "meeting_agenda_item"
        unique_together = (("meeting", "position"),)


class Answer(StrEnum):
    COMING = "coming"
    MAYBE = "maybe"
    NOT_COMING = "not_coming"


class Rsvp(Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meetings.Meeting", related_name="rsvps", on_delete=fields.CASCADE
    )
    guild_id = fields.BigIntField(db_index=True)
    user_id = fields.BigIntField(db_index=True)
    answer = fields.CharEnumField(Answer, max_length=12)
    answered_at = fields.DatetimeField()

    # Part of its meeting: whoever planned a meeting and is coming to it has one meeting.
    personal_data = PersonalData(
        user_fields=("user_id",),
        delete_for=("user_id",),
        part_of=("meeting_id", "meeting"),
        export_with={"meeting": ("title", "starts_at")},
    )

    class Meta:
        table = "meeting_rsvp"
        unique_together = (("meeting", "user_id"),)
