from datetime import date
from decimal import Decimal

from fieldsales.domain.enums import ActionStatus, CustomerKind, GoalKind, PlanStatus, VisitStatus
from fieldsales.domain.facts import (
    ActionFact,
    CustomerFact,
    GoalFact,
    PlanFact,
    SaleLine,
    VisitFact,
)
from fieldsales.domain.kpis import (
    ExecutionDegree,
    execution_by_plan,
    execution_degree,
    goal_realism,
    plan_approval,
    plan_versions,
    summarize_goal_realism,
)
from fieldsales.domain.periods import Period

PLANS = [
    PlanFact("p1", "c1", 2026, PlanStatus.APPROVED, 1, 1),
    PlanFact("p2", "c2", 2026, PlanStatus.APPROVED, 3, 3),
    PlanFact("p3", "c3", 2026, PlanStatus.SUBMITTED, 2, 2),
    PlanFact("p4", "c4", 2026, PlanStatus.REJECTED, 1, 1),
    PlanFact("p5", "c5", 2026, PlanStatus.DRAFT, 0, 0),
    PlanFact("p6", "c1", 2025, PlanStatus.APPROVED, 2, 2),
]


def test_plan_approval() -> None:
    # 2026: 5 plans, 2 approved → 2 / 5 = 40,0 %
    result = plan_approval(PLANS, year=2026)
    assert (result.plans, result.approved, result.submitted, result.rejected, result.draft) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert result.approved_percent == Decimal("40.0")
    # 8 customers should have a plan: 2 / 8 = 25,0 %
    assert plan_approval(PLANS, year=2026, expected_plans=8).approved_percent == Decimal("25.0")
    # all years: 3 of 6 approved = 50,0 %
    assert plan_approval(PLANS).approved_percent == Decimal("50.0")
    assert plan_approval([], year=2026).approved_percent is None


def test_plan_versions() -> None:
    stats = plan_versions(PLANS, year=2026)
    assert [(r.plan_id, r.submissions) for r in stats.per_plan] == [
        ("p2", 3),
        ("p3", 2),
        ("p1", 1),
        ("p4", 1),
        ("p5", 0),
    ]
    # submitted at least once: (3 + 2 + 1 + 1) / 4 = 1,75
    assert stats.average_submissions == Decimal("1.75")
    # approved: p1 after 1, p2 after 3 submissions → 2,00
    assert stats.average_to_approval == Decimal("2.00")
    assert stats.max_submissions == 3
    empty = plan_versions([])
    assert (empty.average_submissions, empty.average_to_approval, empty.max_submissions) == (
        None,
        None,
        0,
    )


def sale(customer: str, product: str, group: str | None, on: date, euros: int) -> SaleLine:
    return SaleLine(customer, product, group, f"o-{on.isoformat()}", on, euros * 100)


REALISM_SALES = [
    sale("c1", "A", "g1", date(2024, 5, 1), 1000),
    sale("c1", "A", "g1", date(2025, 3, 1), 30000),
    sale("c1", "B", "g1", date(2025, 6, 1), 10000),
    sale("c1", "E", "g2", date(2025, 9, 1), 10000),
    sale("c1", "A", "g1", date(2026, 1, 15), 30000),
    sale("c1", "C", "g1", date(2026, 12, 10), 15000),
    sale("c1", "E", "g2", date(2026, 4, 1), 2000),
    sale("c1", "D", "g2", date(2026, 5, 1), 3000),
    sale("c2", "A", "g1", date(2026, 2, 1), 99999),  # another customer: never counted for c1
]
REALISM_VISITS = [
    *(
        VisitFact(f"v25-{m}", "c1", date(2025, m, 10), VisitStatus.REPORTED, date(2025, m, 10))
        for m in (2, 5, 8, 11)
    ),
    VisitFact("v25-x", "c1", date(2025, 12, 1), VisitStatus.CANCELLED),
    *(
        VisitFact(f"v26-{m}", "c1", date(2026, m, 10), VisitStatus.REPORTED, date(2026, m, 10))
        for m in (1, 3, 5, 9, 11)
    ),
    VisitFact("v26-p", "c1", date(2026, 12, 20), VisitStatus.PLANNED),
]
GOALS = [
    GoalFact("G1", "p1", "c1", 2026, GoalKind.REVENUE, Decimal(50000), "g1"),
    GoalFact("G2", "p1", "c1", 2026, GoalKind.REVENUE, Decimal(120000)),
    GoalFact("G3", "p1", "c1", 2026, GoalKind.VISITS, Decimal(6)),
    GoalFact("G4", "p1", "c1", 2026, GoalKind.NEW_PRODUCTS, Decimal(2)),
    GoalFact("G5", "p1", "c1", 2026, GoalKind.OTHER, Decimal(1)),
]
CUSTOMERS = [CustomerFact("c1", CustomerKind.CUSTOMER, potential_revenue_cents=100_000_00)]


