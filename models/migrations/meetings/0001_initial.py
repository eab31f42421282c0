from tortoise import migrations
from tortoise.migrations import operations as ops
from models.meetings import Answer, ItemSource, MeetingStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('title', fields.CharField(max_length=100)),
                ('place', fields.CharField(default='', max_length=200)),
                ('place_channel_id', fields.BigIntField(null=True)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=MeetingStatus.PLANNED, description='PLANNED: planned\nCANCELLED: cancelled', enum_type=MeetingStatus, max_length=10)),
                ('channel_id', fields.BigIntField(null=True)),
                ('message_id', fields.BigIntField(null=True)),
                ('event_id', fields.BigIntField(null=True)),
                ('minutes', fields.TextField(null=True, unique=False)),
                ('minutes_by', fields.BigIntField(null=True)),
                ('minutes_message_id', fields.BigIntField(null=True)),
                ('reminded_day', fields.BooleanField(default=False)),
                ('reminded_hour', fields.BooleanField(default=False)),
                ('creator_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting', 'app': 'meetings', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='agenda', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('text', fields.CharField(max_length=200)),
                ('source', fields.CharEnumField(default=ItemSource.FREE, description='FREE: free\nINITIATIVE: initiative\nPOLL: poll', enum_type=ItemSource, max_length=10)),
                ('source_ref', fields.IntField(null=True)),
                ('decision_poll', fields.IntField(null=True)),
            ],
            options={'table': 'meeting_agenda_item', 'app': 'meetings', 'unique_together': (('meeting', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rsvp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='rsvps', on_delete=OnDelete.CASCADE)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('user_id', fields.BigIntField(db_index=True)),
                ('answer', fields.CharEnumField(description='COMING: coming\nMAYBE: maybe\nNOT_COMING: not_coming', enum_type=Answer, max_length=12)),
                ('answered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_rsvp', 'app': 'meetings', 'unique_together': (('meeting', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
