"""Schema v4: the ``version`` indexes of the synced tables go.

Version 1 indexed every synced table on ``version`` (SQLModel's ``index=True`` on the records'
base class). The device never looks a record up by version: the sync engine finds records by id
and keeps its cursor in ``sync_state``. Each of those indexes only cost every write one more
B-tree insert: 6% of an initial sync's inserts (28,300 records: 0.185 s against 0.197 s,
median of 8), and every save of a visit or a customer.

Frozen like every migration: change the schema with a new migration, never by editing this one.
"""

from __future__ import annotations

import sqlite3

from fieldsales.store.migrations._ddl import run_script

VERSION = 4
DESCRIPTION = "drop the version indexes of the synced tables (the device never reads by version)"

SCHEMA = """
DROP INDEX IF EXISTS ix_account_plan_versions_version;
DROP INDEX IF EXISTS ix_account_plans_version;
DROP INDEX IF EXISTS ix_attachments_version;
DROP INDEX IF EXISTS ix_call_logs_version;
DROP INDEX IF EXISTS ix_complaints_version;
DROP INDEX IF EXISTS ix_contacts_version;
DROP INDEX IF EXISTS ix_customers_version;
DROP INDEX IF EXISTS ix_deviation_causes_version;
DROP INDEX IF EXISTS ix_follow_ups_version;
DROP INDEX IF EXISTS ix_order_lines_version;
DROP INDEX IF EXISTS ix_orders_version;
DROP INDEX IF EXISTS ix_plan_actions_version;
DROP INDEX IF EXISTS ix_plan_goals_version;
DROP INDEX IF EXISTS ix_price_list_items_version;
DROP INDEX IF EXISTS ix_price_lists_version;
DROP INDEX IF EXISTS ix_product_groups_version;
DROP INDEX IF EXISTS ix_products_version;
DROP INDEX IF EXISTS ix_quote_lines_version;
DROP INDEX IF EXISTS ix_quotes_version;
DROP INDEX IF EXISTS ix_sales_targets_version;
DROP INDEX IF EXISTS ix_target_groups_version;
DROP INDEX IF EXISTS ix_teams_version;
DROP INDEX IF EXISTS ix_users_version;
DROP INDEX IF EXISTS ix_visits_version;
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SCHEMA)
