"""Sync client benchmark: the initial sync of a salesperson's portfolio into an empty device,
and the day-end sync, against the real ``fieldsales-server`` (PostgreSQL and SQLite) on
loopback and through a simulated mobile link (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up).

Workload (issue 4 item 4): exactly the issue's counts, 300 products, 500 customers, 1,500
contacts, 6,000 visit reports and 20,000 order lines (28,300 records), taken from
``fieldsales.demo.portfolio(seed=1, customers=500)`` (which makes 312 products, 625 customers
and prospects, 1,512 contacts, 6,077 visits and 21,775 order lines) by ``issue_workload``, and
loaded into the server as an import would; the device pulls them plus the team directory. The
visit reports are the issue's size (about 880 bytes of JSON each); the order lines are not: ours
carry 14 fields (ids of order, customer and product, timestamps, VAT) in about 450 bytes, so the
workload is 18.0 MB of compact JSON where the issue's is 9.1 MB, yet it gzips to 2.37 MB (the
issue's: 2.42 MB). Day-end: 61 local changes (8 new visits, 3 new customers, 20 customer edits,
30 new order lines) against 200 remote ones (visit reports, order lines and customer notes
changed on the server).

The byte floor is the workload's records as compact JSON, gzipped at level 9: the issue's
yardstick for what a protocol moves (the app's pull pages come zstd-compressed and go below
it; a client that only accepts gzip gets gzip level 3). Times are wall clock around
``SyncEngine.run`` (the login before it is not counted); requests and bytes are counted by the
client (HTTP bodies as sent and received), on the mobile link by the proxy (headers included).

    python -m benchmarks sync_client [--quick]
"""

from __future__ import annotations

import gzip
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text

from benchmarks._report import Result
from fieldsales.demo import portfolio
from fieldsales.domain.enums import CustomerKind, VisitStatus
from fieldsales.records import Customer, OrderLine, SyncedRecord, Visit
from fieldsales.server import loopback
from fieldsales.store import Store, open_store
from fieldsales.sync.client import SyncClient, make_http_client
from fieldsales.sync.engine import SyncEngine, SyncOptions
from fieldsales.sync.summary import SyncSummary

