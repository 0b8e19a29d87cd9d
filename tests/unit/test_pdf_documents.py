"""The PDF writer and the quote layout: files a PDF reader opens, with the text where it belongs
(read back with pypdf), the euro sign and Dutch letters intact, and long quotes over pages."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pypdf
import pytest

from fieldsales.documents.pdf import BOLD, Document, text_width, wrap
from fieldsales.documents.quote import QuoteSheet, SheetLine, VatRow, render_quote


def read(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data), strict=True)


def sheet(lines: int = 2, notes: str = "") -> QuoteSheet:
    made = [
        SheetLine(
            description=f"Koffiebonen Arabica 1 kg, regel {i + 1}",
            sku=f"K-{100 + i}",
            quantity=Decimal("2.5"),
            unit="kg",
            unit_price_cents=2495,
            discount_percent=Decimal(10) if i == 0 else Decimal(0),
            vat_percent=Decimal(9),
            net_cents=5614,
        )
        for i in range(lines)
    ]
    return QuoteSheet(
        number="OF-2026-0042",
        quote_date=date(2026, 11, 27),
        valid_until=date(2026, 12, 27),
        customer_name="Café 't Hoekje",
        customer_address=["Dorpsstraat 12", "3511 AB  Utrecht"],
        contact_name="Sanne de Boer",
        seller_name="Anna de Vries",
        seller_contact=["anna@example.nl", "+31 6 12345678"],
        lines=made,
        vat_rows=[VatRow(Decimal(9), 5614 * lines, 505 * lines)],
        net_cents=5614 * lines,
        vat_cents=505 * lines,
        gross_cents=6119 * lines,
        notes=notes,
    )


def test_a_document_is_a_valid_pdf_with_its_text_and_title() -> None:
    doc = Document(title="Proef (één)", created=datetime(2026, 11, 27, 12))
    page = doc.new_page()
    page.text(50, 60, "Prijs € 1.234,56 – geen (haakjes) \\ probleem", font=BOLD)
    page.line(50, 70, 300, 70)
    page.shade(50, 80, 100, 10)
    reader = read(doc.to_bytes())
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Proef (één)"
    text = reader.pages[0].extract_text()
    assert "Prijs € 1.234,56 – geen (haakjes) \\ probleem" in text


def test_characters_outside_winansi_become_a_question_mark_not_an_error() -> None:
    doc = Document(title="x", created=datetime(2026, 1, 1))
    doc.new_page().text(50, 60, "Łódź ✓")
    assert "?ód? ?" in read(doc.to_bytes()).pages[0].extract_text()


def test_the_same_content_gives_the_same_bytes() -> None:
    assert render_quote(sheet()) == render_quote(sheet())


def test_figures_are_measured_exactly_and_text_wraps_within_its_width() -> None:
    assert text_width("€ 1.234,56", 10) == pytest.approx((556 * 7 + 278 * 3) / 100)
    lines = wrap("Koffiebonen Arabica uit Colombia, biologisch en fairtrade 1 kg", 120, 9)
    assert len(lines) > 1
    assert all(text_width(line, 9) <= 120 for line in lines)
    assert " ".join(lines) == "Koffiebonen Arabica uit Colombia, biologisch en fairtrade 1 kg"
    assert wrap("Regel een\nRegel twee", 500, 9) == ["Regel een", "Regel twee"]
    long_word = wrap("x" * 200, 100, 9)
    assert all(text_width(line, 9) <= 100 for line in long_word)
    assert "".join(long_word) == "x" * 200


def test_the_quote_shows_customer_lines_btw_and_totals() -> None:
    data = render_quote(sheet(notes="Levering binnen twee weken na akkoord."))
    assert data.startswith(b"%PDF-1.4")
    text = read(data).pages[0].extract_text()
    for expected in (
        "Offerte",
        "OF-2026-0042",
        "Café 't Hoekje",
        "3511 AB  Utrecht",
        "t.a.v. Sanne de Boer",
        "anna@example.nl",
        "Geldig tot en met",
        "27-12-2026",
        "Koffiebonen Arabica 1 kg, regel 1",
        "art. K-100",
        "2,5 kg",
        "€ 24,95",
        "10 %",
        "€ 56,14",
        "Btw 9 % over € 112,28",
        "€ 10,10",
        "Totaal incl. btw",
        "€ 122,38",
        "Levering binnen twee weken na akkoord.",
        "Pagina 1 van 1",
    ):
        assert expected in text, expected


def test_a_long_quote_continues_on_more_pages_with_the_table_header_again() -> None:
    reader = read(render_quote(sheet(lines=80)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    assert all("Omschrijving" in page for page in pages[:-1])
    assert f"Pagina {len(pages)} van {len(pages)}" in pages[-1]
    assert "Totaal incl. btw" in pages[-1]
    everything = "\n".join(pages)
    assert everything.count("art. K-") == 80  # every line once, none lost at a page break
    assert "regel 80" in pages[-1] or "regel 80" in pages[-2]


def test_a_sheet_flows_its_sections_over_pages_and_says_when_one_is_empty() -> None:
    from fieldsales.documents.sheet import Section, Sheet, render_sheet

    sheet = Sheet(
        title="Voorbereiding Café 't Hoekje",
        created=datetime(2026, 11, 27, 8),
        intro=["Bezoek 27-11-2026 09:00"],
        sections=[
            Section("Laatste bezoeken", [f"Bezoek {i}: " + "afspraken " * 30 for i in range(60)]),
            Section("Openstaande offertes", [], "Geen openstaande offertes."),
        ],
        footer="Voorbereiding Café 't Hoekje",
    )
    pages = [p.extract_text() for p in read(render_sheet(sheet)).pages]
    assert len(pages) > 2
    everything = "\n".join(pages)
    assert all(f"Bezoek {i}:" in everything for i in range(60))
    assert "Geen openstaande offertes." in pages[-1]
    assert f"Pagina {len(pages)} van {len(pages)}" in pages[-1]


def test_a_table_puts_figures_right_with_thousands_dots_and_repeats_its_header() -> None:
    from fieldsales.documents.sheet import Grid, Section, Sheet, figure_text, render_sheet

    assert [figure_text(c) for c in ("1234567,5", "-1234,00", "12", "abc 1234")] == [
        "1.234.567,5",
        "-1.234,00",
        "12",
        "abc 1234",
    ]
    rows = [
        (f"Klant {i} met een tamelijk lange naam BV", f"{i * 1000},00", "12,5") for i in range(90)
    ]
    sheet = Sheet(
        title="Resultaten Team",
        created=datetime(2026, 11, 27, 12),
        sections=[
            Section("Omzet per klant", grid=Grid(("Klant", "Omzet", "%"), rows)),
            Section("Nieuwe klanten", grid=Grid(("Klant", "Omzet"), []), empty="Geen."),
        ],
    )
    reader = read(render_sheet(sheet))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    assert all("Omzet" in page for page in pages[:-1])  # the header again on every page
    everything = "\n".join(pages)
    assert "89.000,00" in everything
    assert all(f"Klant {i} " in everything for i in range(90))
    assert "Geen." in pages[-1]
