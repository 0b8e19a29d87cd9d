"""Visit cadence: when each customer is due for a visit, and who is overdue.

A customer's target group sets how often it should be visited (``visit_interval_days``). The next
visit is due that many days after the last reported visit, unless the last report agreed a date
with the customer ("come back in March"): an agreement with the customer wins over the default
rhythm. A customer never visited is due from the day it became a customer, or right away when
that is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_INTERVAL_DAYS = 90


@dataclass(frozen=True, slots=True)
class CadenceInput:
    """One customer's visit history as the cadence rule needs it.

    ``planned_next_on`` is the earliest visit already in the agenda (planned, not yet reported);
    ``agreed_next_on`` is the next-visit date from the last visit report.
    """

    customer_id: str
    interval_days: int
    last_visit_on: date | None
    agreed_next_on: date | None = None
    planned_next_on: date | None = None
    customer_since: date | None = None


def next_visit_due(
    last_visit_on: date | None,
    interval_days: int,
    *,
    agreed_next_on: date | None = None,
    customer_since: date | None = None,
) -> date | None:
    """The day the next visit is due; None for a never-visited customer of unknown start (due
    now). An agreed date only counts when it lies after the last visit it was agreed at."""
    if agreed_next_on is not None and (last_visit_on is None or agreed_next_on > last_visit_on):
        return agreed_next_on
    if last_visit_on is not None:
        return last_visit_on + timedelta(days=max(1, interval_days))
    return customer_since


@dataclass(frozen=True, slots=True)
class OverdueCustomer:
    """``days_overdue`` is negative for customers due within the horizon but not yet overdue."""

    customer_id: str
    due_on: date
    days_overdue: int
    last_visit_on: date | None
    never_visited: bool


def overdue_customers(
    customers: Sequence[CadenceInput],
    today: date,
    *,
    horizon_days: int = 0,
    include_planned: bool = False,
) -> list[OverdueCustomer]:
    """Customers due on or before ``today + horizon_days``, most overdue first.

    Customers with a visit already planned from today on are left out (that is in hand) unless
    ``include_planned``. Never-visited customers without a start date are due today.
    """
    horizon = today + timedelta(days=horizon_days)
    result: list[OverdueCustomer] = []
    for c in customers:
        if not include_planned and c.planned_next_on is not None and c.planned_next_on >= today:
            continue
        due = next_visit_due(
            c.last_visit_on,
            c.interval_days,
            agreed_next_on=c.agreed_next_on,
            customer_since=c.customer_since,
        )
        due_on = today if due is None else due
        if due_on <= horizon:
            result.append(
                OverdueCustomer(
                    customer_id=c.customer_id,
                    due_on=due_on,
                    days_overdue=(today - due_on).days,
                    last_visit_on=c.last_visit_on,
                    never_visited=c.last_visit_on is None,
                )
            )
    result.sort(key=lambda o: (-o.days_overdue, not o.never_visited, o.customer_id))
    return result
