"""Server-side writes of synced records (accounts, manager decisions, imports, seeding).

They take versions from the same per-tenant clock as pushes, so devices pull them like any other
change, and they are validated against the same record classes. Scope is not checked here: the
caller (an admin command or an endpoint that already checked its user) is trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from fieldsales.records import Scope
from fieldsales.server.recordstore import CREATED, StoredRecord, fetch, flush, scope_columns
from fieldsales.server.validation import Rejection, check_field_names, record_class, validate_data
from fieldsales.server.versioning import VersionClock


class ServerWriter:
    """Batches server-side upserts of one transaction; ``finish`` writes them and the clock."""

    def __init__(self, conn: Connection, tenant_id: str) -> None:
        self.conn = conn
        self.tenant_id = tenant_id
        self.clock = VersionClock(conn, tenant_id)
        self.rows: dict[str, StoredRecord] = {}

    def load(self, ids: Iterable[str]) -> None:
        missing = [i for i in ids if i not in self.rows]
        if missing:
            self.rows.update(fetch(self.conn, self.tenant_id, missing))

    def get(self, record_id: str) -> StoredRecord | None:
        if record_id not in self.rows:
            self.load([record_id])
        return self.rows.get(record_id)

    def upsert(self, collection: str, record_id: str, fields: dict[str, Any]) -> StoredRecord:
        """Create or change a record; raises ``Rejection`` when the data are invalid."""
        record_class(collection)
        check_field_names(collection, fields)
        row = self.get(record_id)
        if row is not None and row.collection != collection:
            raise Rejection("wrong_collection", "Dit id hoort bij een andere collectie.")
        merged = {**row.data, **fields} if row is not None and not row.deleted else dict(fields)
        data = validate_data(collection, merged)
        customer_owner = None
        scope = record_class(collection).scope
        if scope is Scope.CUSTOMER and collection != "customers":
            customer = self.get(str(data.get("customer_id")))
            if customer is None or customer.collection != "customers" or customer.deleted:
                raise Rejection("unknown_customer", "Onbekende klant.")
            customer_owner = customer.owner_id
        owner_id, customer_id = scope_columns(collection, data, customer_owner)
        changed = [n for n in data if row is None or row.deleted or row.data.get(n) != data[n]]
        if row is not None and not row.deleted and not changed:
            return row
        version = self.clock.next()
        if row is None:
            row = StoredRecord(
                collection=collection,
                id=record_id,
                version=version,
                deleted=False,
                owner_id=owner_id,
                customer_id=customer_id,
                data=data,
                field_versions={CREATED: version},
                is_new=True,
            )
            self.rows[record_id] = row
        else:
            if row.deleted:
                row.field_versions = {CREATED: version}
            for name in changed:
                row.field_versions[name] = version
            row.data = data
            row.deleted = False
            row.version = version
            row.owner_id = owner_id
            row.customer_id = customer_id
        row.dirty = True
        return row

    def rescope(self, record_id: str, owner_id: str | None) -> StoredRecord:
        """Give a record a new scope owner and a new version, data unchanged, so that the new
        owner's devices pull it even though they are past its old version."""
        row = self.get(record_id)
        if row is None:
            raise Rejection("not_found", "Dit record bestaat niet.")
        row.owner_id = owner_id
        row.version = self.clock.next()
        row.dirty = True
        return row

    def finish(self) -> None:
        flush(self.conn, self.tenant_id, self.rows.values(), then=self.clock.close)
