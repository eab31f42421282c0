from tortoise import migrations
from tortoise.migrations import operations as ops
from models.initiatives import InitiativeStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('initiatives', '0002_opening_since')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='Initiative',
            options={'table': 'initiative', 'app': 'initiatives', 'unique_together': (('guild_id', 'slug'),), 'pk_attr': 'id', 'table_description': 'A proposal and, once enough people support it, a working channel.'},
        ),
        ops.AlterField(
            model_name='Initiative',
            name='status',
            field=fields.CharEnumField(default=InitiativeStatus.PROPOSED, description='PROPOSED: proposed\nOPENING: opening\nACTIVE: active\nARCHIVED: archived\nEXPIRED: expired\nWITHDRAWN: withdrawn', enum_type=InitiativeStatus, max_length=10),
        ),
    ]
