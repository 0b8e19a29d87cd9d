"""The closed vocabularies of the business, shared by rules, store, sync and UI.

Values are lower-case English identifiers because they travel over the wire and live in both
databases; the Dutch labels users see are in ``labels.py`` so a translation never changes data.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SALESPERSON = "salesperson"
    MANAGER = "manager"
    ADMIN = "admin"


class CustomerKind(StrEnum):
    """A prospect becomes a customer with its first order; both live in one table."""

    CUSTOMER = "customer"
    PROSPECT = "prospect"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class PlanDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class GoalKind(StrEnum):
    """What a measurable account-plan goal counts."""

    REVENUE = "revenue"  # revenue, optionally for one product group (cents)
    NEW_PRODUCTS = "new_products"  # number of products introduced that the customer did not buy
    VISITS = "visits"  # number of visits in the plan year
    OTHER = "other"


class ActionKind(StrEnum):
    VISIT = "visit"
    CALL = "call"
    PRODUCT_INTRODUCTION = "product_introduction"
    OTHER = "other"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class VisitStatus(StrEnum):
    PLANNED = "planned"
    PREPARED = "prepared"
    REPORTED = "reported"
    CANCELLED = "cancelled"


class CallOutcome(StrEnum):
    NO_ANSWER = "no_answer"
    NOT_INTERESTED = "not_interested"
    CALL_BACK = "call_back"
    APPOINTMENT = "appointment"


class OrderStatus(StrEnum):
    DRAFT = "draft"
    PLACED = "placed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class OrderSource(StrEnum):
    FIELD = "field"  # entered by the salesperson at the customer
    RECEIVED = "received"  # an order the customer sent, recorded by the salesperson
    QUOTE = "quote"  # an accepted quote turned into an order
    ERP = "erp"  # imported from the company's ERP export


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"


class ComplaintCategory(StrEnum):
    QUALITY = "quality"
    DELIVERY = "delivery"
    INVOICE = "invoice"
    SERVICE = "service"
    PRICE = "price"
    OTHER = "other"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class DeviationCauseKind(StrEnum):
    LOST_CUSTOMER = "lost_customer"
    PRICE_PRESSURE = "price_pressure"
    DELIVERY_PROBLEM = "delivery_problem"
    SEASONAL = "seasonal"
    COMPETITION = "competition"
    NEW_CUSTOMER = "new_customer"
    OTHER = "other"


class VatRate(StrEnum):
    """Dutch BTW tariffs; the percentage is in ``money.VAT_PERCENT``."""

    HIGH = "high"  # 21 %
    LOW = "low"  # 9 %
    ZERO = "zero"  # 0 %
