from __future__ import annotations

from fieldsales.cli import app


def test_fieldsales_sync_is_a_sub_command(capsys, monkeypatch):
    args = app.parse_args(["sync", "--server", "127.0.0.1:1", "--username", "verkoper1"])
    assert args.command == "sync"
    monkeypatch.setenv("FIELDSALES_PASSWORD", "irrelevant")
    # The command itself runs: a server address without a scheme is a usage error (exit 2).
    assert app.main(["sync", "--server", "127.0.0.1:1", "--username", "verkoper1"]) == 2
    assert "http://" in capsys.readouterr().err


def test_without_a_sub_command_the_app_starts():
    assert app.parse_args([]).command == "app"
    assert app.parse_args(["--web"]).command == "app"
