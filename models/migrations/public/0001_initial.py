from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='PublicSite',
            fields=[
                ('guild_id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('token', fields.CharField(null=True, unique=True, max_length=64)),
                ('enabled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rotated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'public_site', 'app': 'public', 'pk_attr': 'guild_id', 'table_description': 'One row per server that has ever published its pages.'},
            bases=['Model'],
        ),
    ]
