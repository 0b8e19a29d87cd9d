"""The Resultaten report as a CSV file that Dutch Excel opens as it should, and as a PDF.

Excel with Dutch settings splits columns on ``;`` (a comma is its decimal separator) and takes
a file for UTF-8 only when it starts with a byte order mark; without one "€" and "ë" come out
garbled. So: ``;`` between fields, amounts as plain numbers with a decimal comma (``1234,56``:
no euro sign and no thousands dots, or Excel reads text it cannot add up), percentages the same
way without the ``%``, dates as ``dd-mm-jjjj``, UTF-8 with a BOM and CRLF line ends.

The report's tables follow one another in one file, each under its title with a blank line
between, the way a manager would lay them out on one sheet. Pure: report and names in, bytes
out; the screen saves, downloads or opens the file (``ui.views.results``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from fieldsales.documents.sheet import Grid, Section, Sheet, render_sheet
from fieldsales.domain.deviations import DeviationBreakdown
from fieldsales.domain.facts import CauseFact
from fieldsales.domain.labels import label
from fieldsales.domain.money import format_date, from_cents, percent
from fieldsales.reports.year import PeriodReport

#: What Excel needs to read the file as UTF-8.
BOM = "\ufeff"
SEPARATOR = ";"

NO_GROUP = "Zonder productgroep"


@dataclass(frozen=True, slots=True)
class ReportNames:
    """Names for the ids in a report: customers, product groups and users (salespeople)."""

    customers: Mapping[str, str] = field(default_factory=dict)
    product_groups: Mapping[str, str] = field(default_factory=dict)
    users: Mapping[str, str] = field(default_factory=dict)

    def customer(self, customer_id: str | None) -> str:
        if customer_id is None:
            return ""
        return self.customers.get(customer_id, "Onbekende klant")

    def group(self, group_id: str | None) -> str:
        if group_id is None:
            return NO_GROUP
        return self.product_groups.get(group_id, "Onbekende productgroep")

    def user(self, user_id: str) -> str:
        return self.users.get(user_id, user_id or "Onbekend")


# --- cells -----------------------------------------------------------------------------------


def amount(cents: int | None) -> str:
    """``1234,56`` (``-50,00`` for a shortfall); empty for no amount."""
    if cents is None:
        return ""
    return f"{from_cents(cents):f}".replace(".", ",")


def number(value: Decimal | int | None) -> str:
    """A percentage or an average: ``12,5``; empty when there is none (nothing to divide by)."""
    if value is None:
        return ""
    return f"{Decimal(value):f}".replace(".", ",")


def day(value: date | None) -> str:
    return format_date(value) if value is not None else ""


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def to_csv(tables: Sequence[Table], *, heading: Sequence[str] = ()) -> bytes:
    """The tables one after another (title row, header row, rows, blank row), UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    if heading:
        writer.writerow(heading)
        writer.writerow([])
    for table in tables:
        writer.writerow([table.title])
        writer.writerow(table.header)
        writer.writerows(table.rows)
        writer.writerow([])
    return (BOM + out.getvalue()).encode("utf-8")


# --- the report's tables ---------------------------------------------------------------------


