"""The server's ``fieldsales-admin`` sub-commands: tenants, teams, users and CSV imports.

``register(subparsers)`` adds them to the admin CLI's argparse parser; each sets ``func`` to a
handler taking the parsed arguments and returning an exit code. They work on the server database
named by ``FIELDSALES_DATABASE_URL`` (migrating it first), so they run on the server host.
Passwords are read from standard input (one line), never from the command line, where they would
end up in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, select

from fieldsales.domain.enums import Role
from fieldsales.server import accounts, imports, migrate
from fieldsales.server.db import make_engine
from fieldsales.server.models import tenants
from fieldsales.server.security import password_hasher
from fieldsales.server.settings import Settings
from fieldsales.server.validation import Rejection

Handler = Callable[[argparse.Namespace], int]


def _engine() -> tuple[Engine, Settings]:
    settings = Settings()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    return engine, settings


def read_password(stdin: TextIO | None = None, *, confirm: bool = True) -> str:
    """One line from stdin; asked twice, hidden, when stdin is a terminal."""
    stream = stdin or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Wachtwoord: ")
        if confirm and getpass.getpass("Nogmaals: ") != first:
            raise accounts.AccountError("password_mismatch", "De wachtwoorden verschillen.")
        return first
    return stream.readline().rstrip("\r\n")


def resolve_tenant(engine: Engine, value: str) -> str:
    """A tenant by id or by (unique) name."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(tenants.c.id).where((tenants.c.id == value) | (tenants.c.name == value))
        ).all()
    if len(rows) != 1:
        raise accounts.AccountError(
            "unknown_tenant", f"Organisatie '{value}' niet gevonden (of niet eenduidig)."
        )
    return str(rows[0][0])


def _run(action: Callable[[argparse.Namespace], int]) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        try:
            return action(args)
        except (accounts.AccountError, Rejection) as exc:
            print(f"fout: {exc.message}", file=sys.stderr)
            return 1

    return handler


def _create_tenant(args: argparse.Namespace) -> int:
    engine, _ = _engine()
    print(accounts.create_tenant(engine, name=args.name))
    return 0


def _list_tenants(args: argparse.Namespace) -> int:
    engine, _ = _engine()
    for tenant_id, name in accounts.list_tenants(engine):
        print(f"{tenant_id}\t{name}")
    return 0


def _create_team(args: argparse.Namespace) -> int:
    engine, _ = _engine()
    tenant_id = resolve_tenant(engine, args.tenant)
    manager_id = None
    if args.manager:
        manager = accounts.get_account(engine, username=args.manager)
        if manager is None or manager.tenant_id != tenant_id:
            raise accounts.AccountError("unknown_user", f"Gebruiker '{args.manager}' onbekend.")
        manager_id = manager.id
    print(accounts.create_team(engine, tenant_id=tenant_id, name=args.name, manager_id=manager_id))
    return 0


def _create_user(args: argparse.Namespace) -> int:
    engine, settings = _engine()
    tenant_id = resolve_tenant(engine, args.tenant)
    password = read_password()
    user_id = accounts.create_user(
        engine,
        tenant_id=tenant_id,
        username=args.username,
        password=password,
        role=Role(args.role),
        full_name=args.full_name,
        email=args.email,
        team_id=args.team,
        hasher=password_hasher(settings),
    )
    print(user_id)
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    engine, settings = _engine()
    accounts.reset_password(
        engine,
        username=args.username,
        password=read_password(),
        hasher=password_hasher(settings),
    )
    print(f"wachtwoord van {args.username} gewijzigd; bestaande sessies zijn beëindigd")
    return 0


def _deactivate_user(args: argparse.Namespace) -> int:
    engine, _ = _engine()
    accounts.deactivate_user(engine, username=args.username)
    print(f"{args.username} gedeactiveerd")
    return 0


def _reassign(args: argparse.Namespace) -> int:
    engine, _ = _engine()
    moved = accounts.reassign_customers(
        engine,
        from_username=args.from_user,
        to_username=args.to_user,
        customer_ids=args.customer or None,
    )
    print(f"{moved} klanten overgedragen van {args.from_user} aan {args.to_user}")
    if moved:
        # The server records a scope exit per customer (``syncing.record_scope_exits``).
        print(f"de apparaten van {args.from_user} verwijderen ze bij hun volgende synchronisatie")
    return 0


def _list_users(args: argparse.Namespace) -> int:
    engine, _ = _engine()
    tenant_id = resolve_tenant(engine, args.tenant)
    for info in accounts.list_accounts(engine, tenant_id=tenant_id):
        state = "actief" if info.active else "gedeactiveerd"
        print(f"{info.username}\t{info.role.value}\t{info.full_name}\t{state}\t{info.id}")
    return 0


def _importer(function: Callable[..., imports.ImportReport]) -> Handler:
    def action(args: argparse.Namespace) -> int:
        engine, _ = _engine()
        tenant_id = resolve_tenant(engine, args.tenant)
        report = function(engine, tenant_id=tenant_id, source=Path(args.file))
        print(report.summary())
        return 0 if report.ok else 3

    return action


def register(subparsers: Any) -> None:
    """Add the server's commands to ``fieldsales-admin`` (an argparse sub-parsers object)."""

    def add(name: str, help_text: str, action: Callable[[argparse.Namespace], int]) -> Any:
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=_run(action))
        return parser

    p = add("create-tenant", "maak een organisatie aan (drukt het id af)", _create_tenant)
    p.add_argument("--name", required=True)
    add("list-tenants", "toon de organisaties", _list_tenants)

    p = add("create-team", "maak een team aan (drukt het id af)", _create_team)
    p.add_argument("--tenant", required=True, help="id of naam van de organisatie")
    p.add_argument("--name", required=True)
    p.add_argument("--manager", help="gebruikersnaam van de manager")

    p = add("create-user", "maak een gebruiker aan; wachtwoord via stdin", _create_user)
    p.add_argument("--tenant", required=True, help="id of naam van de organisatie")
    p.add_argument("--username", required=True)
    p.add_argument("--full-name", required=True)
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.SALESPERSON.value)
    p.add_argument("--email")
    p.add_argument("--team", help="id van het team")

    p = add("reset-password", "nieuw wachtwoord (via stdin); beëindigt sessies", _reset_password)
    p.add_argument("--username", required=True)

    p = add("deactivate-user", "zet een gebruiker op non-actief", _deactivate_user)
    p.add_argument("--username", required=True)

    p = add(
        "reassign-customers",
        "draag klanten (met alles eronder) over aan een andere verkoper",
        _reassign,
    )
    p.add_argument("--from", dest="from_user", required=True, help="gebruikersnaam")
    p.add_argument("--to", dest="to_user", required=True, help="gebruikersnaam")
    p.add_argument("--customer", action="append", help="alleen deze klant-id (herhaalbaar)")

    p = add("list-users", "toon de gebruikers van een organisatie", _list_users)
    p.add_argument("--tenant", required=True)

    for name, function, what in (
        ("import-catalogue", imports.import_catalogue, "artikelen en artikelgroepen"),
        ("import-target-groups", imports.import_target_groups, "doelgroepen (segmenten)"),
        ("import-price-lists", imports.import_price_lists, "prijslijsten"),
        ("import-orders", imports.import_erp_orders, "orders/omzet uit een ERP-export"),
    ):
        p = add(name, f"importeer {what} uit een CSV-bestand", _importer(function))
        p.add_argument("--tenant", required=True, help="id of naam van de organisatie")
        p.add_argument("file", help="CSV-bestand (, of ; gescheiden)")
