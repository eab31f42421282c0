from tortoise import migrations
from tortoise.migrations import operations as ops
from models.core import BindingKind, TimerStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='GuildBinding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharEnumField(description='CHANNEL: channel\nCATEGORY: category\nROLE: role', enum_type=BindingKind, max_length=10)),
                ('purpose', fields.CharField(max_length=40)),
                ('discord_id', fields.BigIntField()),
            ],
            options={'table': 'guild_binding', 'app': 'core', 'unique_together': (('guild_id', 'kind', 'purpose'),), 'pk_attr': 'id', 'table_description': 'Which Discord channel, category or role serves a purpose (welcome, mod_log, buddy…).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuildOption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('key', fields.CharField(max_length=60)),
                ('value', fields.CharField(max_length=200)),
            ],
            options={'table': 'guild_option', 'app': 'core', 'unique_together': (('guild_id', 'key'),), 'pk_attr': 'id', 'table_description': 'A per-server value of a declared option (see gromada.guild_config.OPTIONS).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuildSettings',
            fields=[
                ('guild_id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'guild_settings', 'app': 'core', 'pk_attr': 'guild_id', 'table_description': 'One row per server: the things every feature needs to know about it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberLocale',
            fields=[
                ('user_id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('locale', fields.CharField(max_length=5)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_locale', 'app': 'core', 'pk_attr': 'user_id', 'table_description': 'The language a person last used with the bot, so DMs reach them in it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Timer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=60)),
                ('ref_id', fields.BigIntField()),
                ('guild_id', fields.BigIntField(null=True)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=TimerStatus.PENDING, description='PENDING: pending\nRUNNING: running\nDONE: done\nCANCELLED: cancelled\nFAILED: failed', enum_type=TimerStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('fired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'timer', 'app': 'core', 'indexes': [Index(fields=['status', 'due_at']), Index(fields=['kind', 'ref_id'])], 'pk_attr': 'id', 'table_description': 'A deadline: what to do (kind + ref_id), when, and whether it has been done.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ValueCard',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('position', fields.IntField()),
                ('title', fields.CharField(max_length=256)),
                ('body', fields.TextField(unique=False)),
            ],
            options={'table': 'value_card', 'app': 'core', 'unique_together': (('guild_id', 'position'),), 'pk_attr': 'id', 'table_description': "One card of a server's values walk, imported from a content pack."},
            bases=['Model'],
        ),
    ]
