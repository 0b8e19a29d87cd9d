"""Push and pull: the server side of the sync protocol (see docs/sync-protocol.md).

Push applies a device's outbox in order, in one transaction that also stores the client's new
``last_mid``, so a retried push is a no-op and a half-applied push cannot exist. Every mutation
gets its own verdict; a refused one is recorded and answered, never blocks the ones after it.

The tenant's version lock serialises every writer of a tenant, so the work done while holding it
decides how many devices can sync at once. Records a device created (most of a day's outbox, all
of a first upload) are therefore validated before the lock is taken: their data are exactly the
pushed fields, so the answer cannot change while waiting. Edits merge with the stored row and are
validated under the lock, normalising only the values that differ from the stored ones. Pushes
of one tenant that wait for the lock in the same worker are applied together, one after the
other in one transaction (``versioning.LockQueue``): each gets the answer it would have got
alone, at a fraction of the cost per push.

Pull streams stored JSON: one indexed range scan per page, rows glued into the response body as
bytes, without building a pydantic object per record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import orjson
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from fieldsales.domain.enums import Role
from fieldsales.records import Scope
from fieldsales.server.db import read_transaction, write_transaction
from fieldsales.server.errors import ConflictError, InvalidRequestError
from fieldsales.server.models import (
    accounts,
    conflicts,
    push_outcomes,
    records,
    rejected_mutations,
    scope_exits,
    server_meta,
    sync_clients,
    tenants,
    utcnow,
)
from fieldsales.server.plans import check_plan_push
from fieldsales.server.recordstore import (
    CHUNK,
    CREATED,
    StoredRecord,
    fetch,
    fetch_with,
    flush,
    scope_columns,
)
from fieldsales.server.scope import (
    PROTECTED_FIELDS,
    Principal,
    can_read_owner,
    check_write,
)
from fieldsales.server.validation import Rejection, check_field_names, record_class, validate_data
from fieldsales.server.versioning import VersionClock, queue_for_lock
from fieldsales.sync.protocol import (
    MIN_SCHEMA_VERSION,
    SCHEMA_VERSION,
    Mutation,
    MutationOp,
    PushRequest,
    ResultStatus,
)

Result = dict[str, Any]


def get_epoch(conn: Connection) -> str:
    return str(
        conn.execute(select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar_one()
    )


# --------------------------------------------------------------------------------------------
# push


def check_push_shape(request: PushRequest, *, max_mutations: int) -> None:
    """Refuse, as a whole, pushes that are malformed rather than individually wrong."""
    if not MIN_SCHEMA_VERSION <= request.schema_version <= SCHEMA_VERSION:
        raise ConflictError(
            "Deze versie van de app past niet bij de server. Werk de app bij.",
            code="schema_unsupported",
            details={"supported": [MIN_SCHEMA_VERSION, SCHEMA_VERSION]},
        )
    if len(request.mutations) > max_mutations:
        raise InvalidRequestError(
            f"Te veel mutaties in één push (maximaal {max_mutations}).",
            code="too_many_mutations",
        )
    previous = 0
    for mutation in request.mutations:
        if mutation.mid <= previous:
            raise InvalidRequestError(
                "De mutaties van een push moeten oplopende mid's hebben.",
                code="mids_not_increasing",
                details={"mid": mutation.mid, "previous": previous},
            )
        previous = mutation.mid


#: What validating a created record gave: its canonical data, or why it was refused.
Validated = dict[str, Any] | Rejection


def validate_created(mutations: Iterable[Mutation]) -> dict[int, Validated]:
    """Validate, by mid, the records the device says it created (upserts without a
    ``base_version``), without touching the database. Used only for a mutation whose record the
    push then finds absent, when the data to validate are exactly its fields."""
    validated: dict[int, Validated] = {}
    for mutation in mutations:
        if mutation.op is not MutationOp.UPSERT or mutation.base_version is not None:
            continue
        try:
            record_class(mutation.collection)
            check_field_names(mutation.collection, mutation.fields)
        except Rejection:
            continue  # refused for its names under the lock, before validation
        try:
            validated[mutation.mid] = validate_data(mutation.collection, mutation.fields)
        except Rejection as rejection:
            validated[mutation.mid] = rejection
    return validated


class _PushContext:
    """The state of one push while its mutations are applied in memory.

    ``rows`` and ``clock`` belong to the transaction, shared by the pushes applied in it one
    after the other: a push sees the rows as the pushes before it left them, as it would have
    after their commits.
    """

    def __init__(
        self,
        conn: Connection,
        principal: Principal,
        client_id: str,
        *,
        clock: VersionClock,
        rows: dict[str, StoredRecord],
        created: dict[int, Validated] | None = None,
    ) -> None:
        self.conn = conn
        self.principal = principal
        self.client_id = client_id
        self.tenant_id = principal.tenant_id
        self.created = created or {}
        self.clock = clock
        self.rows = rows
        self.loaded_versions: dict[str, int] = {}
        self.own_versions: dict[str, set[int]] = {}
        self.conflict_rows: list[dict[str, Any]] = []
        self.rejected_rows: list[dict[str, Any]] = []

    def start(self, mutations: Iterable[Mutation]) -> None:
        """Remember the versions this push starts from (what ``base_version`` is compared to)."""
        self.loaded_versions = {
            m.id: self.rows[m.id].version for m in mutations if m.id in self.rows
        }

    def customer_owner(self, customer_id: Any) -> str:
        """The owner of a referenced customer, refusing references outside the user's scope."""
        if not isinstance(customer_id, str):
            raise Rejection("unknown_customer", "Het record hoort bij geen bekende klant.")
        customer = self.rows.get(customer_id)
        if customer is None or customer.collection != "customers" or customer.deleted:
            raise Rejection(
                "unknown_customer",
                "De klant van dit record bestaat niet (meer) op de server.",
                {"customer_id": customer_id},
            )
        if customer.owner_id is None or not can_read_owner(self.principal, customer.owner_id):
            raise self._revoked(customer_id) or Rejection(
                "forbidden", "Deze klant hoort niet bij uw klanten."
            )
        return customer.owner_id

    def _revoked(self, customer_id: str | None) -> Rejection | None:
        """The refusal for a change under a customer that left the user's scope (a scope exit
        exists), or None. Read only on this rare path: a device that pushes an edit made
        before it learnt of the reassignment."""
        if customer_id is None:
            return None
        found = self.conn.execute(
            select(scope_exits.c.version)
            .where(
                scope_exits.c.tenant_id == self.tenant_id,
                scope_exits.c.account_id == self.principal.account_id,
                scope_exits.c.customer_id == customer_id,
            )
            .limit(1)
        ).first()
        if found is None:
            return None
        return Rejection(
            "scope_revoked",
            "U hebt geen toegang meer tot deze klant: die is aan een andere verkoper "
            "toegewezen. Uw wijziging is niet bewaard.",
            {"customer_id": customer_id},
        )

    # -- one mutation ----------------------------------------------------------------------

    def apply(self, mutation: Mutation) -> Result:
        try:
            if mutation.op is MutationOp.DELETE:
                return self._delete(mutation)
            return self._upsert(mutation)
        except Rejection as rejection:
            self.rejected_rows.append(
                {
                    "tenant_id": self.tenant_id,
                    "account_id": self.principal.account_id,
                    "client_id": self.client_id,
                    "mid": mutation.mid,
                    "collection": mutation.collection[:40],
                    "record_id": mutation.id,
                    "code": rejection.code[:40],
                    "message": rejection.message[:500],
                    "created_at": utcnow(),
                }
            )
            return {
                "mid": mutation.mid,
                "status": ResultStatus.REJECTED.value,
                "version": None,
                "conflicts": [],
                "code": rejection.code,
                "message": rejection.message,
                "details": rejection.details,
            }

    def _existing(self, mutation: Mutation) -> StoredRecord | None:
        row = self.rows.get(mutation.id)
        if row is not None and row.collection != mutation.collection:
            raise Rejection(
                "wrong_collection",
                "Er bestaat al een record met dit id in een andere collectie.",
                {"collection": row.collection},
            )
        if row is not None and not can_read_owner(self.principal, row.owner_id):
            # Someone else's record: answer as if it were anybody's, without revealing it;
            # unless it was the user's own until a reassignment: then say so.
            customer_id = row.id if row.collection == "customers" else row.customer_id
            raise self._revoked(customer_id) or Rejection(
                "forbidden", "Dit record hoort niet bij uw gegevens."
            )
        return row

    def _upsert(self, mutation: Mutation) -> Result:
        collection = mutation.collection
        record_class(collection)
        check_field_names(collection, mutation.fields)
        row = self._existing(mutation)
        if row is not None and row.deleted:
            raise Rejection(
                "deleted", "Dit record is intussen verwijderd; de wijziging is niet bewaard."
            )
        data = self._validate(mutation, row)

        scope = record_class(collection).scope
        customer_owner = None
        referenced = data.get("customer_id") if collection != "customers" else None
        if scope in (Scope.CUSTOMER, Scope.OWNER) and referenced is not None:
            customer_owner = self.customer_owner(referenced)
        owner_id, customer_id = scope_columns(collection, data, customer_owner)
        if scope is Scope.OWNER and customer_owner not in (None, owner_id):
            raise Rejection("forbidden", "Deze klant hoort niet bij deze verkoper.")
        check_write(self.principal, collection, owner_id)
        if row is not None:
            check_write(self.principal, collection, row.owner_id)
        self._check_protected(collection, row, data, mutation)

        changed = [
            name for name in mutation.fields if row is None or row.data.get(name) != data[name]
        ]
        status = ResultStatus.APPLIED
        lost: list[dict[str, Any]] = []
        if row is not None:
            base = mutation.base_version or 0
            own = self.own_versions.get(mutation.id, set())
            # Versions this push wrote are the device's own earlier edits (an outbox holds several
            # edits of one record made before it synced): never a conflict with itself.
            if self.loaded_versions.get(mutation.id, 0) > base:
                status = ResultStatus.MERGED
                for name in changed:
                    field_version = row.field_version(name)
                    if field_version > base and field_version not in own:
                        lost.append(
                            {
                                "field": name,
                                "losing_value": row.data.get(name),
                                "losing_version": row.field_version(name),
                            }
                        )
                if lost:
                    status = ResultStatus.CONFLICT
        if row is not None and not changed:
            # Nothing new (a replayed or no-op edit): keep the version, devices need not re-pull.
            return self._result(mutation, ResultStatus.APPLIED, row.version)

        version = self.clock.next()
        self.own_versions.setdefault(mutation.id, set()).add(version)
        if row is None:
            row = StoredRecord(
                collection=collection,
                id=mutation.id,
                version=version,
                deleted=False,
                owner_id=owner_id,
                customer_id=customer_id,
                data=data,
                field_versions={CREATED: version},
                is_new=True,
            )
            self.rows[mutation.id] = row
        else:
            row.data = data
            row.version = version
            row.owner_id = owner_id
            row.customer_id = customer_id
            for name in changed:
                row.field_versions[name] = version
        row.dirty = True
        for item in lost:
            self.conflict_rows.append(
                {
                    "tenant_id": self.tenant_id,
                    "collection": collection,
                    "record_id": mutation.id,
                    "field": item["field"],
                    "losing_value": item["losing_value"],
                    "losing_version": item["losing_version"],
                    "winning_version": version,
                    "account_id": self.principal.account_id,
                    "client_id": self.client_id,
                    "created_at": utcnow(),
                }
            )
        return self._result(mutation, status, version, lost)

    def _validate(self, mutation: Mutation, row: StoredRecord | None) -> dict[str, Any]:
        if row is not None:
            return validate_data(
                mutation.collection, {**row.data, **mutation.fields}, stored=row.data
            )
        done = self.created.get(mutation.mid)
        if done is None:
            return validate_data(mutation.collection, mutation.fields)
        if isinstance(done, Rejection):
            raise Rejection(done.code, done.message, done.details)
        return done

    def _check_protected(
        self,
        collection: str,
        row: StoredRecord | None,
        data: dict[str, Any],
        mutation: Mutation,
    ) -> None:
        protected = PROTECTED_FIELDS.get(collection, frozenset()) & mutation.fields.keys()
        defaults = protected_defaults(collection, data) if protected else {}
        for name in protected:
            current = row.data.get(name) if row is not None else defaults.get(name)
            if data[name] != current:
                raise Rejection(
                    "decision_required",
                    "Over een accountplan beslist een manager, via goedkeuren of afwijzen.",
                    {"field": name},
                )
        if collection == "account_plans":
            changed = {n for n in mutation.fields if row is None or row.data.get(n) != data[n]}
            check_plan_push(self.principal, row.data if row is not None else None, data, changed)

    def _delete(self, mutation: Mutation) -> Result:
        record_class(mutation.collection)
        row = self._existing(mutation)
        if row is None:
            # Nothing to delete (created and deleted before it was ever pushed): done.
            return self._result(mutation, ResultStatus.APPLIED, None)
        check_write(self.principal, mutation.collection, row.owner_id)
        if row.deleted:
            return self._result(mutation, ResultStatus.APPLIED, row.version)
        row.version = self.clock.next()
        row.deleted = True
        row.dirty = True
        return self._result(mutation, ResultStatus.APPLIED, row.version)

    @staticmethod
    def _result(
        mutation: Mutation,
        status: ResultStatus,
        version: int | None,
        lost: list[dict[str, Any]] | None = None,
    ) -> Result:
        return {
            "mid": mutation.mid,
            "status": status.value,
            "version": version,
            "conflicts": lost or [],
            "code": None,
            "message": None,
            "details": None,
        }


