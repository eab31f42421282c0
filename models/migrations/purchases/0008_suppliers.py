from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('purchases', '0007_payment_reminders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Supplier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guild_id', fields.BigIntField(db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('currency', fields.CharField(max_length=3)),
                ('created_by', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'purchase_supplier', 'app': 'purchases', 'unique_together': (('guild_id', 'name'),), 'pk_attr': 'id', 'table_description': 'A supplier the group buys from again, with its catalogue: a purchase can be opened from it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupplierItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('supplier', fields.ForeignKeyField('purchases.Supplier', source_field='supplier_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('name', fields.CharField(max_length=80)),
                ('unit', fields.CharField(max_length=20)),
                ('unit_price', fields.BigIntField()),
                ('bulk_min', fields.DecimalField(null=True, max_digits=14, decimal_places=3)),
                ('shop_price', fields.BigIntField(null=True)),
            ],
            options={'table': 'purchase_supplier_item', 'app': 'purchases', 'unique_together': (('supplier', 'name'),), 'pk_attr': 'id', 'table_description': "One item of a supplier's catalogue: what a purchase opened from the supplier starts with."},
            bases=['Model'],
        ),
    ]
