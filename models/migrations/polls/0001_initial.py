from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.polls import DecisionOutcome, PollKind, PollStatus
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Decision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('poll_id', fields.IntField(unique=True)),
                ('question', fields.CharField(max_length=300)),
                ('outcome', fields.CharEnumField(description='WINNER: winner\nTIE: tie\nPASSED: passed\nBLOCKED: blocked\nNO_QUORUM: no_quorum\nNO_VOTES: no_votes', enum_type=DecisionOutcome, max_length=12)),
                ('winners', fields.TextField(default='', unique=False)),
                ('turnout', fields.IntField()),
                ('electorate', fields.IntField()),
                ('decided_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'poll_decision', 'app': 'polls', 'pk_attr': 'id', 'table_description': 'The decision log: one outcome per closed poll, newest first in /decisions.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Poll',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('channel_id', fields.BigIntField()),
                ('message_id', fields.BigIntField(null=True)),
                ('creator_id', fields.BigIntField()),
                ('question', fields.CharField(max_length=300)),
                ('options', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('kind', fields.CharEnumField(description='SINGLE: single\nMULTI: multi\nRANKED: ranked\nCONSENT: consent', enum_type=PollKind, max_length=10)),
                ('anonymous', fields.BooleanField(default=False)),
                ('hide_results', fields.BooleanField(default=False)),
                ('max_choices', fields.IntField(default=1)),
                ('quorum_percent', fields.IntField(default=0)),
                ('eligible_role_id', fields.BigIntField(null=True)),
                ('electorate_size', fields.IntField(default=0)),
                ('seed', fields.BigIntField()),
                ('secret', fields.CharField(null=True, max_length=64)),
                ('status', fields.CharEnumField(default=PollStatus.OPEN, description='OPEN: open\nCLOSED: closed', enum_type=PollStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('results_message_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'poll', 'app': 'polls', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollAnonymousCount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll_id', fields.IntField(db_index=True)),
                ('choice_key', fields.CharField(max_length=200)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'poll_anonymous_count', 'app': 'polls', 'unique_together': (('poll_id', 'choice_key'),), 'pk_attr': 'id', 'table_description': 'How many anonymous ballots say exactly this (a choice key such as 2 or 3>0>1).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollAnonymousReason',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll_id', fields.IntField(db_index=True)),
                ('option', fields.IntField()),
                ('text', fields.TextField(unique=False)),
            ],
            options={'table': 'poll_anonymous_reason', 'app': 'polls', 'pk_attr': 'id', 'table_description': 'A reason given with an objection or a block in an anonymous consent poll, unsigned.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollBallot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll_id', fields.IntField(db_index=True)),
                ('voter_id', fields.BigIntField()),
                ('choices', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.TextField(null=True, unique=False)),
                ('cast_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'poll_ballot', 'app': 'polls', 'unique_together': (('poll_id', 'voter_id'),), 'pk_attr': 'id', 'table_description': 'One ballot per voter of a non-anonymous poll, the unique pair stops double voting.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollElector',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('poll_id', fields.IntField(db_index=True)),
                ('user_id', fields.BigIntField()),
            ],
            options={'table': 'poll_elector', 'app': 'polls', 'unique_together': (('poll_id', 'user_id'),), 'pk_attr': 'id', 'table_description': 'A member of the electorate, frozen when the poll opened.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollParticipation',
            fields=[
                ('token', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('poll_id', fields.IntField(db_index=True)),
            ],
            options={'table': 'poll_participation', 'app': 'polls', 'pk_attr': 'token', 'table_description': 'That someone voted in an anonymous poll: HMAC(poll secret, poll id, user id) and nothing else.'},
            bases=['Model'],
        ),
    ]
