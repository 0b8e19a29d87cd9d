"""``fieldsales sync`` against ``fieldsales-server`` with demo data, into an empty directory."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_support import ServerProcess, settings_for

from fieldsales.cli import sync_command
from fieldsales.demo import DemoData, generate
from fieldsales.records import ALL_RECORDS, Contact
from fieldsales.server import accounts, migrate
from fieldsales.server.db import make_engine
from fieldsales.server.security import password_hasher
from fieldsales.server.seeding import load_records
from fieldsales.store import open_store
from fieldsales.sync.summary import Phase, Progress

DEMO_PASSWORD = "demo-wachtwoord"


@dataclass
class DemoServer:
    url: str
    data: DemoData


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-server') / 'server.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    data = generate(
        seed=5, salespeople=2, customers_per_salesperson=15, prospects_per_salesperson=3, years=1
    )
    tenant_id = accounts.create_team_with_users(
        engine,
        tenant_name=data.tenant_name,
        team=data.team,
        users=data.users,
        password=DEMO_PASSWORD,
        hasher=password_hasher(settings_for(url)),
        demo=True,
    )
    load_records(
        engine, tenant_id, [r for r in data.records() if r.collection not in ("teams", "users")]
    )
    engine.dispose()
    server = ServerProcess(url).start()
    try:
        yield DemoServer(server.url, data)
    finally:
        server.stop()


def args(server: str, data_dir: Path, **extra: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "server": server,
        "username": "verkoper1",
        "data_dir": data_dir,
        "full": False,
        "json": False,
        "quiet": False,
        "timeout": 120.0,
    }
    values.update(extra)
    return argparse.Namespace(**values)


def stored_ids(path: Path) -> set[tuple[str, str]]:
    store = open_store(path)
    try:
        with store.read() as session:
            return {
                (cls.collection, record_id)
                for cls in ALL_RECORDS
                for record_id in session.scalars(select(cls.id))  # type: ignore[call-overload]
            }
    finally:
        store.close()


def test_fills_an_empty_data_directory(
    demo_server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDSALES_PASSWORD", DEMO_PASSWORD)
    out, err = io.StringIO(), io.StringIO()
    data_dir = tmp_path / "nieuw" / "apparaat"  # does not exist yet
    code = sync_command.run(args(demo_server.url, data_dir), stdout=out, stderr=err)
    user = demo_server.data.user("verkoper1")
    expected = {(r.collection, r.id) for r in demo_server.data.records_for(user.id)}
    assert stored_ids(data_dir) == expected
    text = out.getvalue()
    assert f"Opgehaald: {len(expected):,} records".replace(",", ".") in text
    assert "Versturen..." in err.getvalue()
    assert "Ophalen..." in err.getvalue()  # a line per step: stderr is not a terminal here
    due = "vervolgactie" in text
    assert code == (sync_command.EXIT_ATTENTION if due else sync_command.EXIT_OK)

    # A second run pulls nothing new and reports in JSON for scripts.
    out = io.StringIO()
    code = sync_command.run(args(demo_server.url, data_dir, json=True), stdout=out)
    report = json.loads(out.getvalue())
    assert report["down"]["pulled"] == 0
    assert report["wire"]["requests"] == 2  # log in and one pull (the account is remembered)
    assert code in (sync_command.EXIT_OK, sync_command.EXIT_ATTENTION)


def test_a_refused_change_makes_the_exit_code_say_so(
    demo_server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDSALES_PASSWORD", DEMO_PASSWORD)
    store = open_store(tmp_path)
    with store.unit_of_work() as uow:
        uow.add(Contact(customer_id="niet-bestaand", last_name="Zwerver"))
        uow.commit()
    store.close()
    out = io.StringIO()
    code = sync_command.run(
        args(demo_server.url, tmp_path, username="verkoper2", json=True), stdout=out
    )
    assert code == sync_command.EXIT_ATTENTION
    report = json.loads(out.getvalue())
    assert report["up"]["rejected"] == 1
    assert [r["code"] for r in report["attention"]["new_rejections"]] == ["unknown_customer"]


def test_wrong_password_fails_in_dutch(
    demo_server: DemoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDSALES_PASSWORD", "niet-het-wachtwoord")
    err = io.StringIO()
    code = sync_command.run(args(demo_server.url, tmp_path), stdout=io.StringIO(), stderr=err)
    assert code == sync_command.EXIT_FAILED
    assert "wachtwoord klopt niet" in err.getvalue()


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDSALES_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no prompt possible
    err = io.StringIO()
    assert sync_command.run(args("http://127.0.0.1:1", tmp_path), stderr=err) == 2
    assert "FIELDSALES_PASSWORD" in err.getvalue()
    monkeypatch.setenv("FIELDSALES_PASSWORD", "x")
    assert sync_command.run(args("ftp://server", tmp_path), stderr=io.StringIO()) == 2


def test_register_adds_the_sub_command() -> None:
    parser = argparse.ArgumentParser(prog="fieldsales")
    sync_command.register(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(["sync", "--server", "http://x", "--username", "an", "--full"])
    assert parsed.func is sync_command.run
    assert (parsed.server, parsed.username, parsed.full, parsed.data_dir) == (
        "http://x",
        "an",
        True,
        None,
    )


def test_the_progress_bar_at_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    printer = sync_command.ProgressPrinter(screen)
    printer(Progress(Phase.PUSH, up_done=5, up_total=10))
    printer(Progress(Phase.PULL, down_done=1234))
    printer(Progress(Phase.DONE, up_done=10, down_done=2000))
    text = screen.getvalue()
    assert "[############------------] 5/10 wijzigingen" in text
    assert "1,234 records" in text
    assert text.endswith("\n")


def test_no_connection_says_so_and_gives_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDSALES_PASSWORD", "wat-dan-ook")
    err = io.StringIO()
    unreachable = "http://127.0.0.1:9"  # the discard port: nothing listens
    code = sync_command.run(args(unreachable, tmp_path, timeout=1.5), stderr=err)
    assert code == sync_command.EXIT_FAILED
    text = err.getvalue()
    assert "Geen verbinding met de server" in text
    assert "Nieuwe poging over" in text  # the user sees it is retrying, not hanging
    assert "(sync_stalled)" in text
