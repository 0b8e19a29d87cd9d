"""Every KPI the brief names, as pure functions over facts (``domain.facts``) and a period.

Split by result area; everything is re-exported here, so ``from fieldsales.domain.kpis import
revenue`` works. Percentages are ``Decimal`` rounded half-up to one decimal and ``None`` when the
denominator is zero; money is integer cents.

Account plans (``kpis.plans``): ``plan_approval``, ``plan_versions``, ``goal_realism`` (+
``summarize_goal_realism``), ``execution_degree``, ``execution_by_plan``.
Existing customers (``kpis.customers``): ``revenue``, ``revenue_growth``, ``cross_sell_revenue``,
``up_sell_revenue``, ``satisfaction``, ``portfolio_churn``.
Acquisition (``kpis.acquisition``): ``new_customers``, ``new_customer_lifetime``.
Targets (``kpis.targets``): ``target_progress``.
"""

from __future__ import annotations

from fieldsales.domain.kpis.acquisition import (
    CustomerLifetime,
    Lifetime,
    NewCustomer,
    NewCustomers,
    new_customer_lifetime,
    new_customers,
)
from fieldsales.domain.kpis.customers import (
    CrossSellRevenue,
    CustomerScore,
    Growth,
    IdleCustomer,
    KeyAmount,
    PortfolioChurn,
    RevenueBreakdown,
    Satisfaction,
    UpSellRevenue,
    cross_sell_revenue,
    portfolio_churn,
    revenue,
    revenue_growth,
    satisfaction,
    up_sell_revenue,
)
from fieldsales.domain.kpis.plans import (
    ExecutionDegree,
    GoalRealism,
    GoalRealismSummary,
    PlanApproval,
    PlanVersionCount,
    VersionStats,
    execution_by_plan,
    execution_degree,
    goal_realism,
    plan_approval,
    plan_versions,
    summarize_goal_realism,
)
from fieldsales.domain.kpis.targets import TargetProgress, target_progress

__all__ = [
    "CrossSellRevenue",
    "CustomerLifetime",
    "CustomerScore",
    "ExecutionDegree",
    "GoalRealism",
    "GoalRealismSummary",
    "Growth",
    "IdleCustomer",
    "KeyAmount",
    "Lifetime",
    "NewCustomer",
    "NewCustomers",
    "PlanApproval",
    "PlanVersionCount",
    "PortfolioChurn",
    "RevenueBreakdown",
    "Satisfaction",
    "TargetProgress",
    "UpSellRevenue",
    "VersionStats",
    "cross_sell_revenue",
    "execution_by_plan",
    "execution_degree",
    "goal_realism",
    "new_customer_lifetime",
    "new_customers",
    "plan_approval",
    "plan_versions",
    "portfolio_churn",
    "revenue",
    "revenue_growth",
    "satisfaction",
    "summarize_goal_realism",
    "target_progress",
    "up_sell_revenue",
]
