from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Survey",
            name="close_date_fixed",
            field=fields.BooleanField(default=False),
        ),
    ]
