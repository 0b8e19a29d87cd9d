"""The day on the road: a suggested order for today's open visits, and the planned visits as an
iCalendar file for the phone's own calendar.

The route starts where the salesperson is most likely to be: at the customer of the last visit
reported today (the app has no location of its own; that would need a permission the brief does
not ask for), else at no fixed point. Visits already done or called off are not part of it.
A visit the salesperson marks as a fixed appointment keeps its place (``domain.routing``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from fieldsales.domain.enums import VisitStatus
from fieldsales.domain.icalendar import CalendarEvent, to_ical
from fieldsales.domain.plan_workflow import Actor
from fieldsales.domain.routing import MAX_WAYPOINTS, RouteStop, route_url, suggest_route
from fieldsales.records import Contact, Customer
from fieldsales.services import browse
from fieldsales.services.visits import day_bounds, visits_between
from fieldsales.store import Store

OPEN = (VisitStatus.PLANNED, VisitStatus.PREPARED)
#: How far ahead the calendar export looks.
CALENDAR_DAYS = 28


@dataclass(frozen=True, slots=True)
class RouteLeg:
    item: browse.DayVisit
    km: float | None  # the drive to this stop; None when it or the start has no coordinates


@dataclass(frozen=True, slots=True)
class DayRoute:
    legs: list[RouteLeg]  # in the suggested order
    total_km: float
    planned_km: float
    start_name: str | None  # the customer the route starts from (the last visit done today)
    url: str | None  # the whole route in the maps app
    cut_off: bool  # more stops than one maps link takes
    unlocated: int  # stops without coordinates (they go last)

    @property
    def saved_km(self) -> float:
        return max(0.0, self.planned_km - self.total_km)

    @property
    def changed(self) -> bool:
        """Whether the suggestion differs from the planned order."""
        planned = sorted(self.legs, key=lambda leg: leg.item.visit.planned_start)
        return [leg.item.visit.id for leg in planned] != [leg.item.visit.id for leg in self.legs]


def day_route(store: Store, *, actor: Actor, day: date, fixed: Collection[str] = ()) -> DayRoute:
    """Today's open visits in the order that drives least; ``fixed`` visit ids keep their place."""
    items = browse.day_visits(store, actor=actor, day=day)
    open_items = [i for i in items if i.visit.status in OPEN]
    done = [i for i in items if i.visit.status is VisitStatus.REPORTED]
    start_from = max(done, key=lambda i: i.visit.reported_at or i.visit.planned_start, default=None)
    start = None
    if start_from is not None:
        here = start_from.customer
        if here.latitude is not None and here.longitude is not None:
            start = (here.latitude, here.longitude)
    stops = [
        RouteStop(
            visit_id=i.visit.id,
            latitude=i.customer.latitude,
            longitude=i.customer.longitude,
            planned_start=i.visit.planned_start,
            fixed=i.visit.id in fixed,
        )
        for i in open_items
    ]
    plan = suggest_route(stops, start=start)
    by_id = {i.visit.id: i for i in open_items}
    legs = [RouteLeg(by_id[vid], km) for vid, km in zip(plan.order, plan.legs_km, strict=True)]
    points = [
        (leg.item.customer.latitude, leg.item.customer.longitude)
        for leg in legs
        if leg.item.customer.latitude is not None and leg.item.customer.longitude is not None
    ]
    return DayRoute(
        legs=legs,
        total_km=plan.total_km,
        planned_km=plan.planned_km,
        start_name=start_from.customer.name if start is not None and start_from else None,
        url=route_url(points),
        cut_off=len(points) > MAX_WAYPOINTS + 1,
        unlocated=len(stops) - len(points),
    )


def calendar_file(
    store: Store, *, actor: Actor, first_day: date, days: int = CALENDAR_DAYS
) -> tuple[str, int]:
    """The planned visits from ``first_day`` on as an .ics text, and how many there are.

    Each visit keeps its id as the calendar entry's UID, so importing the file again updates
    the entries (a moved visit moves) instead of adding them twice.
    """
    start, _ = day_bounds(first_day)
    end, _ = day_bounds(first_day + timedelta(days=days))
    visits = [
        v for v in visits_between(store, actor=actor, start=start, end=end) if v.status in OPEN
    ]
    with store.read() as session:
        customers = {
            c.id: c
            for c in session.exec(
                select(Customer).where(col(Customer.id).in_({v.customer_id for v in visits}))
            )
        }
        contact_ids = {v.contact_id for v in visits if v.contact_id}
        contacts = {
            c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))
        }
    events = []
    for visit in visits:
        customer = customers.get(visit.customer_id)
        if customer is None:
            continue
        contact = contacts.get(visit.contact_id or "")
        who = f"Met {contact.first_name} {contact.last_name}".strip() if contact else ""
        address = ", ".join(
            p
            for p in (
                " ".join(p for p in (customer.street, customer.house_number) if p),
                " ".join(p for p in (customer.postcode, customer.city) if p),
            )
            if p
        )
        events.append(
            CalendarEvent(
                uid=visit.id,
                summary=f"Bezoek {customer.name}",
                start=visit.planned_start,
                end=visit.planned_start + timedelta(minutes=visit.duration_minutes),
                location=address,
                description="\n".join(p for p in (who, visit.topics) if p),
            )
        )
    return to_ical(events, calendar_name="Bezoeken (fieldsales)", dtstamp=_now()), len(events)


def _now() -> datetime:
    return datetime.now().astimezone()
