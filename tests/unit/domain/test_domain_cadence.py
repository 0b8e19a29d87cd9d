from datetime import date

from fieldsales.domain.cadence import (
    CadenceInput,
    OverdueCustomer,
    next_visit_due,
    overdue_customers,
)

TODAY = date(2026, 6, 1)


def test_next_visit_due() -> None:
    assert next_visit_due(date(2026, 4, 1), 30) == date(2026, 5, 1)
    # an agreed date wins over the rhythm, later or earlier
    assert next_visit_due(date(2026, 4, 1), 30, agreed_next_on=date(2026, 9, 1)) == date(2026, 9, 1)
    assert next_visit_due(date(2026, 4, 1), 90, agreed_next_on=date(2026, 4, 15)) == date(
        2026, 4, 15
    )
    # a stale agreement (before the last visit) is ignored
    assert next_visit_due(date(2026, 5, 1), 14, agreed_next_on=date(2026, 4, 1)) == date(
        2026, 5, 15
    )
    assert next_visit_due(None, 30, customer_since=date(2026, 5, 25)) == date(2026, 5, 25)
    assert next_visit_due(None, 30) is None


CUSTOMERS = [
    CadenceInput("A", 30, date(2026, 4, 1)),  # due 01-05 → 31 days overdue
    CadenceInput("B", 90, date(2026, 5, 1), agreed_next_on=date(2026, 5, 20)),  # 12 days
    CadenceInput("C", 90, date(2026, 4, 15)),  # due 14-07: not yet
    CadenceInput("D", 90, None, customer_since=date(2026, 5, 25)),  # never visited: 7 days
    CadenceInput("E", 90, None),  # never visited, start unknown: due today
    CadenceInput("F", 30, date(2026, 1, 1), planned_next_on=date(2026, 6, 3)),  # already planned
    CadenceInput("G", 14, date(2026, 5, 1), agreed_next_on=date(2026, 4, 1)),  # due 15-05: 17 days
]


def test_overdue_customers_sorted_by_days_overdue() -> None:
    assert overdue_customers(CUSTOMERS, TODAY) == [
        OverdueCustomer("A", date(2026, 5, 1), 31, date(2026, 4, 1), False),
        OverdueCustomer("G", date(2026, 5, 15), 17, date(2026, 5, 1), False),
        OverdueCustomer("B", date(2026, 5, 20), 12, date(2026, 5, 1), False),
        OverdueCustomer("D", date(2026, 5, 25), 7, None, True),
        OverdueCustomer("E", TODAY, 0, None, True),
    ]


def test_horizon_and_planned_visits() -> None:
    ahead = overdue_customers(CUSTOMERS, TODAY, horizon_days=45)
    assert ahead[-1] == OverdueCustomer("C", date(2026, 7, 14), -43, date(2026, 4, 15), False)
    everyone = overdue_customers(CUSTOMERS, TODAY, include_planned=True)
    assert everyone[0].customer_id == "F"  # due 31-01: 121 days
    assert everyone[0].days_overdue == 121
    # a planned visit in the past (not reported) does not count as in hand
    stale = CadenceInput("H", 30, date(2026, 4, 1), planned_next_on=date(2026, 5, 30))
    assert [o.customer_id for o in overdue_customers([stale], TODAY)] == ["H"]
