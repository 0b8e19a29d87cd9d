"""A quote in a real browser: from the customer file, a product found by typing, the quote
saved, and its PDF downloaded from the quote's menu (a file a PDF reader opens)."""

from __future__ import annotations

import io
import re
import time as clock
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from app_page import open_app
from sqlmodel import select
from test_app_e2e import seed

from fieldsales.records import Product, ProductGroup, Quote
from fieldsales.store import open_store


def add_products(data_dir: Path) -> None:
    """The shared catalogue, as the sync brings it."""
    with open_store(data_dir) as store, store.unit_of_work(applying_sync=True) as uow:
        group = ProductGroup(code="KOF", name="Koffie")
        uow.add(group)
        uow.add(
            Product(
                sku="K-100",
                name="Koffiebonen Arabica 1 kg",
                product_group_id=group.id,
                list_price_cents=2495,
            )
        )
        uow.commit()


def stored_quotes(data_dir: Path, *, timeout: float = 30) -> list[Quote]:
    deadline = clock.monotonic() + timeout
    while True:
        with open_store(data_dir) as store, store.read() as session:
            rows = list(session.exec(select(Quote)).all())
        if rows or clock.monotonic() > deadline:
            return rows
        clock.sleep(0.3)


@pytest.mark.e2e
def test_a_quote_made_in_the_browser_downloads_as_a_pdf(
    tmp_path: Path, app_server: Callable[..., str], browser: Any
) -> None:
    from playwright.sync_api import expect

    data_dir = tmp_path / "data"
    seed(data_dir)
    add_products(data_dir)
    url = app_server(data_dir, "anna")
    page, errors = open_app(browser, url, accept_downloads=True)

    page.get_by_role("tab", name=re.compile("Klanten")).click(timeout=30_000)
    page.get_by_role("button", name=re.compile("Bakkerij Jansen")).first.click(timeout=15_000)
    make = page.get_by_role("button", name=re.compile("Offerte maken"))
    make.scroll_into_view_if_needed(timeout=15_000)
    make.click()
    search = page.get_by_role("textbox", name=re.compile("Product zoeken"))
    search.click(timeout=15_000)
    page.keyboard.type("arabica")
    page.get_by_role("button", name=re.compile("Koffiebonen Arabica 1 kg")).first.click(
        timeout=15_000
    )
    expect(page.get_by_text(re.compile(r"Totaal € 30,19 incl\. btw"))).to_be_attached(
        timeout=15_000
    )
    page.get_by_role("button", name=re.compile("Offerte opslaan")).click()

    [quote] = stored_quotes(data_dir)
    assert quote.gross_cents == 3019  # 24,95 + 21 % btw
    menu = page.get_by_role("button", name=re.compile(f"Offerte {quote.quote_number}"))
    menu.click(timeout=15_000)
    with page.expect_download(timeout=20_000) as download:
        page.get_by_role("menuitem", name=re.compile("PDF: downloaden")).click(timeout=15_000)
    saved = tmp_path / "offerte.pdf"
    download.value.save_as(str(saved))
    assert download.value.suggested_filename == f"Offerte {quote.quote_number}.pdf"
    text = pypdf.PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text()
    assert quote.quote_number in text
    assert "Bakkerij Jansen" in text
    assert "€ 30,19" in text
    assert errors == []