def protected_defaults(collection: str, data: dict[str, Any]) -> dict[str, Any]:
    """The collection's default values for its protected fields (what a new record starts as)."""
    model_fields = record_class(collection).model_fields
    return {
        name: model_fields[name].get_default(call_default_factory=True)
        for name in PROTECTED_FIELDS.get(collection, frozenset())
        if name in model_fields
    }


#: Mutations applied in one transaction at most when pushes are applied together (a bigger push
#: goes alone): about eight day-end pushes, whose rows are read in one query (``CHUNK``).
BATCH_MUTATIONS = CHUNK


@dataclass(eq=False)
class _Waiting:
    """A push waiting in the ``LockQueue``, and its outcome."""

    principal: Principal
    request: PushRequest
    created: dict[int, Validated]
    size: int
    outcomes: bool = False
    done: bool = False
    answer: bytes | None = None
    error: Exception | None = None


def push(
    engine: Engine, principal: Principal, request: PushRequest, *, outcomes: bool = False
) -> bytes:
    """Apply a push and answer with the serialised ``PushResponse``.

    Under the version lock a transaction costs four round trips to PostgreSQL, whatever it holds
    (up to ``CHUNK`` records): the lock (which also reads the epoch), one read of the rows and
    the clients' ``last_mid``, the writes as one pipeline, and the commit. A retried push (one
    round trip more, only then) reads the answers its first attempt got.

    ``outcomes``: the client understands ``duplicate`` results that carry the original answer
    (``MutationResult.outcome``); older clients refuse unknown keys, so they get none.
    """
    created = validate_created(request.mutations)  # before the version lock (module docstring)
    waiting = _Waiting(
        principal, request, created, size=max(len(request.mutations), 1), outcomes=outcomes
    )
    queue_for_lock(principal.tenant_id).submit(
        waiting, lambda batch: _apply_batch(engine, batch), limit=BATCH_MUTATIONS
    )
    if waiting.error is not None:
        raise waiting.error
    if waiting.answer is None:
        raise RuntimeError("push was not applied")  # the applying thread was interrupted
    return waiting.answer


