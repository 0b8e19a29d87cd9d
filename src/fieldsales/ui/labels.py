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

#: What a synced collection's records are called: (one, many).
COLLECTION_NOUNS: dict[str, tuple[str, str]] = {
    "customers": ("klant", "klanten"),
    "contacts": ("contactpersoon", "contactpersonen"),
    "visits": ("bezoek", "bezoeken"),
    "follow_ups": ("vervolgactie", "vervolgacties"),
    "call_logs": ("belnotitie", "belnotities"),
    "quotes": ("offerte", "offertes"),
    "quote_lines": ("offerteregel", "offerteregels"),
    "orders": ("order", "orders"),
    "order_lines": ("orderregel", "orderregels"),
    "complaints": ("klacht", "klachten"),
    "account_plans": ("accountplan", "accountplannen"),
    "account_plan_versions": ("planversie", "planversies"),
    "plan_goals": ("plandoel", "plandoelen"),
    "plan_actions": ("planactie", "planacties"),
    "attachments": ("bijlage", "bijlagen"),
    "deviation_causes": ("afwijkingsoorzaak", "afwijkingsoorzaken"),
    "sales_targets": ("omzetdoel", "omzetdoelen"),
}

#: Dutch names of the record fields a conflict or a refusal can be about.
FIELD_LABELS: dict[str, str] = {
    "name": "naam",
    "kind": "soort",
    "street": "straat",
    "house_number": "huisnummer",
    "postcode": "postcode",
    "city": "plaats",
    "country": "land",
    "phone": "telefoon",
    "mobile": "mobiel",
    "email": "e-mail",
    "website": "website",
    "kvk_number": "KvK-nummer",
    "btw_id": "btw-id",
    "customer_number": "klantnummer",
    "notes": "notities",
    "sector": "sector",
    "employees": "medewerkers",
    "source": "bron",
    "current_supplier": "huidige leverancier",
    "first_name": "voornaam",
    "last_name": "achternaam",
    "job_title": "functie",
    "is_primary": "hoofdcontact",
    "planned_start": "gepland",
    "duration_minutes": "duur (minuten)",
    "status": "status",
    "topics": "onderwerpen",
    "agreements": "afspraken",
    "report": "verslag",
    "satisfaction": "score",
    "next_visit_on": "volgend bezoek",
    "cancel_reason": "reden annulering",
    "description": "omschrijving",
    "due_on": "datum",
    "done_on": "gedaan op",
    "outcome": "uitkomst",
    "call_back_on": "terugbellen op",
    "resolution": "oplossing",
    "category": "categorie",
    "quantity": "aantal",
    "unit_price_cents": "prijs (centen)",
    "discount_percent": "korting (%)",
    "analysis": "analyse",
    "opportunities": "kansen",
    "threats": "bedreigingen",
    "manager_comment": "opmerking leidinggevende",
}
