from tortoise import migrations
from tortoise.migrations import operations as ops
from models.onboarding import JourneyStatus, Step
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='BuddyProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField()),
                ('user_id', fields.BigIntField()),
                ('available', fields.BooleanField(default=True)),
                ('capacity', fields.IntField(null=True)),
                ('languages', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'onboarding_buddy', 'app': 'onboarding', 'unique_together': (('guild_id', 'user_id'),), 'pk_attr': 'id', 'table_description': "A buddy's own settings (a Buddy without a row is available at the server's capacity)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Journey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField()),
                ('user_id', fields.BigIntField()),
                ('status', fields.CharEnumField(default=JourneyStatus.ACTIVE, description='ACTIVE: active\nLEFT: left\nCOMPLETED: completed', enum_type=JourneyStatus, max_length=10)),
                ('step', fields.IntEnumField(default=Step.JOINED, description='JOINED: 0\nVALUES: 1\nINTRODUCED: 2\nMATCHED: 3\nCOMPLETED: 4', enum_type=Step, generated=False)),
                ('card', fields.IntField(default=0)),
                ('thread_id', fields.BigIntField(null=True)),
                ('step_message_id', fields.BigIntField(null=True)),
                ('buddy_id', fields.BigIntField(null=True)),
                ('about', fields.TextField(null=True, unique=False)),
                ('interests', fields.TextField(null=True, unique=False)),
                ('languages', fields.CharField(default='', max_length=200)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('values_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('introduced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('matched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('left_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_active_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('team_notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'onboarding_journey', 'app': 'onboarding', 'unique_together': (('guild_id', 'user_id'),), 'indexes': [Index(fields=['guild_id', 'status', 'step']), Index(fields=['guild_id', 'joined_at'])], 'pk_attr': 'id', 'table_description': 'One newcomer on one server, from join to graduation (kept when they leave, to resume).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BuddySlot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField()),
                ('buddy_id', fields.BigIntField()),
                ('slot', fields.IntField()),
                ('journey', fields.OneToOneField('onboarding.Journey', source_field='journey_id', db_constraint=True, to_field='id', related_name='slot', on_delete=OnDelete.CASCADE)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('spoke_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'onboarding_buddy_slot', 'app': 'onboarding', 'unique_together': (('guild_id', 'buddy_id', 'slot'),), 'pk_attr': 'id', 'table_description': 'A buddy looking after one newcomer now.'},
            bases=['Model'],
        ),
    ]