def _apply_batch(engine: Engine, batch: list[_Waiting]) -> None:
    try:
        for waiting, answer in zip(batch, push_together(engine, batch), strict=True):
            waiting.answer = answer
    except Exception as exc:
        if len(batch) == 1:
            batch[0].error = exc
            return
        # Nothing was written. One push that fails must not fail the others: each alone.
        for waiting in batch:
            try:
                waiting.answer = push_together(engine, [waiting])[0]
            except Exception as alone:
                waiting.error = alone


class Pending(Protocol):
    """A push to apply: who sends it, what, and its created records validated beforehand."""

    principal: Principal
    request: PushRequest
    created: dict[int, Validated]
    # Optional ``outcomes: bool``: the client takes duplicates with their original outcome.


#: How long a push's answers are kept for a retry that lost them: by age, and by distance in
#: mids (two of the largest pushes). A retry beyond either gets ``duplicate`` without the
#: original outcome, and the device checks against its next pull instead.
OUTCOME_KEEP = timedelta(days=14)
OUTCOME_KEEP_MIDS = 100_000


def push_together(engine: Engine, pushes: Sequence[Pending]) -> list[bytes]:
    """Apply pushes of one tenant one after the other in one transaction; one answer (a
    serialised ``PushResponse``) per push, the same as each would have got alone in that order.
    If anything fails, nothing is written."""
    tenant_id = pushes[0].principal.tenant_id
    if any(p.principal.tenant_id != tenant_id for p in pushes):
        raise ValueError("pushes applied together must be of one tenant")
    with write_transaction(engine) as conn:
        clock = VersionClock(conn, tenant_id)  # the lock
        rows, clients = _load(conn, tenant_id, pushes)
        answers: list[bytes] = []
        contexts: list[_PushContext] = []
        touched: dict[tuple[str, str], bool] = {}  # client -> known before this transaction
        given: dict[tuple[str, str], dict[int, Result]] = {}  # outcomes of this transaction
        outcome_rows: list[dict[str, Any]] = []
        now = utcnow()
        for pending in pushes:
            principal, request = pending.principal, pending.request
            key = (principal.account_id, request.client_id)
            context = _PushContext(
                conn, principal, request.client_id, clock=clock, rows=rows, created=pending.created
            )
            context.start(request.mutations)
            last_mid = clients.get(key, 0)
            touched.setdefault(key, key in clients)
            wants = bool(getattr(pending, "outcomes", False))
            repeated = [m.mid for m in request.mutations if m.mid <= last_mid]
            earlier: dict[int, Result] = {}
            if repeated and wants:
                earlier = stored_outcomes(conn, key, repeated[0], repeated[-1], now=now)
                earlier.update(given.get(key, {}))
            results: list[Result] = []
            fresh: list[Result] = []
            for mutation in request.mutations:
                if mutation.mid <= last_mid:
                    outcome = earlier.get(mutation.mid)
                    results.append(_duplicate(mutation, outcome, with_outcome=wants))
                else:
                    result = context.apply(mutation)
                    results.append(result)
                    fresh.append(result)
            clients[key] = max([last_mid, *(m.mid for m in request.mutations)])
            if fresh:
                given.setdefault(key, {}).update((r["mid"], r) for r in fresh)
                outcome_rows.append(
                    {
                        "account_id": key[0],
                        "client_id": key[1],
                        "last_mid": fresh[-1]["mid"],
                        "first_mid": fresh[0]["mid"],
                        "tenant_id": tenant_id,
                        "results": orjson.dumps([_compact(r) for r in fresh]).decode(),
                        "created_at": now,
                    }
                )
            contexts.append(context)
            answers.append(
                orjson.dumps({"epoch": clock.epoch, "last_mid": clients[key], "results": results})
            )

        def rest() -> None:
            # inline(): no RETURNING of the generated ids, whose answer a pipeline cannot wait for.
            conflict_rows = [row for c in contexts for row in c.conflict_rows]
            if conflict_rows:
                conn.execute(insert(conflicts).inline(), conflict_rows)
            rejected_rows = [row for c in contexts for row in c.rejected_rows]
            if rejected_rows:
                conn.execute(insert(rejected_mutations).inline(), rejected_rows)
            if outcome_rows:
                conn.execute(insert(push_outcomes), outcome_rows)
                # One statement for the whole group, not one per device: everything here runs
                # under the tenant's version lock, where each statement delays every waiter.
                conn.execute(
                    delete(push_outcomes).where(
                        or_(
                            *(
                                and_(
                                    push_outcomes.c.account_id == account_id,
                                    push_outcomes.c.client_id == client_id,
                                    or_(
                                        push_outcomes.c.last_mid
                                        < clients[(account_id, client_id)] - OUTCOME_KEEP_MIDS,
                                        push_outcomes.c.created_at < now - OUTCOME_KEEP,
                                    ),
                                )
                                for account_id, client_id in given
                            )
                        )
                    )
                )
            clock.close()
            for (account_id, client_id), known in touched.items():
                values = {"last_mid": clients[(account_id, client_id)], "last_push_at": now}
                if known:
                    conn.execute(
                        update(sync_clients)
                        .where(
                            sync_clients.c.account_id == account_id,
                            sync_clients.c.client_id == client_id,
                        )
                        .values(**values)
                    )
                else:
                    conn.execute(
                        insert(sync_clients).values(
                            account_id=account_id,
                            client_id=client_id,
                            tenant_id=tenant_id,
                            **values,
                        )
                    )

        flush(conn, tenant_id, rows.values(), then=rest)
    return answers