def summary_table(report: PeriodReport) -> Table:
    revenue = report.revenue.total_cents
    deviation = report.deviation
    vs_last_year = revenue - report.previous_revenue_cents
    churn = report.churn
    plans = report.plan_approval
    execution = report.execution
    eur, pct, count = "EUR", "%", "aantal"
    rows = [
        ("Omzet", amount(revenue), eur),
        ("Target (naar rato)", amount(deviation.target_cents), eur),
        ("Target hele periode", amount(report.full_target_cents), eur),
        ("Afwijking t.o.v. target", amount(deviation.deviation_cents), eur),
        ("Afwijking t.o.v. target", number(deviation.deviation_percent), pct),
        ("Verklaard door oorzaken", amount(deviation.explained_cents), eur),
        ("Omzet zelfde periode vorig jaar", amount(report.previous_revenue_cents), eur),
        ("Verschil t.o.v. vorig jaar", amount(vs_last_year), eur),
        (
            "Verschil t.o.v. vorig jaar",
            number(percent(vs_last_year, report.previous_revenue_cents)),
            pct,
        ),
        ("Orders", str(report.revenue.orders), count),
        ("Klanttevredenheid gemiddeld (1-5)", number(report.satisfaction.average), "score"),
        ("Klanttevredenheid scores", str(report.satisfaction.responses), count),
        ("Klanten begin periode", str(churn.customers_at_start), count),
        ("Klanten gewonnen", str(len(churn.won)), count),
        ("Klanten verloren", str(len(churn.lost)), count),
        ("Klanten einde periode", str(churn.customers_at_end), count),
        ("Verloop (verloren / begin)", number(churn.churn_percent), pct),
        (
            f"Klanten zonder order in {churn.inactive_months} maanden",
            str(len(churn.without_orders)),
            count,
        ),
        ("Nieuwe klanten", str(report.new_customers.count), count),
        ("Omzet nieuwe klanten", amount(report.new_customers.revenue_cents), eur),
        ("Cross-sell omzet (nieuw voor de klant)", amount(report.cross_sell.revenue_cents), eur),
        ("Cross-sell aandeel", number(report.cross_sell.share_percent), pct),
        ("Up-sell groei bestaande regels", amount(report.up_sell.growth_cents), eur),
        ("Up-sell netto verandering", amount(report.up_sell.net_change_cents), eur),
        (f"Accountplannen {report.plan_year} goedgekeurd", str(plans.approved), count),
        (f"Accountplannen {report.plan_year} verwacht", str(plans.expected), count),
        (f"Accountplannen {report.plan_year} goedgekeurd", number(plans.approved_percent), pct),
        (
            "Versies per plan gemiddeld",
            number(report.plan_versions.average_submissions),
            count,
        ),
        ("Bezoeken gepland", str(execution.visits_planned), count),
        ("Bezoeken uitgevoerd", number(execution.visits_done_percent), pct),
        ("Planacties uitgevoerd", number(execution.actions_done_percent), pct),
        ("Planacties op tijd", number(execution.actions_on_time_percent), pct),
    ]
    return Table("Samenvatting", ("Kengetal", "Waarde", "Eenheid"), rows)


def salespeople_table(report: PeriodReport, names: ReportNames) -> Table:
    return Table(
        "Per verkoper",
        ("Verkoper", "Omzet", "Target", "Afwijking", "Afwijking %", "Vorig jaar", "Verklaard"),
        [
            (
                names.user(r.owner_id),
                amount(r.realised_cents),
                amount(r.target_cents),
                amount(r.deviation_cents),
                number(r.deviation_percent),
                amount(r.previous_cents),
                amount(r.explained_cents),
            )
            for r in report.by_owner
        ],
    )


def product_group_table(report: PeriodReport, names: ReportNames) -> Table:
    shares = {k.key: k.share_percent for k in report.revenue.by_product_group}
    return Table(
        "Omzet per productgroep",
        ("Productgroep", "Omzet", "Aandeel %", "Vorig jaar", "Verschil", "Verschil %"),
        [
            (
                names.group(g.key),
                amount(g.current_cents),
                number(shares.get(g.key)),
                amount(g.previous_cents),
                amount(g.change_cents),
                number(g.change_percent),
            )
            for g in report.growth_by_product_group
        ],
    )


def customer_table(report: PeriodReport, names: ReportNames) -> Table:
    return Table(
        "Omzet per klant",
        ("Klant", "Omzet", "Aandeel %"),
        [
            (names.customer(k.key), amount(k.cents), number(k.share_percent))
            for k in report.revenue.by_customer
        ],
    )


def _cause_text(causes: Sequence[CauseFact]) -> str:
    return " | ".join(label(c.cause) + (f": {c.note}" if c.note else "") for c in causes)