WORKLOAD = ("products", "customers", "contacts", "visits", "order_lines")
#: The issue's counts per collection (28,300 records).
ISSUE_COUNTS = {
    "products": 300,
    "customers": 500,
    "contacts": 1500,
    "visits": 6000,
    "order_lines": 20000,
}
PASSWORD = "benchmark-wachtwoord"
PG_URL = os.environ.get(
    "FIELDSALES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TODAY = date(2026, 11, 28)
TARGETS = {
    "initial_loopback_pg_s": 0.45,
    "bytes_vs_floor": 1.3,
    "dayend_round_trips": 2,
    "dayend_loopback_s": 0.1,
    "dayend_mobile_s": 2.0,
}
#: The reference: Kinto sends the issue's workload (9.1 MB of compact JSON) as 9.9 MB.
KINTO_BYTES = 9.9e6
ISSUE_JSON_BYTES = 9.1e6


@dataclass
class Workload:
    """The records the server holds and the device pulls, with the lists the day-end uses."""

    records: list[SyncedRecord]
    customers: list[Customer]
    visits: list[Visit]
    order_lines: list[OrderLine]


def issue_workload(data: Any) -> Workload:
    """The issue's counts out of the demo portfolio, every reference kept inside the workload.

    The 500 customers are the portfolio's customers (its 125 prospects are left out); their own
    contacts are 1,336, so 164 of the prospects' contacts move to them (round robin) to make
    1,500. Visits of those customers: the first 6,000. Products: the 300 most ordered (ties by
    id), and the first 20,000 order lines of the kept customers on those products.
    """
    customers = [c for c in data.customers if c.kind is CustomerKind.CUSTOMER]
    customers = customers[: ISSUE_COUNTS["customers"]]
    kept = {c.id for c in customers}
    contacts = [k for k in data.contacts if k.customer_id in kept]
    extra = [k for k in data.contacts if k.customer_id not in kept]
    for i, contact in enumerate(extra[: ISSUE_COUNTS["contacts"] - len(contacts)]):
        moved = contact.model_copy(update={"customer_id": customers[i % len(customers)].id})
        contacts.append(moved)
    contact_ids = {k.id for k in contacts}
    visits = [
        v
        for v in data.visits
        if v.customer_id in kept and (v.contact_id is None or v.contact_id in contact_ids)
    ][: ISSUE_COUNTS["visits"]]
    used = Counter(line.product_id for line in data.order_lines if line.customer_id in kept)
    ranked = sorted(data.products, key=lambda p: (-used[p.id], p.id))[: ISSUE_COUNTS["products"]]
    product_ids = {p.id for p in ranked}
    products = [p for p in data.products if p.id in product_ids]  # catalogue order
    lines = [
        line
        for line in data.order_lines
        if line.customer_id in kept and line.product_id in product_ids
    ][: ISSUE_COUNTS["order_lines"]]
    by_collection: dict[str, list[SyncedRecord]] = {
        "products": list(products),
        "customers": list(customers),
        "contacts": list(contacts),
        "visits": list(visits),
        "order_lines": list(lines),
    }
    counts = {name: len(items) for name, items in by_collection.items()}
    if counts != ISSUE_COUNTS:  # the portfolio generator changed: the workload must not drift
        raise RuntimeError(f"workload is {counts}, not the issue's {ISSUE_COUNTS}")
    records = [record for name in WORKLOAD for record in by_collection[name]]
    return Workload(records, customers, visits, lines)


# --- the server ----------------------------------------------------------------------------------


@contextmanager
def running_server(database_url: str) -> Iterator[str]:
    """``fieldsales-server serve`` on a free loopback port until the block ends."""
    env = loopback.server_env(
        database_url, secret_key="benchmark-secret-key-123456", **loopback.FAST_HASHING
    )
    with loopback.running_server(env) as server:
        yield server.url


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database, or None when no server is reachable."""
    import psycopg

    with ExitStack() as stack:
        try:
            url: str | None = stack.enter_context(
                loopback.scratch_database(PG_URL, prefix="fieldsales_bench")
            )
        except psycopg.OperationalError:
            url = None
        yield url


@dataclass
class Seeded:
    url: str  # database
    tenant_id: str
    username: str
    user_id: str


def seed(database_url: str, records: list[SyncedRecord], data: Any) -> Seeded:
    from fieldsales.server import accounts, migrate
    from fieldsales.server.db import make_engine
    from fieldsales.server.security import password_hasher
    from fieldsales.server.seeding import load_records
    from fieldsales.server.settings import Settings

    engine = make_engine(database_url)
    migrate.upgrade(engine)
    settings = Settings(
        env="test",
        database_url=database_url,
        secret_key="benchmark-secret-key-123456",
        argon2_time_cost=1,
        argon2_memory_kib=64,
        argon2_parallelism=1,
    )
    tenant_id = accounts.create_team_with_users(
        engine,
        tenant_name=data.tenant_name,
        team=data.team,
        users=data.users,
        password=PASSWORD,
        hasher=password_hasher(settings),
    )
    seller = data.salespeople[0]
    load_records(engine, tenant_id, records)
    if engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load on a production server (this machine's
        # PostgreSQL runs with autovacuum off): statistics for the planner and the visibility
        # map for the index-only counts of ``remaining``.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return Seeded(database_url, tenant_id, seller.username, seller.id)


def remote_changes(seeded: Seeded, data: Workload, round_: int) -> int:
    """200 changes made elsewhere (another device, the office), written on the server."""
    from fieldsales.server.db import make_engine, write_transaction
    from fieldsales.server.writer import ServerWriter

    engine = make_engine(seeded.url)
    stamp = f"{round_}-{secrets.token_hex(2)}"
    try:
        with write_transaction(engine) as conn:
            writer = ServerWriter(conn, seeded.tenant_id)
            for i, visit in enumerate(data.visits[round_ * 100 : round_ * 100 + 100]):
                writer.upsert("visits", visit.id, {"report": f"Bijgewerkt op kantoor {stamp} {i}"})
            for line in data.order_lines[round_ * 60 : round_ * 60 + 60]:
                writer.upsert("order_lines", line.id, {"description": f"Herzien {stamp}"})
            for customer in data.customers[round_ * 40 : round_ * 40 + 40]:
                writer.upsert("customers", customer.id, {"notes": f"Notitie {stamp}"})
            writer.finish()
    finally:
        engine.dispose()
    return 200


def local_changes(store: Store, data: Workload, user_id: str, round_: int) -> int:
    """61 changes on the device: 8 new visits, 3 new customers, 20 edits, 30 order lines."""
    customers = [c for c in data.customers if c.owner_id == user_id]
    lines = data.order_lines
    start = datetime(2026, 11, 27, 8, tzinfo=UTC)
    with store.unit_of_work() as uow:
        for i in range(8):
            uow.add(
                Visit(
                    customer_id=customers[i].id,
                    owner_id=user_id,
                    planned_start=start + timedelta(hours=i),
                    status=VisitStatus.REPORTED,
                    report="Goed gesprek over het assortiment; offerte volgt. " * 12,
                )
            )
        for i in range(3):
            uow.add(Customer(owner_id=user_id, name=f"Nieuwe klant {round_}-{i}", city="Utrecht"))
        for customer in customers[50 + round_ * 20 : 70 + round_ * 20]:
            stored = uow.session.get(Customer, customer.id)
            assert stored is not None
            uow.update(stored, phone=None, sector=f"Horeca {round_}")
        for i in range(30):
            template = lines[i]
            uow.add(
                OrderLine(
                    order_id=template.order_id,
                    customer_id=template.customer_id,
                    product_id=template.product_id,
                    position=100 + i,
                    quantity=Decimal(2),
                    unit_price_cents=template.unit_price_cents,
                    net_cents=2 * template.unit_price_cents,
                )
            )
        uow.commit()
    return 61


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    records: int
    requests: int
    up: int
    down: int
    summary: SyncSummary
    checkpoint_s: float | None = None  # the background WAL checkpoint left after the sync

    @property
    def rate(self) -> float:
        """Records per second."""
        return self.records / self.seconds if self.seconds else 0.0


def timed_sync(store: Store, client: SyncClient, options: SyncOptions, proxy: Any = None) -> Run:
    engine = SyncEngine(store, client, options=options)
    if proxy is not None:
        proxy.reset_counters()
    before = client.stats.copy()
    started = time.perf_counter()
    summary = engine.run()
    seconds = time.perf_counter() - started
    stats = client.stats.since(before)
    up, down, requests = stats.bytes_sent, stats.bytes_received, stats.requests
    if proxy is not None:
        proxy.settle()
        up, down, requests = proxy.bytes_up, proxy.bytes_down, len(proxy.requests())
    records = summary.pulled + summary.deleted + summary.pushed
    return Run(seconds, records, requests, up, down, summary)


def _proxy_module() -> Any:
    """The fault proxy of the sync tests, which also shapes a link."""
    path = str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "sync")
    if path not in sys.path:
        sys.path.insert(0, path)
    import faultproxy

    return faultproxy


def measure_backend(
    name: str,
    server_url: str,
    seeded: Seeded,
    data: Workload,
    *,
    repeats: int,
    mobile: bool,
    options: SyncOptions,
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    initial: list[Run] = []
    workdir = Path(tempfile.mkdtemp(prefix=f"sync-bench-{name}-"))
    # One warm-up, then the timed runs, each into an empty store: the same method as the Kinto
    # reference (benchmarks/kinto_reference.py), whose figure the target is a ratio of. The
    # warm-up's own time (a first sync in a fresh process) is kept apart and reported too.
    for attempt in range(-1, repeats):
        store = open_store(workdir / f"initial-{attempt + 1}.sqlite3")
        with make_http_client(server_url) as http:
            client = SyncClient(http, username=seeded.username, password=PASSWORD)
            client.login()
            run = timed_sync(store, client, options)
        # The engine folds the WAL into the file on a background thread after the pull (not
        # part of the sync's time: the app is usable meanwhile); closing waits for it.
        started = time.perf_counter()
        store.close()
        run.checkpoint_s = time.perf_counter() - started
        if attempt < 0:
            found["initial_cold"] = run
        else:
            initial.append(run)
    found["initial"] = initial
    found["store_floor_s"] = store_floor(server_url, seeded, options, repeats)
    plain: list[Run] = []
    for attempt in range(repeats):
        store = open_store(workdir / f"plain-{attempt}.sqlite3")
        with make_http_client(server_url, compressed=False) as http:
            client = SyncClient(http, username=seeded.username, password=PASSWORD)
            client.login()
            plain.append(timed_sync(store, client, options))
        store.close()
    found["initial_uncompressed"] = plain

    # Day-end on the device of the first initial sync.
    dayend: list[Run] = []
    store = open_store(workdir / "initial-0.sqlite3")
    with make_http_client(server_url) as http:
        client = SyncClient(http, username=seeded.username, password=PASSWORD)
        client.login()
        for round_ in range(repeats):
            local_changes(store, data, seeded.user_id, round_)
            remote_changes(seeded, data, round_)
            dayend.append(timed_sync(store, client, options))
    store.close()
    found["dayend"] = dayend

    if mobile:
        faultproxy = _proxy_module()
        link = faultproxy.Link(rtt=0.150, down_bps=1_600_000, up_bps=750_000)
        with faultproxy.FaultProxy(server_url, link=link) as proxy:
            store = open_store(workdir / "mobile.sqlite3")
            with make_http_client(proxy.url) as http:
                client = SyncClient(http, username=seeded.username, password=PASSWORD)
                client.login()
                found["mobile_initial"] = timed_sync(store, client, options, proxy)
                round_ = repeats
                local_changes(store, data, seeded.user_id, round_)
                remote_changes(seeded, data, round_)
                found["mobile_dayend"] = timed_sync(store, client, options, proxy)
            store.close()
    return found


def store_floor(server_url: str, seeded: Seeded, options: SyncOptions, repeats: int) -> float:
    """Seconds to write the initial sync's rows, already built, into an empty store's tables and
    indexes with one bare ``executemany`` per table and one transaction per page (the relaxed
    pragmas of a pull, search triggers off): what SQLite alone costs, whatever the protocol.
    Median of ``repeats`` after one warm-up."""
    import sqlite3

    from fieldsales.store import sync_apply

    pages = []
    with make_http_client(server_url) as http:
        client = SyncClient(http, username=seeded.username, password=PASSWORD)
        client.login()
        cursor, more = 0, True
        while more:
            page = client.pull(cursor, limit=options.pull_limit)
            pages.append(sync_apply.prepare_page(page.records))
            cursor, more = page.cursor, page.more
    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-floor-"))
    timings = []
    for attempt in range(repeats + 1):
        path = workdir / f"floor-{attempt}.sqlite3"
        open_store(path).close()  # the store's schema, as its migrations make it
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA wal_autocheckpoint = 16384")
            for (trigger,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall():
                conn.execute(f'DROP TRIGGER "{trigger}"')
            started = time.perf_counter()
            for prepared in pages:
                conn.execute("BEGIN")
                for group in prepared.groups:
                    conn.executemany(group.spec.insert_sql, [row for _, row in group.live])
                conn.execute("COMMIT")
            if attempt:
                timings.append(time.perf_counter() - started)
        finally:
            conn.close()
    timings.sort()
    return timings[(len(timings) - 1) // 2]


def _kinto_here() -> float | None:
    """The median of Kinto's initial pull of this workload on this machine, as
    ``python -m benchmarks kinto_reference`` last measured it (None if it never ran here)."""
    path = Path(__file__).parent / "results" / "kinto_reference.json"
    try:
        runs = orjson.loads(path.read_bytes())["identity"]
        seconds = sorted(float(run["seconds"]) for run in runs)
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return seconds[(len(seconds) - 1) // 2] if seconds else None


def _median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[(len(ordered) - 1) // 2]


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def run(*, quick: bool) -> Result:
    data = portfolio(seed=1, customers=500, today=TODAY)
    workload = issue_workload(data)
    records = workload.records
    counts = Counter(r.collection for r in records)
    versioned = [
        {
            "collection": r.collection,
            "id": r.id,
            "version": i,
            "deleted": False,
            "data": r.to_wire(),
        }
        for i, r in enumerate(records, start=1)
    ]
    compact = orjson.dumps(versioned)
    floor = len(gzip.compress(compact, compresslevel=9))
    repeats = 1 if quick else 5
    options = SyncOptions()

    result = Result("sync_client", "Sync client: initial and day-end sync (issue 4)")
    result.data["workload"] = {
        "counts": dict(counts),
        "records": len(records),
        "json_bytes": len(compact),
        "gzip_floor_bytes": floor,
    }
    result.add(
        "workload",
        ", ".join(f"{counts[c]:,} {c}" for c in WORKLOAD) + f" = {len(records):,} records",
    )
    result.add(
        "compact JSON / gzip floor",
        f"{_mb(len(compact))} / {_mb(floor)} (the issue's: 9.10 MB / 2.42 MB)",
    )

    # Everything here is CPU-bound on the machine's cores (server, PostgreSQL and device share
    # them), so the load the benchmark found says how far the figures can be trusted.
    load_before = os.getloadavg()
    measured: dict[str, dict[str, Any]] = {}
    with postgres_database() as pg_url:
        backends: list[tuple[str, str]] = []
        if pg_url is not None:
            backends.append(("postgres", pg_url))
        sqlite_dir = Path(tempfile.mkdtemp(prefix="sync-bench-server-"))
        backends.append(("sqlite", f"sqlite:///{sqlite_dir / 'server.sqlite3'}"))
        for name, url in backends:
            seeded = seed(url, records, data)
            with running_server(url) as server_url:
                measured[name] = measure_backend(
                    name,
                    server_url,
                    seeded,
                    workload,
                    repeats=repeats,
                    mobile=(name == backends[0][0]),
                    options=options,
                )

    for name, found in measured.items():
        initial = _median(found["initial"])
        best = min(found["initial"], key=lambda r: r.seconds)
        target = TARGETS["initial_loopback_pg_s"] if name == "postgres" else None
        result.add(
            f"initial sync, loopback, server on {name} (median of {len(found['initial'])})",
            f"{initial.seconds:.2f} s (best {best.seconds:.2f} s), {initial.rate:,.0f} records/s, "
            f"{initial.requests} requests, up {_mb(initial.up)}, down {_mb(initial.down)}",
            f"<= {target} s" if target else "",
            (initial.seconds <= target) if target else None,
        )
        cold: Run = found["initial_cold"]
        result.add(
            "  the warm-up before them: a first sync in a fresh process",
            f"{cold.seconds:.2f} s",
        )
        kinto = _kinto_here() if name == "postgres" else None
        if kinto is not None:
            result.add(
                "  vs Kinto 26.5's pull as kinto_reference last measured it here (another moment:"
                " its own run, taking turns with ours, gives the ratio that counts)",
                f"Kinto {kinto:.2f} s: ours {kinto / initial.seconds:.2f}x faster",
                ">= 2x",
                kinto / initial.seconds >= 2,
            )
        floor_s = found["store_floor_s"]
        result.add(
            "  the store's floor: the same rows, already built, into the store's tables and"
            " indexes (one bare executemany per table and page, no search index)",
            f"{floor_s * 1000:.0f} ms: the sync takes {initial.seconds / floor_s:.1f}x that",
        )
        waits = sorted(r.checkpoint_s for r in found["initial"] if r.checkpoint_s is not None)
        if waits:
            result.add(
                "  then the WAL checkpoint on a background thread, left after the sync (median)",
                f"{waits[(len(waits) - 1) // 2] * 1000:.0f} ms",
            )
        plain = _median(found["initial_uncompressed"])
        result.add(
            f"  the same without gzip (Accept-Encoding: identity), server on {name}",
            f"{plain.seconds:.2f} s, {plain.rate:,.0f} records/s, down {_mb(plain.down)}",
        )
        dayend = _median(found["dayend"])
        result.add(
            f"day-end sync, loopback, server on {name} (median of {len(found['dayend'])})",
            f"{dayend.seconds * 1000:.0f} ms, {dayend.requests} requests, "
            f"up {dayend.up / 1000:.1f} kB, down {dayend.down / 1000:.1f} kB "
            f"({dayend.summary.pushed} up, {dayend.summary.pulled} down)",
            f"<= {TARGETS['dayend_loopback_s'] * 1000:.0f} ms, <= 2 round trips",
            dayend.seconds <= TARGETS["dayend_loopback_s"]
            and dayend.requests <= TARGETS["dayend_round_trips"],
        )
        if "mobile_initial" in found:
            mobile: Run = found["mobile_initial"]
            ratio = mobile.down / floor
            result.add(
                f"initial sync, mobile link, server on {name}",
                f"{mobile.seconds:.1f} s, {mobile.rate:,.0f} records/s, {mobile.requests} "
                f"requests, up {_mb(mobile.up)}, down {_mb(mobile.down)} "
                f"({ratio:.2f}x the gzip floor)",
                "<= 1.3x floor",
                ratio <= TARGETS["bytes_vs_floor"],
            )
            # Kinto moves its workload's JSON about as is; scaled to this workload's JSON
            # (larger than the issue's 9.1 MB: see the module docstring), that is its transfer
            # time on the same link.
            kinto_seconds = KINTO_BYTES * len(compact) / ISSUE_JSON_BYTES * 8 / 1_600_000
            result.add(
                "  vs Kinto's bytes for this workload on that link (transfer alone)",
                f"{kinto_seconds:.0f} s: {kinto_seconds / mobile.seconds:.1f}x faster",
                ">= 3x",
                kinto_seconds / mobile.seconds >= 3,
            )
            mobile_day: Run = found["mobile_dayend"]
            result.add(
                f"day-end sync, mobile link, server on {name}",
                f"{mobile_day.seconds:.2f} s, {mobile_day.requests} requests, "
                f"up {mobile_day.up / 1000:.1f} kB, down {mobile_day.down / 1000:.1f} kB",
                f"< {TARGETS['dayend_mobile_s']} s",
                mobile_day.seconds < TARGETS["dayend_mobile_s"],
            )
        result.data[name] = {
            key: (
                [_as_dict(r) for r in value]
                if isinstance(value, list)
                else round(value, 4)
                if isinstance(value, float)
                else _as_dict(value)
            )
            for key, value in found.items()
        }
    load_after = os.getloadavg()
    result.add(
        f"machine load (1 / 5 min load average, {os.cpu_count()} cores) before / after",
        f"{load_before[0]:.2f} / {load_before[1]:.2f} before, "
        f"{load_after[0]:.2f} / {load_after[1]:.2f} after",
    )
    result.data["load"] = {"before": load_before, "after": load_after, "cores": os.cpu_count()}
    return result


def _as_dict(run: Run) -> dict[str, Any]:
    return {
        "seconds": round(run.seconds, 4),
        "records": run.records,
        "records_per_s": round(run.rate),
        "requests": run.requests,
        "bytes_up": run.up,
        "bytes_down": run.down,
        "pushed": run.summary.pushed,
        "pulled": run.summary.pulled,
        "pages": run.summary.pages,
    }
