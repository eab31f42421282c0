from tortoise import migrations
from tortoise.migrations import operations as ops
from models.initiatives import InitiativeStatus
from tortoise import fields
from models.migrations.schema_kept import DescribeField

# The status column stays a 10-character text: only its description gains WITHDRAWN. A plain
# AlterField remade the table on SQLite, and dropping the old one deleted every initiative's
# members, calls and needs (cascading foreign keys).

class Migration(migrations.Migration):
    dependencies = [('initiatives', '0002_opening_since')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='Initiative',
            options={'table': 'initiative', 'app': 'initiatives', 'unique_together': (('guild_id', 'slug'),), 'pk_attr': 'id', 'table_description': 'A proposal and, once enough people support it, a working channel.'},
        ),
        DescribeField(
            model_name='Initiative',
            name='status',
            field=fields.CharEnumField(default=InitiativeStatus.PROPOSED, description='PROPOSED: proposed\nOPENING: opening\nACTIVE: active\nARCHIVED: archived\nEXPIRED: expired\nWITHDRAWN: withdrawn', enum_type=InitiativeStatus, max_length=10),
        ),
    ]
