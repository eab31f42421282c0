from tortoise import migrations
from tortoise.migrations import operations as ops
from models.moderation import CaseAction, CaseStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='CaseCounter',
            fields=[
                ('guild_id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('last_number', fields.IntField(default=0)),
            ],
            options={'table': 'moderation_case_counter', 'app': 'moderation', 'pk_attr': 'guild_id', 'table_description': 'The last case number given out on a server (raised inside the transaction of each new case).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModCase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField()),
                ('number', fields.IntField()),
                ('action', fields.CharEnumField(description='WARN: warn\nTIMEOUT: timeout\nKICK: kick\nBAN: ban\nUNBAN: unban\nNOTE: note', enum_type=CaseAction, max_length=10)),
                ('status', fields.CharEnumField(default=CaseStatus.RECORDED, description='ACTIVE: active\nENDED: ended\nRECORDED: recorded', enum_type=CaseStatus, max_length=10)),
                ('target_id', fields.BigIntField()),
                ('moderator_id', fields.BigIntField(null=True)),
                ('reason', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('dm_delivered', fields.BooleanField(null=True)),
                ('related_number', fields.IntField(null=True)),
                ('log_channel_id', fields.BigIntField(null=True)),
                ('log_message_id', fields.BigIntField(null=True)),
                ('reason_edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason_edited_by', fields.BigIntField(null=True)),
            ],
            options={'table': 'moderation_case', 'app': 'moderation', 'unique_together': (('guild_id', 'number'),), 'indexes': [Index(fields=['guild_id', 'target_id', 'action', 'created_at']), Index(fields=['guild_id', 'target_id', 'status'])], 'pk_attr': 'id', 'table_description': 'One moderation action on a server, numbered 1, 2, 3… per server.'},
            bases=['Model'],
        ),
    ]
