from __future__ import annotations

import os
from pathlib import Path

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


def test_a_web_start_removes_the_upload_folder_it_made(monkeypatch, tmp_path):
    monkeypatch.delenv(app.UPLOAD_DIR_ENV, raising=False)
    with app.web_upload_dir() as made:
        folder = Path(made)
        assert folder.is_dir()
        assert os.environ[app.UPLOAD_DIR_ENV] == made  # the attachment view finds it
        (folder / "offerte.pdf").write_bytes(b"%PDF-1.4 never taken by the app")
    assert not folder.exists()  # stopped: nothing left behind
    assert app.UPLOAD_DIR_ENV not in os.environ


def test_an_operators_upload_folder_is_used_and_left_alone(monkeypatch, tmp_path):
    monkeypatch.setenv(app.UPLOAD_DIR_ENV, str(tmp_path))
    with app.web_upload_dir() as given:
        assert given == str(tmp_path)
    assert tmp_path.is_dir()
    assert os.environ[app.UPLOAD_DIR_ENV] == str(tmp_path)
