"""The records the app keeps and syncs: one SQLModel table class per collection.

``COLLECTIONS`` maps the wire name of each collection to its class; the store creates their
tables, the sync engine moves them, the server validates pushed fields against them.
"""

from __future__ import annotations

from fieldsales.records.base import Scope, SyncedRecord, store_registry
from fieldsales.records.catalogue import PriceList, PriceListItem, Product, ProductGroup
from fieldsales.records.complaints import Complaint
from fieldsales.records.customers import Contact, Customer
from fieldsales.records.org import TargetGroup, Team, UserProfile
from fieldsales.records.plans import AccountPlan, AccountPlanVersion, PlanAction, PlanGoal
from fieldsales.records.sales import Order, OrderLine, Quote, QuoteLine
from fieldsales.records.targets import DeviationCause, SalesTarget
from fieldsales.records.visits import Attachment, CallLog, FollowUp, Visit

# Order matters where it helps: parents before children, for readers and for bulk loads.
ALL_RECORDS: tuple[type[SyncedRecord], ...] = (
    Team,
    UserProfile,
    TargetGroup,
    ProductGroup,
    Product,
    PriceList,
    PriceListItem,
    Customer,
    Contact,
    AccountPlan,
    AccountPlanVersion,
    PlanGoal,
    PlanAction,
    Visit,
    FollowUp,
    CallLog,
    Attachment,
    Quote,
    QuoteLine,
    Order,
    OrderLine,
    Complaint,
    SalesTarget,
    DeviationCause,
)

COLLECTIONS: dict[str, type[SyncedRecord]] = {cls.collection: cls for cls in ALL_RECORDS}

__all__ = [
    "ALL_RECORDS",
    "COLLECTIONS",
    "AccountPlan",
    "AccountPlanVersion",
    "Attachment",
    "CallLog",
    "Complaint",
    "Contact",
    "Customer",
    "DeviationCause",
    "FollowUp",
    "Order",
    "OrderLine",
    "PlanAction",
    "PlanGoal",
    "PriceList",
    "PriceListItem",
    "Product",
    "ProductGroup",
    "Quote",
    "QuoteLine",
    "SalesTarget",
    "Scope",
    "SyncedRecord",
    "Team",
    "UserProfile",
    "Visit",
    "store_registry",
]
