"""Attachments in a real browser: a PDF picked in Chromium is uploaded to ``fieldsales app
--web``, filed on the device content-addressed, listed as waiting to be sent, and downloaded
back byte for byte."""

from __future__ import annotations

import hashlib
import re
import time as clock
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_page import open_app
from sqlmodel import select
from test_app_e2e import seed

from fieldsales.records import Attachment
from fieldsales.store import open_store


def filed_attachments(data_dir: Path, *, timeout: float = 30) -> list[Attachment]:
    """The device's attachment records, once the app has filed at least one."""
    deadline = clock.monotonic() + timeout
    while True:
        with open_store(data_dir) as store, store.read() as session:
            rows = list(session.exec(select(Attachment)).all())
        if rows or clock.monotonic() > deadline:
            return rows
        clock.sleep(0.3)


@pytest.mark.e2e
def test_a_pdf_picked_in_the_browser_is_filed_and_downloads_back(
    tmp_path: Path, app_server: Callable[..., str], browser: Any
) -> None:
    from playwright.sync_api import expect

    data_dir = tmp_path / "data"
    visit_id = seed(data_dir)
    pdf = tmp_path / "offerte.pdf"
    pdf.write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 2_000)  # ~0.5 MB
    url = app_server(data_dir, "anna")

    page, errors = open_app(browser, url, accept_downloads=True)

    page.get_by_role("button", name=re.compile("Verslag")).first.click(timeout=30_000)
    add = page.get_by_role("button", name=re.compile("Bijlage toevoegen"))
    add.scroll_into_view_if_needed(timeout=15_000)
    with page.expect_file_chooser(timeout=15_000) as chooser:
        add.click()
    chooser.value.set_files(str(pdf))

    rows = filed_attachments(data_dir)
    assert [(r.filename, r.content_type, r.record_id) for r in rows] == [
        ("offerte.pdf", "application/pdf", visit_id)
    ]
    assert rows[0].sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    row = page.get_by_role(
        "group", name=re.compile(r"^offerte\.pdf.*PDF · 500 kB · Wacht op verzending")
    )
    expect(row).to_be_attached(timeout=15_000)

    with page.expect_download(timeout=20_000) as download:
        page.get_by_role("button", name=re.compile("Downloaden")).first.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(str(saved))
    assert saved.read_bytes() == pdf.read_bytes()
    assert errors == []