def _load(
    conn: Connection, tenant_id: str, pushes: Sequence[Pending]
) -> tuple[dict[str, StoredRecord], dict[tuple[str, str], int]]:
    """Read the stored rows the pushes touch, with the customers of stored children (an edit
    need not repeat ``customer_id``), and the clients' ``last_mid``: one round trip for up to
    ``CHUNK`` records."""
    ids: set[str] = set()
    edited: set[str] = set()
    for pending in pushes:
        for mutation in pending.request.mutations:
            ids.add(mutation.id)
            if mutation.base_version is not None:
                edited.add(mutation.id)
            customer_id = mutation.fields.get("customer_id")
            if isinstance(customer_id, str):
                ids.add(customer_id)
    keys = {(p.principal.account_id, p.request.client_id) for p in pushes}
    # The clients' rows, shaped like record rows so that they ride in the same query.
    known_clients = select(
        sync_clients.c.client_id.label("collection"),
        null().label("id"),
        sync_clients.c.last_mid.label("version"),
        null().label("deleted"),
        sync_clients.c.account_id.label("owner_id"),
        *(null().label(name) for name in ("customer_id", "data", "field_versions")),
    ).where(tuple_(sync_clients.c.account_id, sync_clients.c.client_id).in_(sorted(keys)))
    rows, found = fetch_with(conn, tenant_id, ids, parents_of=edited, also=known_clients)
    # A record sent as new that the server already has (the answer to its first push was lost)
    # may come without its customer_id: read the customers still missing.
    missing = {
        row.data["customer_id"]
        for row in rows.values()
        if isinstance(row.data.get("customer_id"), str)
    } - rows.keys()
    if missing:
        rows.update(fetch(conn, tenant_id, missing))
    return rows, {(row.owner_id, row.collection): int(row.version) for row in found}


