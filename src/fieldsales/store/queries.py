"""Queries on the store that services and the sync engine share. Each takes a Session.

Reads work in ``store.read()`` or a unit of work; the writing helpers (``remove_pushed``,
``set_state``, ``add_issue``, ``resolve_issue``) need a unit of work's session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, column, delete, func, literal_column, or_, select, table, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlmodel import col

from fieldsales.records import Customer
from fieldsales.records.base import SyncedRecord, utcnow
from fieldsales.store.local_tables import SEARCH_TABLE, outbox, search_docs, sync_issues, sync_state
from fieldsales.store.outbox import PendingMutation, dumps_json, loads_json

R = TypeVar("R", bound=SyncedRecord)

# --- records -------------------------------------------------------------------------------------


def get(session: Session, cls: type[R], id: str) -> R | None:
    """The live record with this id, or None when it does not exist or is tombstoned."""
    record = session.get(cls, id)
    if record is None or record.deleted:
        return None
    return record


# --- customer search -----------------------------------------------------------------------------

#: What the FTS5 tokenizer (unicode61) treats as a token: letters and digits. Everything else in
#: the user's input (quotes, ``*``, ``:``, ``-``, parentheses) only separates words, so no input
#: can form FTS5 syntax, and operator words like AND or NEAR are searched as plain words.
_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 8
#: bm25 weights for (name, city, postcode, customer_number, contacts): a hit in the name counts
#: most, then the ERP number, then place, then a contact's name.
_WEIGHTS = (10.0, 3.0, 3.0, 5.0, 2.0)

_search = table(SEARCH_TABLE, column("rowid"))


def search_words(text: str) -> list[str]:
    return _WORD.findall(text)[:_MAX_WORDS]


def fts_query(words: list[str]) -> str:
    """Every word as a quoted prefix term, all required: "bakk ams" -> ``"bakk"* "ams"*``."""
    return " ".join(f'"{word}"*' for word in words)


def search_customers(
    session: Session, text: str, *, limit: int = 20, owner_id: str | None = None
) -> list[Customer]:
    """Live customers matching every word of ``text`` as a prefix, best match first.

    Words match the start of any word of the name, city, postcode (with or without its space),
    ERP customer number or a live contact's name, ignoring case and accents. Text without any
    letters or digits lists customers by name, so an empty search box shows the list.
    """
    words = search_words(text)
    base = select(Customer).where(col(Customer.deleted).is_(False)).limit(limit)
    if owner_id is not None:
        base = base.where(col(Customer.owner_id) == owner_id)
    if not words:
        return list(session.scalars(base.order_by(col(Customer.name), col(Customer.id))))
    matching = (
        base.join(search_docs, search_docs.c.customer_id == col(Customer.id))
        .join(_search, _search.c.rowid == search_docs.c.docid)
        .where(literal_column(SEARCH_TABLE).op("MATCH")(fts_query(words)))
        .order_by(func.bm25(literal_column(SEARCH_TABLE), *_WEIGHTS), col(Customer.name))
    )
    try:
        return list(session.scalars(matching))
    except OperationalError:
        # No usable index (a store opened below schema v2, or an SQLite without FTS5): the same
        # semantics by scanning, slower but still an answer.
        return _search_by_scan(session, base, words)


def _search_by_scan(session: Session, base: Any, words: list[str]) -> list[Customer]:
    columns = (Customer.name, Customer.city, Customer.postcode, Customer.customer_number)
    conditions = []
    for word in words:  # letters and digits only, so nothing to escape for LIKE
        conditions.append(or_(*(col(c).ilike(f"%{word}%") for c in columns)))
    return list(session.scalars(base.where(and_(*conditions)).order_by(col(Customer.name))))


# --- outbox --------------------------------------------------------------------------------------


def _mutation(row: Any) -> PendingMutation:
    return PendingMutation(
        mid=row.mid,
        collection=row.collection,
        record_id=row.record_id,
        op=row.op,
        base_version=row.base_version,
        fields=loads_json(row.fields),
        created_at=row.created_at,
    )


def pending_mutations(
    session: Session, limit: int = 500, *, after_mid: int = 0
) -> list[PendingMutation]:
    """The oldest unpushed mutations, in ``mid`` order (the order the server must apply them)."""
    rows = session.execute(
        select(outbox).where(outbox.c.mid > after_mid).order_by(outbox.c.mid).limit(limit)
    )
    return [_mutation(row) for row in rows]


def pending_for_record(session: Session, collection: str, record_id: str) -> list[PendingMutation]:
    """Unpushed mutations of one record: the sync engine keeps their fields when it pulls."""
    rows = session.execute(
        select(outbox)
        .where(outbox.c.collection == collection, outbox.c.record_id == record_id)
        .order_by(outbox.c.mid)
    )
    return [_mutation(row) for row in rows]


def count_pending(session: Session) -> int:
    """How many local changes wait to be pushed (for the sync indicator)."""
    return int(session.execute(select(func.count()).select_from(outbox)).scalar_one())


def remove_pushed(session: Session, *, up_to_mid: int) -> int:
    """Drop the mutations the server answered (every status is final); returns how many."""
    result = session.execute(delete(outbox).where(outbox.c.mid <= up_to_mid))
    return int(getattr(result, "rowcount", 0))


# --- sync state ----------------------------------------------------------------------------------


def get_state(session: Session, key: str) -> str | None:
    return session.execute(
        select(sync_state.c.value).where(sync_state.c.key == key)
    ).scalar_one_or_none()


def set_state(session: Session, key: str, value: str | None) -> None:
    """Set (or with ``None`` remove) one sync state value."""
    if key == "client_id":
        raise ValueError("the client id is made with the store and never changes")
    session.execute(delete(sync_state).where(sync_state.c.key == key))
    if value is not None:
        session.execute(sync_state.insert().values(key=key, value=value))


# --- sync issues ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncIssue:
    """A rejected mutation or a conflict copy, shown to the user until resolved."""

    id: int
    kind: str
    collection: str
    record_id: str
    mid: int | None
    field: str | None
    local_value: Any
    server_value: Any
    code: str
    message: str
    created_at: datetime
    resolved_at: datetime | None


def add_issue(
    session: Session,
    *,
    kind: str,
    collection: str,
    record_id: str,
    code: str,
    message: str,
    mid: int | None = None,
    field: str | None = None,
    local_value: Any = None,
    server_value: Any = None,
) -> int:
    if kind not in ("rejected", "conflict"):
        raise ValueError(f"unknown sync issue kind {kind!r}")
    result = session.execute(
        sync_issues.insert().values(
            kind=kind,
            collection=collection,
            record_id=record_id,
            mid=mid,
            field=field,
            local_value=dumps_json(local_value),
            server_value=dumps_json(server_value),
            code=code,
            message=message,
            created_at=utcnow(),
        )
    )
    (issue_id,) = result.inserted_primary_key  # type: ignore[attr-defined]
    return int(issue_id)


def open_issues(session: Session, *, limit: int = 200) -> list[SyncIssue]:
    rows = session.execute(
        select(sync_issues)
        .where(sync_issues.c.resolved_at.is_(None))
        .order_by(sync_issues.c.id)
        .limit(limit)
    )
    return [
        SyncIssue(
            id=row.id,
            kind=row.kind,
            collection=row.collection,
            record_id=row.record_id,
            mid=row.mid,
            field=row.field,
            local_value=loads_json(row.local_value),
            server_value=loads_json(row.server_value),
            code=row.code,
            message=row.message,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
        )
        for row in rows
    ]


def resolve_issue(session: Session, issue_id: int) -> bool:
    """Mark an issue settled by the user; False when it was unknown or already resolved."""
    result = session.execute(
        update(sync_issues)
        .where(sync_issues.c.id == issue_id, sync_issues.c.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0)) == 1
