"""The Resultaten CSV export: what Dutch Excel needs (BOM, ``;``, decimal comma) and the rows of
a small report built from facts, checked against values worked out by hand."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from fieldsales.domain.enums import CustomerKind, DeviationCauseKind
from fieldsales.domain.facts import CauseFact, CustomerFact, SaleLine, TargetFact
from fieldsales.domain.periods import Period
from fieldsales.reports.export import (
    ReportNames,
    Table,
    amount,
    export_csv,
    file_name,
    number,
    report_tables,
    to_csv,
)
from fieldsales.reports.year import FactOwners, PeriodFacts, PeriodReport, build_period_report

NOV = Period.month(2026, 11)
AS_OF = date(2026, 11, 30)
NAMES = ReportNames(
    customers={"c-a": "Bakkerij Jansen; Zn.", "c-b": "Hotel De Linde"},
    product_groups={"g-kof": "Koffie", "g-ger": "Gereedschap"},
    users={"u-1": "Anna de Vries", "u-2": "Bram Smit"},
)


def line(customer: str, group: str, order: str, on: date, cents: int) -> SaleLine:
    return SaleLine(customer, f"p-{group}", group, order, on, cents)


def small_facts(*, team: bool = False) -> PeriodFacts:
    """Nov 2026: A 1.234,56 of coffee, B 765,44 of tools; Nov 2025: A 1.000,00 of coffee.
    A total target of 2.500,00 for November; a cause of -300,00 for A."""
    sales = [
        line("c-a", "g-kof", "o-1", date(2026, 11, 3), 1234_56),
        line("c-b", "g-ger", "o-2", date(2026, 11, 4), 765_44),
        line("c-a", "g-kof", "o-0", date(2025, 11, 3), 1000_00),
    ]
    customers = [
        CustomerFact("c-a", CustomerKind.CUSTOMER, customer_since=date(2020, 1, 1)),
        CustomerFact("c-b", CustomerKind.CUSTOMER),
    ]
    targets = [TargetFact(NOV.start, NOV.end, None, None, 2500_00, "t-1")]
    causes = [
        CauseFact(
            NOV.start,
            NOV.end,
            "c-a",
            None,
            DeviationCauseKind.PRICE_PRESSURE,
            -300_00,
            "Korting van de concurrent",
            "k-1",
        )
    ]
    owners = (
        FactOwners(
            orders={"o-0": "u-1", "o-1": "u-1", "o-2": "u-2"},
            targets={"t-1": "u-1"},
            causes={"k-1": "u-1"},
        )
        if team
        else None
    )
    return PeriodFacts(sales, [], customers, [], [], targets, causes, owners)


def report(*, team: bool = False) -> PeriodReport:
    return build_period_report(
        small_facts(team=team), owner_id=None if team else "u-1", period=NOV, as_of=AS_OF
    )


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def table(rows: list[list[str]], title: str) -> list[list[str]]:
    """The header and rows under ``title``, up to the blank row that ends a table."""
    start = rows.index([title]) + 1
    end = rows.index([], start)
    return rows[start:end]


def test_cells_are_written_as_dutch_excel_reads_numbers() -> None:
    assert amount(1234_56) == "1234,56"
    assert amount(-50_00) == "-50,00"
    assert amount(7) == "0,07"
    assert amount(None) == ""
    assert number(None) == ""
    assert number(Decimal("-12.5")) == "-12,5"


def test_csv_has_bom_semicolons_and_quotes_what_needs_it() -> None:
    data = to_csv(
        [Table("Omzet per klant", ("Klant", "Omzet"), [("Bakkerij Jansen; Zn.", "1234,56")])],
        heading=("Resultaten", "Anna"),
    )
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines()[0] == "Resultaten;Anna"
    rows = read(data)
    assert rows[2:5] == [
        ["Omzet per klant"],
        ["Klant", "Omzet"],
        ["Bakkerij Jansen; Zn.", "1234,56"],
    ]
    assert '"Bakkerij Jansen; Zn.";1234,56' in data.decode("utf-8-sig")


def test_the_report_tables_carry_the_hand_computed_figures() -> None:
    rows = read(export_csv(report(), NAMES, subject="Anna de Vries"))
    assert rows[0] == [
        "Resultaten",
        "Anna de Vries",
        "november 2026",
        "01-11-2026 t/m 30-11-2026",
        "vergeleken met 01-11-2025 t/m 30-11-2025",
    ]
    summary = {(r[0], r[2]): r[1] for r in table(rows, "Samenvatting")[1:]}
    assert summary[("Omzet", "EUR")] == "2000,00"
    assert summary[("Target (naar rato)", "EUR")] == "2500,00"
    assert summary[("Afwijking t.o.v. target", "EUR")] == "-500,00"
    assert summary[("Afwijking t.o.v. target", "%")] == "-20,0"
    assert summary[("Verklaard door oorzaken", "EUR")] == "-300,00"
    assert summary[("Omzet zelfde periode vorig jaar", "EUR")] == "1000,00"
    assert summary[("Verschil t.o.v. vorig jaar", "%")] == "100,0"
    assert summary[("Orders", "aantal")] == "2"

    assert table(rows, "Omzet per productgroep") == [
        ["Productgroep", "Omzet", "Aandeel %", "Vorig jaar", "Verschil", "Verschil %"],
        ["Koffie", "1234,56", "61,7", "1000,00", "234,56", "23,5"],
        ["Gereedschap", "765,44", "38,3", "0,00", "765,44", ""],
    ]
    assert table(rows, "Omzet per klant")[1:] == [
        ["Bakkerij Jansen; Zn.", "1234,56", "61,7"],
        ["Hotel De Linde", "765,44", "38,3"],
    ]
    # The whole 2.500,00 goes to A, the only customer with revenue last year.
    assert table(rows, "Afwijking per klant")[1:] == [
        [
            "Bakkerij Jansen; Zn.",
            "2500,00",
            "1234,56",
            "-1265,44",
            "-50,6",
            "-300,00",
            "Prijsdruk: Korting van de concurrent",
        ],
        ["Hotel De Linde", "0,00", "765,44", "765,44", "", "0,00", ""],
    ]
    assert table(rows, "Oorzaken van afwijkingen")[1:] == [
        [
            "01-11-2026",
            "30-11-2026",
            "Bakkerij Jansen; Zn.",
            "",
            "Prijsdruk",
            "-300,00",
            "Korting van de concurrent",
        ]
    ]
    # B has no customer_since and its first order is in November: a new customer.
    assert table(rows, "Nieuwe klanten")[1:] == [
        ["Hotel De Linde", "04-11-2026", "765,44", "1", "1"]
    ]
    assert ["Per verkoper"] not in rows  # one salesperson's report


def test_a_team_export_has_a_line_per_salesperson() -> None:
    rows = read(export_csv(report(team=True), NAMES, subject="Hele team"))
    assert table(rows, "Per verkoper") == [
        ["Verkoper", "Omzet", "Target", "Afwijking", "Afwijking %", "Vorig jaar", "Verklaard"],
        ["Anna de Vries", "1234,56", "2500,00", "-1265,44", "-50,6", "1000,00", "-300,00"],
        ["Bram Smit", "765,44", "0,00", "765,44", "", "0,00", "0,00"],
    ]


def test_tables_come_in_the_screens_order_and_the_file_name_is_safe() -> None:
    titles = [t.title for t in report_tables(report(team=True), NAMES)]
    assert titles == [
        "Samenvatting",
        "Per verkoper",
        "Omzet per productgroep",
        "Omzet per klant",
        "Afwijking per klant",
        "Afwijking per productgroep",
        "Oorzaken van afwijkingen",
        "Nieuwe klanten",
        "Klanten zonder order in 6 maanden",
    ]
    assert file_name(report(), "Anna de Vries") == "resultaten-november-2026-anna-de-vries.csv"
    custom = build_period_report(
        small_facts(),
        owner_id="u-1",
        period=Period(date(2026, 11, 2), date(2026, 11, 20)),
        as_of=AS_OF,
    )
    assert file_name(custom, "Hele team") == "resultaten-02-11-2026-t-m-20-11-2026-hele-team.csv"