def _duplicate(mutation: Mutation, outcome: Result | None, *, with_outcome: bool) -> Result:
    result: Result = {
        "mid": mutation.mid,
        "status": ResultStatus.DUPLICATE.value,
        "version": None,
        "conflicts": [],
        "code": None,
        "message": None,
        "details": None,
    }
    if with_outcome:
        result["outcome"] = (
            None
            if outcome is None
            else {
                "status": outcome["status"],
                "version": outcome.get("version"),
                "conflicts": outcome.get("conflicts") or [],
                "code": outcome.get("code"),
                "message": outcome.get("message"),
                "details": outcome.get("details"),
            }
        )
    return result


def _compact(result: Result) -> Any:
    """A result as stored in ``push_outcomes``: ``[mid, version]`` for the common plain
    ``applied``, the non-empty fields otherwise."""
    if (
        result["status"] == ResultStatus.APPLIED.value
        and not result["conflicts"]
        and result["code"] is None
    ):
        return [result["mid"], result["version"]]
    return {name: value for name, value in result.items() if value not in (None, [])}


def _expand(stored: Any) -> Result:
    if isinstance(stored, list):
        return {"mid": stored[0], "status": ResultStatus.APPLIED.value, "version": stored[1]}
    return dict(stored)


def stored_outcomes(
    conn: Connection, key: tuple[str, str], first: int, last: int, *, now: Any = None
) -> dict[int, Result]:
    """The answers given to ``key``'s (account, client) mutations ``first..last``, by mid, as far
    as they are still kept (``OUTCOME_KEEP``)."""
    cutoff = (now or utcnow()) - OUTCOME_KEEP
    rows = conn.execute(
        select(push_outcomes.c.results).where(
            push_outcomes.c.account_id == key[0],
            push_outcomes.c.client_id == key[1],
            push_outcomes.c.last_mid >= first,
            push_outcomes.c.first_mid <= last,
            push_outcomes.c.created_at >= cutoff,
        )
    ).scalars()
    found: dict[int, Result] = {}
    for text in rows:
        for stored in orjson.loads(text):
            result = _expand(stored)
            if first <= result["mid"] <= last:
                found[result["mid"]] = result
    return found


