from tortoise import migrations
from tortoise.migrations import operations as ops
from models.volunteers import Approval, RequestStatus, SeatStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Thanks',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('from_user_id', fields.BigIntField()),
                ('to_user_id', fields.BigIntField(db_index=True)),
                ('message', fields.CharField(max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'volunteer_thanks', 'app': 'volunteers', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VolunteerPanel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('channel_id', fields.BigIntField()),
                ('message_id', fields.BigIntField()),
            ],
            options={'table': 'volunteer_panel', 'app': 'volunteers', 'unique_together': (('guild_id', 'channel_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VolunteerRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('key', fields.CharField(null=True, max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.CharField(default='', max_length=500)),
                ('responsibilities', fields.CharField(default='', max_length=1000)),
                ('seats', fields.IntField()),
                ('term_days', fields.IntField(null=True)),
                ('approval', fields.CharEnumField(default=Approval.AUTO, description='AUTO: auto\nCOORDINATOR: coordinator', enum_type=Approval, max_length=12)),
                ('discord_role_id', fields.BigIntField()),
                ('prerequisite_role_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'volunteer_role', 'app': 'volunteers', 'unique_together': (('guild_id', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApprovalRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('role', fields.ForeignKeyField('volunteers.VolunteerRole', source_field='role_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.CASCADE)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('user_id', fields.BigIntField()),
                ('status', fields.CharEnumField(default=RequestStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nDECLINED: declined', enum_type=RequestStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('channel_id', fields.BigIntField(null=True)),
                ('message_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'volunteer_request', 'app': 'volunteers', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VolunteerSeat',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('role', fields.ForeignKeyField('volunteers.VolunteerRole', source_field='role_id', db_constraint=True, to_field='id', related_name='seat_rows', on_delete=OnDelete.CASCADE)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('slot', fields.IntField()),
                ('user_id', fields.BigIntField(db_index=True)),
                ('status', fields.CharEnumField(description='OFFERED: offered\nACTIVE: active', enum_type=SeatStatus, max_length=10)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('term_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('offer_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('terms', fields.IntField(default=1)),
            ],
            options={'table': 'volunteer_seat', 'app': 'volunteers', 'unique_together': (('role', 'slot'), ('role', 'user_id')), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VolunteerTerm',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('role_id', fields.IntField()),
                ('role_name', fields.CharField(max_length=100)),
                ('user_id', fields.BigIntField(db_index=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('terms', fields.IntField(default=1)),
                ('reason', fields.CharField(max_length=20)),
            ],
            options={'table': 'volunteer_term', 'app': 'volunteers', 'pk_attr': 'id', 'table_description': 'A tenure that ended: who held which role, from when to when, for how many terms.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WaitlistEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('role', fields.ForeignKeyField('volunteers.VolunteerRole', source_field='role_id', db_constraint=True, to_field='id', related_name='waitlist', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'volunteer_waitlist', 'app': 'volunteers', 'unique_together': (('role', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
