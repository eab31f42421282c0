from tortoise import migrations
from tortoise.migrations import operations as ops
from models.initiatives import InitiativeStatus, Progress
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Initiative',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('proposer_id', fields.BigIntField()),
                ('title', fields.CharField(max_length=100)),
                ('slug', fields.CharField(max_length=100)),
                ('goal', fields.TextField(unique=False)),
                ('needs', fields.TextField(unique=False)),
                ('first_step', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=InitiativeStatus.PROPOSED, description='PROPOSED: proposed\nOPENING: opening\nACTIVE: active\nARCHIVED: archived\nEXPIRED: expired', enum_type=InitiativeStatus, max_length=10)),
                ('progress', fields.CharEnumField(default=Progress.PLANNING, description='PLANNING: planning\nIN_PROGRESS: in_progress\nBLOCKED: blocked\nDONE: done', enum_type=Progress, max_length=12)),
                ('last_note', fields.TextField(null=True, unique=False)),
                ('threshold', fields.IntField()),
                ('support_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('card_channel_id', fields.BigIntField()),
                ('card_message_id', fields.BigIntField(null=True)),
                ('channel_id', fields.BigIntField(null=True, db_index=True)),
                ('welcome_message_id', fields.BigIntField(null=True)),
                ('open_error', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_activity_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('inactivity_warned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'initiative', 'app': 'initiatives', 'unique_together': (('guild_id', 'slug'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InitiativeMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('initiative', fields.ForeignKeyField('initiatives.Initiative', source_field='initiative_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('is_lead', fields.BooleanField(default=False)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'initiative_member', 'app': 'initiatives', 'unique_together': (('initiative', 'user_id'),), 'pk_attr': 'id', 'table_description': 'A supporter while proposed, a member of the channel once opened (the proposer leads).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InitiativeNeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('initiative', fields.ForeignKeyField('initiatives.Initiative', source_field='initiative_id', db_constraint=True, to_field='id', related_name='calls', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('channel_id', fields.BigIntField()),
                ('message_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'initiative_need', 'app': 'initiatives', 'pk_attr': 'id', 'table_description': 'A call for help posted by the lead, with an "I can help" button.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NeedHelper',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('need', fields.ForeignKeyField('initiatives.InitiativeNeed', source_field='need_id', db_constraint=True, to_field='id', related_name='helpers', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('offered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'initiative_need_helper', 'app': 'initiatives', 'unique_together': (('need', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
