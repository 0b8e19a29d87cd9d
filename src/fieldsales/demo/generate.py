"""Generate the demo tenant: a horeca and facility wholesaler with its sales team.

Deterministic: the same ``(seed, today)`` gives the same records, ids included, on every machine
and Python 3.11+ run. Everything random comes from ``random.Random`` instances seeded from
``seed`` (never the global generator): one stream for the organisation, one for the catalogue and
one per salesperson, so verkoper1's portfolio does not change when a fourth salesperson is
added. Ids come from ``_ids.IdFactory`` (UUIDv7-shaped, fixed base instant, seeded random bits),
not from ``domain.ids.new_id``, which reads the clock. History is anchored on ``today``
(default: the real date), so the demo always has visits today and three years behind it.
"""

from __future__ import annotations

import gc
import random
from datetime import date, timedelta

from fieldsales.demo._catalogue import build_catalogue
from fieldsales.demo._common import make, stamp
from fieldsales.demo._history import TIERS, SalespersonBuilder
from fieldsales.demo._ids import IdFactory
from fieldsales.demo._nl import Registry, make_mobile
from fieldsales.demo._words import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES, REGIONS
from fieldsales.demo.data import TENANT_NAME, DemoData
from fieldsales.domain.enums import Role
from fieldsales.records import TargetGroup, Team, UserProfile

EMAIL_DOMAIN = "demo-groothandel.nl"

_STREAM_ORG = 0
_STREAM_CATALOGUE = 1
_STREAM_FIRST_SALESPERSON = 2

_TARGET_GROUPS = (
    ("A", "A-klanten", "Hoge potentie: maandelijks bezoek, jaarlijks accountplan.", 30),
    ("B", "B-klanten", "Middelgrote potentie: om de twee maanden een bezoek.", 60),
    ("C", "C-klanten", "Kleine potentie: drie keer per jaar een bezoek, verder telefonisch.", 120),
    ("ZORG", "Zorg en welzijn", "Sector zorg: contractprijzen, vaste bezoekfrequentie.", 45),
)


def generate(
    *,
    seed: int = 1,
    salespeople: int = 3,
    customers_per_salesperson: int = 150,
    prospects_per_salesperson: int = 40,
    years: int = 3,
    today: date | None = None,
) -> DemoData:
    """A complete demo tenant: a manager, ``salespeople`` salespeople (``verkoper1``..N), the
    catalogue, and per salesperson a portfolio with ``years`` years of history up to ``today``.

    Pure: no I/O, no clock beyond ``date.today()`` when ``today`` is omitted.
    """
    if salespeople < 1:
        raise ValueError("salespeople must be at least 1")
    if customers_per_salesperson < 1 or prospects_per_salesperson < 0:
        raise ValueError("customers_per_salesperson >= 1 and prospects_per_salesperson >= 0")
    if years < 1:
        raise ValueError("years must be at least 1")
    # Tens of thousands of live objects make the cyclic collector rescan everything again and
    # again: it took 40 % of the time. Generation creates no garbage cycles worth collecting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(
            seed=seed,
            salespeople=salespeople,
            customers=customers_per_salesperson,
            prospects=prospects_per_salesperson,
            years=years,
            today=today or date.today(),
        )
    finally:
        if collecting:
            gc.enable()


def _generate(
    *, seed: int, salespeople: int, customers: int, prospects: int, years: int, today: date
) -> DemoData:
    history_start = today - timedelta(days=round(years * 365.25))
    data = DemoData(tenant_name=TENANT_NAME)
    registry = Registry()

    org_rng = random.Random(f"{seed}:org")
    org_id = IdFactory(seed, _STREAM_ORG)
    founded = stamp(history_start - timedelta(days=400))
    team = make(Team, id=org_id(), name="Buitendienst", created_at=founded, updated_at=founded)
    data.teams.append(team)
    manager = _user(org_rng, org_id, team, "manager", Role.MANAGER, founded)
    team.manager_id = manager.id
    data.users.append(manager)
    sellers = [
        _user(org_rng, org_id, team, f"verkoper{i}", Role.SALESPERSON, founded)
        for i in range(1, salespeople + 1)
    ]
    data.users.extend(sellers)
    target_groups: dict[str, TargetGroup] = {}
    for code, name, description, interval in _TARGET_GROUPS:
        group = make(
            TargetGroup,
            id=org_id(),
            code=code,
            name=name,
            description=description,
            visit_interval_days=interval,
            created_at=founded,
            updated_at=founded,
        )
        target_groups[code] = group
        data.target_groups.append(group)
    assert set(target_groups) == set(TIERS)

    catalogue = build_catalogue(
        random.Random(f"{seed}:catalogue"),
        IdFactory(seed, _STREAM_CATALOGUE),
        today=today,
        history_start=history_start,
    )
    data.product_groups.extend(catalogue.groups)
    data.products.extend(p.record for p in catalogue.products)
    data.price_lists.extend(catalogue.price_lists)
    data.price_list_items.extend(catalogue.price_list_items)

    for number, seller in enumerate(sellers, start=1):
        SalespersonBuilder(
            data=data,
            rng=random.Random(f"{seed}:salesperson:{number}"),
            new_id=IdFactory(seed, _STREAM_FIRST_SALESPERSON + number - 1),
            catalogue=catalogue,
            registry=registry,
            user=seller,
            manager=manager,
            number=number,
            region=REGIONS[(number - 1) % len(REGIONS)],
            target_groups=target_groups,
            customers=customers,
            prospects=prospects,
            today=today,
            history_start=history_start,
        ).build()
    return data


def portfolio(
    *,
    seed: int,
    customers: int = 500,
    prospects: int | None = None,
    years: int = 3,
    today: date | None = None,
) -> DemoData:
    """The benchmark preset: one salesperson carrying a large portfolio (500 customers: about
    6,000 visits and 20,000 order lines over three years, 1,500 contacts, the full catalogue)."""
    return generate(
        seed=seed,
        salespeople=1,
        customers_per_salesperson=customers,
        prospects_per_salesperson=customers // 4 if prospects is None else prospects,
        years=years,
        today=today,
    )


def _user(
    rng: random.Random,
    new_id: IdFactory,
    team: Team,
    username: str,
    role: Role,
    created: object,
) -> UserProfile:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    full = f"{first} {last}"
    return make(
        UserProfile,
        id=new_id(),
        team_id=team.id,
        username=username,
        full_name=full,
        email=f"{username}@{EMAIL_DOMAIN}",
        phone=make_mobile(rng),
        role=role,
        active=True,
        created_at=team.created_at,
        updated_at=team.created_at,
    )
