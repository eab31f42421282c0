from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# A volunteer role that already gives a server's claimable purpose role (quickstart linked
# Onboarding buddy to Buddy, Mediator to Mediator) is bound to that purpose from now on.
BIND_EXISTING = """
UPDATE volunteer_role SET purpose = (
    SELECT binding.purpose FROM guild_binding AS binding
    WHERE binding.guild_id = volunteer_role.guild_id
      AND binding.kind = 'role'
      AND binding.discord_id = volunteer_role.discord_role_id
      AND binding.purpose IN ('buddy', 'mediator')
    ORDER BY binding.purpose
    LIMIT 1
)
"""


class Migration(migrations.Migration):
    dependencies = [('volunteers', '0001_initial'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='VolunteerRole',
            name='purpose',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.RunSQL(BIND_EXISTING, reverse_sql="UPDATE volunteer_role SET purpose = NULL"),
    ]
