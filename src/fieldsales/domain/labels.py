"""What users read for each enum value, in Dutch (the default) and English.

Enum values are wire identifiers and never shown; the UI, PDFs and exports call ``label``. A unit
test checks that every member of every enum in ``enums.py`` has both labels, so a new member
cannot reach the screen as a raw identifier.
"""

from __future__ import annotations

from enum import StrEnum

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
    Role,
    VatRate,
    VisitStatus,
)

LANGUAGES = ("nl", "en")

# (Dutch, English) per member. Members of different enums with the same value are equal as
# strings ("rejected" is a plan status and a quote status), so the table is keyed by enum class.
_TABLE: list[tuple[StrEnum, tuple[str, str]]] = [
    (Role.SALESPERSON, ("Verkoper", "Salesperson")),
    (Role.MANAGER, ("Leidinggevende", "Manager")),
    (Role.ADMIN, ("Beheerder", "Administrator")),
    (CustomerKind.CUSTOMER, ("Klant", "Customer")),
    (CustomerKind.PROSPECT, ("Prospect", "Prospect")),
    (PlanStatus.DRAFT, ("Concept", "Draft")),
    (PlanStatus.SUBMITTED, ("Ingediend", "Submitted")),
    (PlanStatus.APPROVED, ("Goedgekeurd", "Approved")),
    (PlanStatus.REJECTED, ("Afgekeurd", "Rejected")),
    (PlanDecision.APPROVED, ("Goedgekeurd", "Approved")),
    (PlanDecision.REJECTED, ("Afgekeurd", "Rejected")),
    (GoalKind.REVENUE, ("Omzet", "Revenue")),
    (GoalKind.NEW_PRODUCTS, ("Nieuwe producten", "New products")),
    (GoalKind.VISITS, ("Bezoeken", "Visits")),
    (GoalKind.OTHER, ("Overig", "Other")),
    (ActionKind.VISIT, ("Bezoek", "Visit")),
    (ActionKind.CALL, ("Telefoongesprek", "Call")),
    (ActionKind.PRODUCT_INTRODUCTION, ("Productintroductie", "Product introduction")),
    (ActionKind.OTHER, ("Overig", "Other")),
    (ActionStatus.OPEN, ("Open", "Open")),
    (ActionStatus.DONE, ("Uitgevoerd", "Done")),
    (ActionStatus.CANCELLED, ("Vervallen", "Cancelled")),
    (VisitStatus.PLANNED, ("Gepland", "Planned")),
    (VisitStatus.PREPARED, ("Voorbereid", "Prepared")),
    (VisitStatus.REPORTED, ("Verslag gemaakt", "Reported")),
    (VisitStatus.CANCELLED, ("Geannuleerd", "Cancelled")),
    (CallOutcome.NO_ANSWER, ("Geen gehoor", "No answer")),
    (CallOutcome.NOT_INTERESTED, ("Geen interesse", "Not interested")),
    (CallOutcome.CALL_BACK, ("Terugbellen", "Call back")),
    (CallOutcome.APPOINTMENT, ("Afspraak gemaakt", "Appointment made")),
    (OrderStatus.DRAFT, ("Concept", "Draft")),
    (OrderStatus.PLACED, ("Geplaatst", "Placed")),
    (OrderStatus.DELIVERED, ("Geleverd", "Delivered")),
    (OrderStatus.CANCELLED, ("Geannuleerd", "Cancelled")),
    (OrderSource.FIELD, ("Bij de klant ingevoerd", "Entered at the customer")),
    (OrderSource.RECEIVED, ("Ontvangen order", "Order received")),
    (OrderSource.QUOTE, ("Uit offerte", "From quote")),
    (OrderSource.ERP, ("Uit ERP", "From ERP")),
    (QuoteStatus.DRAFT, ("Concept", "Draft")),
    (QuoteStatus.SENT, ("Verzonden", "Sent")),
    (QuoteStatus.ACCEPTED, ("Geaccepteerd", "Accepted")),
    (QuoteStatus.REJECTED, ("Afgewezen", "Rejected")),
    (QuoteStatus.EXPIRED, ("Verlopen", "Expired")),
    (ComplaintCategory.QUALITY, ("Kwaliteit", "Quality")),
    (ComplaintCategory.DELIVERY, ("Levering", "Delivery")),
    (ComplaintCategory.INVOICE, ("Factuur", "Invoice")),
    (ComplaintCategory.SERVICE, ("Service", "Service")),
    (ComplaintCategory.PRICE, ("Prijs", "Price")),
    (ComplaintCategory.OTHER, ("Overig", "Other")),
    (ComplaintStatus.OPEN, ("Open", "Open")),
    (ComplaintStatus.IN_PROGRESS, ("In behandeling", "In progress")),
    (ComplaintStatus.RESOLVED, ("Opgelost", "Resolved")),
    (ComplaintStatus.CLOSED, ("Gesloten", "Closed")),
    (FollowUpStatus.OPEN, ("Open", "Open")),
    (FollowUpStatus.DONE, ("Afgerond", "Done")),
    (DeviationCauseKind.LOST_CUSTOMER, ("Klant verloren", "Lost customer")),
    (DeviationCauseKind.PRICE_PRESSURE, ("Prijsdruk", "Price pressure")),
    (DeviationCauseKind.DELIVERY_PROBLEM, ("Leveringsprobleem", "Delivery problem")),
    (DeviationCauseKind.SEASONAL, ("Seizoensinvloed", "Seasonal")),
    (DeviationCauseKind.COMPETITION, ("Concurrentie", "Competition")),
    (DeviationCauseKind.NEW_CUSTOMER, ("Nieuwe klant", "New customer")),
    (DeviationCauseKind.OTHER, ("Overig", "Other")),
    (VatRate.HIGH, ("21 % (hoog)", "21 % (standard)")),
    (VatRate.LOW, ("9 % (laag)", "9 % (reduced)")),
    (VatRate.ZERO, ("0 %", "0 %")),
]


_LABELS: dict[tuple[type[StrEnum], str], tuple[str, str]] = {
    (type(member), member.value): pair for member, pair in _TABLE
}


def has_label(value: StrEnum) -> bool:
    return (type(value), value.value) in _LABELS


def label(value: StrEnum, lang: str = "nl") -> str:
    """The label of an enum member; English for ``lang="en"``, Dutch for anything else.

    An unknown member falls back to its raw value rather than crashing a screen; the unit test
    is what keeps that from happening.
    """
    pair = _LABELS.get((type(value), value.value))
    if pair is None:
        return str(value.value)
    return pair[1] if lang == "en" else pair[0]


def choices(enum: type[StrEnum], lang: str = "nl") -> list[tuple[str, str]]:
    """``(value, label)`` for every member, in declaration order: for dropdowns and filters."""
    return [(member.value, label(member, lang)) for member in enum]
