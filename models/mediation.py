"""Mediation tickets: the request, who mediates it, the parties invited, private notes.

Discord objects (guild, requester, mediator, the private channel) are kept by snowflake.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import Keep, PersonalData


class TicketStatus(StrEnum):
    OPEN = "open"  # waiting for a mediator
    CLAIMED = "claimed"
    CLOSED = "closed"


class Ticket(Model):
    """One request for mediation and its private channel.

    `open_slot` is 1..limit while the ticket is open or claimed and NULL once closed; the
    unique (guild, requester, slot) constraint is what keeps "one open ticket per member"
    true when two requests race (NULLs never collide, on SQLite and PostgreSQL alike).
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    requester_id = fields.BigIntField()
    channel_id = fields.BigIntField(unique=True)
    status = fields.CharEnumField(TicketStatus, max_length=10, default=TicketStatus.OPEN)
    open_slot = fields.IntField(null=True)
    what_happened = fields.TextField()
    parties_text = fields.TextField(default="")
    hoped_outcome = fields.TextField()
    mediator_id = fields.BigIntField(null=True)
    alert_channel_id = fields.BigIntField(null=True)
    alert_message_id = fields.BigIntField(null=True)
    reminders_sent = fields.IntField(default=0)
    # When it last began waiting for a mediator (opened, reopened, or its mediator left), from
    # which its reminders are counted. Tickets from before it was kept count from created_at.
    waiting_since = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    outcome = fields.TextField(null=True)
    transcript = fields.TextField(null=True)
    rating = fields.IntField(null=True)
    checkin_answer = fields.CharField(max_length=10, null=True)
    reopened_count = fields.IntField(default=0)

    parties: fields.ReverseRelation[TicketParty]
    notes: fields.ReverseRelation[TicketNote]

    # A closed ticket stays for the other party under a pseudonym, without the requester's
    # own words; closed tickets are purged after the server's retention period anyway.
    personal_data = PersonalData(
        user_fields=("requester_id", "mediator_id"),
        texts={"requester_id": ("what_happened", "parties_text", "hoped_outcome")},
        # Any ticket's texts may mention the person (<@id>) or quote them in the transcript.
        quoting_texts=("transcript", "what_happened", "parties_text", "hoped_outcome", "outcome"),
        keep=(Keep("open_mediation", {"status__in": ("open", "claimed")}),),
        export_only={"mediator_id": ("id", "status", "created_at", "claimed_at", "closed_at")},
    )

    class Meta:
        table = "mediation_ticket"
        unique_together = (("guild_id", "requester_id", "open_slot"),)
        indexes = (("guild_id", "created_at"), ("guild_id", "status"))


class PartyStatus(StrEnum):
    NAMED = "named"  # named in the request; not invited (a conflict of interest all the same)
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class TicketParty(Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "mediation.Ticket", related_name="parties", on_delete=fields.CASCADE
    )
    user_id = fields.BigIntField()
    status = fields.CharEnumField(PartyStatus, max_length=10)
    invited_by = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    personal_data = PersonalData(
        user_fields=("user_id", "invited_by"),
        guild="ticket__guild_id",
        part_of=("ticket_id", "mediation_ticket"),
        keep=(Keep("open_mediation", {"ticket__status__in": ("open", "claimed")}),),
        export_with={"ticket": ("id", "status", "created_at", "closed_at", "outcome")},
    )

    class Meta:
        table = "mediation_party"
        unique_together = (("ticket", "user_id"),)


class TicketNote(Model):
    """A mediator's private note: only in the database, shown only to mediators."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "mediation.Ticket", related_name="notes", on_delete=fields.CASCADE
    )
    author_id = fields.BigIntField()
    text = fields.TextField()
    created_at = fields.DatetimeField()

    # Mediators' private notes are never exported; a mediator who is forgotten stays a pseudonym.
    personal_data = PersonalData(
        user_fields=("author_id",), guild="ticket__guild_id", part_of=("ticket_id", "mediation_ticket"), exported=False
    )

    class Meta:
        table = "mediation_note"


class MediationPanel(Model):
    """The one "Request mediation" panel quickstart posted on a server (so it posts it once)."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    channel_id = fields.BigIntField()
    message_id = fields.BigIntField()

    class Meta:
        table = "mediation_panel"
