"""Child process of the crash test: writes visits and changes to them until it is killed.

Usage: ``python store_crash_writer.py STORE_PATH SEED``. Prints ``ready`` once its first unit of
work is committed, then keeps writing: new visits (sometimes with a new customer in the same
transaction), reports and reschedules of existing visits, tombstones, and units of work that are
abandoned without commit. The parent kills it with SIGKILL at a random moment.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from fieldsales.domain.enums import VisitStatus
from fieldsales.records import Customer, Visit
from fieldsales.store import open_store

OWNER = "0190a000-0000-7000-8000-000000000001"


def main(path: str, seed: int) -> None:
    rng = random.Random(seed)
    store = open_store(path)
    with store.read() as session:
        customer_ids = list(session.exec(select(Customer.id)).all())
        visit_ids = list(session.exec(select(Visit.id).where(Visit.deleted == False)).all())  # noqa: E712
    announced = False
    counter = 0
    while True:
        counter += 1
        added_customers: list[str] = []
        added_visits: list[str] = []
        removed_visits: list[str] = []
        with store.unit_of_work() as uow:
            roll = rng.random()
            if not customer_ids or roll < 0.1:
                customer = Customer(owner_id=OWNER, name=f"Klant {seed}-{counter}", city="Utrecht")
                uow.add(customer)
                added_customers.append(customer.id)
            if roll < 0.55 or not visit_ids:
                visit = Visit(
                    customer_id=rng.choice(customer_ids + added_customers),
                    owner_id=OWNER,
                    planned_start=datetime(2026, 3, 2, 9, tzinfo=UTC)
                    + timedelta(minutes=rng.randrange(100_000)),
                    topics="x" * rng.randrange(0, 3000),
                )
                uow.add(visit)
                added_visits.append(visit.id)
            else:
                existing = uow.session.get(Visit, rng.choice(visit_ids))
                assert existing is not None
                if roll < 0.9:
                    uow.update(
                        existing,
                        status=VisitStatus.REPORTED,
                        report=f"verslag {counter} " + "y" * rng.randrange(0, 8000),
                        satisfaction=rng.randint(1, 5),
                        reported_at=datetime.now(UTC),
                    )
                elif roll < 0.95:
                    uow.update(existing, planned_start=existing.planned_start + timedelta(days=1))
                else:
                    uow.delete(existing)
                    removed_visits.append(existing.id)
            if rng.random() < 0.1:
                # Abandoned half-way: flushed to the file, never committed.
                uow.flush()
                uow.rollback()
                continue
            uow.commit()
        customer_ids.extend(added_customers)
        visit_ids.extend(added_visits)
        for visit_id in removed_visits:
            visit_ids.remove(visit_id)
        if not announced:
            print("ready", flush=True)
            announced = True


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
