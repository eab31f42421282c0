from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.surveys import QuestionKind, SurveyStatus
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Survey",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("guild_id", fields.BigIntField(db_index=True)),
                ("channel_id", fields.BigIntField()),
                ("message_id", fields.BigIntField(null=True)),
                ("author_id", fields.BigIntField()),
                ("title", fields.CharField(max_length=200)),
                ("introduction", fields.TextField(default="", unique=False)),
                ("audience_role_id", fields.BigIntField(null=True)),
                ("anonymous", fields.BooleanField(default=False)),
                ("secret", fields.CharField(null=True, max_length=64)),
                (
                    "status",
                    fields.CharEnumField(
                        default=SurveyStatus.DRAFT,
                        description="DRAFT: draft\nOPEN: open\nCLOSED: closed",
                        enum_type=SurveyStatus,
                        max_length=10,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("closes_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("results_message_id", fields.BigIntField(null=True)),
            ],
            options={"table": "survey", "app": "surveys", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyAction",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey_id", fields.IntField(db_index=True)),
                ("question_id", fields.IntField()),
                ("kind", fields.CharField(max_length=12)),
                ("ref_id", fields.IntField()),
                ("created_by", fields.BigIntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "survey_action",
                "app": "surveys",
                "pk_attr": "id",
                "table_description": "A poll or an initiative proposal started from a closed survey's answers.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyDraft",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey_id", fields.IntField(db_index=True)),
                ("user_id", fields.BigIntField(null=True)),
                ("token", fields.CharField(null=True, unique=True, max_length=64)),
                (
                    "answers",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("step", fields.IntField(default=0)),
            ],
            options={
                "table": "survey_draft",
                "app": "surveys",
                "unique_together": (("survey_id", "user_id"),),
                "pk_attr": "id",
                "table_description": "Answers a member has given so far, before submitting (or while editing a named response).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyParticipation",
            fields=[
                ("token", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("survey_id", fields.IntField(db_index=True)),
            ],
            options={
                "table": "survey_participation",
                "app": "surveys",
                "pk_attr": "token",
                "table_description": "That someone answered an anonymous survey: HMAC(survey secret, survey id, user id) and nothing else.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyQuestion",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey_id", fields.IntField(db_index=True)),
                ("position", fields.IntField()),
                (
                    "kind",
                    fields.CharEnumField(
                        description="SINGLE: single\nMULTI: multi\nSCALE: scale\nNUMBER: number\nSHORT: short\nLONG: long",
                        enum_type=QuestionKind,
                        max_length=10,
                    ),
                ),
                ("text", fields.CharField(max_length=300)),
                (
                    "options",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("required", fields.BooleanField(default=True)),
            ],
            options={"table": "survey_question", "app": "surveys", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyResponse",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("survey_id", fields.IntField(db_index=True)),
                ("user_id", fields.BigIntField(null=True)),
                (
                    "answers",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("submitted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "survey_response",
                "app": "surveys",
                "unique_together": (("survey_id", "user_id"),),
                "pk_attr": "id",
                "table_description": "A submitted response: with its member for a named survey, with nobody for an anonymous one.",
            },
            bases=["Model"],
        ),
    ]
