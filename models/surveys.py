"""Needs surveys: the survey, its questions, responses in progress and submitted, links to action.

The anonymity scheme is described in cogs/surveys/service.py (it follows anonymous polls,
cogs/polls/anonymity.py). In short: a named survey keeps one `survey_response` row per member;
an anonymous survey keeps a `survey_participation` row per member (a keyed hash, no answer)
and, apart from it, `survey_response` rows with no member, no timestamp and a random id.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import PersonalData


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    SCALE = "scale"
    NUMBER = "number"
    SHORT = "short"
    LONG = "long"


class Survey(Model):
    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    channel_id = fields.BigIntField()
    message_id = fields.BigIntField(null=True)
    author_id = fields.BigIntField()
    title = fields.CharField(max_length=200)
    introduction = fields.TextField(default="")
    # Only holders of this role may answer (None: everyone on the server).
    audience_role_id = fields.BigIntField(null=True)
    anonymous = fields.BooleanField(default=False)
    # Key of the anonymous participation hashes; erased at close.
    secret = fields.CharField(max_length=64, null=True)
    status = fields.CharEnumField(SurveyStatus, max_length=10, default=SurveyStatus.DRAFT)
    created_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    # True: closes_at is the date the author chose. False: it is counted again from the publishing
    # (the author gave how long it stays open).
    close_date_fixed = fields.BooleanField(default=False)
    closed_at = fields.DatetimeField(null=True)
    results_message_id = fields.BigIntField(null=True)

    personal_data = PersonalData(user_fields=("author_id",), export_only={"author_id": ("id", "title", "created_at")})

    class Meta:
        table = "survey"


class SurveyQuestion(Model):
    id = fields.IntField(primary_key=True)
    survey_id = fields.IntField(db_index=True)
    position = fields.IntField()
    kind = fields.CharEnumField(QuestionKind, max_length=10)
    text = fields.CharField(max_length=300)
    # Choice labels in their order (answers refer to them by index); for a scale its two end labels.
    options = fields.JSONField(default=list)
    required = fields.BooleanField(default=True)

    class Meta:
        table = "survey_question"


class SurveyDraft(Model):
    """Answers a member has given so far, before submitting (or while editing a named response).

    Named surveys hold the member's id; anonymous ones the keyed hash of the participation,
    and the row is deleted when the answers are submitted or the survey closes.
    """

    id = fields.IntField(primary_key=True)
    survey_id = fields.IntField(db_index=True)
    user_id = fields.BigIntField(null=True)
    token = fields.CharField(max_length=64, null=True, unique=True)
    # Question id (as text) -> the answer given.
    answers = fields.JSONField(default=dict)
    # The question shown last, to resume there.
    step = fields.IntField(default=0)

    personal_data = PersonalData(
        user_fields=("user_id",),
        delete_for=("user_id",),
        guild=None,
        guild_via=("survey_id", "surveys.Survey"),
        part_of=("survey_id", "survey"),
    )

    class Meta:
        table = "survey_draft"
        unique_together = (("survey_id", "user_id"),)


class SurveyResponse(Model):
    """A submitted response: with its member for a named survey, with nobody for an anonymous one."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    survey_id = fields.IntField(db_index=True)
    user_id = fields.BigIntField(null=True)
    answers = fields.JSONField(default=dict)
    # Named responses only: an anonymous response carries no time that could match a member's click.
    submitted_at = fields.DatetimeField(null=True)

    personal_data = PersonalData(
        user_fields=("user_id",),
        delete_for=("user_id",),
        guild=None,
        guild_via=("survey_id", "surveys.Survey"),
        part_of=("survey_id", "survey"),
    )

    class Meta:
        table = "survey_response"
        unique_together = (("survey_id", "user_id"),)


class SurveyParticipation(Model):
    """That someone answered an anonymous survey: HMAC(survey secret, survey id, user id) and nothing else."""

    token = fields.CharField(max_length=64, primary_key=True, generated=False)
    survey_id = fields.IntField(db_index=True)

    class Meta:
        table = "survey_participation"


class SurveyAction(Model):
    """A poll or an initiative proposal started from a closed survey's answers."""

    id = fields.IntField(primary_key=True)
    survey_id = fields.IntField(db_index=True)
    question_id = fields.IntField()
    kind = fields.CharField(max_length=12)  # "poll" or "initiative"
    ref_id = fields.IntField()
    created_by = fields.BigIntField()
    created_at = fields.DatetimeField()

    personal_data = PersonalData(
        user_fields=("created_by",),
        guild=None,
        guild_via=("survey_id", "surveys.Survey"),
        part_of=("survey_id", "survey"),
    )

    class Meta:
        table = "survey_action"
