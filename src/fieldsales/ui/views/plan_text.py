"""How account-plan goals, actions and statuses read on screen, in one place.

The plan screen, the list and the version comparison all name a goal the same way ("Omzet
Koffie: € 50.000,00", "Bezoeken: 6 bezoeken"), so a change shown in the comparison is
recognisable as the goal on the plan. Plain functions over plain values: the comparison works on
a version's frozen JSON, the screen on records.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fieldsales.domain.enums import ActionKind, GoalKind, PlanStatus
from fieldsales.domain.labels import label
from fieldsales.domain.money import format_eur
from fieldsales.records import AccountPlan, AccountPlanVersion
from fieldsales.ui import format as fmt

#: Goal kinds in the order the goal form offers them (revenue first: the usual goal).
GOAL_KINDS = (GoalKind.REVENUE, GoalKind.NEW_PRODUCTS, GoalKind.VISITS, GoalKind.OTHER)
ACTION_KINDS = (
    ActionKind.VISIT,
    ActionKind.CALL,
    ActionKind.PRODUCT_INTRODUCTION,
    ActionKind.OTHER,
)

#: What the target field asks for, per goal kind.
TARGET_LABEL = {
    GoalKind.REVENUE: "Omzetdoel (euro, excl. btw)",
    GoalKind.NEW_PRODUCTS: "Aantal nieuwe producten",
    GoalKind.VISITS: "Aantal bezoeken",
    GoalKind.OTHER: "Streefwaarde (niet verplicht)",
}


def number_text(value: Decimal) -> str:
    """``12``, ``2,5``: a count or measure the Dutch way."""
    normal = value.normalize() if value != 0 else Decimal(0)
    text = f"{normal:f}"
    return text.replace(".", ",")


def as_decimal(value: Any) -> Decimal:
    """A goal's target from a record (Decimal) or from a version's JSON (a string)."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def target_text(kind: GoalKind, value: Decimal) -> str:
    """``€ 50.000,00``, ``6 bezoeken``, ``1 nieuw product``; nothing for an unset ``OTHER``."""
    if kind is GoalKind.REVENUE:
        return format_eur(value)
    count = number_text(value)
    if kind is GoalKind.VISITS:
        return f"{count} {'bezoek' if value == 1 else 'bezoeken'}"
    if kind is GoalKind.NEW_PRODUCTS:
        return f"{count} {'nieuw product' if value == 1 else 'nieuwe producten'}"
    return count if value else ""


def goal_name(kind: GoalKind, group: str | None, description: str) -> str:
    """``Omzet Koffie``, ``Omzet totaal``, ``Bezoeken``; an ``OTHER`` goal by its description."""
    if kind is GoalKind.OTHER:
        return description or label(kind)
    if kind is GoalKind.REVENUE:
        return f"Omzet {group}" if group else "Omzet totaal"
    if kind is GoalKind.NEW_PRODUCTS and group:
        return f"Nieuwe producten {group}"
    return label(kind)


def goal_line(kind: GoalKind, value: Decimal, group: str | None, description: str) -> str:
    """``Omzet Koffie: € 50.000,00``: the goal as one line."""
    target = target_text(kind, value)
    name = goal_name(kind, group, description)
    return f"{name}: {target}" if target else name


def status_line(plan: AccountPlan, decided_by: str = "") -> str:
    """``Concept · nog niet ingediend``, ``Ingediend · versie 2 op 27-11-2026``,
    ``Goedgekeurd · versie 1, door Mark Jansen op 28-11-2026``."""
    status = label(plan.status)
    if plan.current_version == 0:
        return f"{status} · nog niet ingediend"
    version = f"versie {plan.current_version}"
    if plan.status is PlanStatus.DRAFT:
        return f"{status} · wordt herzien, laatst ingediend als {version}"
    if plan.status is PlanStatus.SUBMITTED:
        when = f" op {fmt.short_date(plan.submitted_at)}" if plan.submitted_at else ""
        return f"{status} · {version}{when}, wacht op beoordeling"
    who = f", door {decided_by}" if decided_by else ""
    when = f" op {fmt.short_date(plan.decided_at)}" if plan.decided_at else ""
    return f"{status} · {version}{who}{when}"


def version_title(version: AccountPlanVersion) -> str:
    """``Versie 2 · ingediend 27-11-2026``."""
    when = f" · ingediend {fmt.short_date(version.submitted_at)}" if version.submitted_at else ""
    return f"Versie {version.number}{when}"


def version_decision(version: AccountPlanVersion, decided_by: str = "") -> str:
    """``Afgekeurd op 28-11-2026 door Mark Jansen`` or ``Wacht op beoordeling``."""
    if version.decision is None:
        return "Wacht op beoordeling"
    who = f" door {decided_by}" if decided_by else ""
    when = f" op {fmt.short_date(version.decided_at)}" if version.decided_at else ""
    return f"{label(version.decision)}{when}{who}"
