"""A quote's PDF, made on the device and filed as the quote's attachment.

The salesperson makes it at the customer or in the car, offline, and shares or sends it from
there; filed as an attachment (``Quote.pdf_attachment_id``), it travels with the sync like a
photo does, so the manager and the laptop have the same document the customer got.

Rendering is deterministic (``documents.quote``), and attachment bytes are stored by their
SHA-256: making the PDF of an unchanged quote again gives the same file, so it is filed once and
a second "PDF" only puts the bytes back on this device (a quote made on another device).
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, col, select

from fieldsales.documents.quote import QuoteSheet, SheetLine, VatRow, render_quote
from fieldsales.domain.money import VAT_PERCENT
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Attachment, Contact, Product, Quote, QuoteLine, UserProfile
from fieldsales.services.access import load, load_customer
from fieldsales.services.attachments import store_bytes
from fieldsales.services.browse import ORGANISATION
from fieldsales.services.transaction import transaction
from fieldsales.store import Store
from fieldsales.store import attachment_files as files
from fieldsales.store import queries as store_queries

PDF_TYPE = "application/pdf"


def quote_sheet(session: Session, actor: Actor, quote: Quote) -> QuoteSheet:
    """What the PDF prints, read from the store (the caller checked access to the quote)."""
    customer = load_customer(session, actor, quote.customer_id)
    lines = session.exec(
        select(QuoteLine)
        .where(QuoteLine.quote_id == quote.id)
        .where(col(QuoteLine.deleted).is_(False))
        .order_by(col(QuoteLine.position))
    ).all()
    products = {
        p.id: p
        for p in session.exec(
            select(Product).where(col(Product.id).in_({ln.product_id for ln in lines}))
        )
    }
    contact = session.get(Contact, quote.contact_id) if quote.contact_id else None
    seller = session.get(UserProfile, quote.owner_id)
    vat: dict[Decimal, tuple[int, int]] = {}
    for ln in lines:
        net, tax = vat.get(VAT_PERCENT[ln.vat_rate], (0, 0))
        vat[VAT_PERCENT[ln.vat_rate]] = (net + ln.net_cents, tax + ln.vat_cents)
    street = " ".join(p for p in (customer.street, customer.house_number) if p)
    town = "  ".join(p for p in (customer.postcode, customer.city) if p)
    return QuoteSheet(
        number=quote.quote_number,
        quote_date=quote.quote_date,
        valid_until=quote.valid_until,
        customer_name=customer.name,
        customer_address=[p for p in (street, town) if p],
        contact_name=(
            " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact else ""
        ),
        seller_name=seller.full_name if seller else "",
        seller_contact=[p for p in (seller.email, seller.phone) if p] if seller else [],
        lines=[
            SheetLine(
                description=ln.description,
                sku=products[ln.product_id].sku if ln.product_id in products else "",
                quantity=ln.quantity,
                unit=products[ln.product_id].unit if ln.product_id in products else "",
                unit_price_cents=ln.unit_price_cents,
                discount_percent=ln.discount_percent,
                vat_percent=VAT_PERCENT[ln.vat_rate],
                net_cents=ln.net_cents,
            )
            for ln in lines
        ],
        vat_rows=[VatRow(p, *vat[p]) for p in sorted(vat, reverse=True)],
        net_cents=quote.net_cents,
        vat_cents=quote.vat_cents,
        gross_cents=quote.gross_cents,
        notes=quote.notes,
        organisation=store_queries.get_state(session, ORGANISATION) or "",
    )


def pdf_filename(quote: Quote) -> str:
    return f"Offerte {quote.quote_number}.pdf"


def make_quote_pdf(store: Store, *, actor: Actor, quote_id: str) -> Attachment:
    """The quote's PDF as its attachment: made and filed, or the one filed before."""
    with store.read() as session:
        quote = load(session, Quote, quote_id)
        data = render_quote(quote_sheet(session, actor, quote))
    stored = store_bytes(store, data=data)
    with transaction(store) as uow:
        quote = load(uow.session, Quote, quote_id)
        load_customer(uow.session, actor, quote.customer_id)
        filed = (
            uow.session.get(Attachment, quote.pdf_attachment_id)
            if quote.pdf_attachment_id
            else None
        )
        files.note_local_bytes(uow.session, stored)
        if filed is not None and not filed.deleted and filed.sha256 == stored.sha256:
            uow.commit()  # the bytes are on this device again; nothing new to send
            return filed
        attachment = Attachment(
            customer_id=quote.customer_id,
            record_collection=Quote.collection,
            record_id=quote.id,
            sha256=stored.sha256,
            filename=pdf_filename(quote),
            content_type=PDF_TYPE,
            size_bytes=stored.size_bytes,
        )
        uow.add(attachment)
        uow.update(quote, pdf_attachment_id=attachment.id)
        uow.commit()
    return attachment
