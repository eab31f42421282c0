"""The purchases schema moves forward without changing what existing rows mean."""

from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from config.settings import Settings
from gromada.db import close_database, open_database, tortoise_config


async def test_purchases_from_before_the_order_cycle_keep_their_meaning(tmp_path):
    # Bills marked paid before paid amounts were kept count as paid in full.
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    config = tortoise_config(url)
    await open_database(Settings(_env_file=None, database_url=url), migrate=False)
    try:
        from tortoise import Tortoise

        connection = Tortoise.get_connection("default")
        executor = MigrationExecutor(connection, config["apps"])
        await executor.migrate(
            [MigrationTarget(app_label=app, name="__latest__") for app in config["apps"] if app != "purchases"]
            + [MigrationTarget(app_label="purchases", name="0001_initial")]
        )
        await connection.execute_script(
            "INSERT INTO purchase (id, guild_id, title, supplier, currency, delivery_fee, deadline, status, "
            "created_by, created_at, supplier_list_sent) VALUES "
            "(1, 5, 'Box', '', 'PLN', 0, '2026-01-01 00:00:00', 'closed', 7, '2026-01-01 00:00:00', 1)"
        )
        await connection.execute_script(
            "INSERT INTO purchase_item (purchase_id, position, name, unit, unit_price, dropped) "
            "VALUES (1, 0, 'Honey', 'jar', 3000, 0)"
        )
        await connection.execute_script(
            "INSERT INTO purchase_bill (purchase_id, user_id, goods, delivery_share, total, paid_at, paid_by, "
            "delivery) VALUES (1, 10, 1500, 100, 1600, '2026-01-02 00:00:00', 7, 'sent'), "
            "(1, 11, 900, 50, 950, NULL, NULL, 'sent')"
        )

        await executor.migrate(None)

        rows = await connection.execute_query_dict("SELECT user_id, paid_amount FROM purchase_bill ORDER BY user_id")
        assert rows == [{"user_id": 10, "paid_amount": 1600}, {"user_id": 11, "paid_amount": 0}]
        payments = await connection.execute_query_dict(
            "SELECT user_id, amount, kind, recorded_by FROM purchase_payment"
        )
        assert payments == [{"user_id": 10, "amount": 1600, "kind": "payment", "recorded_by": 7}]
        # Columns added to rows that existed take their defaults.
        [purchase] = await connection.execute_query_dict("SELECT extended, reminder_at, decide_by FROM purchase")
        assert not purchase["extended"] and purchase["reminder_at"] is None and purchase["decide_by"] is None
        [item] = await connection.execute_query_dict("SELECT group_cost, choice, arrived FROM purchase_item")
        assert item == {"group_cost": 0, "choice": None, "arrived": None}
    finally:
        await close_database()
