"""Per-server configuration and the runtime's own tables (timers, content, member locales)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.privacy import PersonalData


class GuildSettings(Model):
    """One row per server: the things every feature needs to know about it."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    language = fields.CharField(max_length=5, default="en")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "guild_settings"


class BindingKind(StrEnum):
    CHANNEL = "channel"
    CATEGORY = "category"
    ROLE = "role"


class GuildBinding(Model):
    """Which Discord channel, category or role serves a purpose (welcome, mod_log, buddy…)."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    kind = fields.CharEnumField(BindingKind, max_length=10)
    purpose = fields.CharField(max_length=40)
    discord_id = fields.BigIntField()

    class Meta:
        table = "guild_binding"
        unique_together = (("guild_id", "kind", "purpose"),)


class GuildOption(Model):
    """A per-server value of a declared option (see gromada.guild_config.OPTIONS).

    Stored as text and parsed through the option's declared type on read, so a value
    always has the shape its declaration promises.
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    key = fields.CharField(max_length=60)
    value = fields.CharField(max_length=200)

    class Meta:
        table = "guild_option"
        unique_together = (("guild_id", "key"),)


class TimerStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Timer(Model):
    """A deadline: what to do (kind + ref_id), when, and whether it has been done.

    The database is the source of truth; the in-memory scheduler only wakes us up.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=60)
    ref_id = fields.BigIntField()
    guild_id = fields.BigIntField(null=True)
    due_at = fields.DatetimeField()
    status = fields.CharEnumField(TimerStatus, max_length=10, default=TimerStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    fired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "timer"
        indexes = (("status", "due_at"), ("kind", "ref_id"))


class ValueCard(Model):
    """One card of a server's values walk, imported from a content pack."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField(db_index=True)
    position = fields.IntField()
    title = fields.CharField(max_length=256)
    body = fields.TextField()

    class Meta:
        table = "value_card"
        unique_together = (("guild_id", "position"),)


class MemberLocale(Model):
    """The language a person last used with the bot, so DMs reach them in it."""

    user_id = fields.BigIntField(primary_key=True, generated=False)
    locale = fields.CharField(max_length=5)
    updated_at = fields.DatetimeField(auto_now=True)

    # Not tied to one server; forgetting it only means the next DM uses the server's language.
    personal_data = PersonalData(user_fields=("user_id",), delete_for=("user_id",), guild=None)

    class Meta:
        table = "member_locale"
