"""A quote's PDF filed as its attachment: made once, made again identically (so filed once), its
bytes put back on a device that lacks them, and only for the quote's own salesperson."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from sqlmodel import select

from fieldsales.records import Attachment, Quote
from fieldsales.services import browse, customers, sales
from fieldsales.services.errors import NotAllowed
from fieldsales.services.quote_documents import make_quote_pdf
from fieldsales.store import attachment_files as files

TODAY = date(2026, 11, 28)


def make_quote(store, seller, catalogue) -> Quote:
    customer = customers.create_customer(
        store,
        actor=seller,
        name="Installateur Smit",
        street="Industrieweg",
        house_number="4",
        postcode="3542 AD",
        city="Utrecht",
        price_list_id=catalogue.price_list.id,
    )
    return sales.create_quote(
        store,
        actor=seller,
        customer_id=customer.id,
        quote_date=TODAY,
        lines=[
            sales.LineRequest(catalogue.drill.id, Decimal(10), Decimal(10)),
            sales.LineRequest(catalogue.coffee.id, Decimal(3)),
        ],
        notes="Inclusief installatie.",
    )


def test_the_pdf_is_filed_with_the_quote_and_reads_back(store, seller, catalogue):
    browse.remember_organisation(store, name="Koffie & Co BV")  # as the sign-in tells it
    quote = make_quote(store, seller, catalogue)
    pdf = make_quote_pdf(store, actor=seller, quote_id=quote.id)
    with store.read() as session:
        stored = session.get(Quote, quote.id)
        assert stored is not None
        assert stored.pdf_attachment_id == pdf.id
    assert (pdf.record_collection, pdf.record_id, pdf.customer_id) == (
        "quotes",
        quote.id,
        quote.customer_id,
    )
    data = files.file_for(store.path, pdf.sha256).read_bytes()
    assert len(data) == pdf.size_bytes
    text = pypdf.PdfReader(io.BytesIO(data), strict=True).pages[0].extract_text()
    for expected in (
        quote.quote_number,
        "Installateur Smit",
        "Industrieweg 4",
        "Accuboormachine",
        "art. BOOR-1",
        "10 stuk",
        "€ 85,00",  # the staffel price
        "€ 765,00",
        "Btw 21 % over € 765,00",
        "€ 160,65",
        "Btw 9 % over € 37,50",
        "€ 3,38",
        "€ 966,53",
        "Inclusief installatie.",
        "Koffie & Co BV",
        "u-seller",  # the salesperson (the test's user has only an id for a name)
    ):
        assert expected in text, expected


def test_the_pdf_of_an_unchanged_quote_is_filed_once_and_its_bytes_come_back(
    store, seller, catalogue
):
    quote = make_quote(store, seller, catalogue)
    first = make_quote_pdf(store, actor=seller, quote_id=quote.id)
    target = files.file_for(store.path, first.sha256)
    target.unlink()  # as on a laptop where the quote arrived by sync, its PDF not yet
    again = make_quote_pdf(store, actor=seller, quote_id=quote.id)
    assert again.id == first.id
    assert target.read_bytes()[:8] == b"%PDF-1.4"
    with store.read() as session:
        assert len(session.exec(select(Attachment)).all()) == 1


def test_only_the_quotes_salesperson_makes_its_pdf(store, seller, other_seller, catalogue):
    quote = make_quote(store, seller, catalogue)
    with pytest.raises(NotAllowed):
        make_quote_pdf(store, actor=other_seller, quote_id=quote.id)
    with store.read() as session:
        assert session.exec(select(Attachment)).all() == []
