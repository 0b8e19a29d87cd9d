"""The team directory and the target groups (doelgroepen) that set a visit cadence."""

from __future__ import annotations

from typing import ClassVar

from sqlmodel import Field

from fieldsales.domain.enums import Role
from fieldsales.records.base import Scope, SyncedRecord


class Team(SyncedRecord, table=True):
    __tablename__ = "teams"
    collection: ClassVar[str] = "teams"
    scope: ClassVar[Scope] = Scope.TEAM

    name: str = Field(max_length=120)
    manager_id: str | None = Field(default=None, max_length=36)


class UserProfile(SyncedRecord, table=True):
    """A colleague as the app shows them; accounts and passwords live only on the server."""

    __tablename__ = "users"
    collection: ClassVar[str] = "users"
    scope: ClassVar[Scope] = Scope.TEAM

    team_id: str | None = Field(default=None, max_length=36, index=True)
    username: str = Field(max_length=80)
    full_name: str = Field(max_length=120)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    role: Role = Field(default=Role.SALESPERSON)
    active: bool = Field(default=True)


class TargetGroup(SyncedRecord, table=True):
    """A segment such as A/B/C by potential, or a sector; it sets the default visit frequency."""

    __tablename__ = "target_groups"
    collection: ClassVar[str] = "target_groups"
    scope: ClassVar[Scope] = Scope.SHARED

    code: str = Field(max_length=20)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    visit_interval_days: int = Field(default=90, ge=1, le=730)
