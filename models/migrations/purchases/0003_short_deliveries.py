from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('purchases', '0002_short_items')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Bill',
            name='paid_amount',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='received',
            field=fields.DecimalField(null=True, max_digits=14, decimal_places=3),
        ),
        ops.AddField(
            model_name='PurchaseItem',
            name='arrived',
            field=fields.DecimalField(null=True, max_digits=14, decimal_places=3),
        ),
        # Bills marked paid before this column existed were paid in full.
        ops.RunSQL(
            "UPDATE purchase_bill SET paid_amount = total WHERE paid_at IS NOT NULL",
            reverse_sql="UPDATE purchase_bill SET paid_amount = 0",
        ),
    ]