def deviation_table(
    title: str, first: str, breakdown: DeviationBreakdown, row_name: Callable[[str | None], str]
) -> Table:
    rows: list[tuple[str, ...]] = [
        (
            row_name(r.key),
            amount(r.target_cents),
            amount(r.realised_cents),
            amount(r.deviation_cents),
            number(r.deviation_percent),
            amount(r.explained_cents),
            _cause_text(r.causes),
        )
        for r in breakdown.rows
    ]
    if breakdown.unallocated_target_cents:
        unallocated = breakdown.unallocated_target_cents
        rows.append(("Niet toegewezen target", amount(unallocated), "", amount(-unallocated)))
    return Table(
        title,
        (first, "Target", "Gerealiseerd", "Afwijking", "Afwijking %", "Verklaard", "Oorzaken"),
        rows,
    )


def causes_table(report: PeriodReport, names: ReportNames) -> Table:
    return Table(
        "Oorzaken van afwijkingen",
        ("Van", "Tot en met", "Klant", "Productgroep", "Oorzaak", "Bedrag", "Toelichting"),
        [
            (
                day(c.period_start),
                day(c.period_end),
                names.customer(c.customer_id),
                names.group(c.product_group_id) if c.product_group_id else "",
                label(c.cause),
                amount(c.amount_cents),
                c.note,
            )
            for c in report.deviation.causes
        ],
    )


def new_customers_table(report: PeriodReport, names: ReportNames) -> Table:
    return Table(
        "Nieuwe klanten",
        ("Klant", "Eerste order", "Omzet", "Orders", "Producten"),
        [
            (
                names.customer(c.customer_id),
                day(c.first_order_on),
                amount(c.revenue_cents),
                str(c.orders),
                str(c.products),
            )
            for c in report.new_customers.customers
        ],
    )


def idle_customers_table(report: PeriodReport, names: ReportNames) -> Table:
    churn = report.churn
    return Table(
        f"Klanten zonder order in {churn.inactive_months} maanden",
        ("Klant", "Laatste order"),
        [(names.customer(i.customer_id), day(i.last_order_on)) for i in churn.without_orders],
    )


def report_tables(report: PeriodReport, names: ReportNames) -> list[Table]:
    """The tables of the screen, in its order; "Per verkoper" only in a team report."""
    deviation = report.deviation
    tables = [summary_table(report)]
    if report.by_owner:
        tables.append(salespeople_table(report, names))
    tables += [
        product_group_table(report, names),
        customer_table(report, names),
        deviation_table("Afwijking per klant", "Klant", deviation.by_customer, names.customer),
        deviation_table(
            "Afwijking per productgroep", "Productgroep", deviation.by_product_group, names.group
        ),
        causes_table(report, names),
        new_customers_table(report, names),
        idle_customers_table(report, names),
    ]
    return tables


def export_csv(report: PeriodReport, names: ReportNames, *, subject: str) -> bytes:
    """The whole report as one CSV file; ``subject`` says whose (a name, or "Team")."""
    return to_csv(report_tables(report, names), heading=_heading(report, subject))


def _heading(report: PeriodReport, subject: str) -> tuple[str, ...]:
    return (
        "Resultaten",
        subject,
        report.selected.label(),
        f"{day(report.period.start)} t/m {day(report.period.end)}",
        f"vergeleken met {day(report.previous_period.start)} t/m {day(report.previous_period.end)}",
    )


def export_pdf(report: PeriodReport, names: ReportNames, *, subject: str, made: date) -> bytes:
    """The same tables as an A4 PDF, for the manager's file or a meeting."""
    heading = _heading(report, subject)
    sheet = Sheet(
        title=f"Resultaten {subject}",
        created=datetime.combine(made, time(12)),
        intro=[f"{heading[2]}: {heading[3]}, {heading[4]}", f"Gemaakt op {day(made)}"],
        sections=[
            Section(t.title, grid=Grid(t.header, t.rows), empty="Niets in deze periode.")
            for t in report_tables(report, names)
        ],
        footer=f"Resultaten {subject} · {heading[2]}",
    )
    return render_sheet(sheet)


def file_name(report: PeriodReport, subject: str, *, suffix: str = ".csv") -> str:
    """``resultaten-november-2026-anna-de-vries.csv``: safe on every file system."""
    text = f"resultaten {report.selected.label()} {subject}".lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return f"{slug}{suffix}"
