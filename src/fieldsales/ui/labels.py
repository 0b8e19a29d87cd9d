"""Dutch names of the business vocabularies; enum values stay English on the wire."""

from __future__ import annotations

from fieldsales.domain.enums import (
    CallOutcome,
    ComplaintCategory,
    ComplaintStatus,
    CustomerKind,
    PlanStatus,
    QuoteStatus,
    VisitStatus,
)

VISIT_STATUS = {
    VisitStatus.PLANNED: "Gepland",
    VisitStatus.PREPARED: "Voorbereid",
    VisitStatus.REPORTED: "Afgerond",
    VisitStatus.CANCELLED: "Geannuleerd",
}
COMPLAINT_CATEGORY = {
    ComplaintCategory.QUALITY: "Kwaliteit",
    ComplaintCategory.DELIVERY: "Levering",
    ComplaintCategory.INVOICE: "Factuur",
    ComplaintCategory.SERVICE: "Service",
    ComplaintCategory.PRICE: "Prijs",
    ComplaintCategory.OTHER: "Overig",
}
COMPLAINT_STATUS = {
    ComplaintStatus.OPEN: "Open",
    ComplaintStatus.IN_PROGRESS: "In behandeling",
    ComplaintStatus.RESOLVED: "Opgelost",
    ComplaintStatus.CLOSED: "Gesloten",
}
QUOTE_STATUS = {
    QuoteStatus.DRAFT: "Concept",
    QuoteStatus.SENT: "Verstuurd",
    QuoteStatus.ACCEPTED: "Geaccepteerd",
    QuoteStatus.REJECTED: "Afgewezen",
    QuoteStatus.EXPIRED: "Verlopen",
}
PLAN_STATUS = {
    PlanStatus.DRAFT: "Concept",
    PlanStatus.SUBMITTED: "Ingediend",
    PlanStatus.APPROVED: "Goedgekeurd",
    PlanStatus.REJECTED: "Afgekeurd",
}
CALL_OUTCOME = {
    CallOutcome.NO_ANSWER: "Geen gehoor",
    CallOutcome.NOT_INTERESTED: "Geen interesse",
    CallOutcome.CALL_BACK: "Terugbellen",
    CallOutcome.APPOINTMENT: "Afspraak gemaakt",
}
CUSTOMER_KIND = {CustomerKind.CUSTOMER: "Klant", CustomerKind.PROSPECT: "Prospect"}

#: What each satisfaction score means, read aloud by screen readers with the number.
SATISFACTION = {
    1: "zeer ontevreden",
    2: "ontevreden",
    3: "neutraal",
    4: "tevreden",
    5: "zeer tevreden",
}