# --------------------------------------------------------------------------------------------
# scope exits


def record_scope_exits(
    conn: Connection, clock: VersionClock, account_id: str, customer_ids: Iterable[str]
) -> int:
    """Remember that ``account_id`` lost access to these customers (and all under them), in the
    transaction that moved them, with versions from its ``clock``: the account's devices learn
    it from the pull whose range holds those versions (``revoked``) and purge their copies.

    A manager reads the whole tenant, so nothing leaves a manager's scope. Exits at or below
    the tenant's tombstone horizon are dropped on the way: a cursor that old resets anyway.
    """
    role = conn.execute(
        select(accounts.c.role).where(accounts.c.id == account_id)
    ).scalar_one_or_none()
    if role is None or Role(role) is Role.MANAGER:
        return 0
    now = utcnow()
    rows = [
        {
            "tenant_id": clock.tenant_id,
            "account_id": account_id,
            "version": clock.next(),
            "customer_id": customer_id,
            "created_at": now,
        }
        for customer_id in sorted(set(customer_ids))
    ]
    if rows:
        conn.execute(insert(scope_exits), rows)
    if clock.tombstone_horizon:
        conn.execute(
            delete(scope_exits).where(
                scope_exits.c.tenant_id == clock.tenant_id,
                scope_exits.c.version <= clock.tombstone_horizon,
            )
        )
    return len(rows)


