"""The real ``fieldsales sync`` process killed (SIGKILL) at random moments of a sync over a slow
link, again and again; then one undisturbed run. Nothing is lost, nothing is duplicated, the
store stays healthy, and the device ends equal to the server. Also: commit order equals version
order when a slow server transaction commits after a faster one while a device pulls."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from faultproxy import FaultProxy, Link
from sync_support import PASSWORD, World, assert_equal_to_server, seed_portfolio

from fieldsales.records import Customer
from fieldsales.server.writer import ServerWriter


@pytest.mark.slow
def test_killed_again_and_again_then_synced(world: World) -> None:
    seed_portfolio(world, world.alice, customers=25)
    phone = world.device(world.alice, path=world.tmp / "phone" / "fieldsales.sqlite3")
    made = [phone.customer(name=f"Offline {i}") for i in range(30)]
    path = phone.store.path
    phone.close()
    world.devices.remove(phone)
    env = dict(os.environ, FIELDSALES_PASSWORD=PASSWORD)
    command = [
        sys.executable,
        "-m",
        "fieldsales.cli.sync_command",
        "--username",
        world.alice.username,
        "--data-dir",
        str(path.parent),
        "--quiet",
    ]
    rng = random.Random(4)
    link = Link(rtt=0.02, down_bps=2_000_000, up_bps=1_000_000)
    with FaultProxy(world.backend.url, link=link) as proxy:
        kills = 0
        for _ in range(8):
            process = subprocess.Popen(
                [*command, "--server", proxy.url],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.3, 1.5))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait()
            with sqlite3.connect(path) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert kills >= 3  # most runs were cut off somewhere
        final = subprocess.run(
            [*command, "--server", proxy.url], env=env, capture_output=True, text=True, timeout=120
        )
    assert final.returncode in (0, 3), final.stderr
    phone = world.device(world.alice, path=path)
    assert phone.pending() == 0
    server = world.server_records(world.alice)
    for customer in made:
        assert ("customers", customer.id) in server
    names = [data["name"] for (c, _), data in server.items() if c == "customers"]
    assert len(names) == len(set(names))  # nothing applied twice under a new id
    assert_equal_to_server(world, phone)


def test_a_slow_transaction_committing_after_a_faster_one(world: World) -> None:
    """The server takes versions under the tenant's lock, so a writer that started later waits
    for the slow one; a device pulling in between sees neither, and afterwards both."""
    writer_device = world.device(world.alice)
    reader = world.device(world.alice)
    slow_id = writer_device.customer(name="Langzaam").id
    writer_device.sync()
    reader.sync()
    fast = writer_device.customer(name="Snel")
    with world.backend.engine.connect() as conn:
        transaction = conn.begin()
        if world.backend.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("SELECT 1")  # (SQLAlchemy began lazily; make it a write)
        writer = ServerWriter(conn, world.tenant_id)  # takes the tenant's lock
        writer.upsert("customers", slow_id, {"city": "Eindelijk"})
        writer.finish()
        pushing = threading.Thread(target=writer_device.sync)
        pushing.start()
        time.sleep(0.5)  # the fast push is at the server now, waiting for the lock
        in_between = reader.sync()
        assert in_between.pulled == 0
        assert pushing.is_alive()
        transaction.commit()
    pushing.join(timeout=30)
    reader.sync()
    slow = reader.get(Customer, slow_id)
    assert slow is not None
    assert slow.city == "Eindelijk"
    assert reader.get(Customer, fast.id) is not None
    assert_equal_to_server(world, reader)
