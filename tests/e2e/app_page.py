"""The app opened in Chromium as on a phone, for the browser tests.

Flutter draws on a canvas; its semantics tree (what a screen reader reads, and what the tests
find controls by) is switched on by clicking its placeholder once the app has loaded.
"""

from __future__ import annotations

from typing import Any

PHONE = {"width": 412, "height": 915}


def semantics_on(page: Any) -> None:
    placeholder = page.locator("flt-semantics-placeholder")
    placeholder.wait_for(state="attached", timeout=30_000)
    placeholder.dispatch_event("click")


def open_app(browser: Any, url: str, **options: Any) -> tuple[Any, list[str]]:
    """A phone-sized page on ``url`` with semantics on, and the list its script errors go to."""
    page = browser.new_page(viewport=PHONE, **options)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    semantics_on(page)
    return page, errors
