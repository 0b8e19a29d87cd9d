"""One salesperson's portfolio and its history: customers, prospects, visits, calls, quotes,
orders, complaints, account plans, targets and deviation causes.

Every customer gets a story (stable, growing, declining, lost, recently won, converted from a
prospect) that drives all of its records at once, so the records agree: a declining customer
orders less, scores visits lower and is named in a deviation cause; a product presented on a
visit turns up in later orders; an accepted quote becomes an order; the approved plan's visit
actions are executed by real visits.
"""

from __future__ import annotations

import calendar
import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from fieldsales.demo._catalogue import CHRISTMAS_ONLY, GROUP_SEASON, Catalogue, ProductInfo
from fieldsales.demo._common import (
    AMSTERDAM,
    NewId,
    five_cents,
    local,
    make,
    put,
    stamp,
    weekday_on_or_after,
    weekday_on_or_before,
)
from fieldsales.demo._nl import (
    Registry,
    company_domain,
    make_address,
    make_btw_id,
    make_kvk,
    make_landline,
    make_mobile,
    person_email,
)
from fieldsales.demo._texts import (
    AGREEMENTS,
    APPROVE_COMMENTS,
    CALL_NOTES,
    CANCEL_REASONS,
    COMPLAINT_FOLLOW_UP,
    COMPLAINTS,
    DEVIATION_NOTES,
    INTRO_REPORTS,
    INTRO_TOPICS,
    LOST_REASONS,
    PLAN_OPPORTUNITIES,
    PLAN_THREATS,
    QUICK_REPORTS,
    QUOTE_NOTES,
    QUOTE_REJECTIONS,
    REJECT_ACTIONS,
    REJECT_GOAL,
    REJECT_GOAL_AGAIN,
    REOPEN_NOTE,
    REPORT_SENTENCES,
    RESOLUTIONS,
    STRUCTURAL_COMPLAINTS,
    VISIT_FOLLOW_UPS,
)
from fieldsales.demo._words import (
    COMPETITORS,
    FEMALE_FIRST_NAMES,
    HEALTHCARE,
    LAST_NAMES,
    LEAD_SOURCES,
    MALE_FIRST_NAMES,
    SECTORS,
    VISIT_TOPICS,
    City,
    Region,
    Sector,
)
from fieldsales.demo.data import DemoData
from fieldsales.domain.enums import (
    ActionKind,
    ActionStatus,
    CallOutcome,
    ComplaintCategory,
    ComplaintStatus,
    CustomerKind,
    DeviationCauseKind,
    FollowUpStatus,
    GoalKind,
    OrderSource,
    OrderStatus,
    PlanDecision,
    PlanStatus,
    QuoteStatus,
    VisitStatus,
)
from fieldsales.domain.money import format_cents
from fieldsales.domain.pricing import LineInput, PriceListEntry, line_amounts, unit_price_for
from fieldsales.records import (
    AccountPlan,
    AccountPlanVersion,
    CallLog,
    Complaint,
    Contact,
    Customer,
    DeviationCause,
    FollowUp,
    Order,
    OrderLine,
    PlanAction,
    PlanGoal,
    Quote,
    QuoteLine,
    SalesTarget,
    TargetGroup,
    UserProfile,
    Visit,
)


@dataclass(frozen=True, slots=True)
class Tier:
    """How a target group behaves: visit cadence, buying pattern, breadth of assortment."""

    code: str
    adherence: tuple[float, float]  # actual visit interval / the group's nominal interval
    orders_per_year: float
    lines_per_order: float
    line_value_cents: int
    breadth: float  # share of the sector's product groups bought
    favourites: tuple[int, int]  # products per product group bought regularly
    quotes_per_year: float
    complaints_per_year: float
    size: float  # employees relative to the sector's range


TIERS: dict[str, Tier] = {
    "A": Tier("A", (1.4, 1.9), 8.0, 4.0, 55_000, 1.0, (4, 8), 1.0, 0.35, 1.6),
    "B": Tier("B", (1.3, 1.7), 4.5, 3.0, 32_000, 0.8, (3, 5), 0.5, 0.22, 1.0),
    "C": Tier("C", (1.0, 1.4), 2.5, 2.0, 18_000, 0.55, (1, 3), 0.15, 0.1, 0.6),
    "ZORG": Tier("ZORG", (1.3, 1.7), 6.0, 3.2, 45_000, 0.9, (3, 6), 0.7, 0.3, 1.3),
}

#: Daily visit slots (local time), the first ones preferred; more visits than slots share them.
SLOTS = ((8, 30), (10, 0), (11, 30), (13, 30), (15, 0), (16, 30), (9, 15), (14, 15))
TODAY_SLOTS = ((8, 30, 60), (10, 15, 45), (11, 30, 60), (13, 45, 60), (15, 30, 45))
HORIZON_DAYS = 28  # planned visits reach this far ahead
YEARLY_PRICE_RISE = 0.035  # list prices rise every 1 January


@dataclass(slots=True, eq=False)
class Pick:
    """A product in a customer's buying pattern from ``since`` until ``until``."""

    product: ProductInfo
    weight: float  # relative chance of being on an order
    volume: float  # relative quantity; small volumes are the up-sell candidates
    since: date
    until: date | None = None


@dataclass(slots=True, eq=False)
class Account:
    record: Customer
    sector: Sector
    city: City
    tier: Tier
    story: str
    since: date  # first day orders can exist (customer_since or the history start)
    last_order: date | None  # lost customers order nothing after this
    growth: float  # yearly trend of revenue
    scale: float
    mood: float  # usual visit satisfaction
    interval: float = 0.0  # actual days between visits
    contacts: list[Contact] = field(default_factory=list)
    picks: list[Pick] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    one_offs: list[tuple[date, ProductInfo]] = field(default_factory=list)
    revenue: dict[tuple[int, int, str], int] = field(default_factory=lambda: defaultdict(int))
    complaint_dates: list[date] = field(default_factory=list)
    first_order: Order | None = None
    latest_order: date | None = None

    @property
    def is_customer(self) -> bool:
        return self.story != "prospect"

    @property
    def active(self) -> bool:
        return self.is_customer and self.story != "lost"

    def year_revenue(self, year: int, group: str | None = None) -> int:
        return sum(
            v
            for (y, _, g), v in self.revenue.items()
            if y == year and (group is None or g == group)
        )


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def quota(rng: random.Random, n: int, weights: Mapping[str, float]) -> list[str]:
    """``n`` labels in proportion to ``weights``, every label at least once when ``n`` allows,
    shuffled: proportions hold exactly at any size, and small demos still show every case."""
    total = sum(weights.values())
    counts = {k: int(n * w / total) for k, w in weights.items()}
    if n >= len(weights):
        for k in counts:
            counts[k] = max(1, counts[k])
    by_remainder = sorted(weights, key=lambda k: n * weights[k] / total - counts[k], reverse=True)
    i = 0
    while sum(counts.values()) < n:
        counts[by_remainder[i % len(by_remainder)]] += 1
        i += 1
    while sum(counts.values()) > n:
        largest = max(counts, key=lambda k: counts[k])
        counts[largest] -= 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return labels


