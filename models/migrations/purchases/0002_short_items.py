from tortoise import migrations
from tortoise.migrations import operations as ops
from models.purchases import PurchaseStatus, ShortChoice
from tortoise import fields
from models.migrations.schema_kept import DescribeField



class Migration(migrations.Migration):
    dependencies = [('purchases', '0001_initial')]

    initial = False

    operations = [
        DescribeField(
            model_name='Purchase',
            name='status',
            field=fields.CharEnumField(default=PurchaseStatus.DRAFT, description='DRAFT: draft\nOPEN: open\nDECIDING: deciding\nCLOSED: closed', enum_type=PurchaseStatus, max_length=10),
        ),
        ops.AddField(
            model_name='Purchase',
            name='decide_by',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Purchase',
            name='extended',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Purchase',
            name='reminder_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='PurchaseItem',
            name='choice',
            field=fields.CharEnumField(null=True, description='DROP: drop\nEXTEND: extend\nBUY: buy', enum_type=ShortChoice, max_length=10),
        ),
        ops.AddField(
            model_name='PurchaseItem',
            name='group_cost',
            field=fields.BigIntField(default=0, db_default=0),
        ),
    ]
