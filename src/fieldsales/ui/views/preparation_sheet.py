"""The visit preparation as a PDF sheet, to print at the office or share with a colleague who
joins the visit. Same content as the screen (``preparation``), in its order; the wordings both
use (a complaint flag, a revenue line) live here, so the screen and the sheet cannot drift."""

from __future__ import annotations

from datetime import datetime, time

from fieldsales.documents.sheet import Section, Sheet, render_sheet
from fieldsales.domain.enums import ComplaintCategory
from fieldsales.domain.money import format_cents
from fieldsales.records import Contact
from fieldsales.services import browse
from fieldsales.services.preparation import VisitPreparation
from fieldsales.ui import format as fmt
from fieldsales.ui.labels import COMPLAINT_CATEGORY, COMPLAINT_STATUS, QUOTE_STATUS

_FLAG_TEXT = {
    "customer_category": "Terugkerende klacht bij deze klant",
    "customer_product": "Terugkerende klacht over één product bij deze klant",
    "product_across_customers": "Dit product geeft bij meer klanten klachten",
    "category_across_customers": "Dit soort klacht speelt bij meer klanten",
}


def flag_text(kind: str, key: str, count: int) -> str:
    """A structural complaint flag as a sentence (the category named when it is one)."""
    what = _FLAG_TEXT.get(kind, "Terugkerende klacht")
    try:
        category = COMPLAINT_CATEGORY[ComplaintCategory(key)]
    except ValueError:
        category = ""
    return f"{what}{f' ({category.lower()})' if category else ''}: {count}×"


def revenue_line(this_year: int, last_year: int, goal: int | None) -> str:
    text = f"{format_cents(this_year)} dit jaar · {format_cents(last_year)} vorig jaar"
    return text + (f" · doel {format_cents(goal)}" if goal is not None else "")


def contact_line(k: Contact, *, email: bool = False) -> str:
    """``Sanne de Boer · Inkoper · 06 12 34 56 78`` (and the e-mail address on paper)."""
    parts = (
        f"{k.first_name} {k.last_name}".strip(),
        k.job_title,
        fmt.phone_display(k.mobile or k.phone),
        (k.email or "") if email else "",
    )
    return " · ".join(p for p in parts if p)


def sheet_filename(context: browse.VisitContext) -> str:
    day = context.visit.planned_start
    return f"Voorbereiding {context.customer.name} {fmt.short_date(day)}.pdf"


def preparation_pdf(context: browse.VisitContext, sheet: VisitPreparation) -> bytes:
    visit, c = context.visit, sheet.customer
    contact = next((k for k in context.contacts if k.id == visit.contact_id), None)
    who = f" met {contact.first_name} {contact.last_name}".rstrip() if contact else ""
    address = fmt.address_line(c.street, c.house_number, c.postcode, c.city)
    intro = [
        f"Bezoek {fmt.short_date(visit.planned_start)} {fmt.hm(visit.planned_start)}{who}",
        " · ".join(p for p in (address, fmt.phone_display(c.phone)) if p),
        f"Onderwerpen: {visit.topics}" if visit.topics else "Nog geen onderwerpen.",
    ]
    if sheet.next_visit_due is not None:
        intro.append(f"Volgend bezoek volgens ritme: {fmt.short_date(sheet.next_visit_due)}")
    contacts = [contact_line(k, email=True) for k in sheet.contacts]
    revenue = [
        "Totaal: "
        + revenue_line(
            sheet.revenue_this_year_cents, sheet.revenue_last_year_cents, sheet.revenue_goal_cents
        )
    ] + [
        f"{g.name}: {revenue_line(g.this_year_cents, g.last_year_cents, g.goal_cents)}"
        for g in sheet.revenue_by_group
    ]
    visits = [
        fmt.short_date(v.planned_start)
        + (f" (score {v.satisfaction})" if v.satisfaction is not None else "")
        + ": "
        + ("; ".join(p for p in (v.topics, v.agreements) if p) or "-")
        for v in sheet.last_visits
    ]
    follow_ups = [
        f.description + (f" (uiterlijk {fmt.short_date(f.due_on)})" if f.due_on else "")
        for f in sheet.open_follow_ups
    ]
    complaints = [flag_text(f.kind, f.key, f.count) for f in sheet.structural_flags] + [
        f"{COMPLAINT_CATEGORY[k.category]} {fmt.short_date(k.reported_on)}, "
        f"{COMPLAINT_STATUS[k.status].lower()}: {k.description}"
        for k in sheet.open_complaints
    ]
    quotes = [
        f"{q.quote_number} · {format_cents(q.gross_cents)} · {QUOTE_STATUS[q.status]} · "
        f"geldig tot {fmt.short_date(q.valid_until)}"
        for q in sheet.open_quotes
    ]
    offers = (
        [
            f"{p.name}: {x.peers_buying} van {x.peers} vergelijkbare klanten kopen dit"
            for x, p in sheet.cross_sell
        ]
        + [
            f"{p.name}: {format_cents(u.customer_cents)} per jaar; vergelijkbare klanten "
            f"{format_cents(u.peer_median_cents)}"
            for u, p in sheet.up_sell
        ]
        + [f"{p.name}: nieuw in de catalogus" for p in sheet.new_products]
    )
    return render_sheet(
        Sheet(
            title=f"Voorbereiding {c.name}",
            created=datetime.combine(visit.planned_start.date(), time(8)),
            intro=intro,
            sections=[
                Section("Contactpersonen", contacts, "Nog geen contactpersonen vastgelegd."),
                Section("Omzet (excl. btw)", revenue),
                Section("Laatste bezoeken", visits, "Nog geen bezoeken met een verslag."),
                Section("Open vervolgacties", follow_ups, "Geen open vervolgacties."),
                Section("Klachten", complaints, "Geen open klachten."),
                Section("Openstaande offertes", quotes, "Geen openstaande offertes."),
                Section("Kansen om te bespreken", offers, "Geen suggesties voor deze klant."),
            ],
            footer=f"Voorbereiding {c.name}",
        )
    )
