from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('purchases', '0008_suppliers')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Bill',
            name='fund_share',
            field=fields.BigIntField(default=0, db_default=0),
        ),
    ]
