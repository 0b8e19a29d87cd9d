from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from fieldsales.cli import admin
from fieldsales.demo import generate
from fieldsales.records import Customer
from fieldsales.store import open_store

TODAY = date(2026, 11, 28)


def test_demo_data_fills_server_and_device_and_is_idempotent(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    device = tmp_path / "verkoper2"
    argv = [
        "demo-data",
        "--today",
        TODAY.isoformat(),
        "--database-url",
        url,
        "--data-dir",
        str(device),
        "--user",
        "verkoper2",
    ]
    assert admin.main(argv) == 0
    out = capsys.readouterr().out
    assert "aangemaakt" in out
    assert "'demo' (alleen voor de demo" in out

    data = generate(seed=1, today=TODAY)
    seller = data.user("verkoper2")
    expected = {c.id for c in data.customers if c.owner_id == seller.id}
    # A plain sqlite3 opens the file and shows the demo (what a user would check by hand).
    conn = sqlite3.connect(device / "fieldsales.sqlite3")
    rows = conn.execute("SELECT id, version FROM customers").fetchall()
    assert {row[0] for row in rows} == expected
    assert all(version is not None and version > 0 for _, version in rows)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
    conn.close()

    server = sqlite3.connect(tmp_path / "server.sqlite3")
    total = server.execute("SELECT count(*) FROM records").fetchone()[0]
    accounts = {r[0] for r in server.execute("SELECT username FROM accounts")}
    server.close()
    assert total == sum(data.summary().values())
    assert accounts == {"manager", "verkoper1", "verkoper2", "verkoper3"}

    assert admin.main(argv) == 0  # a second run changes nothing on the server
    assert "bestond al" in capsys.readouterr().out
    server = sqlite3.connect(tmp_path / "server.sqlite3")
    assert server.execute("SELECT count(*) FROM records").fetchone()[0] == total
    server.close()


def test_demo_data_never_overwrites_unsynced_work(tmp_path):
    device = tmp_path / "dev"
    store = open_store(device / "fieldsales.sqlite3")
    with store.unit_of_work() as uow:
        uow.add(Customer(owner_id="me", name="Mijn echte klant"))
        uow.commit()
    store.close()
    with pytest.raises(SystemExit, match="niet gesynchroniseerde"):
        admin.main(["demo-data", "--no-server", "--data-dir", str(device)])


def test_unknown_demo_user_is_refused(tmp_path, capsys):
    code = admin.main(["demo-data", "--no-server", "--data-dir", str(tmp_path), "--user", "x"])
    assert code == 2
    assert "onbekende demogebruiker" in capsys.readouterr().err


def test_admin_has_the_server_commands():
    help_text = admin.build_parser().format_help()
    for command in ("demo-data", "create-user", "import-orders", "reset-password"):
        assert command in help_text
