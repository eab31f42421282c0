from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Departure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField()),
                ('user_id', fields.BigIntField()),
                ('left_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'privacy_departure', 'app': 'privacy', 'unique_together': (('guild_id', 'user_id'),), 'pk_attr': 'id', 'table_description': 'A member who left a server: their onboarding data is deleted when the grace period ends.'},
            bases=['Model'],
        ),
    ]
