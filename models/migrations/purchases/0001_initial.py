from tortoise import migrations
from tortoise.migrations import operations as ops
from models.purchases import DeliveryStatus, PurchaseStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Purchase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('title', fields.CharField(max_length=100)),
                ('supplier', fields.CharField(default='', max_length=100)),
                ('currency', fields.CharField(max_length=3)),
                ('delivery_fee', fields.BigIntField(default=0)),
                ('deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=PurchaseStatus.DRAFT, description='DRAFT: draft\nOPEN: open\nCLOSED: closed', enum_type=PurchaseStatus, max_length=10)),
                ('created_by', fields.BigIntField()),
                ('channel_id', fields.BigIntField(null=True)),
                ('message_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('supplier_list_sent', fields.BooleanField(default=False)),
            ],
            options={'table': 'purchase', 'app': 'purchases', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Bill',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase', fields.ForeignKeyField('purchases.Purchase', source_field='purchase_id', db_constraint=True, to_field='id', related_name='bills', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('goods', fields.BigIntField()),
                ('delivery_share', fields.BigIntField()),
                ('total', fields.BigIntField()),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paid_by', fields.BigIntField(null=True)),
                ('delivery', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed', enum_type=DeliveryStatus, max_length=10)),
            ],
            options={'table': 'purchase_bill', 'app': 'purchases', 'unique_together': (('purchase', 'user_id'),), 'pk_attr': 'id', 'table_description': 'What one member owes for one purchase, written once at close.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurchaseItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase', fields.ForeignKeyField('purchases.Purchase', source_field='purchase_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('name', fields.CharField(max_length=80)),
                ('unit', fields.CharField(max_length=20)),
                ('unit_price', fields.BigIntField()),
                ('bulk_min', fields.DecimalField(null=True, max_digits=14, decimal_places=3)),
                ('max_per_member', fields.DecimalField(null=True, max_digits=14, decimal_places=3)),
                ('dropped', fields.BooleanField(default=False)),
            ],
            options={'table': 'purchase_item', 'app': 'purchases', 'unique_together': (('purchase', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase', fields.ForeignKeyField('purchases.Purchase', source_field='purchase_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('purchases.PurchaseItem', source_field='item_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('quantity', fields.DecimalField(max_digits=14, decimal_places=3)),
                ('amount', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'purchase_order_line', 'app': 'purchases', 'unique_together': (('item', 'user_id'),), 'indexes': [Index(fields=['purchase_id', 'user_id'])], 'pk_attr': 'id', 'table_description': "One member's quantity of one item: one row per (item, member), so nothing double counts."},
            bases=['Model'],
        ),
    ]