# --------------------------------------------------------------------------------------------
# pull


def pull(
    engine: Engine,
    principal: Principal,
    *,
    cursor: int,
    limit: int,
    epoch: str | None = None,
) -> bytes:
    """One page of changes after ``cursor`` in the principal's scope, as ``PullResponse`` JSON.

    The database writes each record's JSON (``_record_json``): Python only joins the texts, so
    a row costs one short string here instead of five values to format.
    """
    with read_transaction(engine) as conn:
        current_epoch = get_epoch(conn)
        tenant = conn.execute(
            select(tenants.c.last_version, tenants.c.tombstone_horizon).where(
                tenants.c.id == principal.tenant_id
            )
        ).one()
        reset = (
            (epoch is not None and epoch != current_epoch)
            or (0 < cursor < int(tenant.tombstone_horizon))
            or cursor > int(tenant.last_version)
        )
        if reset:
            return orjson.dumps(
                {
                    "epoch": current_epoch,
                    "cursor": 0,
                    "more": False,
                    "reset": True,
                    "records": [],
                    "remaining": None,
                    "revoked": [],
                }
            )
        rows = conn.execute(
            _PAGE_QUERIES[principal.reads_whole_tenant],
            {
                "tenant_id": principal.tenant_id,
                "owner_id": principal.account_id,
                "cursor": cursor,
                "limit": limit + 1,
            },
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        last_row = int(rows[-1][0]) if rows else cursor
        # The page covers versions (cursor, upper]. Commit order is version order (the version
        # lock), so everything up to ``upper`` was committed before this statement's reads:
        # up to the tenant's last version as read above, or up to a row this page saw.
        upper = last_row if more else max(last_row, int(tenant.last_version))
        exits = _scope_exits(conn, principal, cursor, upper)
        remaining = _remaining(conn, principal, last_row) if more else 0

    revoked = list(dict.fromkeys(customer_id for _, customer_id in exits))
    dumps = orjson.dumps
    # A last page moves the cursor past the exits it reports, which have no record row.
    next_cursor = max([last_row, *(int(version) for version, _ in exits)])
    body = (
        f'{{"epoch":{dumps(current_epoch).decode()},"cursor":{next_cursor},'
        f'"more":{"true" if more else "false"},"reset":false,"remaining":{remaining},'
        f'"revoked":{dumps(revoked).decode()},"records":['
        + ",".join([row[1] for row in rows])
        + "]}"
    )
    return body.encode()


def _scope_exits(conn: Connection, principal: Principal, after: int, upper: int) -> list[Any]:
    """(version, customer_id) of the principal's scope exits in versions (after, upper]."""
    if principal.reads_whole_tenant or upper <= after:
        return []
    return list(
        conn.execute(
            select(scope_exits.c.version, scope_exits.c.customer_id)
            .where(
                scope_exits.c.tenant_id == principal.tenant_id,
                scope_exits.c.account_id == principal.account_id,
                scope_exits.c.version > after,
                scope_exits.c.version <= upper,
            )
            .order_by(scope_exits.c.version)
        ).all()
    )


def _remaining(conn: Connection, principal: Principal, after: int) -> int:
    """How many records (tombstones included) of the principal's scope come after version
    ``after``: index-only range counts on (tenant_id, owner_id, version), as the page query."""
    base = (records.c.tenant_id == principal.tenant_id) & (records.c.version > after)
    if principal.reads_whole_tenant:
        query = select(func.count()).select_from(records).where(base)
    else:
        own = (
            select(func.count())
            .select_from(records)
            .where(base, records.c.owner_id == principal.account_id)
            .scalar_subquery()
        )
        shared = (
            select(func.count())
            .select_from(records)
            .where(base, records.c.owner_id.is_(None))
            .scalar_subquery()
        )
        query = select(own + shared)
    return int(conn.execute(query).scalar_one())


class _JsonString(FunctionElement[str]):
    """A text value as a JSON string literal, quotes and escapes included."""

    type = Text()
    inherit_cache = True


@compiles(_JsonString, "postgresql")
def _json_string_pg(element: _JsonString, compiler: Any, **kw: Any) -> str:
    return f"to_json({compiler.process(element.clauses, **kw)})::text"


@compiles(_JsonString)
def _json_string_other(element: _JsonString, compiler: Any, **kw: Any) -> str:
    return f"json_quote({compiler.process(element.clauses, **kw)})"  # SQLite


def _record_json(source: Any) -> Any:
    """One record of a pull page, as the text of a ``PullRecord`` object, written by the
    database: ``data`` is the stored JSON text as is (``json`` on PostgreSQL, text on SQLite),
    tombstones carry ``null``. Building it in SQL costs PostgreSQL less than handing five
    columns per row to Python and formatting them there (60-100 ms of a 28k-record pull)."""
    return (
        literal('{"collection":')
        + _JsonString(source.collection)
        + literal(',"id":')
        + _JsonString(source.id)
        + literal(',"version":')
        + cast(source.version, Text)
        + case(
            (source.deleted, literal(',"deleted":true,"data":null}')),
            else_=literal(',"deleted":false,"data":') + cast(source.data, Text) + literal("}"),
        )
    )


def _page_query(whole_tenant: bool) -> Any:
    """(version, record JSON) of the page after ``:cursor``, at most ``:limit`` rows, for
    ``:tenant_id`` (and, unless ``whole_tenant``, the scope of ``:owner_id``). Built once per
    shape, with bound parameters, so that a pull does not rebuild and re-look-up its SQL."""
    columns = (
        records.c.collection,
        records.c.id,
        records.c.version,
        records.c.deleted,
        records.c.data,
    )
    limit = bindparam("limit", type_=BigInteger)
    base = (records.c.tenant_id == bindparam("tenant_id")) & (
        records.c.version > bindparam("cursor", type_=BigInteger)
    )
    if whole_tenant:
        return (
            select(records.c.version, _record_json(records.c))
            .where(base)
            .order_by(records.c.version)
            .limit(limit)
        )
    # Two range scans of (tenant_id, owner_id, version), merged: own records and shared ones.
    # The record text is made above the merge, for the rows of the page only.
    own = (
        select(*columns)
        .where(base, records.c.owner_id == bindparam("owner_id"))
        .order_by(records.c.version)
        .limit(limit)
        .subquery()
    )
    shared = (
        select(*columns)
        .where(base, records.c.owner_id.is_(None))
        .order_by(records.c.version)
        .limit(limit)
        .subquery()
    )
    merged = union_all(select(own), select(shared)).subquery()
    return select(merged.c.version, _record_json(merged.c)).order_by(merged.c.version).limit(limit)


_PAGE_QUERIES = {True: _page_query(True), False: _page_query(False)}
