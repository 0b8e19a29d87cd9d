"""Schema v2: a full-text index for the global customer search (search as you type).

Salespeople find a customer by any part of its name, city, postcode or ERP number, or by a
contact's name, while typing; a ``LIKE '%...%'`` scan over every customer and contact per key
stroke is too slow on a phone with thousands of customers. An FTS5 table answers prefix queries
from its index (``prefix='1 2 3'`` keeps short prefixes fast), and ``remove_diacritics 2`` lets
"cafe" find "Café".

One FTS document per live (not tombstoned) customer, keyed by ``search_docs.docid``: a stable
integer id, because the customers table's implicit rowid may change on VACUUM. Triggers keep the
index current for every write, including those the sync engine applies; the postcode is indexed
both as written and without its space ("1012 AB" and "1012AB"). Existing customers are indexed
in the same transaction as the DDL.

Frozen like every migration: change the index with a new migration, never by editing this one.
"""

from __future__ import annotations

import sqlite3

from fieldsales.store.migrations._ddl import run_script

VERSION = 2
DESCRIPTION = "full-text customer search (FTS5 over customers and their contacts)"


def _refresh(customer_id: str, *, only_if: str = "1") -> str:
    """SQL statements that re-index one customer; ``only_if`` guards them (trigger conditions)."""
    return f"""
    INSERT OR IGNORE INTO search_docs (customer_id)
        SELECT id FROM customers WHERE id = {customer_id} AND ({only_if});
    DELETE FROM customer_search
        WHERE rowid = (SELECT docid FROM search_docs WHERE customer_id = {customer_id})
        AND ({only_if});
    INSERT INTO customer_search (rowid, name, city, postcode, customer_number, contacts)
        SELECT d.docid, c.name, c.city,
               c.postcode || ' ' || replace(c.postcode, ' ', ''),
               coalesce(c.customer_number, ''),
               coalesce((SELECT group_concat(k.first_name || ' ' || k.last_name, ' ')
                         FROM contacts AS k
                         WHERE k.customer_id = c.id AND k.deleted = 0), '')
        FROM customers AS c JOIN search_docs AS d ON d.customer_id = c.id
        WHERE c.id = {customer_id} AND c.deleted = 0 AND ({only_if});"""


SCHEMA = f"""
CREATE TABLE search_docs (
    docid INTEGER NOT NULL,
    customer_id VARCHAR(36) NOT NULL,
    PRIMARY KEY (docid),
    UNIQUE (customer_id)
);

CREATE VIRTUAL TABLE customer_search USING fts5(
    name, city, postcode, customer_number, contacts,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TRIGGER customers_search_ai AFTER INSERT ON customers BEGIN{_refresh("new.id")}
END;

CREATE TRIGGER customers_search_au
AFTER UPDATE OF id, name, city, postcode, customer_number, deleted ON customers BEGIN
    DELETE FROM customer_search
        WHERE rowid = (SELECT docid FROM search_docs WHERE customer_id = old.id)
        AND old.id IS NOT new.id;
    DELETE FROM search_docs WHERE customer_id = old.id AND old.id IS NOT new.id;{_refresh("new.id")}
END;

CREATE TRIGGER customers_search_ad AFTER DELETE ON customers BEGIN
    DELETE FROM customer_search
        WHERE rowid = (SELECT docid FROM search_docs WHERE customer_id = old.id);
    DELETE FROM search_docs WHERE customer_id = old.id;
END;

CREATE TRIGGER contacts_search_ai AFTER INSERT ON contacts BEGIN{_refresh("new.customer_id")}
END;

CREATE TRIGGER contacts_search_au
AFTER UPDATE OF customer_id, first_name, last_name, deleted ON contacts BEGIN{
    _refresh("old.customer_id", only_if="old.customer_id IS NOT new.customer_id")
}{_refresh("new.customer_id")}
END;

CREATE TRIGGER contacts_search_ad AFTER DELETE ON contacts BEGIN{_refresh("old.customer_id")}
END;

INSERT INTO search_docs (customer_id) SELECT id FROM customers ORDER BY id;

INSERT INTO customer_search (rowid, name, city, postcode, customer_number, contacts)
    SELECT d.docid, c.name, c.city,
           c.postcode || ' ' || replace(c.postcode, ' ', ''),
           coalesce(c.customer_number, ''),
           coalesce((SELECT group_concat(k.first_name || ' ' || k.last_name, ' ')
                     FROM contacts AS k
                     WHERE k.customer_id = c.id AND k.deleted = 0), '')
    FROM customers AS c JOIN search_docs AS d ON d.customer_id = c.id
    WHERE c.deleted = 0;
"""


def upgrade(conn: sqlite3.Connection) -> None:
    run_script(conn, SCHEMA)