def _month_range(start: date, end: date) -> list[tuple[int, int]]:
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _quarter(d: date) -> tuple[date, date]:
    q0 = 3 * ((d.month - 1) // 3) + 1
    return date(d.year, q0, 1), _month_end(d.year, q0 + 2)


def _euros(cents: int, step: int = 500) -> Decimal:
    """A goal in whole euros, rounded to ``step`` as people write goals down."""
    return Decimal(max(step, round(cents / 100 / step) * step))


class SalespersonBuilder:
    """Builds one salesperson's records into ``data``; deterministic given its ``rng``."""

    def __init__(
        self,
        *,
        data: DemoData,
        rng: random.Random,
        new_id: NewId,
        catalogue: Catalogue,
        registry: Registry,
        user: UserProfile,
        manager: UserProfile,
        number: int,
        region: Region,
        target_groups: dict[str, TargetGroup],
        customers: int,
        prospects: int,
        today: date,
        history_start: date,
    ) -> None:
        self.data = data
        self.rng = rng
        self.new_id = new_id
        self.cat = catalogue
        self.registry = registry
        self.user = user
        self.manager = manager
        self.number = number
        self.region = region
        self.target_groups = target_groups
        self.n_customers = customers
        self.n_prospects = prospects
        self.today = today
        self.now = local(today, 7, 0)
        self.history_start = history_start
        self.horizon = today + timedelta(days=HORIZON_DAYS)
        self.accounts: list[Account] = []
        self.today_accounts: list[Account] = []
        self.slots: dict[date, int] = defaultdict(int)
        self.orders: list[Order] = []
        self.order_lines: dict[str, list[OrderLine]] = {}
        self.quotes: list[Quote] = []
        self.quote_lines: dict[str, list[QuoteLine]] = {}
        self.follow_ups: list[FollowUp] = []
        self.call_logs: list[CallLog] = []
        self.complaints: list[Complaint] = []
        self.plans: list[AccountPlan] = []
        self.versions: list[AccountPlanVersion] = []
        self.goals: list[PlanGoal] = []
        self.actions: list[PlanAction] = []
        self.targets: list[SalesTarget] = []
        self.causes: list[DeviationCause] = []
        self._price_cache: dict[tuple[str, str | None, int], tuple[int, list[PriceListEntry]]] = {}
        recent = history_start - timedelta(days=400)
        self.new_products = sorted(
            (p for p in catalogue.products if p.introduced >= recent),
            key=lambda p: p.introduced,
        )
        self.cup_victims: list[Account] = []
        self.delivery_account: Account | None = None

    # ------------------------------------------------------------------ orchestration

    def build(self) -> None:
        self._accounts()
        self._today_route()
        for acc in self.accounts:
            if acc.is_customer:
                self._cadence_visits(acc)
        self._prospecting()
        self._customer_quotes()
        self._ensure_quote_statuses()
        self._plant_patterns()
        for acc in self.accounts:
            if acc.is_customer:
                self._orders_for(acc)
        self._draft_orders()
        self._number_documents()
        self._potentials()
        self._complaints()
        self._finish_visits()
        self._plans()
        self._targets()
        self._causes()
        self._emit()

    def _emit(self) -> None:
        d = self.data
        d.customers.extend(a.record for a in self.accounts)
        for acc in self.accounts:
            d.contacts.extend(acc.contacts)
        d.account_plans.extend(self.plans)
        d.account_plan_versions.extend(self.versions)
        d.plan_goals.extend(self.goals)
        d.plan_actions.extend(self.actions)
        for acc in self.accounts:
            d.visits.extend(sorted(acc.visits, key=lambda v: v.planned_start))
        d.call_logs.extend(self.call_logs)
        for quote in self.quotes:
            d.quotes.append(quote)
            d.quote_lines.extend(self.quote_lines[quote.id])
        for order in self.orders:
            d.orders.append(order)
            d.order_lines.extend(self.order_lines[order.id])
        d.complaints.extend(self.complaints)
        d.follow_ups.extend(self.follow_ups)
        d.sales_targets.extend(self.targets)
        d.deviation_causes.extend(self.causes)

    # ------------------------------------------------------------------ customers

    def _accounts(self) -> None:
        rng = self.rng
        weights = [s.weight for s in SECTORS]
        sectors = rng.choices(SECTORS, weights=weights, k=self.n_customers + self.n_prospects)
        customer_sectors = sectors[: self.n_customers]
        prospect_sectors = sectors[self.n_customers :]
        plain = sum(1 for s in customer_sectors if s.name != HEALTHCARE)
        tiers = iter(quota(rng, plain, {"A": 22, "B": 40, "C": 38}))
        stories = quota(
            rng,
            self.n_customers,
            {"stable": 55, "growing": 15, "declining": 12, "lost": 8, "new": 5, "converted": 5},
        )
        for i, sector in enumerate(customer_sectors):
            tier = TIERS["ZORG"] if sector.name == HEALTHCARE else TIERS[next(tiers)]
            self.accounts.append(self._account(i, sector, tier, stories[i]))
        prospect_tiers = iter(quota(rng, self.n_prospects, {"A": 30, "B": 45, "C": 25}))
        for sector in prospect_sectors:
            code = next(prospect_tiers)
            tier = TIERS["ZORG"] if sector.name == HEALTHCARE else TIERS[code]
            self.accounts.append(self._account(None, sector, tier, "prospect"))

    def _account(self, index: int | None, sector: Sector, tier: Tier, story: str) -> Account:
        rng = self.rng
        today, start = self.today, self.history_start
        history_days = (today - start).days
        cities = self.region.cities
        city = rng.choices(cities, weights=[3, 2] + [1] * (len(cities) - 2), k=1)[0]
        name = self._company_name(sector, city)
        domain = company_domain(name, self.registry)
        address = make_address(rng, city, business_park=sector.business_park)
        lo, hi = sector.employees
        employees = max(1, round(rng.uniform(lo, hi) * tier.size))
        last_order: date | None = None
        lost_on: date | None = None
        lost_reason = ""
        customer_since: date | None
        if story == "prospect":
            customer_since = None
            since = today - timedelta(days=rng.randint(10, 700))  # when the lead came in
        elif story == "new":
            customer_since = today - timedelta(days=rng.randint(45, min(540, history_days - 30)))
            since = customer_since
        elif story == "converted":
            customer_since = today - timedelta(days=rng.randint(14, min(300, history_days - 30)))
            customer_since = weekday_on_or_before(customer_since)
            since = customer_since
        else:
            customer_since = start - timedelta(days=rng.randint(30, 12 * 365))
            since = start
        if story == "lost":
            last_order = today - timedelta(days=rng.randint(200, max(201, history_days - 120)))
            if rng.random() < 0.65:
                lost_on = min(
                    today - timedelta(days=5), last_order + timedelta(rng.randint(45, 150))
                )
                lost_reason = rng.choice(LOST_REASONS).format(competitor=rng.choice(COMPETITORS))
        growth = {
            "stable": rng.uniform(-0.04, 0.07),
            "growing": rng.uniform(0.15, 0.40),
            "declining": rng.uniform(-0.35, -0.12),
            "lost": rng.uniform(-0.30, -0.05),
        }.get(story, rng.uniform(0.0, 0.25))
        mood = {"stable": 4.0, "growing": 4.3, "declining": 3.4, "lost": 3.0}.get(story, 4.2)
        price_list_id = None
        if tier.code == "ZORG" and rng.random() < 0.8:
            price_list_id = self.cat.care_list.id
        elif sector.name in ("Horeca", "Catering en evenementen", "Recreatie en sport"):
            if tier.code in ("A", "B") and rng.random() < 0.5:
                price_list_id = self.cat.horeca_list.id
        elif tier.code == "A" and rng.random() < 0.4:
            price_list_id = self.cat.volume_list.id
        prospect = story == "prospect"
        created_on = since if prospect else min(customer_since or start, start)
        if story in ("new", "converted"):
            created_on = since - timedelta(days=rng.randint(20, 90))
        record = make(
            Customer,
            id=self.new_id(),
            owner_id=self.user.id,
            kind=CustomerKind.PROSPECT if prospect else CustomerKind.CUSTOMER,
            name=name,
            customer_number=None if prospect else f"{self.number * 100000 + (index or 0) + 1}",
            kvk_number=make_kvk(rng, self.registry),
            btw_id=None if prospect and rng.random() < 0.4 else make_btw_id(rng, self.registry),
            street=address.street,
            house_number=address.house_number,
            postcode=address.postcode,
            city=address.city,
            country="NL",
            phone=make_landline(rng, city),
            email=f"info@{domain}",
            website=f"https://www.{domain}",
            latitude=address.latitude,
            longitude=address.longitude,
            target_group_id=self.target_groups[tier.code].id,
            price_list_id=None if prospect else price_list_id,
            sector=sector.name,
            employees=employees,
            potential_revenue_cents=None,  # set from the revenue once orders exist
            source=rng.choice(LEAD_SOURCES) if prospect or story == "converted" else "",
            current_supplier=rng.choice(COMPETITORS) if prospect else "",
            customer_since=customer_since,
            lost_on=lost_on,
            lost_reason=lost_reason,
            notes=self._customer_note(story),
            created_at=stamp(created_on),
            updated_at=stamp(lost_on or created_on),
        )
        acc = Account(
            record=record,
            sector=sector,
            city=city,
            tier=tier,
            story=story,
            since=since,
            last_order=last_order,
            growth=growth,
            scale=rng.uniform(0.7, 1.4),
            mood=mood,
        )
        acc.contacts = self._contacts(acc, domain)
        if not prospect:
            self._initial_picks(acc)
        return acc

    def _customer_note(self, story: str) -> str:
        notes = (
            "Levering via de achteringang.",
            "Bestelt meestal op maandag.",
            "Sleutel ligt bij de receptie; leveren voor 10:00.",
            "Parkeren op het eigen terrein is mogelijk.",
            "",
            "",
            "",
        )
        note = self.rng.choice(notes)
        if story == "converted":
            note = (note + " Overgestapt van " + self.rng.choice(COMPETITORS) + ".").strip()
        return note

    def _company_name(self, sector: Sector, city: City) -> str:
        rng = self.rng
        for attempt in range(40):
            surname = rng.choice(LAST_NAMES)
            capital = surname[0].upper() + surname[1:]
            name = rng.choice(sector.patterns).format(
                name=rng.choice(sector.names).format(city=city.name) if sector.names else "",
                surname=surname,
                Surname=capital,
                city=city.name,
            )
            if attempt >= 20:
                name = f"{name} {city.name}"
            if attempt >= 30:
                name = f"{name} {attempt}"
            if name not in self.registry.names:
                self.registry.names.add(name)
                return name
        raise RuntimeError("no unique company name")  # pragma: no cover

    def _contacts(self, acc: Account, domain: str) -> list[Contact]:
        rng = self.rng
        if acc.story == "prospect":
            count = rng.choices((1, 2), weights=(60, 40))[0]
        else:
            count = rng.choices((1, 2, 3, 4), weights=(15, 30, 35, 20))[0]
        titles = list(acc.sector.job_titles)
        rng.shuffle(titles)
        contacts = []
        used: set[str] = set()
        for i in range(count):
            female = rng.random() < 0.5
            first = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            if (first, last) in used:
                last = rng.choice(LAST_NAMES)
            used.add(f"{first} {last}")
            direct = make_landline(rng, acc.city) if rng.random() < 0.5 else None
            mobile = make_mobile(rng) if direct is None or rng.random() < 0.6 else None
            created = acc.record.created_at + timedelta(days=0 if i == 0 else rng.randint(0, 400))
            created = min(created, self.now - timedelta(days=1))
            contacts.append(
                make(
                    Contact,
                    id=self.new_id(),
                    customer_id=acc.record.id,
                    first_name=first,
                    last_name=last,
                    job_title=titles[i % len(titles)],
                    phone=direct,
                    mobile=mobile,
                    email=person_email(first, last, domain),
                    is_primary=i == 0,
                    notes="",
                    created_at=created,
                    updated_at=created,
                )
            )
        return contacts

    def _initial_picks(self, acc: Account) -> None:
        rng, tier = self.rng, acc.tier
        affinity = acc.sector.affinity
        groups = [
            g for g, a in affinity.items() if rng.random() < min(1.0, a / 3 * tier.breadth + 0.1)
        ]
        for g in sorted(affinity, key=lambda k: -affinity[k]):
            if len(groups) >= 2:
                break
            if g not in groups:
                groups.append(g)
        start = acc.since
        for g in groups:
            candidates = [
                p
                for p in self.cat.by_group[g]
                if not p.equipment
                and p.name not in CHRISTMAS_ONLY
                and p.introduced <= start
                and (p.discontinued_on is None or p.discontinued_on > start)
            ]
            if not candidates:
                continue
            k = max(1, round(rng.randint(*tier.favourites) * affinity[g] / 3))
            chosen = rng.sample(candidates, min(len(candidates), k + 2))
            for j, p in enumerate(chosen):
                core = j < k
                acc.picks.append(
                    Pick(
                        p,
                        weight=rng.uniform(0.6, 1.0) if core else 0.25,
                        volume=rng.uniform(0.7, 1.3) if core else rng.uniform(0.15, 0.35),
                        since=start,
                        until=p.discontinued_on,
                    )
                )
        if "ZOE" in groups and rng.random() < 0.5:
            xmas = next(p for p in self.cat.by_group["ZOE"] if p.name in CHRISTMAS_ONLY)
            acc.picks.append(Pick(xmas, weight=1.0, volume=0.8, since=start))
        end = acc.last_order or self.today
        span = max(1, (end - start).days)
        if acc.story == "declining":
            for pick in rng.sample(acc.picks, len(acc.picks) // 3):
                pick.until = start + timedelta(days=int(span * rng.uniform(0.3, 0.9)))
        if acc.story in ("growing", "new", "converted"):
            for _ in range(rng.randint(2, 5)):
                product = self._cross_sell(acc, start + timedelta(days=rng.randint(0, span)))
                if product is not None:
                    since = start + timedelta(days=rng.randint(0, span))
                    acc.picks.append(
                        Pick(product, rng.uniform(0.4, 0.8), rng.uniform(0.4, 0.9), since)
                    )
        # Equipment now and then where the sector uses it (a coffee machine, an oven).
        years = span / 365
        for g in ("KEU", "MAC"):
            if g in affinity:
                for _ in range(poisson(rng, 0.12 * affinity[g] * tier.breadth * years)):
                    machines = [p for p in self.cat.by_group[g] if p.equipment]
                    day = start + timedelta(days=rng.randint(0, span))
                    acc.one_offs.append((day, rng.choice(machines)))

    def _cross_sell(self, acc: Account, day: date) -> ProductInfo | None:
        """A product from the customer's sector groups that it does not buy yet."""
        rng = self.rng
        owned = {p.product.id for p in acc.picks}
        groups = list(acc.sector.affinity)
        for _ in range(6):
            g = rng.choice(groups)
            options = [
                p
                for p in self.cat.by_group[g]
                if not p.equipment
                and p.id not in owned
                and p.name not in CHRISTMAS_ONLY
                and p.introduced <= day
                and (p.discontinued_on is None or p.discontinued_on > day)
            ]
            if options:
                return rng.choice(options)
        return None

    def _new_in_catalogue(self, day: date, days: int = 120) -> list[ProductInfo]:
        lo = day - timedelta(days=days)
        return [p for p in self.new_products if lo < p.introduced <= day]

    # ------------------------------------------------------------------ visits

    def _today_route(self) -> None:
        """Five customers close to each other for today's day view, in a drivable order."""
        rng = self.rng
        active = [a for a in self.accounts if a.active and a.since < self.today]
        if not active:
            return
        anchor = rng.choice(active)

        def distance(a: Account) -> float:
            lat = (a.record.latitude or 0.0) - (anchor.record.latitude or 0.0)
            lon = (a.record.longitude or 0.0) - (anchor.record.longitude or 0.0)
            return lat * lat + (lon * 0.61) ** 2

        route = sorted(active, key=distance)[: len(TODAY_SLOTS)]
        self.today_accounts = route
        for i, (acc, (hour, minute, duration)) in enumerate(zip(route, TODAY_SLOTS, strict=False)):
            prepared = i < 2
            visit = self._new_visit(acc, self.today, hour, minute, duration)
            if prepared:
                visit.status = VisitStatus.PREPARED
                visit.prepared_at = local(self.today - timedelta(days=1), 20, 15 + i * 10)
                visit.updated_at = visit.prepared_at
            acc.visits.append(visit)

    def _new_visit(self, acc: Account, day: date, hour: int, minute: int, duration: int) -> Visit:
        created_day = min(day - timedelta(days=self.rng.randint(2, 30)), self.today - timedelta(1))
        created = stamp(created_day)
        return make(
            Visit,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            planned_start=local(day, hour, minute),
            duration_minutes=duration,
            status=VisitStatus.PLANNED,
            contact_id=acc.contacts[0].id if acc.contacts else None,
            created_at=created,
            updated_at=created,
        )

    def _slot(self, day: date) -> tuple[int, int]:
        used = self.slots[day]
        self.slots[day] = used + 1
        if used < len(SLOTS):
            return SLOTS[used]
        return self.rng.choice(SLOTS)

    def _cadence_visits(self, acc: Account) -> None:
        rng, today = self.rng, self.today
        nominal = self.target_groups[acc.tier.code].visit_interval_days
        acc.interval = nominal * rng.uniform(*acc.tier.adherence)
        start = max(self.history_start, acc.since)
        if acc.story == "lost":
            assert acc.last_order is not None
            stop = acc.record.lost_on or acc.last_order + timedelta(days=rng.randint(20, 100))
            stop = min(stop, today - timedelta(days=1))
        else:
            stop = self.horizon
        t = start + timedelta(days=rng.uniform(0, acc.interval))
        if acc.story == "converted":
            t = start + timedelta(days=rng.uniform(10, 30))
        on_route = acc in self.today_accounts
        while t <= stop:
            day = t
            day = weekday_on_or_before(day) if day < today else weekday_on_or_after(day)
            if day == today:
                day = weekday_on_or_after(today + timedelta(days=1))
            t += timedelta(days=acc.interval * rng.uniform(0.7, 1.3))
            if day < start or day > stop:
                continue
            if on_route and today < day <= today + timedelta(days=21):
                continue
            self._cadence_visit(acc, day)

    def _cadence_visit(self, acc: Account, day: date) -> None:
        rng, today = self.rng, self.today
        hour, minute = self._slot(day)
        visit = self._new_visit(acc, day, hour, minute, rng.choice((30, 45, 60, 60, 90)))
        acc.visits.append(visit)
        if day > today:
            if day <= today + timedelta(days=2) and rng.random() < 0.4:
                visit.status = VisitStatus.PREPARED
                visit.prepared_at = local(today - timedelta(days=1), 19, rng.randint(0, 59))
                visit.updated_at = visit.prepared_at
            return
        roll = rng.random()
        if roll < 0.06:
            visit.status = VisitStatus.CANCELLED
            visit.cancel_reason = rng.choice(CANCEL_REASONS)
            visit.updated_at = stamp(day - timedelta(days=1))
            return
        if day >= today - timedelta(days=7) and roll < 0.25:
            visit.status = VisitStatus.PREPARED if roll < 0.15 else VisitStatus.PLANNED
            if visit.status is VisitStatus.PREPARED:
                visit.prepared_at = local(day - timedelta(days=1), 20, 0)
                visit.updated_at = visit.prepared_at
            return  # done but not reported yet: the to-do on the day view
        self._report(acc, visit, day)

    def _report(self, acc: Account, visit: Visit, day: date, *, intro: bool = False) -> None:
        rng = self.rng
        contact = rng.choice(acc.contacts) if acc.contacts else None
        planned_start: datetime = visit.__dict__["planned_start"]
        prepared_at = None
        if rng.random() < 0.5:  # opened the preparation sheet the evening before
            eve = planned_start.astimezone(AMSTERDAM).date() - timedelta(days=1)
            prepared_at = local(eve, rng.randint(19, 21), rng.randint(0, 59))
        end = planned_start + timedelta(minutes=visit.__dict__["duration_minutes"])
        delay = rng.randint(5, 150) if rng.random() < 0.9 else rng.randint(15 * 60, 20 * 60)
        reported_at = min(end + timedelta(minutes=delay), self.now - timedelta(minutes=5))
        contact_name = f"{contact.first_name} {contact.last_name}" if contact else "de klant"
        presented = self._presentable(acc, day)
        product = presented[0] if presented else self._any_product(acc)
        fill = {
            "product": product.name,
            "group": self.cat.group_by_code[product.group_code].name.lower(),
            "contact": contact_name,
            "competitor": rng.choice(COMPETITORS),
            "weeks": max(2, round(acc.interval / 7)) if acc.interval else 6,
            "year": day.year,
        }
        topics = report = agreements = ""
        if intro:
            topics = INTRO_TOPICS
            report = rng.choice(INTRO_REPORTS).format(**fill)
            agreements = "Offerte volgt." if rng.random() < 0.6 else ""
        elif rng.random() < 0.12:  # the one-tap "visit done" with a score, no text yet
            report = rng.choice(QUICK_REPORTS).format(**fill)
        else:
            chosen = rng.sample(VISIT_TOPICS, rng.randint(1, 3))
            if presented:
                chosen.insert(0, "Nieuwe producten")
            topics = ", ".join(dict.fromkeys(chosen))
            sentences = rng.sample(REPORT_SENTENCES, rng.randint(1, 3))
            report = f"Gesproken met {contact_name}. " + " ".join(
                s.format(**fill) for s in sentences
            )
            agreements = " ".join(
                a.format(**fill) for a in rng.sample(AGREEMENTS, rng.randint(1, 2))
            )
        put(
            visit,
            contact_id=contact.id if contact else None,
            status=VisitStatus.REPORTED,
            prepared_at=prepared_at,
            reported_at=reported_at,
            updated_at=reported_at,
            products_presented=[p.id for p in presented],
            topics=topics,
            report=report,
            agreements=agreements,
            satisfaction=max(1, min(5, round(rng.gauss(acc.mood, 0.7)))),
        )
        # A presented product often makes it into the orders a few weeks later.
        for p in presented:
            if p.equipment:
                if rng.random() < 0.1:
                    acc.one_offs.append((day + timedelta(days=rng.randint(7, 40)), p))
            elif acc.is_customer and rng.random() < 0.3:
                since = day + timedelta(days=rng.randint(3, 30))
                acc.picks.append(Pick(p, rng.uniform(0.4, 0.8), rng.uniform(0.4, 0.9), since))
        if rng.random() < 0.3:
            for _ in range(1 if rng.random() < 0.85 else 2):
                self._follow_up(
                    acc,
                    rng.choice(VISIT_FOLLOW_UPS).format(**fill),
                    day + timedelta(days=rng.randint(2, 21)),
                    visit_id=visit.id,
                    created=reported_at,
                )

    def _presentable(self, acc: Account, day: date) -> list[ProductInfo]:
        rng = self.rng
        if rng.random() > 0.4:
            return []
        options = [p for p in self._new_in_catalogue(day) if p.group_code in acc.sector.affinity]
        chosen: list[ProductInfo] = []
        if options:
            chosen.extend(rng.sample(options, min(len(options), rng.randint(1, 2))))
        if rng.random() < 0.6:
            extra = self._cross_sell(acc, day)
            if extra is not None and extra not in chosen:
                chosen.append(extra)
        return chosen

    def _any_product(self, acc: Account) -> ProductInfo:
        if acc.picks:
            return self.rng.choice(acc.picks).product
        group = self.rng.choice(list(acc.sector.affinity))
        return self.rng.choice(self.cat.by_group[group])

    def _follow_up(
        self,
        acc: Account,
        description: str,
        due: date,
        *,
        created: datetime,
        visit_id: str | None = None,
        complaint_id: str | None = None,
        quote_id: str | None = None,
        done_on: date | None = None,
        force_open: bool = False,
    ) -> FollowUp:
        rng, today = self.rng, self.today
        status = FollowUpStatus.OPEN
        overdue = due < today - timedelta(days=3)
        if done_on is None and not force_open and overdue and rng.random() < 0.97:
            done_on = min(today - timedelta(days=1), due + timedelta(days=rng.randint(-3, 4)))
        if done_on is not None:
            done_on = max(done_on, created.date())
            status = FollowUpStatus.DONE
        follow_up = make(
            FollowUp,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            visit_id=visit_id,
            complaint_id=complaint_id,
            quote_id=quote_id,
            description=description,
            due_on=due,
            status=status,
            done_on=done_on,
            created_at=created,
            updated_at=max(created, stamp(done_on)) if done_on else created,
        )
        self.follow_ups.append(follow_up)
        return follow_up

    # ------------------------------------------------------------------ prospects

    def _prospecting(self) -> None:
        prospects = [a for a in self.accounts if a.story == "prospect"]
        scenarios = quota(
            self.rng,
            len(prospects),
            {"cold": 25, "not_interested": 20, "met": 25, "appointment": 15, "fresh": 15},
        )
        for acc, scenario in zip(prospects, scenarios, strict=True):
            self._prospect(acc, scenario)
        for acc in self.accounts:
            if acc.story == "converted":
                self._conversion(acc)

    def _call(
        self,
        acc: Account,
        day: date,
        outcome: CallOutcome,
        *,
        call_back_on: date | None = None,
        visit_id: str | None = None,
    ) -> CallLog:
        rng = self.rng
        day = weekday_on_or_before(day)
        called = local(day, rng.randint(9, 16), rng.choice((0, 10, 20, 30, 40, 50)))
        fill = {
            "competitor": acc.record.current_supplier or rng.choice(COMPETITORS),
            "group": self.cat.group_by_code[rng.choice(list(acc.sector.affinity))].name.lower(),
        }
        log = make(
            CallLog,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            contact_id=acc.contacts[0].id if acc.contacts else None,
            called_at=called,
            outcome=outcome,
            call_back_on=call_back_on,
            visit_id=visit_id,
            notes=rng.choice(CALL_NOTES[outcome.value]).format(**fill),
            created_at=called,
            updated_at=called,
        )
        self.call_logs.append(log)
        return log

    def _call_chain(self, acc: Account, first: date, calls: int, last: date) -> date:
        """``calls`` calls of no answer or call back from ``first``; the day after the last one."""
        rng = self.rng
        day = first
        for _ in range(calls):
            if day >= last:
                break
            if rng.random() < 0.5:
                self._call(acc, day, CallOutcome.NO_ANSWER)
                day += timedelta(days=rng.randint(2, 8))
            else:
                back = day + timedelta(days=rng.randint(3, 21))
                self._call(acc, day, CallOutcome.CALL_BACK, call_back_on=back)
                day = back
        return day

    def _prospect(self, acc: Account, scenario: str) -> None:
        rng, today = self.rng, self.today
        yesterday = today - timedelta(days=1)
        if scenario == "fresh":
            lead = today - timedelta(days=rng.randint(2, 25))
            self._set_created(acc, lead)
            if rng.random() < 0.6:
                self._call(acc, min(yesterday, lead + timedelta(days=1)), CallOutcome.NO_ANSWER)
            return
        lead = acc.since if acc.since < today - timedelta(days=60) else today - timedelta(days=70)
        self._set_created(acc, lead)
        day = lead + timedelta(days=rng.randint(1, 14))
        if scenario == "cold":
            day = self._call_chain(acc, day, rng.randint(0, 2), yesterday - timedelta(days=3))
            day = min(yesterday, max(day, today - timedelta(days=rng.randint(1, 30))))
            back = day + timedelta(days=rng.randint(1, 21))  # some are overdue on the call list
            self._call(acc, day, CallOutcome.CALL_BACK, call_back_on=back)
        elif scenario == "not_interested":
            day = self._call_chain(acc, day, rng.randint(0, 2), yesterday - timedelta(days=3))
            self._call(acc, min(day, yesterday), CallOutcome.NOT_INTERESTED)
        elif scenario == "met":
            last = today - timedelta(days=25)
            day = min(self._call_chain(acc, day, rng.randint(0, 2), last), last)
            visit_day = weekday_on_or_before(day + timedelta(days=rng.randint(4, 14)))
            visit = self._intro_visit(acc, visit_day)
            self._call(acc, day, CallOutcome.APPOINTMENT, visit_id=visit.id)
            if rng.random() < 0.6:
                qd = weekday_on_or_before(visit_day + timedelta(days=rng.randint(2, 8)))
                self._quote(acc, min(qd, yesterday), allow_accept=False)
        else:  # an appointment coming up
            call_day = today - timedelta(days=rng.randint(1, 10))
            self._call_chain(acc, day, rng.randint(0, 2), call_day - timedelta(days=2))
            visit_day = weekday_on_or_after(today + timedelta(days=rng.randint(1, 20)))
            visit = self._intro_visit(acc, visit_day)
            self._call(acc, call_day, CallOutcome.APPOINTMENT, visit_id=visit.id)

    def _set_created(self, acc: Account, day: date) -> None:
        acc.record.created_at = acc.record.updated_at = stamp(day)
        for contact in acc.contacts:
            contact.created_at = contact.updated_at = stamp(day)

    def _intro_visit(self, acc: Account, day: date) -> Visit:
        hour, minute = self._slot(day)
        visit = self._new_visit(acc, day, hour, minute, 60)
        acc.visits.append(visit)
        if day < self.today:
            self._report(acc, visit, day, intro=True)
        return visit

    def _conversion(self, acc: Account) -> None:
        """A former prospect: calls, an introduction, a quote accepted, the first order."""
        rng = self.rng
        since = acc.since
        lead = since - timedelta(days=rng.randint(60, 150))
        self._set_created(acc, lead)
        day = self._call_chain(
            acc, lead + timedelta(days=2), rng.randint(0, 2), since - timedelta(40)
        )
        day = min(day, since - timedelta(days=35))
        visit_day = weekday_on_or_before(day + timedelta(days=rng.randint(4, 10)))
        visit = self._intro_visit(acc, visit_day)
        self._call(acc, day, CallOutcome.APPOINTMENT, visit_id=visit.id)
        qd = weekday_on_or_before(since - timedelta(days=rng.randint(5, 20)))
        self._quote(acc, qd, status=QuoteStatus.ACCEPTED, decided_on=since)

    # ------------------------------------------------------------------ quotes

    def _customer_quotes(self) -> None:
        rng = self.rng
        for acc in self.accounts:
            if not acc.is_customer:
                continue
            start = max(self.history_start, acc.since)
            end = self.today - timedelta(days=1)
            if acc.last_order is not None:  # decided before the last order
                end = acc.last_order - timedelta(days=25)
            span = (end - start).days
            if span <= 0:
                continue
            for _ in range(poisson(rng, acc.tier.quotes_per_year * span / 365)):
                qd = weekday_on_or_before(start + timedelta(days=rng.randint(0, span)))
                self._quote(acc, max(qd, start), allow_accept=True)

    def _ensure_quote_statuses(self) -> None:
        """Every status on screen for each salesperson, and a realistic handful of open quotes
        to follow up, even in a small demo."""
        counts = Counter(q.status for q in self.quotes)
        active = [a for a in self.accounts if a.active and a.since < self.today - timedelta(60)]
        if not active:
            return
        today = self.today
        wanted = {
            QuoteStatus.DRAFT: (2, 1, 6),  # (at least, from days ago, to days ago)
            QuoteStatus.SENT: (6, 3, 25),
            QuoteStatus.ACCEPTED: (1, 40, 60),
            QuoteStatus.REJECTED: (1, 40, 60),
            QuoteStatus.EXPIRED: (1, 45, 80),
        }
        for status, (minimum, lo, hi) in wanted.items():
            for _ in range(minimum - counts[status]):
                qd = weekday_on_or_before(today - timedelta(days=self.rng.randint(lo, hi)))
                self._quote(self.rng.choice(active), qd, status=status)

    def _quote(
        self,
        acc: Account,
        qd: date,
        *,
        allow_accept: bool = True,
        status: QuoteStatus | None = None,
        decided_on: date | None = None,
    ) -> Quote:
        rng, today = self.rng, self.today
        valid_until = qd + timedelta(days=30)
        if status is None:
            age = (today - qd).days
            if age <= 10:
                status = rng.choice((QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.SENT))
            elif valid_until >= today:
                status = rng.choices(
                    (QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.REJECTED), (55, 30, 15)
                )[0]
            else:
                status = rng.choices(
                    (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED, QuoteStatus.EXPIRED), (45, 25, 30)
                )[0]
            if status is QuoteStatus.ACCEPTED and not allow_accept:
                status = QuoteStatus.SENT if valid_until >= today else QuoteStatus.REJECTED
        if status in (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED) and decided_on is None:
            latest = min(valid_until, today - timedelta(days=1))
            decided_on = min(latest, qd + timedelta(days=rng.randint(2, 20)))
            decided_on = max(decided_on, qd)
        sent_at = None
        if status is not QuoteStatus.DRAFT:
            sent_at = local(qd, rng.randint(13, 17), rng.randint(0, 59))
            sent_at = min(sent_at, self.now - timedelta(hours=1))
        follow_up_on = qd + timedelta(days=rng.randint(7, 10)) if sent_at else None
        contact = acc.contacts[0] if acc.contacts else None
        quote = make(
            Quote,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            quote_number="",  # numbered in date order at the end
            quote_date=qd,
            valid_until=valid_until,
            status=status,
            contact_id=contact.id if contact else None,
            notes=rng.choice(QUOTE_NOTES),
            follow_up_on=follow_up_on,
            sent_at=sent_at,
            decided_on=decided_on
            if status in (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED)
            else None,
            created_at=stamp(qd),
            updated_at=stamp(decided_on) if decided_on else (sent_at or stamp(qd)),
        )
        if status is QuoteStatus.REJECTED:
            quote.notes = (quote.notes + " " + rng.choice(QUOTE_REJECTIONS)).strip()
        lines = self._quote_lines(acc, quote)
        self.quotes.append(quote)
        self.quote_lines[quote.id] = lines
        self._set_totals(quote, lines)
        if follow_up_on is not None:
            done = decided_on if decided_on and decided_on <= follow_up_on + timedelta(30) else None
            if status is QuoteStatus.EXPIRED:
                done = min(follow_up_on + timedelta(days=2), today - timedelta(days=1))
            self._follow_up(
                acc,
                f"Offerte nabellen bij {contact.first_name if contact else 'de klant'}",
                follow_up_on,
                quote_id=quote.id,
                created=sent_at or stamp(qd),
                done_on=done,
                force_open=status is QuoteStatus.SENT,
            )
        if status is QuoteStatus.ACCEPTED:
            assert decided_on is not None
            order = self._order_from_quote(acc, quote, lines, decided_on)
            quote.order_id = order.id
            for line in lines:
                info = self.cat.by_id[line.product_id]
                if not info.equipment and rng.random() < 0.7:
                    since = decided_on + timedelta(days=14)
                    acc.picks.append(
                        Pick(info, rng.uniform(0.5, 0.9), rng.uniform(0.5, 1.0), since)
                    )
        return quote

    def _quote_lines(self, acc: Account, quote: Quote) -> list[QuoteLine]:
        rng = self.rng
        qd = quote.quote_date
        count = rng.randint(2, 5)
        chosen: list[ProductInfo] = []
        new = [p for p in self._new_in_catalogue(qd, 180) if p.group_code in acc.sector.affinity]
        current = [
            p.product for p in acc.picks if p.since <= qd and (p.until is None or qd < p.until)
        ]
        for _ in range(count * 3):
            if len(chosen) >= count:
                break
            roll = rng.random()
            candidate: ProductInfo | None
            if roll < 0.2 and new:
                candidate = rng.choice(new)
            elif roll < 0.5 or not current:
                candidate = self._cross_sell(acc, qd)
            else:
                candidate = rng.choice(current)
            if candidate is not None and candidate not in chosen:
                chosen.append(candidate)
        if rng.random() < 0.15 and any(g in acc.sector.affinity for g in ("KEU", "MAC")):
            group = "MAC" if "MAC" in acc.sector.affinity else "KEU"
            chosen.append(rng.choice([p for p in self.cat.by_group[group] if p.equipment]))
        if not chosen:
            chosen.append(self._any_product(acc))
        lines = []
        for position, info in enumerate(chosen, start=1):
            quantity = self._quantity(acc, info, qd, volume=1.5)
            discount = Decimal(rng.choice(("0", "0", "2.5", "5", "5", "7.5", "10", "12.5", "15")))
            lines.append(
                self._line(QuoteLine, quote.id, acc, position, info, quantity, qd, discount, quote)
            )
        return lines

    # ------------------------------------------------------------------ orders

    def _price(self, acc: Account, info: ProductInfo, day: date, quantity: Decimal) -> int:
        """The unit price on ``day``: the customer's price list (with volume tiers) or the list
        price, both as they were that year (prices rise every January)."""
        key = (info.id, acc.record.price_list_id, day.year)
        cached = self._price_cache.get(key)
        if cached is None:
            factor = (1 - YEARLY_PRICE_RISE) ** max(0, self.today.year - day.year)
            list_price = five_cents(info.list_price * factor)
            entries: list[PriceListEntry] = []
            if acc.record.price_list_id is not None:
                price_list = next(
                    p for p in self.cat.price_lists if p.id == acc.record.price_list_id
                )
                for item in self.cat.tiers[price_list.id].get(info.id, []):
                    entries.append(
                        PriceListEntry(
                            price_cents=five_cents(item.price_cents * factor),
                            min_quantity=item.min_quantity,
                            valid_from=price_list.valid_from,
                            valid_until=price_list.valid_until,
                        )
                    )
            cached = (list_price, entries)
            self._price_cache[key] = cached
        list_price, entries = cached
        if not entries:
            return list_price
        return unit_price_for(list_price, entries, quantity, day)

    def _quantity(
        self, acc: Account, info: ProductInfo, day: date, *, volume: float, trend: float = 1.0
    ) -> Decimal:
        rng = self.rng
        if info.equipment:
            return Decimal(1)
        season = GROUP_SEASON.get(info.group_code)
        factor = season[day.month - 1] if season else 1.0
        value = acc.tier.line_value_cents * acc.scale * volume * trend * factor
        value *= math.exp(rng.gauss(0, 0.45))
        raw = value / max(1, info.list_price)
        if info.decimal_unit:
            return Decimal(max(1, min(120, round(raw * 2)))) / 2
        return Decimal(max(1, min(60, round(raw))))

    def _line(
        self,
        cls: type[Any],
        parent_id: str,
        acc: Account,
        position: int,
        info: ProductInfo,
        quantity: Decimal,
        day: date,
        discount: Decimal,
        parent: Quote | Order,
        unit_price: int | None = None,
    ) -> Any:
        """A quote or order line; amounts by ``domain.pricing.line_amounts``, as the app does."""
        if unit_price is None:
            unit_price = self._price(acc, info, day, quantity)
        amounts = line_amounts(
            LineInput(
                quantity=quantity,
                unit_price_cents=unit_price,
                discount_percent=discount,
                vat_rate=info.vat_rate,
            )
        )
        key = "quote_id" if cls is QuoteLine else "order_id"
        return make(
            cls,
            id=self.new_id(),
            customer_id=acc.record.id,
            position=position,
            product_id=info.id,
            description=info.name,
            quantity=quantity,
            unit_price_cents=unit_price,
            discount_percent=discount,
            vat_rate=info.vat_rate,
            net_cents=amounts.net_cents,
            vat_cents=amounts.vat_cents,
            created_at=parent.created_at,
            updated_at=parent.created_at,
            **{key: parent_id},
        )

    @staticmethod
    def _set_totals(doc: Quote | Order, lines: list[QuoteLine] | list[OrderLine]) -> None:
        """Header totals are the sums of the rounded lines (as ``domain.pricing`` requires)."""
        net = sum(line.__dict__["net_cents"] for line in lines)
        vat = sum(line.__dict__["vat_cents"] for line in lines)
        put(doc, net_cents=net, vat_cents=vat, gross_cents=net + vat)

    def _new_order(
        self, acc: Account, day: date, source: OrderSource, status: OrderStatus | None = None
    ) -> Order:
        rng, today = self.rng, self.today
        if status is None:
            if day >= today - timedelta(days=4):
                status = OrderStatus.PLACED
            else:
                status = OrderStatus.CANCELLED if rng.random() < 0.03 else OrderStatus.DELIVERED
        delivery = None
        if status is not OrderStatus.DRAFT and status is not OrderStatus.CANCELLED:
            delivery = weekday_on_or_after(day + timedelta(days=rng.randint(1, 3)))
        created = local(day, rng.randint(8, 17), rng.randint(0, 59))
        created = min(created, self.now - timedelta(minutes=30))
        updated = stamp(delivery) if status is OrderStatus.DELIVERED and delivery else created
        order = make(
            Order,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            order_number="",  # numbered in date order at the end
            order_date=day,
            status=status,
            source=source,
            delivery_on=delivery,
            notes=rng.choice(
                ("", "", "", "", "Graag voor 10:00 leveren.", "Levering via achteringang.")
            ),
            created_at=created,
            updated_at=min(updated, self.now - timedelta(minutes=30)),
        )
        self.orders.append(order)
        return order

    def _finish_order(self, acc: Account, order: Order, lines: list[OrderLine]) -> None:
        self.order_lines[order.id] = lines
        self._set_totals(order, lines)
        if order.status in (OrderStatus.PLACED, OrderStatus.DELIVERED):
            d = order.order_date
            for line in lines:
                group = self.cat.by_id[line.product_id].group_code
                acc.revenue[(d.year, d.month, group)] += line.net_cents
            if acc.first_order is None or d < acc.first_order.order_date:
                acc.first_order = order
            if acc.latest_order is None or d > acc.latest_order:
                acc.latest_order = d

    def _order_from_quote(
        self, acc: Account, quote: Quote, quote_lines: list[QuoteLine], day: date
    ) -> Order:
        order = self._new_order(acc, day, OrderSource.QUOTE)
        order.quote_id = quote.id
        lines = []
        for ql in quote_lines:
            info = self.cat.by_id[ql.product_id]
            line = self._line(
                OrderLine,
                order.id,
                acc,
                ql.position,
                info,
                ql.quantity,
                day,
                ql.discount_percent,
                order,
                unit_price=ql.unit_price_cents,  # the quoted price holds
            )
            lines.append(line)
        self._finish_order(acc, order, lines)
        return order

    def _orders_for(self, acc: Account) -> None:
        rng, tier = self.rng, acc.tier
        first = max(self.history_start, acc.since)
        if acc.story == "converted":
            first = acc.since + timedelta(days=7)
        last = acc.last_order or self.today - timedelta(days=1)
        if first > last:
            return
        season = acc.sector.season
        for y, m in _month_range(first, last):
            lo = max(first, date(y, m, 1))
            hi = min(last, _month_end(y, m))
            if hi < lo:
                continue
            coverage = ((hi - lo).days + 1) / calendar.monthrange(y, m)[1]
            mid = lo + (hi - lo) / 2
            years_in = max(0.0, (mid - first).days / 365)
            trend = (1 + acc.growth) ** years_in
            if acc.story in ("new", "converted") and years_in < 0.25:
                trend *= 0.5 + 2 * years_in  # ramping up
            lam = tier.orders_per_year / 12 * season[m - 1] * math.sqrt(trend) * coverage
            lam *= acc.scale**0.3
            for _ in range(poisson(rng, lam)):
                day = weekday_on_or_before(lo + timedelta(days=rng.randint(0, (hi - lo).days)))
                if day < lo:
                    day = lo
                self._regular_order(acc, day, math.sqrt(trend))
        if acc.story == "lost" and acc.last_order is not None:
            # The last order is what "lost" is measured from: make sure it exists.
            if acc.latest_order is None or acc.latest_order < acc.last_order:
                self._regular_order(acc, weekday_on_or_before(acc.last_order), 0.7)
        elif acc.latest_order is None or acc.latest_order < self.today - timedelta(days=150):
            # Small customers order seldom, but a customer still buying does order within half
            # a year: "no orders for six months" is what lost customers look like.
            back = timedelta(days=rng.randint(5, 90))
            day = max(first, weekday_on_or_before(self.today - back))
            if day <= last:
                self._regular_order(acc, day, 1.0)
        for day, info in acc.one_offs:
            if first <= day <= last:
                order = self._new_order(acc, weekday_on_or_before(day), OrderSource.FIELD)
                line = self._line(
                    OrderLine,
                    order.id,
                    acc,
                    1,
                    info,
                    Decimal(1),
                    order.order_date,
                    Decimal(rng.choice(("0", "5", "10"))),
                    order,
                )
                self._finish_order(acc, order, [line])

    def _regular_order(self, acc: Account, day: date, trend: float) -> None:
        rng, tier = self.rng, acc.tier
        available = [
            p
            for p in acc.picks
            if p.since <= day
            and (p.until is None or day < p.until)
            and (p.product.name not in CHRISTMAS_ONLY or day.month >= 10)
            and p.product.introduced <= day
        ]
        if not available:
            return
        count = min(len(available), 12, 1 + poisson(rng, tier.lines_per_order - 1))
        ranked = sorted(available, key=lambda p: rng.random() ** (1.0 / p.weight), reverse=True)
        seen: set[str] = set()
        chosen = []
        for pick in ranked:
            if pick.product.id not in seen:
                seen.add(pick.product.id)
                chosen.append(pick)
            if len(chosen) == count:
                break
        roll = rng.random()
        source = (
            OrderSource.ERP
            if roll < 0.55
            else OrderSource.FIELD
            if roll < 0.82
            else OrderSource.RECEIVED
        )
        order = self._new_order(acc, day, source)
        lines = []
        for position, pick in enumerate(chosen, start=1):
            quantity = self._quantity(acc, pick.product, day, volume=pick.volume, trend=trend)
            discount = Decimal(0)
            if source is OrderSource.FIELD and rng.random() < 0.2:
                discount = Decimal(rng.choice(("2.5", "5")))
            lines.append(
                self._line(
                    OrderLine, order.id, acc, position, pick.product, quantity, day, discount, order
                )
            )
        self._finish_order(acc, order, lines)

    def _draft_orders(self) -> None:
        """Orders started in the field yesterday and not yet placed."""
        for acc in self.today_accounts[:2]:
            day = self.today - timedelta(days=1)
            if not acc.picks:
                continue
            order = self._new_order(acc, day, OrderSource.FIELD, OrderStatus.DRAFT)
            picks = self.rng.sample(acc.picks, min(3, len(acc.picks)))
            lines = [
                self._line(
                    OrderLine,
                    order.id,
                    acc,
                    i,
                    p.product,
                    self._quantity(acc, p.product, day, volume=p.volume),
                    day,
                    Decimal(0),
                    order,
                )
                for i, p in enumerate(picks, start=1)
            ]
            self._finish_order(acc, order, lines)

    def _number_documents(self) -> None:
        """Order and quote numbers run per year in date order, as an ERP would number them."""
        self.orders.sort(key=lambda o: (o.order_date, o.created_at, o.id))
        seq: dict[int, int] = defaultdict(int)
        for order in self.orders:
            year = order.order_date.year
            seq[year] += 1
            order.order_number = f"ORD-{year}-{self.number:02d}-{seq[year]:05d}"
            if order.source is OrderSource.ERP:
                order.erp_reference = f"ERP{year % 100:02d}{self.number:02d}{seq[year]:06d}"
        self.quotes.sort(key=lambda q: (q.quote_date, q.id))
        seq.clear()
        for quote in self.quotes:
            year = quote.quote_date.year
            seq[year] += 1
            quote.quote_number = f"OFF-{year}-{self.number:02d}-{seq[year]:04d}"

    def _potentials(self) -> None:
        """A customer's yearly potential sits well above its best year; a prospect's is an
        estimate from its size class. Known only once the revenue is."""
        for acc in self.accounts:
            if acc.is_customer:
                years = range(self.history_start.year, self.today.year + 1)
                peak = max((acc.year_revenue(y) for y in years), default=0)
                base = max(peak, acc.tier.line_value_cents * 4) * self.rng.uniform(1.4, 2.2)
            else:
                tier = acc.tier
                base = tier.line_value_cents * tier.orders_per_year * tier.lines_per_order
                base *= self.rng.uniform(0.6, 1.6)
            acc.record.potential_revenue_cents = _round_to(base, 100_000)

    # ------------------------------------------------------------------ complaints

    def _complaints(self) -> None:
        rng, today = self.rng, self.today
        customers = [a for a in self.accounts if a.is_customer]
        for acc in customers:
            start = max(self.history_start, acc.since)
            end = acc.last_order or today - timedelta(days=1)
            span = (end - start).days
            if span <= 0:
                continue
            for _ in range(poisson(rng, acc.tier.complaints_per_year * span / 365)):
                day = weekday_on_or_before(start + timedelta(days=rng.randint(0, span)))
                category = rng.choices(list(ComplaintCategory), weights=(25, 30, 15, 12, 10, 8))[0]
                self._complaint(acc, max(day, start), category)
        # One product leaks at several customers: the structural pattern across customers.
        cups = self.cat.structural_product
        for acc in self.cup_victims:
            for _ in range(rng.choice((1, 1, 2))):
                day = weekday_on_or_before(today - timedelta(days=rng.randint(3, 150)))
                # The supplier is still investigating: these stay open until it is solved.
                self._complaint(
                    acc,
                    day,
                    ComplaintCategory.QUALITY,
                    product=cups,
                    description=rng.choice(STRUCTURAL_COMPLAINTS),
                    status=rng.choice((ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS)),
                )
        # One customer keeps getting late or incomplete deliveries: the pattern at one customer.
        if self.delivery_account is not None:
            acc = self.delivery_account
            for k in range(5):
                day = weekday_on_or_before(today - timedelta(days=20 + k * rng.randint(50, 70)))
                status = ComplaintStatus.IN_PROGRESS if k == 0 else None
                self._complaint(acc, day, ComplaintCategory.DELIVERY, status=status)

    def _plant_patterns(self) -> None:
        """Choose the customers of the structural complaint patterns before the orders exist, so
        the complained-about product is in their orders."""
        rng, today = self.rng, self.today
        cups = self.cat.structural_product
        active = [a for a in self.accounts if a.active and a.since < today - timedelta(days=300)]
        drinkers = [a for a in active if any(p.product is cups for p in a.picks)]
        others = [a for a in active if a not in drinkers and "DIS" in a.sector.affinity]
        self.cup_victims = (drinkers + others)[: rng.randint(4, 6)]
        for acc in self.cup_victims:
            if not any(p.product is cups for p in acc.picks):
                acc.picks.append(Pick(cups, 1.0, 1.0, today - timedelta(days=300)))
        big = [a for a in active if a.tier.code in ("A", "ZORG") and a not in self.cup_victims]
        if big:
            self.delivery_account = rng.choice(big)

    def _complaint(
        self,
        acc: Account,
        day: date,
        category: ComplaintCategory,
        *,
        product: ProductInfo | None = None,
        description: str | None = None,
        status: ComplaintStatus | None = None,
    ) -> None:
        rng, today = self.rng, self.today
        needs_product = {
            ComplaintCategory.QUALITY: 1.0,
            ComplaintCategory.DELIVERY: 0.5,
            ComplaintCategory.INVOICE: 0.4,
            ComplaintCategory.PRICE: 0.6,
        }.get(category, 0.0)
        if product is None and acc.picks and rng.random() < needs_product:
            product = rng.choice(acc.picks).product
        subject = product or self._any_product(acc)
        if description is None:
            description = rng.choice(COMPLAINTS[category.value]).format(
                product=subject.name,
                group=self.cat.group_by_code[subject.group_code].name.lower(),
                days=rng.randint(2, 5),
            )
        age = (today - day).days
        if status is not None:
            pass
        elif age > 60:
            status = rng.choices((ComplaintStatus.CLOSED, ComplaintStatus.RESOLVED), (70, 30))[0]
        elif age > 14:
            status = rng.choices(list(ComplaintStatus), (10, 30, 40, 20))[0]
        else:
            status = rng.choices((ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS), (60, 40))[0]
        resolved_on = None
        resolution = ""
        if status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
            resolved_on = min(today - timedelta(days=1), day + timedelta(days=rng.randint(1, 14)))
            resolution = rng.choice(RESOLUTIONS)
        created = local(day, rng.randint(9, 16), rng.randint(0, 59))
        complaint = make(
            Complaint,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            reported_on=day,
            category=category,
            product_id=product.id if product else None,
            contact_id=rng.choice(acc.contacts).id if acc.contacts else None,
            description=description,
            status=status,
            resolved_on=resolved_on,
            resolution=resolution,
            created_at=created,
            updated_at=stamp(resolved_on) if resolved_on else created,
        )
        self.complaints.append(complaint)
        acc.complaint_dates.append(day)
        summary = description if len(description) <= 60 else description[:57] + "..."
        if status in (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS):
            self._follow_up(
                acc,
                COMPLAINT_FOLLOW_UP.format(summary=summary),
                day + timedelta(days=rng.randint(2, 10)),
                complaint_id=complaint.id,
                created=created,
                force_open=True,
            )
        elif rng.random() < 0.5 and resolved_on is not None:
            self._follow_up(
                acc,
                COMPLAINT_FOLLOW_UP.format(summary=summary),
                resolved_on,
                complaint_id=complaint.id,
                created=created,
                done_on=resolved_on,
            )

    def _finish_visits(self) -> None:
        """Scores drop after complaints; each report names the date of the next visit."""
        for acc in self.accounts:
            acc.visits.sort(key=lambda v: v.planned_start)
            for visit in acc.visits:
                if visit.satisfaction is None:
                    continue
                day = visit.planned_start.date()
                if any(timedelta(0) <= day - c <= timedelta(days=45) for c in acc.complaint_dates):
                    visit.satisfaction = max(1, visit.satisfaction - 1)
            live = [v for v in acc.visits if v.status is not VisitStatus.CANCELLED]
            for current, following in zip(live, [*live[1:], None], strict=False):
                if current.status is not VisitStatus.REPORTED:
                    continue
                if following is not None:
                    current.next_visit_on = following.planned_start.date()
                elif acc.active:
                    gap = timedelta(days=round(acc.interval or 60))
                    current.next_visit_on = current.planned_start.date() + gap

    # ------------------------------------------------------------------ account plans

    def _plans(self) -> None:
        rng, today = self.rng, self.today
        this_year = today.year
        patterns_now = {
            "draft": 12,
            "submitted": 14,
            "approved": 32,
            "rejected": 8,
            "revising": 6,
            "resubmitted": 10,
            "approved_after_rejection": 12,
            "approved_third": 4,
        }
        patterns_last = {
            "approved": 62,
            "approved_after_rejection": 16,
            "approved_third": 5,
            "reopened": 5,
            "rejected": 4,
            "submitted": 3,
            "draft": 5,
        }
        for year, patterns in ((this_year - 1, patterns_last), (this_year, patterns_now)):
            start_of_year = date(year, 1, 1)
            eligible = [
                a
                for a in self.accounts
                if a.is_customer
                and a.since < date(year - 1, 11, 1)
                and (a.last_order is None or a.last_order >= start_of_year)
                and (a.tier.code in ("A", "ZORG") or (a.tier.code == "B" and rng.random() < 0.4))
            ]
            if year == this_year:
                eligible = [a for a in eligible if a.story != "lost"]
            for acc, pattern in zip(eligible, quota(rng, len(eligible), patterns), strict=True):
                self._plan(acc, year, pattern)

    def _plan(self, acc: Account, year: int, pattern: str) -> None:
        rng, today = self.rng, self.today
        manager = self.manager
        # Drafting starts mid-November; decisions fall before April or before today.
        window_start = date(year - 1, 11, 15)
        window_end = min(date(year, 3, 31), today - timedelta(days=1))
        steps = {
            "draft": [],
            "submitted": ["S"],
            "approved": ["S", "A"],
            "rejected": ["S", "R"],
            "revising": ["S", "R"],
            "resubmitted": ["S", "R", "S"],
            "approved_after_rejection": ["S", "R", "S", "A"],
            "approved_third": ["S", "R", "S", "R", "S", "A"],
            "reopened": ["S", "A"],
        }[pattern]
        days = (window_end - window_start).days
        offsets = (
            sorted(rng.sample(range(1, max(days, len(steps) + 1)), len(steps))) if steps else []
        )
        times = [
            local(window_start + timedelta(days=o), rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
            for o in offsets
        ]
        if pattern == "reopened":  # revised mid-year, approved again
            mid = date(year, 6, 1) + timedelta(days=rng.randint(0, 40))
            times += [local(mid, 10, 0), local(mid + timedelta(days=rng.randint(2, 9)), 14, 30)]
            steps = [*steps, "S", "A"]
        created = stamp(window_start - timedelta(days=rng.randint(0, 10)))
        prev_revenue = acc.year_revenue(year - 1)
        top_groups = sorted(
            {g for (y, _, g) in acc.revenue if y == year - 1},
            key=lambda g: -acc.year_revenue(year - 1, g),
        )
        competitor = rng.choice(COMPETITORS)
        new = self._new_in_catalogue(date(year, 1, 31), 240) or [self._any_product(acc)]
        product = rng.choice(new)
        cross = self._cross_sell(acc, date(year, 1, 1)) or product
        fill = {
            "group": self.cat.group_by_code[cross.group_code].name.lower(),
            "product": product.name,
            "competitor": competitor,
        }
        before = acc.year_revenue(year - 2)
        change = ""
        if before:
            change = f" ({(prev_revenue - before) * 100 // before:+d} % t.o.v. {year - 2})"
        group_names = ", ".join(self.cat.group_by_code[g].name.lower() for g in top_groups[:3])
        analysis = (
            f"{acc.sector.name} in {acc.record.city}, {acc.record.employees} medewerkers, "
            f"klant sinds {(acc.record.customer_since or acc.since).year}. "
            f"Omzet {year - 1}: {format_cents(prev_revenue)}{change}. "
            f"Belangrijkste productgroepen: {group_names or 'nog geen'}."
        )
        plan = make(
            AccountPlan,
            id=self.new_id(),
            customer_id=acc.record.id,
            owner_id=self.user.id,
            year=year,
            target_group_id=acc.record.target_group_id,
            status=PlanStatus.DRAFT,
            current_version=0,
            analysis=analysis,
            opportunities="\n".join(s.format(**fill) for s in rng.sample(PLAN_OPPORTUNITIES, 2)),
            threats="\n".join(
                s.format(**fill) for s in rng.sample(PLAN_THREATS, rng.randint(1, 2))
            ),
            created_at=created,
            updated_at=created,
        )
        goals = self._plan_goals(acc, plan, year, prev_revenue, top_groups, cross)
        actions = self._plan_actions(acc, plan, year, product)
        # Each version is the next one minus what the manager's decision on it made the author
        # change: a rejected goal was higher, a rejection for missing actions lacked one more
        # action; a plan reopened mid-year had a higher goal before. Derived backwards from the
        # final goals and actions, which are the live records.
        submissions = [i for i, step in enumerate(steps) if step == "S"]
        reasons = {
            i: ("goal" if rng.random() < 0.65 else "actions")
            for i, step in enumerate(steps)
            if step == "R"
        }
        revenue_goal = goals[0]
        asked = [revenue_goal.target_value] * len(submissions)  # euros, per version
        dropped = [0] * len(submissions)
        for v in range(len(submissions) - 2, -1, -1):
            decision = submissions[v] + 1
            asked[v], dropped[v] = asked[v + 1], dropped[v + 1]
            if steps[decision] == "A" or reasons[decision] == "goal":
                higher = asked[v + 1] * Decimal(str(round(rng.uniform(1.15, 1.4), 2)))
                if steps[decision] == "R":  # too high for the manager: well above last year
                    higher = max(
                        higher, prev_revenue * Decimal(str(round(rng.uniform(1.35, 1.6), 2))) / 100
                    )
                asked[v] = max(_euros(int(higher * 100), 100), asked[v + 1] + 100)
            else:
                dropped[v] += 1
        version: AccountPlanVersion | None = None
        goal_rejections = 0
        for i, (step, when) in enumerate(zip(steps, times, strict=True)):
            if step == "S":
                v = submissions.index(i)
                number = v + 1
                snapshot_goals = [_goal_wire(g) for g in goals]
                snapshot_goals[0]["target_value"] = str(asked[v])
                kept = actions[: len(actions) - dropped[v]]
                threats = plan.threats
                if pattern == "reopened" and number == 2:
                    threats = f"{threats}\n{REOPEN_NOTE}"
                content = {
                    "year": year,
                    "target_group_id": plan.target_group_id,
                    "analysis": plan.analysis,
                    "opportunities": plan.opportunities,
                    "threats": threats,
                    "goals": snapshot_goals,
                    "actions": [_action_wire(a) for a in kept],
                }
                version = make(
                    AccountPlanVersion,
                    id=self.new_id(),
                    plan_id=plan.id,
                    customer_id=acc.record.id,
                    number=number,
                    content=content,
                    submitted_at=when,
                    submitted_by=self.user.id,
                    created_at=when,
                    updated_at=when,
                )
                self.versions.append(version)
                put(
                    plan,
                    status=PlanStatus.SUBMITTED,
                    current_version=number,
                    submitted_at=when,
                    decided_at=None,
                    decided_by=None,
                    manager_comment="",
                    threats=threats,
                )
            else:
                assert version is not None
                if step == "R":
                    if reasons[i] == "goal":
                        asked_cents = Decimal(version.content["goals"][0]["target_value"]) * 100
                        growth = "deze"
                        if prev_revenue:
                            growth = f"{asked_cents * 100 / prev_revenue - 100:.0f} %"
                        comment = REJECT_GOAL if goal_rejections == 0 else REJECT_GOAL_AGAIN
                        comment = comment.format(growth=growth)
                        goal_rejections += 1
                    else:
                        comment = REJECT_ACTIONS
                    decision_value = PlanDecision.REJECTED
                    status = PlanStatus.REJECTED
                else:
                    comment = rng.choice(APPROVE_COMMENTS).format(**fill)
                    decision_value = PlanDecision.APPROVED
                    status = PlanStatus.APPROVED
                put(
                    version,
                    decision=decision_value,
                    decided_by=manager.id,
                    decided_at=when,
                    manager_comment=comment,
                    updated_at=when,
                )
                put(
                    plan,
                    status=status,
                    decided_at=when,
                    decided_by=manager.id,
                    manager_comment=comment,
                )
            put(plan, updated_at=when)
        if pattern == "revising":
            plan.status = PlanStatus.DRAFT  # back to draft after the rejection, being reworked
            plan.updated_at = max(plan.updated_at, times[-1] + timedelta(days=1))
            plan.updated_at = min(plan.updated_at, self.now - timedelta(hours=1))
        self._execute(acc, plan, actions)
        self.plans.append(plan)
        self.goals.extend(goals)
        self.actions.extend(actions)

    def _plan_goals(
        self,
        acc: Account,
        plan: AccountPlan,
        year: int,
        prev_revenue: int,
        top_groups: list[str],
        cross: ProductInfo,
    ) -> list[PlanGoal]:
        rng = self.rng
        base = prev_revenue or (acc.record.potential_revenue_cents or 1_000_000) // 3
        realism = rng.uniform(1.02, 1.2) if rng.random() < 0.85 else rng.uniform(0.85, 1.0)
        goals: list[tuple[GoalKind, str | None, str, Decimal]] = [
            (GoalKind.REVENUE, None, f"Omzet {year} totaal", _euros(int(base * realism))),
        ]
        if top_groups:
            g = top_groups[0]
            grev = acc.year_revenue(year - 1, g)
            name = self.cat.group_by_code[g].name.lower()
            goals.append(
                (
                    GoalKind.REVENUE,
                    g,
                    f"Omzet {name}",
                    _euros(int(grev * rng.uniform(1.05, 1.3)), 100),
                )
            )
        if cross.group_code not in top_groups[:1]:
            name = self.cat.group_by_code[cross.group_code].name.lower()
            share = int(goals[0][3] * 100) * rng.uniform(0.06, 0.15)
            goals.append(
                (GoalKind.REVENUE, cross.group_code, f"Nieuwe omzet {name}", _euros(int(share), 50))
            )
        goals.append(
            (
                GoalKind.NEW_PRODUCTS,
                None,
                "Nieuwe producten geïntroduceerd",
                Decimal(rng.randint(2, 5)),
            )
        )
        interval = self.target_groups[acc.tier.code].visit_interval_days
        goals.append(
            (GoalKind.VISITS, None, "Bezoeken in het jaar", Decimal(max(2, round(365 / interval))))
        )
        return [
            make(
                PlanGoal,
                id=self.new_id(),
                plan_id=plan.id,
                customer_id=acc.record.id,
                kind=kind,
                product_group_id=self.cat.group_by_code[g].id if g else None,
                description=description,
                target_value=value,
                created_at=plan.created_at,
                updated_at=plan.created_at,
            )
            for kind, g, description, value in goals
        ]

    def _plan_actions(
        self, acc: Account, plan: AccountPlan, year: int, product: ProductInfo
    ) -> list[PlanAction]:
        rng = self.rng
        specs: list[tuple[ActionKind, str, date]] = []
        quarters = rng.sample((1, 2, 3, 4), rng.randint(2, 4))
        for q in sorted(quarters):
            due = _month_end(year, 3 * q) - timedelta(days=rng.randint(0, 20))
            specs.append((ActionKind.VISIT, f"Kwartaalgesprek Q{q}: voortgang accountplan", due))
        specs.append(
            (
                ActionKind.PRODUCT_INTRODUCTION,
                f"Introductie {product.name}",
                date(year, rng.randint(2, 10), rng.randint(1, 28)),
            )
        )
        if rng.random() < 0.6:
            specs.append(
                (
                    ActionKind.CALL,
                    "Telefonisch evalueren: levering en service",
                    date(year, rng.randint(3, 11), rng.randint(1, 28)),
                )
            )
        specs.append(
            (
                ActionKind.OTHER,
                f"Jaarprijsafspraak {year + 1} voorbereiden",
                date(year, rng.choice((10, 11)), rng.randint(1, 28)),
            )
        )
        return [
            make(
                PlanAction,
                id=self.new_id(),
                plan_id=plan.id,
                customer_id=acc.record.id,
                kind=kind,
                description=description,
                due_on=due,
                status=ActionStatus.OPEN,
                created_at=plan.created_at,
                updated_at=plan.created_at,
            )
            for kind, description, due in specs
        ]

    def _execute(self, acc: Account, plan: AccountPlan, actions: list[PlanAction]) -> None:
        """Approved plans are carried out: on time, late, not yet, or dropped."""
        rng, today = self.rng, self.today
        executing = plan.status is PlanStatus.APPROVED
        linked = {v.id for v in acc.visits if v.plan_action_id}
        for action in actions:
            due = action.due_on
            assert due is not None
            if not executing:
                if plan.year < today.year and rng.random() < 0.3:
                    action.status = ActionStatus.CANCELLED
                    action.updated_at = stamp(date(plan.year, 12, 31))
                continue
            if due >= today:
                if action.kind is ActionKind.VISIT:
                    upcoming = [
                        v
                        for v in acc.visits
                        if v.status in (VisitStatus.PLANNED, VisitStatus.PREPARED)
                        and v.id not in linked
                        and due - timedelta(days=40) <= v.planned_start.date() <= due + timedelta(7)
                        and v.planned_start.date() >= today
                    ]
                    if upcoming:
                        visit = upcoming[0]
                        visit.plan_action_id = action.id
                        action.visit_id = visit.id
                        linked.add(visit.id)
                continue
            roll = rng.random()
            if roll < 0.05:
                action.status = ActionStatus.CANCELLED
                action.updated_at = stamp(min(due, today - timedelta(days=1)))
                continue
            if roll < 0.2:
                continue  # overdue, still open
            late = roll > 0.8
            approved_on = (plan.decided_at or self.now).astimezone(AMSTERDAM).date()
            if action.kind is ActionKind.VISIT:
                lo = max(due - timedelta(days=50), approved_on)
                hi = due + timedelta(days=45) if late else due
                options = [
                    v
                    for v in acc.visits
                    if v.status is VisitStatus.REPORTED
                    and v.id not in linked
                    and lo <= v.planned_start.date() <= hi
                ]
                if not options:
                    continue
                visit = min(options, key=lambda v: abs((v.planned_start.date() - due).days))
                assert visit.reported_at is not None
                visit.plan_action_id = action.id
                action.visit_id = visit.id
                linked.add(visit.id)
                done_on = visit.reported_at.astimezone(AMSTERDAM).date()
            else:
                shift = rng.randint(3, 40) if late else -rng.randint(0, 20)
                done_on = min(today - timedelta(days=1), due + timedelta(days=shift))
                done_on = max(done_on, approved_on)
            action.status = ActionStatus.DONE
            action.done_on = done_on
            action.updated_at = stamp(done_on)

    # ------------------------------------------------------------------ targets and causes

    def _actuals(self) -> dict[tuple[int, int, str], int]:
        totals: dict[tuple[int, int, str], int] = defaultdict(int)
        for acc in self.accounts:
            for key, cents in acc.revenue.items():
                totals[key] += cents
        return totals

    def _targets(self) -> None:
        """Monthly targets per product group: last year's actual plus ambition, as set each
        January; the first year of history is set against that year's own level."""
        rng, today = self.rng, self.today
        actual = self._actuals()
        first_month = date(self.history_start.year, self.history_start.month, 1)
        if first_month < self.history_start:
            y, m = first_month.year, first_month.month
            first_month = date(y + (m == 12), m % 12 + 1, 1)
        for y, m in _month_range(first_month, date(today.year, 12, 31)):
            last_year_known = date(y - 1, m, 1) >= first_month
            for group in self.cat.groups:
                code = group.code
                if last_year_known:
                    base = actual.get((y - 1, m, code), 0) * rng.uniform(1.03, 1.10)
                else:
                    base = actual.get((y, m, code), 0) * rng.uniform(0.95, 1.12)
                if base < 5_000:
                    continue
                created = stamp(date(y, 1, 5) if date(y, 1, 5) < today else date(y - 1, 12, 15))
                self.targets.append(
                    make(
                        SalesTarget,
                        id=self.new_id(),
                        owner_id=self.user.id,
                        period_start=date(y, m, 1),
                        period_end=_month_end(y, m),
                        customer_id=None,
                        product_group_id=group.id,
                        revenue_target_cents=_round_to(base, 10_000),
                        created_at=created,
                        updated_at=created,
                    )
                )

    def _causes(self) -> None:
        rng, today = self.rng, self.today
        competitor = rng.choice(COMPETITORS)

        def add(
            kind: DeviationCauseKind,
            start: date,
            end: date,
            amount: int,
            *,
            acc: Account | None = None,
            group: str | None = None,
        ) -> None:
            if end >= today:
                return
            fill = {
                "customer": acc.record.name if acc else "",
                "competitor": competitor,
                "group": self.cat.group_by_code[group].name.lower() if group else "",
            }
            created = stamp(
                min(today - timedelta(days=1), end + timedelta(days=rng.randint(3, 12)))
            )
            self.causes.append(
                make(
                    DeviationCause,
                    id=self.new_id(),
                    owner_id=self.user.id,
                    period_start=start,
                    period_end=end,
                    customer_id=acc.record.id if acc else None,
                    product_group_id=self.cat.group_by_code[group].id if group else None,
                    cause=kind,
                    amount_cents=amount,
                    note=DEVIATION_NOTES[kind.value].format(**fill),
                    created_at=created,
                    updated_at=created,
                )
            )

        def revenue(acc: Account, start: date, end: date) -> int:
            return sum(v for (y, m, _), v in acc.revenue.items() if start <= date(y, m, 1) <= end)

        last_q_start, last_q_end = _quarter(_quarter(today)[0] - timedelta(days=1))
        lost = [
            a
            for a in self.accounts
            if a.story == "lost" and a.last_order and a.last_order > today - timedelta(days=500)
        ]
        for acc in lost[:2]:
            assert acc.last_order is not None
            start, end = _quarter(acc.last_order + timedelta(days=60))
            # What a quarter of its last year with us brought in is what the quarter misses.
            quarterly = revenue(acc, acc.last_order - timedelta(days=365), acc.last_order) // 4
            add(DeviationCauseKind.LOST_CUSTOMER, start, end, -max(quarterly, 10_000), acc=acc)
        if self.delivery_account is not None and self.delivery_account.complaint_dates:
            acc = self.delivery_account
            past = [d for d in acc.complaint_dates if _month_end(d.year, d.month) < today]
            worst = max(past or acc.complaint_dates)
            start, end = date(worst.year, worst.month, 1), _month_end(worst.year, worst.month)
            add(
                DeviationCauseKind.DELIVERY_PROBLEM,
                start,
                end,
                -rng.randint(40, 160) * 10_000,
                acc=acc,
            )
        # The summer month in which drinks fell furthest below target.
        drinks = [t for t in self.targets if t.product_group_id == self.cat.group_by_code["FRI"].id]
        actual = self._actuals()
        summer = [t for t in drinks if t.period_start.month in (6, 7, 8) and t.period_end < today]
        if summer:
            worst_t = min(
                summer,
                key=lambda t: (
                    actual.get((t.period_start.year, t.period_start.month, "FRI"), 0)
                    - t.revenue_target_cents
                ),
            )
            gap = actual.get((worst_t.period_start.year, worst_t.period_start.month, "FRI"), 0)
            gap -= worst_t.revenue_target_cents
            add(
                DeviationCauseKind.SEASONAL,
                worst_t.period_start,
                worst_t.period_end,
                min(gap, -10_000),
                group="FRI",
            )
        add(
            DeviationCauseKind.PRICE_PRESSURE,
            last_q_start,
            last_q_end,
            -rng.randint(20, 90) * 10_000,
            group="HYG",
        )
        year_ago = (last_q_start - timedelta(days=365), last_q_end - timedelta(days=365))
        drops = [
            (revenue(a, last_q_start, last_q_end) - revenue(a, *year_ago), a)
            for a in self.accounts
            if a.story == "declining"
        ]
        if drops:
            drop, acc = min(drops, key=lambda d: d[0])
            add(
                DeviationCauseKind.COMPETITION,
                last_q_start,
                last_q_end,
                min(drop, -10_000),
                acc=acc,
            )
        won = [a for a in self.accounts if a.story in ("new", "converted") and a.first_order]
        if won:
            acc = max(won, key=lambda a: a.since)
            start, end = _quarter(acc.since)
            add(
                DeviationCauseKind.NEW_CUSTOMER,
                start,
                end,
                max(revenue(acc, start, end), 10_000),
                acc=acc,
            )


def _round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


def _goal_wire(goal: PlanGoal) -> dict[str, Any]:
    """A goal as ``services.plans.plan_snapshot`` freezes it into a version."""
    data = goal.to_wire()
    data.pop("created_at", None)
    data.pop("updated_at", None)
    return {"id": goal.id, **data}


def _action_wire(action: PlanAction) -> dict[str, Any]:
    """An action as it stood when submitted: open, not yet executed."""
    data = action.to_wire()
    data.pop("created_at", None)
    data.pop("updated_at", None)
    data.update(status=ActionStatus.OPEN.value, done_on=None, visit_id=None)
    return {"id": action.id, **data}
