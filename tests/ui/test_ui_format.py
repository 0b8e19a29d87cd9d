"""Dutch formatting and links, the CLI's arguments, and the UI's import rule."""

from __future__ import annotations

import ast
from datetime import date, time
from pathlib import Path

import pytest

from fieldsales.cli.app import app_config, parse_args
from fieldsales.cli.run_demo import app_command
from fieldsales.domain.errors import ValidationError
from fieldsales.ui import format as fmt
from fieldsales.ui.screen import SizeClass

UI_DIR = Path(__file__).resolve().parents[2] / "src" / "fieldsales" / "ui"


def test_navigation_url_per_platform() -> None:
    address = "Dorpsstraat 12, 3511 AB Utrecht"
    assert fmt.navigation_url(address=address, platform="android") == (
        "geo:0,0?q=Dorpsstraat%2012%2C%203511%20AB%20Utrecht"
    )
    assert fmt.navigation_url(
        address=address, latitude=52.09, longitude=5.12, platform="android"
    ) == ("geo:52.09,5.12?q=52.09%2C5.12")
    assert fmt.navigation_url(address=address, platform="ios") == (
        "https://maps.apple.com/?daddr=Dorpsstraat+12%2C+3511+AB+Utrecht"
    )
    assert fmt.navigation_url(address=address, platform=None) == (
        "https://www.google.com/maps/dir/?api=1&destination=Dorpsstraat+12%2C+3511+AB+Utrecht"
    )


def test_phone_links_and_display() -> None:
    assert fmt.tel_url("+31 30 123 4567") == "tel:+31301234567"
    assert fmt.phone_display("+31301234567") == "030 123 4567"
    assert fmt.phone_display(None) == ""


def test_dates_and_times_the_dutch_way() -> None:
    assert fmt.day_title(date(2026, 11, 28)) == "zaterdag 28 november"
    assert fmt.short_date(date(2026, 1, 5)) == "05-01-2026"
    assert fmt.parse_date_field("  ", field="x") is None
    assert fmt.parse_date_field("5-1-2026", field="x") == date(2026, 1, 5)
    assert fmt.parse_time_field("9.30", field="t") == time(9, 30)
    assert fmt.parse_time_field("14", field="t") == time(14, 0)
    assert fmt.parse_time_field("", field="t") is None
    for wrong in ("24:00", "9:3", "negen", "12:60"):
        with pytest.raises(ValidationError) as caught:
            fmt.parse_time_field(wrong, field="t")
        assert caught.value.field == "t"
        assert "geen geldige tijd" in caught.value.message


def test_address_leaves_out_what_is_unknown() -> None:
    assert fmt.address_line("Dorpsstraat", "12", "3511 AB", "Utrecht") == (
        "Dorpsstraat 12, 3511 AB Utrecht"
    )
    assert fmt.address_line("", "", "", "Utrecht") == "Utrecht"
    assert fmt.address_line("", "", "", "") == ""


def test_size_classes_follow_material() -> None:
    assert SizeClass.for_width(None) is SizeClass.COMPACT
    assert SizeClass.for_width(599) is SizeClass.COMPACT
    assert SizeClass.for_width(600) is SizeClass.MEDIUM
    assert SizeClass.for_width(839) is SizeClass.MEDIUM
    assert SizeClass.for_width(840) is SizeClass.EXPANDED


def test_cli_without_sub_command_starts_the_app() -> None:
    args = parse_args([])
    assert args.command == "app"
    assert args.web is False
    assert args.port == 8550
    web = parse_args(["--web", "--port", "9000"])
    assert (web.command, web.web, web.port) == ("app", True, 9000)
    full = parse_args(["app", "--data-dir", "/tmp/x", "--user", "anna", "--host", "0.0.0.0"])
    assert (str(full.data_dir), full.user, full.host) == ("/tmp/x", "anna", "0.0.0.0")


def test_cli_server_from_the_command_line_or_the_environment() -> None:
    env = {"FIELDSALES_SERVER_URL": "https://env.example.nl", "FIELDSALES_USER": "piet"}
    from_env = app_config(parse_args(["--web"]), env)
    assert (from_env.server_url, from_env.username) == ("https://env.example.nl", "piet")
    assert from_env.push_delay is None
    given = app_config(parse_args(["--server", "http://127.0.0.1:8000", "--user", "anna"]), env)
    assert (given.server_url, given.username) == ("http://127.0.0.1:8000", "anna")
    assert app_config(parse_args([]), {}).server_url is None  # then the store remembers it
    assert app_config(parse_args([]), {"FIELDSALES_SYNC_PUSH_DELAY": "30"}).push_delay == 30.0


def test_make_run_starts_the_app_syncing_with_the_demo_server() -> None:
    command = app_command(
        app_port=8550,
        device_dir=Path("/d/verkoper1"),
        user="verkoper1",
        server_url="http://127.0.0.1:8000",
    )
    args = parse_args(command[command.index("app") :])
    config = app_config(args, {})
    assert args.web
    assert (config.server_url, config.username) == ("http://127.0.0.1:8000", "verkoper1")
    assert str(config.data_dir) == "/d/verkoper1"


def test_ui_never_imports_database_or_http_libraries() -> None:
    """ui -> services -> domain: the screens go through services only."""
    forbidden = {"sqlmodel", "sqlalchemy", "httpx"}
    offenders = []
    for path in UI_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert offenders == []
    assert len(list(UI_DIR.rglob("*.py"))) > 10  # the walk did find the UI
