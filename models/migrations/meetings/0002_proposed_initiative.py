from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('meetings', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AgendaItem',
            name='proposed_initiative',
            field=fields.IntField(null=True),
        ),
    ]
