"""The plain inputs of the KPI, suggestion, complaint and deviation rules.

The store's queries turn records into these (one row per fact, no lazy loading), and the rules
never see a database. Each fact carries the ids the rules group by, so a rule is a pass over a
list. Money is integer cents, except ``GoalFact.target_value``, which keeps the plan goal's own unit
(euros for revenue goals, a count for the others) exactly as the salesperson entered it.

Which rows to pass is the caller's choice and part of a report's definition: e.g. the sale lines
of one salesperson's customers, or of the whole team. Rules that need history (first orders,
"new to the customer") say how far back the lines must go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from fieldsales.domain.enums import (
    ActionKind,
    ActionStatus,
    ComplaintCategory,
    ComplaintStatus,
    CustomerKind,
    DeviationCauseKind,
    GoalKind,
    PlanStatus,
    VisitStatus,
)
from fieldsales.domain.money import to_cents
from fieldsales.domain.periods import Period

__all__ = [
    "ActionFact",
    "CauseFact",
    "ComplaintFact",
    "CustomerFact",
    "GoalFact",
    "Period",
    "PlanFact",
    "ProductFact",
    "SaleLine",
    "TargetFact",
    "VisitFact",
]


class SaleLine(NamedTuple):
    """One order line that counts as revenue (placed or delivered orders, ERP imports included;
    drafts and cancelled orders are left out by the query).

    A named tuple rather than a frozen dataclass: reports build one per order line, tens of
    thousands at a time, and a tuple is built several times faster.
    """

    customer_id: str
    product_id: str
    product_group_id: str | None
    order_id: str
    order_date: date
    net_cents: int
    quantity: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class VisitFact:
    """A visit; ``reported_on`` is the date its report (or quick "visit done") was saved."""

    visit_id: str
    customer_id: str
    planned_on: date
    status: VisitStatus
    reported_on: date | None = None
    satisfaction: int | None = None
    plan_action_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlanFact:
    """An account plan; ``submissions`` counts its kept versions (normally ``current_version``)."""

    plan_id: str
    customer_id: str
    year: int
    status: PlanStatus
    current_version: int
    submissions: int


@dataclass(frozen=True, slots=True)
class GoalFact:
    """A plan goal; ``target_value`` is in euros for revenue goals, a count otherwise."""

    goal_id: str
    plan_id: str
    customer_id: str
    year: int
    kind: GoalKind
    target_value: Decimal
    product_group_id: str | None = None

    @property
    def target_cents(self) -> int:
        """A revenue goal's target in cents (only meaningful for ``GoalKind.REVENUE``)."""
        return to_cents(self.target_value)


@dataclass(frozen=True, slots=True)
class ActionFact:
    action_id: str
    plan_id: str
    due_on: date | None
    status: ActionStatus
    done_on: date | None = None
    customer_id: str = ""
    kind: ActionKind = ActionKind.OTHER


@dataclass(frozen=True, slots=True)
class CustomerFact:
    """A customer or prospect; ``potential_revenue_cents`` is its yearly potential."""

    customer_id: str
    kind: CustomerKind
    target_group_id: str | None = None
    customer_since: date | None = None
    lost_on: date | None = None
    potential_revenue_cents: int | None = None


@dataclass(frozen=True, slots=True)
class ComplaintFact:
    complaint_id: str
    customer_id: str
    category: ComplaintCategory
    product_id: str | None
    reported_on: date
    status: ComplaintStatus = ComplaintStatus.OPEN


@dataclass(frozen=True, slots=True)
class TargetFact:
    """A sales target; no customer and no product group means the salesperson's total target."""

    period_start: date
    period_end: date
    customer_id: str | None
    product_group_id: str | None
    revenue_target_cents: int
    target_id: str = ""

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)


@dataclass(frozen=True, slots=True)
class CauseFact:
    """A recorded cause of a deviation. ``amount_cents`` is the part of the deviation it explains,
    with the deviation's sign (negative for a shortfall); None when the salesperson gave no amount.
    """

    period_start: date
    period_end: date
    customer_id: str | None
    product_group_id: str | None
    cause: DeviationCauseKind
    amount_cents: int | None = None
    note: str = ""
    cause_id: str = ""


@dataclass(frozen=True, slots=True)
class ProductFact:
    product_id: str
    name: str
    product_group_id: str | None = None
    introduced_on: date | None = None
    active: bool = True
    list_price_cents: int = 0
