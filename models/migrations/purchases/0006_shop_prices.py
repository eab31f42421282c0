from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('purchases', '0005_pickup_points')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PurchaseItem',
            name='shop_price',
            field=fields.BigIntField(null=True),
        ),
    ]
