from tortoise import migrations
from tortoise.migrations import operations as ops
from models.activities import OccurrenceStatus, Repeat, Report
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ActivitySeries',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('title', fields.CharField(max_length=100)),
                ('description', fields.CharField(default='', max_length=1000)),
                ('place', fields.CharField(default='', max_length=200)),
                ('place_channel_id', fields.BigIntField(null=True)),
                ('seats', fields.IntField()),
                ('duration_minutes', fields.IntField()),
                ('required_role_id', fields.BigIntField(null=True)),
                ('repeat', fields.CharEnumField(default=Repeat.NONE, description='NONE: none\nWEEKLY: weekly\nBIWEEKLY: biweekly\nMONTHLY: monthly', enum_type=Repeat, max_length=10)),
                ('first_local', fields.CharField(max_length=19)),
                ('timezone', fields.CharField(max_length=64)),
                ('until_date', fields.DateField(null=True)),
                ('created_through', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('creator_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activity_series', 'app': 'activities', 'pk_attr': 'id', 'table_description': 'What an activity is, and how its dates repeat (a one-off activity is a series of one).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActivityOccurrence',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('series', fields.ForeignKeyField('activities.ActivitySeries', source_field='series_id', db_constraint=True, to_field='id', related_name='occurrences', on_delete=OnDelete.CASCADE)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('title', fields.CharField(max_length=100)),
                ('place', fields.CharField(default='', max_length=200)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seats', fields.IntField()),
                ('status', fields.CharEnumField(default=OccurrenceStatus.SCHEDULED, description='SCHEDULED: scheduled\nCANCELLED: cancelled', enum_type=OccurrenceStatus, max_length=10)),
                ('channel_id', fields.BigIntField(null=True)),
                ('message_id', fields.BigIntField(null=True)),
                ('event_id', fields.BigIntField(null=True)),
                ('reminded_day', fields.BooleanField(default=False)),
                ('reminded_hour', fields.BooleanField(default=False)),
                ('called', fields.BooleanField(default=False)),
                ('followed_up', fields.BooleanField(default=False)),
            ],
            options={'table': 'activity_occurrence', 'app': 'activities', 'unique_together': (('series', 'starts_at'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActivitySignup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('occurrence', fields.ForeignKeyField('activities.ActivityOccurrence', source_field='occurrence_id', db_constraint=True, to_field='id', related_name='signups', on_delete=OnDelete.CASCADE)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('slot', fields.IntField()),
                ('user_id', fields.BigIntField(db_index=True)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('report', fields.CharEnumField(null=True, description='DONE: done\nNOT_HAPPENED: not_happened', enum_type=Report, max_length=12)),
                ('no_show', fields.BooleanField(default=False)),
                ('marked_by', fields.BigIntField(null=True)),
            ],
            options={'table': 'activity_signup', 'app': 'activities', 'unique_together': (('occurrence', 'slot'), ('occurrence', 'user_id')), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActivitySubscription',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('series', fields.ForeignKeyField('activities.ActivitySeries', source_field='series_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.CASCADE)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('user_id', fields.BigIntField(db_index=True)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activity_subscription', 'app': 'activities', 'unique_together': (('series', 'user_id'),), 'pk_attr': 'id', 'table_description': 'Someone who joined every date of a series, present and to come.'},
            bases=['Model'],
        ),
    ]
