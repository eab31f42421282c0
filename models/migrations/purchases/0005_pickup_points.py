from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('purchases', '0004_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PickupPoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase', fields.ForeignKeyField('purchases.Purchase', source_field='purchase_id', db_constraint=True, to_field='id', related_name='pickup_points', on_delete=OnDelete.CASCADE)),
                ('place', fields.CharField(max_length=100)),
                ('slot', fields.CharField(max_length=100)),
            ],
            options={'table': 'purchase_pickup_point', 'app': 'purchases', 'unique_together': (('purchase', 'place', 'slot'),), 'pk_attr': 'id', 'table_description': 'Where and when members collect their part of a purchase.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PickupChoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase', fields.ForeignKeyField('purchases.Purchase', source_field='purchase_id', db_constraint=True, to_field='id', related_name='pickups', on_delete=OnDelete.CASCADE)),
                ('point', fields.ForeignKeyField('purchases.PickupPoint', source_field='point_id', db_constraint=True, to_field='id', related_name='choices', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('handed_over_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handed_over_by', fields.BigIntField(null=True)),
            ],
            options={'table': 'purchase_pickup_choice', 'app': 'purchases', 'unique_together': (('purchase', 'user_id'),), 'pk_attr': 'id', 'table_description': 'The pickup point a member chose for a purchase, and whether their part was handed over.'},
            bases=['Model'],
        ),
    ]
