"""Migration operations that record a change in Tortoise's model state and leave the tables alone."""

from tortoise.migrations import operations as ops


class DescribeField(ops.AlterField):
    """Only the column's description changes (an enum gained a member): the schema stays.

    An AlterField on SQLite remakes the table, and dropping the old table deletes every row
    that references it through a cascading foreign key (foreign keys are on), so a change
    that touches no column must not run one (tests/test_migrations_keep_children.py).
    """

    async def database_forward(self, *args, **kwargs) -> None:
        return None

    async def database_backward(self, *args, **kwargs) -> None:
        return None
