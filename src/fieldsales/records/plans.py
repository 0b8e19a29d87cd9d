"""Account plans (accountplannen): one per customer per year, with goals, actions and every
submitted version kept so versions can be compared and the manager's decisions traced."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON
from sqlmodel import Field

from fieldsales.domain.enums import ActionKind, ActionStatus, GoalKind, PlanDecision, PlanStatus
from fieldsales.records.base import Scope, SyncedRecord, UtcDateTime, decimal_field


class AccountPlan(SyncedRecord, table=True):
    __tablename__ = "account_plans"
    collection: ClassVar[str] = "account_plans"
    scope: ClassVar[Scope] = Scope.CUSTOMER
    long_text_fields: ClassVar[frozenset[str]] = frozenset(
        {"analysis", "opportunities", "threats", "manager_comment"}
    )

    customer_id: str = Field(max_length=36, index=True)
    owner_id: str = Field(max_length=36, index=True)  # the author; may not approve it
    year: int = Field(ge=2000, le=2100)
    target_group_id: str | None = Field(default=None, max_length=36)
    status: PlanStatus = Field(default=PlanStatus.DRAFT)
    current_version: int = Field(default=0, ge=0)  # number of the latest submission, 0 = none
    analysis: str = Field(default="", max_length=20000)
    opportunities: str = Field(default="", max_length=20000)
    threats: str = Field(default="", max_length=20000)
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decided_by: str | None = Field(default=None, max_length=36)
    manager_comment: str = Field(default="", max_length=4000)


class AccountPlanVersion(SyncedRecord, table=True):
    """A frozen copy of the plan as submitted, with the decision taken on exactly that copy."""

    __tablename__ = "account_plan_versions"
    collection: ClassVar[str] = "account_plan_versions"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    plan_id: str = Field(max_length=36, index=True)
    customer_id: str = Field(max_length=36, index=True)
    number: int = Field(ge=1)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    submitted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    submitted_by: str | None = Field(default=None, max_length=36)
    decision: PlanDecision | None = None
    decided_by: str | None = Field(default=None, max_length=36)
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    manager_comment: str = Field(default="", max_length=4000)


class PlanGoal(SyncedRecord, table=True):
    """A measurable goal; revenue goals are in euros, count goals in units of their kind."""

    __tablename__ = "plan_goals"
    collection: ClassVar[str] = "plan_goals"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    plan_id: str = Field(max_length=36, index=True)
    customer_id: str = Field(max_length=36, index=True)
    kind: GoalKind = Field(default=GoalKind.REVENUE)
    product_group_id: str | None = Field(default=None, max_length=36)
    description: str = Field(default="", max_length=1000)
    target_value: Decimal = decimal_field(default=Decimal(0), ge=0)


class PlanAction(SyncedRecord, table=True):
    __tablename__ = "plan_actions"
    collection: ClassVar[str] = "plan_actions"
    scope: ClassVar[Scope] = Scope.CUSTOMER

    plan_id: str = Field(max_length=36, index=True)
    customer_id: str = Field(max_length=36, index=True)
    kind: ActionKind = Field(default=ActionKind.VISIT)
    description: str = Field(default="", max_length=1000)
    due_on: date | None = None
    status: ActionStatus = Field(default=ActionStatus.OPEN)
    done_on: date | None = None
    visit_id: str | None = Field(default=None, max_length=36)  # the visit that executes it