def test_goal_realism_at_year_end() -> None:
    rows = goal_realism(
        GOALS, REALISM_SALES, REALISM_VISITS, customers=CUSTOMERS, as_of=date(2026, 12, 31)
    )
    by_id = {r.goal_id: r for r in rows}
    assert set(by_id) == {"G1", "G2", "G3", "G4"}  # OTHER has no measure
    g1 = by_id["G1"]
    # g1 revenue 2025: 30.000 + 10.000 = 40.000 → 50.000 / 40.000 = 125,0 %
    # potential 100.000 → 50,0 %; realised 2026: 30.000 + 15.000 = 45.000 → 90,0 %
    assert (g1.last_year, g1.vs_last_year_percent) == (Decimal("40000.00"), Decimal("125.0"))
    assert (g1.potential, g1.vs_potential_percent) == (Decimal("100000.00"), Decimal("50.0"))
    assert (g1.realised, g1.realised_percent, g1.year_complete) == (
        Decimal("45000.00"),
        Decimal("90.0"),
        True,
    )
    g2 = by_id["G2"]
    # total 2025: 50.000 → 120.000 / 50.000 = 240,0 %; vs potential 120,0 %;
    # realised 2026: 30.000 + 15.000 + 2.000 + 3.000 = 50.000 → 41,67 → 41,7 %
    assert (g2.vs_last_year_percent, g2.vs_potential_percent) == (
        Decimal("240.0"),
        Decimal("120.0"),
    )
    assert (g2.realised, g2.realised_percent) == (Decimal("50000.00"), Decimal("41.7"))
    g3 = by_id["G3"]
    # reported visits 2025: 4 (the cancelled one not) → 6 / 4 = 150,0 %; 2026: 5 → 83,3 %
    assert (g3.last_year, g3.vs_last_year_percent, g3.potential) == (
        Decimal(4),
        Decimal("150.0"),
        None,
    )
    assert (g3.realised, g3.realised_percent) == (Decimal(5), Decimal("83.3"))
    g4 = by_id["G4"]
    # new in 2025 (not bought in 2024): B, E → 2 → 100,0 %; new in 2026: C, D → 2 → 100,0 %
    assert (g4.last_year, g4.vs_last_year_percent) == (Decimal(2), Decimal("100.0"))
    assert (g4.realised, g4.realised_percent) == (Decimal(2), Decimal("100.0"))

    summary = summarize_goal_realism(rows)
    # vs last year: (125 + 240 + 150 + 100) / 4 = 153,75 → 153,8
    assert summary.average_vs_last_year_percent == Decimal("153.8")
    assert summary.above_potential == 1  # G2: 120.000 > 100.000
    assert (summary.goals, summary.completed, summary.achieved) == (4, 4, 1)  # only G4 reached
    # realised: (90 + 41,7 + 83,3 + 100) / 4 = 78,75 → 78,8
    assert summary.average_realised_percent == Decimal("78.8")


def test_goal_realism_during_the_year() -> None:
    rows = goal_realism(
        GOALS, REALISM_SALES, REALISM_VISITS, customers=CUSTOMERS, as_of=date(2026, 6, 30)
    )
    by_id = {r.goal_id: r for r in rows}
    # up to 30-06: g1 30.000 → 60,0 %; new products: A (old), E (old), D (new) → 1 → 50,0 %
    assert (by_id["G1"].realised, by_id["G1"].realised_percent) == (
        Decimal("30000.00"),
        Decimal("60.0"),
    )
    assert by_id["G4"].realised == Decimal(1)
    assert by_id["G3"].realised == Decimal(3)  # January, March, May
    assert not by_id["G1"].year_complete
    summary = summarize_goal_realism(rows)
    assert (summary.completed, summary.achieved, summary.average_realised_percent) == (0, 0, None)


