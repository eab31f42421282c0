"""Every model says what in it is personal data, and the declarations name real things."""

from cogs.privacy.declarations import OBJECT_FIELD, PERSON_FIELD, all_models, declared, unclassified, undeclared
from cogs.privacy.rules import FEATURES, REASONS
from gromada.db import model_modules


async def test_every_person_field_of_every_model_is_declared(simcord_env):
    # A model with a user id field and no `personal_data` covering it would escape
    # /privacy export and forget: declare it (see models/privacy.py).
    assert undeclared() == {}


async def test_every_id_field_is_clearly_a_person_or_a_discord_object(simcord_env):
    # "owner_ref_id" could be anyone's: name it after what it holds (…user_id, …channel_id).
    assert unclassified() == {}


async def test_declarations_name_existing_fields_and_known_reasons(simcord_env):
    entries = list(declared())
    assert entries, "no model declares personal data"
    for entry in entries:
        fields = entry.model._meta.fields_map
        personal = entry.personal
        named = [
            *personal.user_fields,
            *personal.delete_for,
            *personal.quoting_texts,
            *personal.export_exclude,
            *personal.export_only,
            *(text for texts in personal.texts.values() for text in texts),
        ]
        assert [name for name in named if name not in fields] == [], entry.table
        assert set(personal.delete_for) <= set(personal.user_fields), entry.table
        assert [rule.reason for rule in personal.keep if rule.reason not in REASONS] == [], entry.table
        for relation in personal.export_with:
            assert relation in entry.model._meta.fk_fields, entry.table
        if personal.guild == "guild_id" and personal.guild_via is None:
            assert "guild_id" in fields, f"{entry.table} has no guild_id: declare how it reaches its server"


async def test_a_row_is_part_of_a_thing_stored_in_a_table_of_its_feature(simcord_env):
    tables = {model._meta.db_table: model for model in all_models()}
    parts = [entry for entry in declared() if entry.personal.part_of]
    assert parts, "no model says its rows are parts of a thing: the summaries would count rows"
    for entry in parts:
        column, table = entry.personal.part_of
        assert column in entry.model._meta.fields_db_projection, entry.table
        assert table in tables and tables[table]._meta.app == entry.app, entry.table


async def test_every_feature_has_a_readable_name(simcord_env):
    assert set(model_modules()) <= set(FEATURES)
    assert {model._meta.app for model in all_models()} <= set(FEATURES)


def test_person_field_names():
    for name in ("user_id", "to_user_id", "buddy_id", "paid_by", "decided_by", "requester_id", "voter_id"):
        assert PERSON_FIELD.match(name), name
    for name in ("guild_id", "channel_id", "message_id", "discord_role_id", "ref_id", "poll_id"):
        assert not PERSON_FIELD.match(name), name
    for name in ("alert_channel_id", "step_message_id", "eligible_role_id", "thread_id", "discord_id"):
        assert OBJECT_FIELD.match(name) and not PERSON_FIELD.match(name), name
