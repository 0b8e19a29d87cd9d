"""Killing the app at any moment never leaves a change without its outbox entry, or vice versa.

A child process (``store_crash_writer.py``) writes through units of work as fast as it can; the
test SIGKILLs it at random moments, 25 times, and after each kill checks the file: SQLite's
integrity check passes, the store opens, and replaying the outbox gives exactly the rows stored.

SIGKILL ends the process, not the machine: what the kernel already had survives, so this proves
the process-level atomicity of a write and its outbox entry (one transaction), not durability
through a power cut (that is what ``synchronous=FULL`` is for, tested as a pragma).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import select
from store_testkit import fold, outbox_entries, wire_state

from fieldsales.records import Customer, Visit
from fieldsales.store import open_store

WRITER = Path(__file__).with_name("store_crash_writer.py")
KILLS = 25


def _start_writer(path: Path, seed: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check(path: Path) -> tuple[int, int]:
    """Integrity and outbox completeness after a kill; returns (visit rows, outbox entries)."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    entries = outbox_entries(path)
    replayed = fold(entries)
    with open_store(path) as store, store.read() as session:
        stored = {("visits", v.id): wire_state(v) for v in session.exec(select(Visit)).all()} | {
            ("customers", c.id): wire_state(c) for c in session.exec(select(Customer)).all()
        }
    # Every row's every change is in the outbox (the replay equals the row) ...
    for key, row in stored.items():
        assert key in replayed, f"{key} has no outbox entry"
        assert replayed[key] == row, f"{key}: the outbox replays to something else than the row"
    # ... and no outbox entry belongs to a write that did not happen.
    assert set(replayed) == set(stored)
    visits = sum(1 for collection, _ in stored if collection == "visits")
    return visits, len(entries)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_splits_a_write_from_its_outbox_entry(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fieldsales.sqlite3"
    open_store(path).close()
    rng = random.Random(20260302)
    deadline = time.monotonic() + 120
    progress: list[tuple[int, int]] = []
    for kill in range(KILLS):
        writer = _start_writer(path, seed=kill)
        try:
            assert writer.stdout is not None
            line = writer.stdout.readline()  # the first unit of work is committed
            assert line.strip() == "ready", writer.stderr.read() if writer.stderr else ""
            time.sleep(rng.uniform(0.0, 0.3))
            assert writer.poll() is None, "the writer stopped by itself"
        finally:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=30)
            if writer.stdout:
                writer.stdout.close()
            if writer.stderr:
                writer.stderr.close()
        assert writer.returncode == -signal.SIGKILL
        progress.append(_check(path))
        assert time.monotonic() < deadline, "the crash loop is too slow for the suite"
    visits = [v for v, _ in progress]
    entries = [e for _, e in progress]
    assert visits == sorted(visits)  # nothing committed was lost
    assert entries == sorted(entries)
    assert entries[-1] > entries[0] + KILLS  # and the writers did real work between kills
