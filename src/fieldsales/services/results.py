"""Read model of the Resultaten screen: whose report the user may see, and the names in it.

A salesperson sees their own portfolio only. A manager (or an administrator) sees the team, with
a line per salesperson, or one salesperson picked from the team; a manager's device holds the
team's records, so "the team" is everything on the device. The figures themselves come from
``reports.year.period_report`` (the year report's facts and ``domain.kpis``/``domain.deviations``):
this module decides whose they are and adds the names of customers, product groups and people.

Recording a cause of a deviation is ``services.targets.record_deviation_cause``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from fieldsales.domain.enums import Role
from fieldsales.domain.periods import Period
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Customer, ProductGroup, UserProfile
from fieldsales.reports.export import ReportNames, export_csv, export_pdf, file_name
from fieldsales.reports.year import PeriodReport, period_report
from fieldsales.services.errors import NotAllowed
from fieldsales.store import Store

TEAM = "Hele team"


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Results:
    """The report, the names for its ids, and whose it is (``owner_id`` None: the team)."""

    report: PeriodReport
    names: ReportNames
    owner_id: str | None
    subject: str


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str
    data: bytes


def export(results: Results) -> ExportFile:
    """The report as shown, as a CSV file for Dutch Excel (``reports.export``)."""
    return ExportFile(
        name=file_name(results.report, results.subject),
        data=export_csv(results.report, results.names, subject=results.subject),
    )


def export_as_pdf(results: Results, *, made: date) -> ExportFile:
    """The same tables as a PDF (for the manager's file)."""
    return ExportFile(
        name=file_name(results.report, results.subject, suffix=".pdf"),
        data=export_pdf(results.report, results.names, subject=results.subject, made=made),
    )


def sees_team(actor: Actor) -> bool:
    return actor.role in (Role.MANAGER, Role.ADMIN)


def salespeople(store: Store, *, actor: Actor) -> list[Person]:
    """Whom a manager can pick (the salespeople known on the device, by name); nobody for a
    salesperson, who only ever sees their own results."""
    if not sees_team(actor):
        return []
    with store.read() as session:
        users = session.exec(
            select(UserProfile)
            .where(col(UserProfile.deleted).is_(False))
            .where(col(UserProfile.role) == Role.SALESPERSON)
            .order_by(col(UserProfile.full_name))
        ).all()
        return [Person(u.id, u.full_name or u.username) for u in users]


def results(
    store: Store,
    *,
    actor: Actor,
    period: Period,
    as_of: date,
    owner_id: str | None = None,
) -> Results:
    """The period report of ``owner_id`` (None: a salesperson's own, a manager's team)."""
    if not sees_team(actor):
        if owner_id not in (None, actor.user_id):
            raise NotAllowed(
                "U ziet alleen de resultaten van uw eigen portefeuille.", code="results_own_only"
            )
        owner_id = actor.user_id
    report = period_report(store, owner_id=owner_id, period=period, as_of=as_of)
    names = _names(store)
    subject = TEAM if owner_id is None else names.user(owner_id)
    return Results(report=report, names=names, owner_id=owner_id, subject=subject)


def _names(store: Store) -> ReportNames:
    """Every name the report can need: all customers on the device (the user's scope; a
    customer that moved to a colleague keeps its name in last year's figures), a few
    milliseconds for a portfolio of 500."""
    with store.read() as session:
        customers = select(Customer.id, Customer.name).where(col(Customer.deleted).is_(False))
        groups = select(ProductGroup.id, ProductGroup.name).where(
            col(ProductGroup.deleted).is_(False)
        )
        users = select(UserProfile.id, UserProfile.full_name, UserProfile.username)
        return ReportNames(
            customers=dict(session.exec(customers).all()),
            product_groups=dict(session.exec(groups).all()),
            users={uid: full or username for uid, full, username in session.exec(users).all()},
        )
