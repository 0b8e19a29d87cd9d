"""The sections of the Resultaten screen, built from one ``services.results.Results``.

Each section is a compact block in the screen's order: revenue against target and last year,
the team per salesperson (manager), revenue per product group and top customers, deviations by
customer and product group with their causes, satisfaction, portfolio churn, new customers,
cross- and up-sell, account plans. Every figure is read from the report as computed; nothing
here adds up money, so what the screen shows is what the export and the year report say.

Bars are plain Containers in a Row, the filled part's ``expand`` proportional to the value
(``BAR_SCALE`` parts in all): comparing revenue per product group or target with actual is
something people would rather see than read, and no chart library is needed for that. Every
bar has its figure written next to it as well, for screen readers and for exactness.

Rebuilt controls carry their identity in ``data`` (see ``ui.widgets``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import flet as ft

from fieldsales.domain.deviations import DeviationBreakdown, DeviationRow
from fieldsales.domain.facts import CauseFact
from fieldsales.domain.labels import label
from fieldsales.domain.money import format_cents, format_percent, percent
from fieldsales.services.results import Results
from fieldsales.ui import format as fmt
from fieldsales.ui.theme import TOUCH_TARGET

#: How many parts a bar is divided in (its filled part takes ``round(share * BAR_SCALE)``).
BAR_SCALE = 1000
BAR_HEIGHT = 12
#: Rows shown per list; the export has them all.
TOP = 10


# --- formatting --------------------------------------------------------------------------------


def signed_cents(cents: int) -> str:
    """``€ +1.234,56`` / ``€ -1.234,56``: a difference says which way it goes."""
    return format_cents(cents).replace("€ ", "€ +", 1) if cents > 0 else format_cents(cents)


def signed_percent(value: Decimal | None) -> str:
    text = format_percent(value)
    return f"+{text}" if value is not None and value > 0 else text


def decimal_text(value: Decimal | None, places: int = 1) -> str:
    """``3,5`` with a decimal comma; ``-`` when there is no value."""
    return format_percent(value, places).removesuffix(" %")


def difference(cents: int, base: int) -> str:
    """``€ +120,00 (+12,0 %)``; without the percentage when there is no base to compare with."""
    share = percent(cents, base)
    return (
        signed_cents(cents) if share is None else f"{signed_cents(cents)} ({signed_percent(share)})"
    )


# --- building blocks ---------------------------------------------------------------------------


def bar(value: int, maximum: int, *, ident: str, color: str = ft.Colors.PRIMARY) -> ft.Row:
    """A horizontal bar filled ``value / maximum`` of the width (nothing below zero)."""
    share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    filled = round(share * BAR_SCALE)
    parts: list[ft.Control] = []
    if filled:
        parts.append(
            ft.Container(
                bgcolor=color,
                expand=filled,
                height=BAR_HEIGHT,
                border_radius=ft.BorderRadius.all(3),
                data=f"{ident}-fill",
            )
        )
    if filled < BAR_SCALE:
        parts.append(
            ft.Container(
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
                expand=BAR_SCALE - filled,
                height=BAR_HEIGHT,
                border_radius=ft.BorderRadius.all(3),
            )
        )
    return ft.Row(parts, spacing=0, data=ident)


def bar_line(
    name: str,
    figure: str,
    value: int,
    maximum: int,
    *,
    ident: str,
    note: str = "",
    color: str = ft.Colors.PRIMARY,
) -> ft.Control:
    """A name and its figure on one line, the bar below, an optional small note."""
    controls: list[ft.Control] = [
        ft.Row(
            [
                ft.Text(name, expand=True, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
                ft.Text(figure, weight=ft.FontWeight.W_500, data=f"{ident}-value"),
            ]
        ),
        bar(value, maximum, ident=f"{ident}-bar", color=color),
    ]
    if note:
        controls.append(ft.Text(note, theme_style=ft.TextThemeStyle.BODY_SMALL))
    return ft.Column(controls, spacing=2, data=ident)


def line(text: str, *, ident: str, color: str | None = None, small: bool = False) -> ft.Text:
    return ft.Text(
        text,
        theme_style=ft.TextThemeStyle.BODY_SMALL if small else ft.TextThemeStyle.BODY_MEDIUM,
        color=color,
        data=ident,
    )


def block(title: str, controls: Sequence[ft.Control], *, ident: str) -> ft.Control:
    """One section: a title and its lines, as a card so sections read as separate blocks."""
    return ft.Card(
        ft.Container(
            ft.Column(
                [ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), *controls],
                spacing=6,
            ),
            padding=ft.Padding.all(12),
        ),
        data=ident,
    )


def _deviation_color(cents: int) -> str | None:
    return ft.Colors.ERROR if cents < 0 else None


# --- the sections ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actions:
    """What the sections can ask the screen to do."""

    record_cause: Callable[[str, str | None, DeviationRow | None], Any] | None
    show_salesperson: Callable[[str], Any] | None


def revenue_section(res: Results) -> ft.Control:
    report = res.report
    revenue = report.revenue.total_cents
    target = report.deviation.target_cents
    last_year = report.previous_revenue_cents
    top = max(revenue, target, last_year)
    partial = report.period != report.selected
    target_name = "Target tot nu" if partial else "Target"
    controls: list[ft.Control] = [
        ft.Text(
            format_cents(revenue),
            theme_style=ft.TextThemeStyle.HEADLINE_SMALL,
            data="results-revenue",
        ),
        line(
            f"{report.revenue.orders} orders · {report.period.label()}"
            if not partial
            else f"{report.revenue.orders} orders · t/m {fmt.short_date(report.period.end)}",
            ident="results-orders",
            small=True,
        ),
        bar_line("Omzet", format_cents(revenue), revenue, top, ident="results-bar-revenue"),
        bar_line(
            target_name,
            format_cents(target),
            target,
            top,
            ident="results-bar-target",
            color=ft.Colors.TERTIARY,
            note=(
                f"Hele periode: {format_cents(report.full_target_cents)}"
                if partial and report.full_target_cents
                else ""
            ),
        ),
        bar_line(
            "Zelfde periode vorig jaar",
            format_cents(last_year),
            last_year,
            top,
            ident="results-bar-last-year",
            color=ft.Colors.OUTLINE,
        ),
    ]
    if target:
        deviation = report.deviation.deviation_cents
        controls.append(
            line(
                f"Afwijking t.o.v. target: {signed_cents(deviation)} "
                f"({signed_percent(report.deviation.deviation_percent)})",
                ident="results-deviation",
                color=_deviation_color(deviation),
            )
        )
    else:
        controls.append(line("Geen target voor deze periode.", ident="results-deviation"))
    controls.append(
        line(
            f"T.o.v. vorig jaar: {difference(revenue - last_year, last_year)}",
            ident="results-vs-last-year",
            color=_deviation_color(revenue - last_year),
        )
    )
    return block("Omzet", controls, ident="results-section-revenue")


def salespeople_section(res: Results, actions: Actions) -> ft.Control | None:
    rows = res.report.by_owner
    if not rows:
        return None
    top = max(max(r.realised_cents, r.target_cents) for r in rows)
    controls: list[ft.Control] = []
    for r in rows:
        owner = r.owner_id
        note = f"Target {format_cents(r.target_cents)}"
        if r.target_cents:
            note += f" · afwijking {difference(r.deviation_cents, r.target_cents)}"
        note += f" · vorig jaar {format_cents(r.previous_cents)}"
        item = bar_line(
            res.names.user(owner),
            format_cents(r.realised_cents),
            r.realised_cents,
            top,
            ident=f"results-seller-{owner}",
            note=note,
        )
        if actions.show_salesperson is not None:
            item = ft.Container(
                item,
                on_click=partial(actions.show_salesperson, owner),
                tooltip=f"Resultaten van {res.names.user(owner)} bekijken",
                padding=ft.Padding.symmetric(vertical=4),
                data=f"results-seller-open-{owner}",
            )
        controls.append(item)
    return block("Per verkoper", controls, ident="results-section-salespeople")


def groups_section(res: Results) -> ft.Control:
    report = res.report
    groups = report.revenue.by_product_group
    previous = {g.key: g.previous_cents for g in report.growth_by_product_group}
    top = max((g.cents for g in groups), default=0)
    controls: list[ft.Control] = [
        bar_line(
            res.names.group(g.key),
            format_cents(g.cents),
            g.cents,
            top,
            ident=f"results-group-{g.key or 'none'}",
            note=(
                f"{format_percent(g.share_percent)} van de omzet · vorig jaar "
                f"{format_cents(previous.get(g.key, 0))}"
            ),
        )
        for g in groups
    ]
    customers = report.revenue.by_customer
    controls.append(ft.Text("Topklanten", theme_style=ft.TextThemeStyle.TITLE_SMALL))
    top_customer = max((c.cents for c in customers), default=0)
    controls += [
        bar_line(
            res.names.customer(c.key),
            format_cents(c.cents),
            c.cents,
            top_customer,
            ident=f"results-customer-{c.key}",
            color=ft.Colors.SECONDARY,
        )
        for c in customers[:TOP]
    ]
    if not customers:
        controls.append(line("Geen omzet in deze periode.", ident="results-no-revenue"))
    elif len(customers) > TOP:
        controls.append(
            line(
                f"En {len(customers) - TOP} andere klanten (alle in de export).",
                ident="results-customers-more",
                small=True,
            )
        )
    return block("Omzet per productgroep en topklanten", controls, ident="results-section-groups")


def _cause_lines(causes: Sequence[CauseFact], *, ident: str) -> list[ft.Control]:
    out: list[ft.Control] = []
    for i, c in enumerate(causes):
        parts = [label(c.cause)]
        if c.amount_cents is not None:
            parts.append(signed_cents(c.amount_cents))
        if c.note:
            parts.append(c.note)
        out.append(
            ft.Row(
                [
                    ft.Icon(ft.Icons.SUBDIRECTORY_ARROW_RIGHT, size=16),
                    ft.Text(" · ".join(parts), expand=True, data=f"{ident}-cause-{i}"),
                ],
                spacing=4,
            )
        )
    return out


def _deviation_row(
    row: DeviationRow,
    *,
    kind: str,
    name: str,
    actions: Actions,
) -> ft.Control:
    ident = f"results-dev-{kind}-{row.key or 'none'}"
    figures = (
        f"Target {format_cents(row.target_cents)} · gerealiseerd {format_cents(row.realised_cents)}"
    )
    header: list[ft.Control] = [
        ft.Column(
            [
                ft.Text(name, weight=ft.FontWeight.W_500, max_lines=1),
                ft.Text(figures, theme_style=ft.TextThemeStyle.BODY_SMALL),
                ft.Text(
                    difference(row.deviation_cents, row.target_cents),
                    color=_deviation_color(row.deviation_cents),
                    data=f"{ident}-deviation",
                ),
            ],
            spacing=0,
            expand=True,
        )
    ]
    if actions.record_cause is not None and row.key is not None:
        header.append(
            ft.TextButton(
                "Oorzaak",
                icon=ft.Icons.EDIT_NOTE,
                tooltip=f"Oorzaak van de afwijking vastleggen: {name}",
                on_click=partial(actions.record_cause, kind, row.key, row),
                height=TOUCH_TARGET,
                data=f"results-cause-{kind}-{row.key}",
            )
        )
    return ft.Column(
        [ft.Row(header), *_cause_lines(row.causes, ident=ident)], spacing=2, data=ident
    )


def _breakdown(
    title: str,
    breakdown: DeviationBreakdown,
    *,
    kind: str,
    res: Results,
    actions: Actions,
) -> list[ft.Control]:
    rows = [r for r in breakdown.rows if r.deviation_cents or r.causes][:TOP]
    controls: list[ft.Control] = [ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_SMALL)]
    for r in rows:
        name = res.names.customer(r.key) if kind == "customer" else res.names.group(r.key)
        controls.append(_deviation_row(r, kind=kind, name=name, actions=actions))
    if not rows:
        controls.append(line("Geen afwijkingen.", ident=f"results-dev-{kind}-empty", small=True))
    if breakdown.unallocated_target_cents:
        controls.append(
            line(
                "Niet over klanten te verdelen (geen omzet vorig jaar): "
                f"{format_cents(breakdown.unallocated_target_cents)} target",
                ident=f"results-dev-{kind}-unallocated",
                small=True,
            )
        )
    return controls


def deviations_section(res: Results, actions: Actions) -> ft.Control:
    deviation = res.report.deviation
    controls: list[ft.Control] = []
    if not deviation.target_cents and not deviation.causes:
        controls.append(
            line(
                "Geen target voor deze periode: er is niets om van af te wijken.",
                ident="results-dev-none",
            )
        )
        return block("Afwijkingen van het target", controls, ident="results-section-deviations")
    controls.append(
        line(
            f"Afwijking {signed_cents(deviation.deviation_cents)} · verklaard door oorzaken "
            f"{signed_cents(deviation.explained_cents)} · onverklaard "
            f"{signed_cents(deviation.unexplained_cents)}",
            ident="results-dev-summary",
        )
    )
    controls += _breakdown(
        "Per klant", deviation.by_customer, kind="customer", res=res, actions=actions
    )
    controls += _breakdown(
        "Per productgroep",
        deviation.by_product_group,
        kind="group",
        res=res,
        actions=actions,
    )
    general = [c for c in deviation.causes if c.customer_id is None and c.product_group_id is None]
    if general or actions.record_cause is not None:
        controls.append(ft.Text("Voor het geheel", theme_style=ft.TextThemeStyle.TITLE_SMALL))
        controls += _cause_lines(general, ident="results-dev-total")
    if actions.record_cause is not None:
        controls.append(
            ft.OutlinedButton(
                "Oorzaak voor het geheel vastleggen",
                icon=ft.Icons.EDIT_NOTE,
                on_click=partial(actions.record_cause, "total", None, None),
                height=TOUCH_TARGET,
                data="results-cause-total",
            )
        )
    return block("Afwijkingen van het target", controls, ident="results-section-deviations")


def satisfaction_section(res: Results) -> ft.Control:
    s = res.report.satisfaction
    if not s.responses:
        controls: list[ft.Control] = [
            line("Geen bezoekscores in deze periode.", ident="results-satisfaction")
        ]
    else:
        top = max(s.distribution.values())
        controls = [
            line(
                f"Gemiddeld {decimal_text(s.average)} uit {s.responses} "
                f"{'score' if s.responses == 1 else 'scores'} (1-5)",
                ident="results-satisfaction",
            ),
            *(
                bar_line(
                    f"Score {score}",
                    str(count),
                    count,
                    top,
                    ident=f"results-score-{score}",
                    color=ft.Colors.SECONDARY,
                )
                for score, count in sorted(s.distribution.items(), reverse=True)
            ),
        ]
    return block("Klanttevredenheid", controls, ident="results-section-satisfaction")


def churn_section(res: Results) -> ft.Control:
    c = res.report.churn
    idle = c.without_orders
    controls: list[ft.Control] = [
        line(
            f"Begin {c.customers_at_start} · gewonnen {len(c.won)} · verloren {len(c.lost)} · "
            f"eind {c.customers_at_end} · verloop {format_percent(c.churn_percent)}",
            ident="results-churn",
        ),
        line(
            f"Zonder order in de laatste {c.inactive_months} maanden: {len(idle)} klanten",
            ident="results-idle",
        ),
    ]
    for i in idle[:5]:
        last = fmt.short_date(i.last_order_on) if i.last_order_on else "nooit"
        controls.append(
            line(
                f"{res.names.customer(i.customer_id)} · laatste order {last}",
                ident=f"results-idle-{i.customer_id}",
                small=True,
            )
        )
    return block("Verloop klantenportefeuille", controls, ident="results-section-churn")


def new_customers_section(res: Results) -> ft.Control:
    n = res.report.new_customers
    controls: list[ft.Control] = [
        line(
            f"{n.count} {'nieuwe klant' if n.count == 1 else 'nieuwe klanten'} · omzet "
            f"{format_cents(n.revenue_cents)}",
            ident="results-new",
        )
    ]
    for c in sorted(n.customers, key=lambda c: -c.revenue_cents)[:5]:
        controls.append(
            line(
                f"{res.names.customer(c.customer_id)} · eerste order "
                f"{fmt.short_date(c.first_order_on)} · {format_cents(c.revenue_cents)}",
                ident=f"results-new-{c.customer_id}",
                small=True,
            )
        )
    return block("Nieuwe klanten", controls, ident="results-section-new")


def growth_section(res: Results) -> ft.Control:
    cross, up = res.report.cross_sell, res.report.up_sell
    controls: list[ft.Control] = [
        line(
            f"Cross-sell (producten nieuw voor de klant): {format_cents(cross.revenue_cents)} "
            f"({format_percent(cross.share_percent)} van de omzet bij bestaande klanten)",
            ident="results-cross-sell",
        ),
        line(
            f"Upsell (groei van wat klanten al kochten, t.o.v. vorig jaar): "
            f"{format_cents(up.growth_cents)} · krimp {format_cents(up.decline_cents)} · "
            f"netto {signed_cents(up.net_change_cents)}",
            ident="results-up-sell",
        ),
    ]
    return block("Cross-sell en upsell", controls, ident="results-section-growth")


def plans_section(res: Results) -> ft.Control:
    report = res.report
    a, v, e = report.plan_approval, report.plan_versions, report.execution
    controls: list[ft.Control] = [
        line(
            f"Goedgekeurd: {a.approved} van {a.expected} klanten "
            f"({format_percent(a.approved_percent)}) · ingediend {a.submitted} · "
            f"concept {a.draft} · afgekeurd {a.rejected}",
            ident="results-plans",
        ),
        line(
            f"Versies per plan: gemiddeld {decimal_text(v.average_submissions)}, "
            f"tot goedkeuring {decimal_text(v.average_to_approval)}",
            ident="results-plan-versions",
        ),
        line(
            f"Uitvoering: {e.visits_done} van {e.visits_planned} geplande bezoeken gedaan "
            f"({format_percent(e.visits_done_percent)}) · {e.actions_on_time} van "
            f"{e.actions_due} planacties op tijd ({format_percent(e.actions_on_time_percent)})",
            ident="results-execution",
        ),
    ]
    return block(f"Accountplannen {report.plan_year}", controls, ident="results-section-plans")


def sections(res: Results, actions: Actions) -> list[ft.Control]:
    """All sections in the screen's order."""
    out: list[ft.Control | None] = [
        revenue_section(res),
        salespeople_section(res, actions),
        groups_section(res),
        deviations_section(res, actions),
        satisfaction_section(res),
        churn_section(res),
        new_customers_section(res),
        growth_section(res),
        plans_section(res),
    ]
    return [c for c in out if c is not None]
