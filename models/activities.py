"""Activities: shifts people sign up for, one-off or repeating, each date with its seats.

An `ActivitySeries` holds what an activity is (title, place, seats, how it repeats, in which
time zone); each date it happens on is an `ActivityOccurrence`, created ahead on a rolling
window. A seat taken is an `ActivitySignup` in a numbered slot: the unique constraint on
(occurrence, slot) is what makes two people racing for the last seat end with exactly one of
them in it, and (occurrence, user) keeps a person from taking two seats. Someone who joins a
whole series has an `ActivitySubscription`, and takes a seat in each date as it is created.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import PersonalData


class Repeat(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class ActivitySeries(Model):
    """What an activity is, and how its dates repeat (a one-off activity is a series of one)."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    title = fields.CharField(max_length=100)
    description = fields.CharField(max_length=1000, default="")
    place = fields.CharField(max_length=200, default="")
    # A voice or stage channel where it happens (the Discord event then points there).
    place_channel_id = fields.BigIntField(null=True)
    seats = fields.IntField()
    duration_minutes = fields.IntField()
    required_role_id = fields.BigIntField(null=True)
    repeat = fields.CharEnumField(Repeat, max_length=10, default=Repeat.NONE)
    # The first start as local wall time ("2026-12-05T10:00") in `timezone`: the rule repeats it.
    first_local = fields.CharField(max_length=19)
    timezone = fields.CharField(max_length=64)
    until_date = fields.DateField(null=True)
    # The latest start already created as a date (UTC), so the window goes on from there.
    created_through = fields.DatetimeField(null=True)
    creator_id = fields.BigIntField()
    created_at = fields.DatetimeField()
    cancelled_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(user_fields=("creator_id",))

    class Meta:
        table = "activity_series"


class OccurrenceStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ActivityOccurrence(Model):
    id = fields.IntField(primary_key=True)
    series: fields.ForeignKeyRelation[ActivitySeries] = fields.ForeignKeyField(
        "activities.ActivitySeries", related_name="occurrences", on_delete=fields.CASCADE
    )
    guild_id = fields.BigIntField(db_index=True)
    # Copied from the series, so one date can be edited on its own.
    title = fields.CharField(max_length=100)
    place = fields.CharField(max_length=200, default="")
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    seats = fields.IntField()
    status = fields.CharEnumField(OccurrenceStatus, max_length=10, default=OccurrenceStatus.SCHEDULED)
    channel_id = fields.BigIntField(null=True)
    message_id = fields.BigIntField(null=True)
    # The Discord Scheduled Event mirroring this date (None when the bot may not create events).
    event_id = fields.BigIntField(null=True)
    # Each reminder is claimed once (False -> True) before it is sent, whatever re-arms it.
    reminded_day = fields.BooleanField(default=False)
    reminded_hour = fields.BooleanField(default=False)
    called = fields.BooleanField(default=False)
    followed_up = fields.BooleanField(default=False)

    class Meta:
        table = "activity_occurrence"
        unique_together = (("series", "starts_at"),)


class Report(StrEnum):
    DONE = "done"
    NOT_HAPPENED = "not_happened"


class ActivitySignup(Model):
    id = fields.IntField(primary_key=True)
    occurrence: fields.ForeignKeyRelation[ActivityOccurrence] = fields.ForeignKeyField(
        "activities.ActivityOccurrence", related_name="signups", on_delete=fields.CASCADE
    )
    guild_id = fields.BigIntField(db_index=True)
    slot = fields.IntField()
    user_id = fields.BigIntField(db_index=True)
    joined_at = fields.DatetimeField()
    # What the participant answered to "Did it happen?" afterwards.
    report = fields.CharEnumField(Report, max_length=12, null=True)
    # A coordinator marked that the person did not come.
    no_show = fields.BooleanField(default=False)
    marked_by = fields.BigIntField(null=True)

    # Each seat is part of its date: a coordinator who marked three no-shows on one date
    # marked one date.
    personal_data = PersonalData(
        user_fields=("user_id", "marked_by"),
        delete_for=("user_id",),
        part_of=("occurrence_id", "activity_occurrence"),
        export_with={"occurrence": ("title", "starts_at", "ends_at")},
    )

    class Meta:
        table = "activity_signup"
        unique_together = (("occurrence", "slot"), ("occurrence", "user_id"))


class ActivitySubscription(Model):
    """Someone who joined every date of a series, present and to come."""

    id = fields.IntField(primary_key=True)
    series: fields.ForeignKeyRelation[ActivitySeries] = fields.ForeignKeyField(
        "activities.ActivitySeries", related_name="subscriptions", on_delete=fields.CASCADE
    )
    guild_id = fields.BigIntField(db_index=True)
    user_id = fields.BigIntField(db_index=True)
    joined_at = fields.DatetimeField()

    # Part of its series: a coordinator who joins every date of the activity they planned has
    # one activity, not a series and a subscription.
    personal_data = PersonalData(
        user_fields=("user_id",),
        delete_for=("user_id",),
        part_of=("series_id", "activity_series"),
        export_with={"series": ("title",)},
    )

    class Meta:
        table = "activity_subscription"
        unique_together = (("series", "user_id"),)


class CalendarFeed(Model):
    """The secret address of an iCalendar feed: a server's (no user) or one member's own.

    The token is the only key to the feed, so it is long and random, and rotating it makes the
    old address stop working.
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    user_id = fields.BigIntField(null=True)
    token = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()

    personal_data = PersonalData(user_fields=("user_id",), delete_for=("user_id",), export_exclude=("token",))

    class Meta:
        table = "activity_calendar_feed"
        unique_together = (("guild_id", "user_id"),)
