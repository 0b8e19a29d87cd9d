"""CSV imports (catalogue, price lists, ERP orders) and the admin commands around them."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from server_support import World, customer_fields

from fieldsales.domain.ids import new_id
from fieldsales.server import admin_commands
from fieldsales.server.imports import (
    import_catalogue,
    import_erp_orders,
    import_price_lists,
    import_target_groups,
    stable_id,
)
from fieldsales.server.validation import Rejection

CATALOGUE = """sku;name;group_code;group_name;list_price;vat;unit;active
K-100;Espresso bonen 1 kg;KOF;Koffie;24,95;9;kg;ja
K-200;Lungo bonen 1 kg;KOF;;€ 1.022,50;9;kg;ja
T-1;Thee groen;THE;Thee;abc;21;doos;ja
;Zonder sku;THE;Thee;1,00;21;doos;ja
M-1;Melkopschuimer;APP;Apparaten;89.5;hoog;stuk;misschien
M-2;Kopjes;APP;Apparaten;12,00;12;stuk;ja
"""


def by_collection(world: World) -> dict[str, dict[str, dict[str, Any]]]:
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for record in world.alice.pull_all().values():
        result.setdefault(record["collection"], {})[record["id"]] = record["data"]
    return result


def test_catalogue_import_keeps_good_rows_and_reports_bad_ones(world: World) -> None:
    report = import_catalogue(world.engine, tenant_id=world.tenant_id, source=CATALOGUE)
    assert report.rows == 6
    assert report.imported == 2
    assert [r.line for r in report.rejected] == [4, 5, 6, 7]
    reasons = [r.reason for r in report.rejected]
    assert "geen geldig bedrag" in reasons[0]
    assert "sku" in reasons[1]
    assert "ja of nee" in reasons[2]
    assert "btw-tarief" in reasons[3]
    assert "regel 4:" in report.summary()

    seen = by_collection(world)  # a salesperson pulls the shared catalogue
    products = {p["sku"]: p for p in seen["products"].values()}
    assert set(products) == {"K-100", "K-200"}
    assert products["K-100"]["list_price_cents"] == 2495
    assert products["K-200"]["list_price_cents"] == 102250
    assert products["K-100"]["vat_rate"] == "low"
    groups = {g["code"]: g["name"] for g in seen["product_groups"].values()}
    assert groups == {"KOF": "Koffie"}


def test_reimport_updates_instead_of_duplicating(world: World) -> None:
    import_catalogue(world.engine, tenant_id=world.tenant_id, source=CATALOGUE)
    again = import_catalogue(world.engine, tenant_id=world.tenant_id, source=CATALOGUE)
    assert again.records_written == 0  # nothing changed, no new versions
    changed = CATALOGUE.replace("24,95", "25,95")
    third = import_catalogue(world.engine, tenant_id=world.tenant_id, source=changed)
    assert third.records_written == 1
    products = by_collection(world)["products"]
    assert len(products) == 2
    product = products[stable_id(world.tenant_id, "product", "k-100")]
    assert product["list_price_cents"] == 2595


TARGET_GROUPS = """code;name;visit_interval_days;description
A;A-klanten;30;Groot potentieel
B;B-klanten;60;
C;C-klanten;vaak;
D;D-klanten;0;
"""


def test_target_groups_import_with_their_visit_rhythm_and_update_on_reimport(
    world: World,
) -> None:
    report = import_target_groups(world.engine, tenant_id=world.tenant_id, source=TARGET_GROUPS)
    assert (report.rows, report.imported) == (4, 2)
    assert [r.line for r in report.rejected] == [4, 5]
    assert "aantal dagen" in report.rejected[0].reason
    groups = {g["code"]: g for g in by_collection(world)["target_groups"].values()}
    assert {c: (g["name"], g["visit_interval_days"]) for c, g in groups.items()} == {
        "A": ("A-klanten", 30),
        "B": ("B-klanten", 60),
    }
    again = import_target_groups(
        world.engine,
        tenant_id=world.tenant_id,
        source=TARGET_GROUPS.replace("A-klanten;30", "A-klanten;21"),
    )
    assert again.records_written == 1  # only A changed; same id, so assignments stay
    groups = {g["code"]: g for g in by_collection(world)["target_groups"].values()}
    assert groups["A"]["visit_interval_days"] == 21
    assert len(groups) == 2


def test_missing_columns_refuse_the_file(world: World) -> None:
    with pytest.raises(Rejection) as caught:
        import_catalogue(world.engine, tenant_id=world.tenant_id, source="sku,name\nA,B\n")
    assert caught.value.code == "missing_columns"
    assert "list_price" in caught.value.message


def test_price_lists_refer_to_imported_products(world: World) -> None:
    import_catalogue(world.engine, tenant_id=world.tenant_id, source=CATALOGUE)
    source = (
        "price_list,sku,price,min_quantity,valid_from,valid_until\n"
        "Horeca,K-100,21.50,1,01-01-2026,31-12-2026\n"
        "Horeca,K-100,19.95,10,,\n"
        "Horeca,X-999,1.00,1,,\n"
        "Horeca,K-200,-5,1,,\n"
    )
    report = import_price_lists(world.engine, tenant_id=world.tenant_id, source=source)
    assert report.imported == 2
    assert [r.line for r in report.rejected] == [4, 5]
    assert "X-999" in report.rejected[0].reason
    seen = by_collection(world)
    assert [p["name"] for p in seen["price_lists"].values()] == ["Horeca"]
    prices = sorted(i["price_cents"] for i in seen["price_list_items"].values())
    assert prices == [1995, 2150]


def test_erp_orders_import_with_amounts_and_owner_scope(world: World) -> None:
    import_catalogue(world.engine, tenant_id=world.tenant_id, source=CATALOGUE)
    customer = new_id()
    world.alice.push_one(
        "customers", customer, customer_fields(world.alice.id) | {"customer_number": "D-17"}
    )
    source = (
        "order_number;order_date;customer_number;sku;quantity;unit_price;discount;vat\n"
        "ERP-1;05-01-2026;D-17;K-100;2;24,95;10;\n"
        "ERP-1;05-01-2026;D-17;K-200;1;10,00;;21\n"
        "ERP-2;06-01-2026;UNKNOWN;K-100;1;1,00;;\n"
        "ERP-3;32-01-2026;D-17;K-100;1;1,00;;\n"
        "ERP-4;06-01-2026;D-17;NOPE;1;1,00;;\n"
    )
    report = import_erp_orders(world.engine, tenant_id=world.tenant_id, source=source)
    assert report.imported == 2
    assert [r.line for r in report.rejected] == [4, 5, 6]
    assert "UNKNOWN" in report.rejected[0].reason
    assert "datum" in report.rejected[1].reason
    assert "NOPE" in report.rejected[2].reason

    seen = by_collection(world)
    (order,) = seen["orders"].values()
    assert order["order_number"] == "ERP-1"
    assert order["source"] == "erp"
    assert order["owner_id"] == world.alice.id
    lines = sorted(seen["order_lines"].values(), key=lambda line: line["position"])
    # 2 × 24,95 − 10 % = 44,91 net at 9 %; 10,00 at 21 %.
    assert [(line["net_cents"], line["vat_cents"]) for line in lines] == [(4491, 404), (1000, 210)]
    assert order["net_cents"] == 5491
    assert order["gross_cents"] == 5491 + 404 + 210
    # Bob (another salesperson) does not see Alice's imported revenue; the manager does.
    assert order not in [r["data"] for r in world.bob.pull_all().values()]
    assert any(r["collection"] == "orders" for r in world.manny.pull_all().values())

    again = import_erp_orders(world.engine, tenant_id=world.tenant_id, source=source)
    assert again.records_written == 0


def admin(*argv: str, stdin: str = "", env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import argparse, sys\n"
        "from fieldsales.server.admin_commands import register\n"
        "p = argparse.ArgumentParser(); register(p.add_subparsers(dest='cmd', required=True))\n"
        "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_admin_commands_end_to_end(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        {
            "FIELDSALES_DATABASE_URL": f"sqlite:///{tmp_path / 'admin.sqlite3'}",
            "FIELDSALES_ARGON2_TIME_COST": "1",
            "FIELDSALES_ARGON2_MEMORY_KIB": "64",
            "FIELDSALES_ARGON2_PARALLELISM": "1",
        }
    )
    tenant = admin("create-tenant", "--name", "Koffie BV", env=env)
    assert tenant.returncode == 0, tenant.stderr
    team = admin("create-team", "--tenant", "Koffie BV", "--name", "Noord", env=env)
    assert team.returncode == 0, team.stderr
    user = admin(
        "create-user",
        "--tenant",
        "Koffie BV",
        "--username",
        "sanne",
        "--full-name",
        "Sanne de Boer",
        "--team",
        team.stdout.strip(),
        stdin="geheim-wachtwoord\n",
        env=env,
    )
    assert user.returncode == 0, user.stderr
    weak = admin(
        "create-user",
        "--tenant",
        "Koffie BV",
        "--username",
        "piet",
        "--full-name",
        "Piet",
        stdin="kort\n",
        env=env,
    )
    assert weak.returncode == 1
    assert "minstens" in weak.stderr
    listed = admin("list-users", "--tenant", "Koffie BV", env=env)
    assert "sanne\tsalesperson\tSanne de Boer\tactief" in listed.stdout
    csv_file = tmp_path / "catalogus.csv"
    csv_file.write_bytes(CATALOGUE.encode("cp1252"))
    imported = admin("import-catalogue", "--tenant", "Koffie BV", str(csv_file), env=env)
    assert imported.returncode == 3  # some rows were refused
    assert "2 geïmporteerd" in imported.stdout
    assert "regel 4:" in imported.stdout
    reset = admin("reset-password", "--username", "sanne", stdin="nog-geheimer\n", env=env)
    assert reset.returncode == 0, reset.stderr
    off = admin("deactivate-user", "--username", "sanne", env=env)
    assert off.returncode == 0
    listed = admin("list-users", "--tenant", "Koffie BV", env=env)
    assert "gedeactiveerd" in listed.stdout
    unknown = admin("deactivate-user", "--username", "niemand", env=env)
    assert unknown.returncode == 1


def test_register_adds_every_command() -> None:
    parser = argparse.ArgumentParser()
    admin_commands.register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(
        ["create-user", "--tenant", "t", "--username", "u", "--full-name", "F"]
    )
    assert args.role == "salesperson"
    assert callable(args.func)
    assert admin_commands.read_password(io.StringIO("pw with spaces \n")) == "pw with spaces "
    moved = parser.parse_args(["reassign-customers", "--from", "a", "--to", "b", "--customer", "c"])
    groups = parser.parse_args(["import-target-groups", "--tenant", "t", "doelgroepen.csv"])
    assert (groups.tenant, groups.file) == ("t", "doelgroepen.csv")
    assert (moved.from_user, moved.to_user, moved.customer) == ("a", "b", ["c"])
