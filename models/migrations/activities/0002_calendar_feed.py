from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('activities', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('user_id', fields.BigIntField(null=True)),
                ('token', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activity_calendar_feed', 'app': 'activities', 'unique_together': (('guild_id', 'user_id'),), 'pk_attr': 'id', 'table_description': "The secret address of an iCalendar feed: a server's (no user) or one member's own."},
            bases=['Model'],
        ),
    ]
