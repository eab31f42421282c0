from tortoise import migrations
from tortoise.migrations import operations as ops
from models.mediation import PartyStatus, TicketStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='MediationPanel',
            fields=[
                ('guild_id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('channel_id', fields.BigIntField()),
                ('message_id', fields.BigIntField()),
            ],
            options={'table': 'mediation_panel', 'app': 'mediation', 'pk_attr': 'guild_id', 'table_description': 'The one "Request mediation" panel quickstart posted on a server (so it posts it once).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField()),
                ('requester_id', fields.BigIntField()),
                ('channel_id', fields.BigIntField(unique=True)),
                ('status', fields.CharEnumField(default=TicketStatus.OPEN, description='OPEN: open\nCLAIMED: claimed\nCLOSED: closed', enum_type=TicketStatus, max_length=10)),
                ('open_slot', fields.IntField(null=True)),
                ('what_happened', fields.TextField(unique=False)),
                ('parties_text', fields.TextField(default='', unique=False)),
                ('hoped_outcome', fields.TextField(unique=False)),
                ('mediator_id', fields.BigIntField(null=True)),
                ('alert_channel_id', fields.BigIntField(null=True)),
                ('alert_message_id', fields.BigIntField(null=True)),
                ('reminders_sent', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.TextField(null=True, unique=False)),
                ('transcript', fields.TextField(null=True, unique=False)),
                ('rating', fields.IntField(null=True)),
                ('checkin_answer', fields.CharField(null=True, max_length=10)),
                ('reopened_count', fields.IntField(default=0)),
            ],
            options={'table': 'mediation_ticket', 'app': 'mediation', 'unique_together': (('guild_id', 'requester_id', 'open_slot'),), 'indexes': [Index(fields=['guild_id', 'created_at']), Index(fields=['guild_id', 'status'])], 'pk_attr': 'id', 'table_description': 'One request for mediation and its private channel.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketNote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('mediation.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='notes', on_delete=OnDelete.CASCADE)),
                ('author_id', fields.BigIntField()),
                ('text', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mediation_note', 'app': 'mediation', 'pk_attr': 'id', 'table_description': "A mediator's private note: only in the database, shown only to mediators."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketParty',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('mediation.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='parties', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('status', fields.CharEnumField(description='NAMED: named\nINVITED: invited\nACCEPTED: accepted\nDECLINED: declined', enum_type=PartyStatus, max_length=10)),
                ('invited_by', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mediation_party', 'app': 'mediation', 'unique_together': (('ticket', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
