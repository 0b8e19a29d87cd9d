"""Small, realistic data built through the services (what a salesperson would have entered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Contact, Customer, Product, ProductGroup, UserProfile, Visit
from fieldsales.services import customers, visits
from fieldsales.store import Store

#: A fixed "now" for the app: 11:30 local time on a weekday, so today's visits are predictable.
NOW = datetime(2026, 11, 27, 11, 30).astimezone()


def clock() -> datetime:
    return NOW


@dataclass
class Day:
    customers: list[Customer]
    contacts: list[Contact]
    visits: list[Visit]


def add_user(store: Store, actor: Actor, *, username: str, full_name: str) -> UserProfile:
    """Users arrive by sync from the server; tests put one in the way the sync engine would."""
    with store.unit_of_work(applying_sync=True) as uow:
        user = UserProfile(
            id=actor.user_id,
            team_id=actor.team_id,
            username=username,
            full_name=full_name,
            role=actor.role if isinstance(actor.role, Role) else Role(actor.role),
        )
        uow.add(user)
        uow.commit()
    return user


def seed_day(
    store: Store, actor: Actor, now: datetime
) -> tuple[list[Customer], list[Contact], list[Visit]]:
    """Three customers with visits at 09:00, 11:00 and 14:30 on ``now``'s day (local time)."""
    day = now.date()
    tz = now.tzinfo
    specs = [
        ("Bakkerij Jansen", "Dorpsstraat", "12", "3511 AB", "Utrecht", "0301234567", time(9, 0)),
        (
            "Van Dijk Installatietechniek",
            "Industrieweg",
            "4",
            "3542 AD",
            "Utrecht",
            "0302345678",
            time(11, 0),
        ),
        ("Hotel De Linde", "Lindelaan", "1", "3701 AA", "Zeist", None, time(14, 30)),
    ]
    made_customers: list[Customer] = []
    made_contacts: list[Contact] = []
    made_visits: list[Visit] = []
    for name, street, number, postcode, city, phone, at in specs:
        customer = customers.create_customer(
            store,
            actor=actor,
            name=name,
            street=street,
            house_number=number,
            postcode=postcode,
            city=city,
            phone=phone,
        )
        contact = customers.add_contact(
            store,
            actor=actor,
            customer_id=customer.id,
            first_name="Sanne",
            last_name=f"de Boer {len(made_contacts) + 1}",
            mobile="0612345678",
            is_primary=True,
        )
        visit = visits.plan_visit(
            store,
            actor=actor,
            customer_id=customer.id,
            start=datetime.combine(day, at, tzinfo=tz),
            contact_id=contact.id,
            topics="Nieuwe prijslijst bespreken",
        )
        made_customers.append(customer)
        made_contacts.append(contact)
        made_visits.append(visit)
    return made_customers, made_contacts, made_visits


def add_catalogue(store: Store) -> list[Product]:
    """The shared catalogue arrives by sync too; two products in one group."""
    with store.unit_of_work(applying_sync=True) as uow:
        group = ProductGroup(code="KOF", name="Koffie")
        uow.add(group)
        products = [
            Product(
                sku="K-100",
                name="Koffiebonen Arabica 1 kg",
                product_group_id=group.id,
                list_price_cents=2495,
            ),
            Product(
                sku="K-200",
                name="Espressomachine Pro",
                product_group_id=group.id,
                list_price_cents=189900,
            ),
        ]
        for product in products:
            uow.add(product)
        uow.commit()
    return products
