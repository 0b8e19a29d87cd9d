"""Schema v1: every synced collection as the records defined it, plus the device's local tables.

Frozen: this is what version 1 of the store is, forever. When a record class changes, add a new
migration; never edit this one (a device at v1 must reach the same schema as a fresh install, and a
test compares the migrated schema with the record classes' metadata). Declared types are the ones
SQLAlchemy emits for the records, so column affinities match: VARCHAR is TEXT affinity (decimals
and ISO datetimes stay exact text), JSON, DATE and BOOLEAN are NUMERIC affinity, which keeps JSON
arrays and objects and ISO dates as the text they are.
"""

from __future__ import annotations

import sqlite3
import uuid

from fieldsales.store.migrations._ddl import run_script

VERSION = 1
DESCRIPTION = "initial schema: synced collections, outbox, sync_state, sync_issues"

#: ``PRAGMA application_id`` of a fieldsales store ("FSAL" in ASCII): tells our files from others.
APPLICATION_ID = 0x4653414C

SCHEMA = """
CREATE TABLE account_plan_versions (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    plan_id VARCHAR(36) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    number INTEGER NOT NULL,
    content JSON NOT NULL,
    submitted_at VARCHAR(32),
    submitted_by VARCHAR(36),
    decision VARCHAR(8),
    decided_by VARCHAR(36),
    decided_at VARCHAR(32),
    manager_comment VARCHAR(4000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_account_plan_versions_customer_id ON account_plan_versions (customer_id);

CREATE INDEX ix_account_plan_versions_plan_id ON account_plan_versions (plan_id);

CREATE INDEX ix_account_plan_versions_version ON account_plan_versions (version);

CREATE TABLE account_plans (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    year INTEGER NOT NULL,
    target_group_id VARCHAR(36),
    status VARCHAR(9) NOT NULL,
    current_version INTEGER NOT NULL,
    analysis VARCHAR(20000) NOT NULL,
    opportunities VARCHAR(20000) NOT NULL,
    threats VARCHAR(20000) NOT NULL,
    submitted_at VARCHAR(32),
    decided_at VARCHAR(32),
    decided_by VARCHAR(36),
    manager_comment VARCHAR(4000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_account_plans_customer_id ON account_plans (customer_id);

CREATE INDEX ix_account_plans_owner_id ON account_plans (owner_id);

CREATE INDEX ix_account_plans_version ON account_plans (version);

CREATE TABLE attachments (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    record_collection VARCHAR(40) NOT NULL,
    record_id VARCHAR(36) NOT NULL,
    sha256 VARCHAR(64) NOT NULL,
    filename VARCHAR(255) NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    size_bytes INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_attachments_customer_id ON attachments (customer_id);

CREATE INDEX ix_attachments_record_id ON attachments (record_id);

CREATE INDEX ix_attachments_version ON attachments (version);

CREATE TABLE call_logs (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    contact_id VARCHAR(36),
    called_at VARCHAR(32) NOT NULL,
    outcome VARCHAR(14) NOT NULL,
    call_back_on DATE,
    visit_id VARCHAR(36),
    notes VARCHAR(4000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_call_logs_customer_id ON call_logs (customer_id);

CREATE INDEX ix_call_logs_owner_id ON call_logs (owner_id);

CREATE INDEX ix_call_logs_version ON call_logs (version);

CREATE TABLE complaints (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    reported_on DATE NOT NULL,
    category VARCHAR(8) NOT NULL,
    product_id VARCHAR(36),
    contact_id VARCHAR(36),
    description VARCHAR(8000) NOT NULL,
    status VARCHAR(11) NOT NULL,
    resolved_on DATE,
    resolution VARCHAR(8000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_complaints_customer_id ON complaints (customer_id);

CREATE INDEX ix_complaints_owner_id ON complaints (owner_id);

CREATE INDEX ix_complaints_product_id ON complaints (product_id);

CREATE INDEX ix_complaints_reported_on ON complaints (reported_on);

CREATE INDEX ix_complaints_version ON complaints (version);

CREATE TABLE contacts (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    first_name VARCHAR(80) NOT NULL,
    last_name VARCHAR(120) NOT NULL,
    job_title VARCHAR(120) NOT NULL,
    phone VARCHAR(40),
    mobile VARCHAR(40),
    email VARCHAR(200),
    is_primary BOOLEAN NOT NULL,
    notes VARCHAR(4000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_contacts_customer_id ON contacts (customer_id);

CREATE INDEX ix_contacts_version ON contacts (version);

CREATE TABLE customers (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    kind VARCHAR(8) NOT NULL,
    name VARCHAR(200) NOT NULL,
    customer_number VARCHAR(40),
    kvk_number VARCHAR(8),
    btw_id VARCHAR(14),
    street VARCHAR(200) NOT NULL,
    house_number VARCHAR(20) NOT NULL,
    postcode VARCHAR(7) NOT NULL,
    city VARCHAR(120) NOT NULL,
    country VARCHAR(2) NOT NULL,
    phone VARCHAR(40),
    email VARCHAR(200),
    website VARCHAR(200),
    latitude FLOAT,
    longitude FLOAT,
    target_group_id VARCHAR(36),
    price_list_id VARCHAR(36),
    sector VARCHAR(120) NOT NULL,
    employees INTEGER,
    potential_revenue_cents INTEGER,
    source VARCHAR(200) NOT NULL,
    current_supplier VARCHAR(200) NOT NULL,
    customer_since DATE,
    lost_on DATE,
    lost_reason VARCHAR(500) NOT NULL,
    notes VARCHAR(20000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_customers_name ON customers (name);

CREATE INDEX ix_customers_owner_id ON customers (owner_id);

CREATE INDEX ix_customers_target_group_id ON customers (target_group_id);

CREATE INDEX ix_customers_version ON customers (version);

CREATE TABLE deviation_causes (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    customer_id VARCHAR(36),
    product_group_id VARCHAR(36),
    cause VARCHAR(16) NOT NULL,
    amount_cents INTEGER,
    note VARCHAR(4000) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_deviation_causes_customer_id ON deviation_causes (customer_id);

CREATE INDEX ix_deviation_causes_owner_id ON deviation_causes (owner_id);

CREATE INDEX ix_deviation_causes_version ON deviation_causes (version);

CREATE TABLE follow_ups (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    visit_id VARCHAR(36),
    complaint_id VARCHAR(36),
    quote_id VARCHAR(36),
    description VARCHAR(2000) NOT NULL,
    due_on DATE,
    status VARCHAR(4) NOT NULL,
    done_on DATE,
    PRIMARY KEY (id)
);

CREATE INDEX ix_follow_ups_complaint_id ON follow_ups (complaint_id);

CREATE INDEX ix_follow_ups_customer_id ON follow_ups (customer_id);

CREATE INDEX ix_follow_ups_due_on ON follow_ups (due_on);

CREATE INDEX ix_follow_ups_owner_id ON follow_ups (owner_id);

CREATE INDEX ix_follow_ups_version ON follow_ups (version);

CREATE INDEX ix_follow_ups_visit_id ON follow_ups (visit_id);

CREATE TABLE order_lines (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    order_id VARCHAR(36) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    position INTEGER NOT NULL,
    product_id VARCHAR(36) NOT NULL,
    description VARCHAR(500) NOT NULL,
    quantity VARCHAR(40) NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    discount_percent VARCHAR(40) NOT NULL,
    vat_rate VARCHAR(4) NOT NULL,
    net_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_order_lines_customer_id ON order_lines (customer_id);

CREATE INDEX ix_order_lines_order_id ON order_lines (order_id);

CREATE INDEX ix_order_lines_product_id ON order_lines (product_id);

CREATE INDEX ix_order_lines_version ON order_lines (version);

CREATE TABLE orders (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    order_number VARCHAR(40) NOT NULL,
    order_date DATE NOT NULL,
    status VARCHAR(9) NOT NULL,
    source VARCHAR(8) NOT NULL,
    quote_id VARCHAR(36),
    erp_reference VARCHAR(60),
    delivery_on DATE,
    notes VARCHAR(8000) NOT NULL,
    net_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    gross_cents INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_orders_customer_id ON orders (customer_id);

CREATE INDEX ix_orders_order_date ON orders (order_date);

CREATE INDEX ix_orders_owner_id ON orders (owner_id);

CREATE INDEX ix_orders_version ON orders (version);

CREATE TABLE plan_actions (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    plan_id VARCHAR(36) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    kind VARCHAR(20) NOT NULL,
    description VARCHAR(1000) NOT NULL,
    due_on DATE,
    status VARCHAR(9) NOT NULL,
    done_on DATE,
    visit_id VARCHAR(36),
    PRIMARY KEY (id)
);

CREATE INDEX ix_plan_actions_customer_id ON plan_actions (customer_id);

CREATE INDEX ix_plan_actions_plan_id ON plan_actions (plan_id);

CREATE INDEX ix_plan_actions_version ON plan_actions (version);

CREATE TABLE plan_goals (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    plan_id VARCHAR(36) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    kind VARCHAR(12) NOT NULL,
    product_group_id VARCHAR(36),
    description VARCHAR(1000) NOT NULL,
    target_value VARCHAR(40) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_plan_goals_customer_id ON plan_goals (customer_id);

CREATE INDEX ix_plan_goals_plan_id ON plan_goals (plan_id);

CREATE INDEX ix_plan_goals_version ON plan_goals (version);

CREATE TABLE price_list_items (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    price_list_id VARCHAR(36) NOT NULL,
    product_id VARCHAR(36) NOT NULL,
    price_cents INTEGER NOT NULL,
    min_quantity VARCHAR(40) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_price_list_items_price_list_id ON price_list_items (price_list_id);

CREATE INDEX ix_price_list_items_product_id ON price_list_items (product_id);

CREATE INDEX ix_price_list_items_version ON price_list_items (version);

CREATE TABLE price_lists (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    name VARCHAR(120) NOT NULL,
    valid_from DATE,
    valid_until DATE,
    PRIMARY KEY (id)
);

CREATE INDEX ix_price_lists_version ON price_lists (version);

CREATE TABLE product_groups (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    code VARCHAR(40) NOT NULL,
    name VARCHAR(120) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_product_groups_version ON product_groups (version);

CREATE TABLE products (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    sku VARCHAR(60) NOT NULL,
    name VARCHAR(200) NOT NULL,
    description VARCHAR(4000) NOT NULL,
    product_group_id VARCHAR(36) NOT NULL,
    unit VARCHAR(20) NOT NULL,
    list_price_cents INTEGER NOT NULL,
    vat_rate VARCHAR(4) NOT NULL,
    introduced_on DATE,
    active BOOLEAN NOT NULL,
    image_attachment_id VARCHAR(36),
    PRIMARY KEY (id)
);

CREATE INDEX ix_products_product_group_id ON products (product_group_id);

CREATE INDEX ix_products_sku ON products (sku);

CREATE INDEX ix_products_version ON products (version);

CREATE TABLE quote_lines (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    quote_id VARCHAR(36) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    position INTEGER NOT NULL,
    product_id VARCHAR(36) NOT NULL,
    description VARCHAR(500) NOT NULL,
    quantity VARCHAR(40) NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    discount_percent VARCHAR(40) NOT NULL,
    vat_rate VARCHAR(4) NOT NULL,
    net_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_quote_lines_customer_id ON quote_lines (customer_id);

CREATE INDEX ix_quote_lines_product_id ON quote_lines (product_id);

CREATE INDEX ix_quote_lines_quote_id ON quote_lines (quote_id);

CREATE INDEX ix_quote_lines_version ON quote_lines (version);

CREATE TABLE quotes (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    quote_number VARCHAR(40) NOT NULL,
    quote_date DATE NOT NULL,
    valid_until DATE NOT NULL,
    status VARCHAR(8) NOT NULL,
    contact_id VARCHAR(36),
    notes VARCHAR(8000) NOT NULL,
    follow_up_on DATE,
    sent_at VARCHAR(32),
    decided_on DATE,
    order_id VARCHAR(36),
    pdf_attachment_id VARCHAR(36),
    net_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    gross_cents INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_quotes_customer_id ON quotes (customer_id);

CREATE INDEX ix_quotes_owner_id ON quotes (owner_id);

CREATE INDEX ix_quotes_version ON quotes (version);

CREATE TABLE sales_targets (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    customer_id VARCHAR(36),
    product_group_id VARCHAR(36),
    revenue_target_cents INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_sales_targets_customer_id ON sales_targets (customer_id);

CREATE INDEX ix_sales_targets_owner_id ON sales_targets (owner_id);

CREATE INDEX ix_sales_targets_version ON sales_targets (version);

CREATE TABLE target_groups (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    code VARCHAR(20) NOT NULL,
    name VARCHAR(120) NOT NULL,
    description VARCHAR(2000) NOT NULL,
    visit_interval_days INTEGER NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_target_groups_version ON target_groups (version);

CREATE TABLE teams (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    name VARCHAR(120) NOT NULL,
    manager_id VARCHAR(36),
    PRIMARY KEY (id)
);

CREATE INDEX ix_teams_version ON teams (version);

CREATE TABLE users (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    team_id VARCHAR(36),
    username VARCHAR(80) NOT NULL,
    full_name VARCHAR(120) NOT NULL,
    email VARCHAR(200),
    phone VARCHAR(40),
    role VARCHAR(11) NOT NULL,
    active BOOLEAN NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_users_team_id ON users (team_id);

CREATE INDEX ix_users_version ON users (version);

CREATE TABLE visits (
    id VARCHAR(36) NOT NULL,
    version INTEGER,
    deleted BOOLEAN NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    owner_id VARCHAR(36) NOT NULL,
    planned_start VARCHAR(32) NOT NULL,
    duration_minutes INTEGER NOT NULL,
    status VARCHAR(9) NOT NULL,
    contact_id VARCHAR(36),
    plan_action_id VARCHAR(36),
    prepared_at VARCHAR(32),
    reported_at VARCHAR(32),
    topics VARCHAR(4000) NOT NULL,
    products_presented JSON NOT NULL,
    agreements VARCHAR(8000) NOT NULL,
    report VARCHAR(20000) NOT NULL,
    satisfaction INTEGER,
    next_visit_on DATE,
    voice_memo_attachment_id VARCHAR(36),
    cancel_reason VARCHAR(500) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_visits_customer_id ON visits (customer_id);

CREATE INDEX ix_visits_owner_id ON visits (owner_id);

CREATE INDEX ix_visits_planned_start ON visits (planned_start);

CREATE INDEX ix_visits_version ON visits (version);

CREATE TABLE outbox (
    mid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    collection VARCHAR(40) NOT NULL,
    record_id VARCHAR(36) NOT NULL,
    op VARCHAR(6) NOT NULL,
    base_version INTEGER,
    fields TEXT NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    CONSTRAINT ck_outbox_op CHECK (op IN ('upsert', 'delete'))
);

CREATE INDEX ix_outbox_record ON outbox (collection, record_id);

CREATE TABLE sync_issues (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind VARCHAR(10) NOT NULL,
    collection VARCHAR(40) NOT NULL,
    record_id VARCHAR(36) NOT NULL,
    mid INTEGER,
    field VARCHAR(60),
    local_value TEXT,
    server_value TEXT,
    code VARCHAR(60) NOT NULL,
    message TEXT NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    resolved_at VARCHAR(32),
    CONSTRAINT ck_sync_issues_kind CHECK (kind IN ('rejected', 'conflict'))
);

CREATE INDEX ix_sync_issues_record ON sync_issues (collection, record_id);

CREATE INDEX ix_sync_issues_resolved_at ON sync_issues (resolved_at);

CREATE TABLE sync_state (
    "key" VARCHAR(60) NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY ("key")
);
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SCHEMA)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    # The device's identity towards the server, made once with the store: the server keeps the
    # last mutation id it applied per client id, so a retried push is a no-op.
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES ('client_id', ?)", (str(uuid.uuid4()),)
    )