def test_goal_realism_without_history_or_potential() -> None:
    goal = GoalFact("G", "p9", "c9", 2026, GoalKind.REVENUE, Decimal(1000))
    (row,) = goal_realism([goal], [], as_of=date(2026, 1, 1))
    assert (row.last_year, row.vs_last_year_percent, row.potential, row.vs_potential_percent) == (
        Decimal("0.00"),
        None,
        None,
        None,
    )
    zero_goal = GoalFact("Z", "p9", "c9", 2026, GoalKind.VISITS, Decimal(0))
    assert goal_realism([zero_goal], [], as_of=date(2026, 1, 1))[0].realised_percent is None


Q1 = Period.quarter(2026, 1)
AS_OF = date(2026, 3, 15)
EXEC_VISITS = [
    VisitFact("v1", "c1", date(2026, 1, 10), VisitStatus.REPORTED, date(2026, 1, 10), None, "a1"),
    VisitFact("v2", "c1", date(2026, 2, 1), VisitStatus.REPORTED, date(2026, 2, 5)),
    VisitFact("v3", "c1", date(2026, 2, 15), VisitStatus.CANCELLED),
    VisitFact("v4", "c1", date(2026, 3, 1), VisitStatus.PLANNED, plan_action_id="a6"),
    VisitFact("v5", "c1", date(2026, 3, 20), VisitStatus.PLANNED),
    VisitFact("v6", "c1", date(2025, 12, 30), VisitStatus.REPORTED, date(2025, 12, 30)),
    VisitFact("v7", "c1", date(2026, 3, 2), VisitStatus.REPORTED, date(2026, 3, 3)),
]
EXEC_ACTIONS = [
    ActionFact("a1", "p1", date(2026, 1, 31), ActionStatus.DONE, date(2026, 1, 20)),
    ActionFact("a2", "p1", date(2026, 2, 28), ActionStatus.DONE, date(2026, 3, 5)),
    ActionFact("a3", "p1", date(2026, 3, 10), ActionStatus.OPEN),
    ActionFact("a4", "p2", date(2026, 3, 31), ActionStatus.OPEN),
    ActionFact("a5", "p2", None, ActionStatus.DONE, date(2026, 1, 1)),
    ActionFact("a6", "p2", date(2026, 2, 10), ActionStatus.CANCELLED),
]


def test_execution_degree() -> None:
    result = execution_degree(EXEC_VISITS, EXEC_ACTIONS, period=Q1, as_of=AS_OF)
    # visits planned in Q1 up to 15-03: v1 v2 v3 v4 v7 = 5; reported: v1 v2 v7 = 3 → 60,0 %;
    # on time (report ≤ 1 day after): v1, v7 = 2 → 40,0 %
    assert (result.visits_planned, result.visits_done, result.visits_on_time) == (5, 3, 2)
    assert (result.visits_done_percent, result.visits_on_time_percent) == (
        Decimal("60.0"),
        Decimal("40.0"),
    )
    # actions due up to 15-03 (with a date): a1 a2 a3 a6 = 4
    # done: a1 a2 → 50,0 %; on time: a1 → 25,0 %
    assert (result.actions_due, result.actions_done, result.actions_on_time) == (4, 2, 1)
    assert (result.actions_done_percent, result.actions_on_time_percent) == (
        Decimal("50.0"),
        Decimal("25.0"),
    )
    strict = execution_degree(EXEC_VISITS, EXEC_ACTIONS, period=Q1, as_of=AS_OF, grace_days=0)
    assert strict.visits_on_time == 1


def test_execution_before_the_period_and_by_plan() -> None:
    nothing = execution_degree(EXEC_VISITS, EXEC_ACTIONS, period=Q1, as_of=date(2025, 12, 31))
    assert nothing == ExecutionDegree.of(0, 0, 0, 0, 0, 0)
    assert nothing.visits_done_percent is None
    per_plan = execution_by_plan(EXEC_VISITS, EXEC_ACTIONS, period=Q1, as_of=AS_OF)
    assert list(per_plan) == ["p1", "p2"]
    # p1: visit v1 (via a1) done on time; actions a1 a2 a3 due, a1 a2 done, a1 on time
    assert per_plan["p1"] == ExecutionDegree.of(1, 1, 1, 3, 2, 1)
    # p2: visit v4 (via a6) not done; only a6 due (a4 later, a5 undated), not done
    assert per_plan["p2"] == ExecutionDegree.of(1, 0, 0, 1, 0, 0)
