from tortoise import migrations
from tortoise.migrations import operations as ops

# Decisions that missed their quorum were stored with the leading option as their winner;
# nothing was decided, so they have none. The old values are not kept: nothing reads them.
CLEAR_NO_QUORUM_WINNERS = "UPDATE poll_decision SET winners = '' WHERE outcome = 'no_quorum'"


class Migration(migrations.Migration):
    dependencies = [("polls", "0002_reminded_at")]

    initial = False

    operations = [
        ops.RunSQL(CLEAR_NO_QUORUM_WINNERS, reverse_sql=""),
    ]
