from tortoise import migrations
from tortoise.migrations import operations as ops
from models.purchases import PaymentKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('purchases', '0003_short_deliveries')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bill', fields.ForeignKeyField('purchases.Bill', source_field='bill_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.BigIntField()),
                ('amount', fields.BigIntField()),
                ('kind', fields.CharEnumField(description='PAYMENT: payment\nUNDO: undo\nREFUND: refund\nCREDIT: credit', enum_type=PaymentKind, max_length=10)),
                ('recorded_by', fields.BigIntField(null=True)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'purchase_payment', 'app': 'purchases', 'indexes': [Index(fields=['user_id'])], 'pk_attr': 'id', 'table_description': "One movement of money on a bill: the bill's paid amount is the sum of its payments."},
            bases=['Model'],
        ),
        # Payments recorded before payments were kept one by one: one row each, in full.
        ops.RunSQL(
            "INSERT INTO purchase_payment (bill_id, user_id, amount, kind, recorded_by, recorded_at) "
            "SELECT id, user_id, paid_amount, 'payment', paid_by, paid_at FROM purchase_bill WHERE paid_amount > 0",
            reverse_sql="DELETE FROM purchase_payment",
        ),
    ]
