"""The generated demo data set: every record, in the order a loader can insert it, and per user.

``records()`` yields parents before children: the team and users, target groups, the catalogue,
then per customer its contacts, plans (versions, goals, actions), visits, calls, quotes, orders,
complaints and follow-ups, and last the salespeople's targets and deviation causes. Two pairs
refer to each other (a plan action and the visit that executes it; a quote and the order made
from it); the action and the quote count as the parent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields

from fieldsales.domain.enums import Role
from fieldsales.records import (
    AccountPlan,
    AccountPlanVersion,
    Attachment,
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
    PriceList,
    PriceListItem,
    Product,
    ProductGroup,
    Quote,
    QuoteLine,
    SalesTarget,
    Scope,
    SyncedRecord,
    TargetGroup,
    Team,
    UserProfile,
    Visit,
)

#: Shown wherever the demo accounts are printed; it must never be used outside a demo.
DEMO_PASSWORD = "demo"
TENANT_NAME = "Demo Groothandel BV"


@dataclass(slots=True)
class DemoData:
    """All records of one demo tenant. Lists are in insertion order within each collection."""

    tenant_name: str
    teams: list[Team] = field(default_factory=list)
    users: list[UserProfile] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    product_groups: list[ProductGroup] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    price_lists: list[PriceList] = field(default_factory=list)
    price_list_items: list[PriceListItem] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    account_plans: list[AccountPlan] = field(default_factory=list)
    account_plan_versions: list[AccountPlanVersion] = field(default_factory=list)
    plan_goals: list[PlanGoal] = field(default_factory=list)
    plan_actions: list[PlanAction] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    call_logs: list[CallLog] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quote_lines: list[QuoteLine] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    order_lines: list[OrderLine] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    sales_targets: list[SalesTarget] = field(default_factory=list)
    deviation_causes: list[DeviationCause] = field(default_factory=list)

    @property
    def team(self) -> Team:
        return self.teams[0]

    @property
    def manager(self) -> UserProfile:
        return next(u for u in self.users if u.role is Role.MANAGER)

    @property
    def salespeople(self) -> list[UserProfile]:
        return [u for u in self.users if u.role is Role.SALESPERSON]

    def user(self, username: str) -> UserProfile:
        """The demo account with this username (``manager``, ``verkoper1``, ...)."""
        for user in self.users:
            if user.username == username:
                return user
        raise KeyError(username)

    def _lists(self) -> Iterator[list[SyncedRecord]]:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                yield value

    def records(self) -> Iterator[SyncedRecord]:
        """Every record, parents before children (see the module docstring)."""
        for records in self._lists():
            yield from records

    def records_for(self, user_id: str) -> Iterator[SyncedRecord]:
        """The records in one user's scope, as the server would hand them to that user's device.

        A salesperson gets the shared catalogue and target groups, the team directory, their own
        customers and prospects with everything under them, and their own targets and deviation
        causes. A manager (or admin) gets everything.
        """
        user = next((u for u in self.users if u.id == user_id), None)
        if user is None:
            raise KeyError(user_id)
        if user.role is not Role.SALESPERSON:
            yield from self.records()
            return
        own = {c.id for c in self.customers if c.owner_id == user_id}
        for records in self._lists():
            for record in records:
                scope = type(record).scope
                if scope in (Scope.SHARED, Scope.TEAM):
                    yield record
                elif scope is Scope.OWNER:
                    if getattr(record, "owner_id", None) == user_id:
                        yield record
                elif isinstance(record, Customer):
                    if record.id in own:
                        yield record
                elif getattr(record, "customer_id", None) in own:
                    yield record

    def summary(self) -> dict[str, int]:
        """Number of records per collection (wire name), every collection listed."""
        return {
            collection: len(getattr(self, name)) for name, collection in _FIELD_COLLECTION.items()
        }


_FIELD_COLLECTION: dict[str, str] = {
    "teams": Team.collection,
    "users": UserProfile.collection,
    "target_groups": TargetGroup.collection,
    "product_groups": ProductGroup.collection,
    "products": Product.collection,
    "price_lists": PriceList.collection,
    "price_list_items": PriceListItem.collection,
    "customers": Customer.collection,
    "contacts": Contact.collection,
    "account_plans": AccountPlan.collection,
    "account_plan_versions": AccountPlanVersion.collection,
    "plan_goals": PlanGoal.collection,
    "plan_actions": PlanAction.collection,
    "visits": Visit.collection,
    "call_logs": CallLog.collection,
    "quotes": Quote.collection,
    "quote_lines": QuoteLine.collection,
    "orders": Order.collection,
    "order_lines": OrderLine.collection,
    "complaints": Complaint.collection,
    "follow_ups": FollowUp.collection,
    "attachments": Attachment.collection,
    "sales_targets": SalesTarget.collection,
    "deviation_causes": DeviationCause.collection,
}
