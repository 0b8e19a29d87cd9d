"""Resultaten, reached from Meer: the period's revenue against target and last year as worked out
by hand, other periods, recording the cause of a deviation, the manager's team view, export."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import flet as ft
import pypdf
import pytest
from flet_harness import FletHarness
from sqlmodel import select
from ui_data import add_catalogue, add_user, clock

from fieldsales.domain.enums import DeviationCauseKind, Role
from fieldsales.domain.periods import Period
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Customer, DeviationCause, Product
from fieldsales.services import customers, sales, targets
from fieldsales.services import results as results_service
from fieldsales.store import Store
from fieldsales.ui.main import build_app
from fieldsales.ui.views import attachments as attachments_view
from fieldsales.ui.views import results as results_view

MANAGER = Actor(user_id="u-manager", role=Role.MANAGER, team_id="t-1")
BRAM = Actor(user_id="u-bram", role=Role.SALESPERSON, team_id="t-1")


def order(store: Store, actor: Actor, customer: Customer, product: Product, on: date, euros: int):
    sales.create_order(
        store,
        actor=actor,
        customer_id=customer.id,
        order_date=on,
        lines=[sales.LineRequest(product.id, Decimal(1), unit_price_cents=euros * 100)],
    )


def seed(store: Store, actor: Actor) -> tuple[Customer, Customer]:
    """Anna's portfolio. The app's today is 27-11-2026 (``ui_data.NOW``).

    November 2026 up to the 27th: Jansen 200,00, Van Dijk 150,00 = 350,00. The same days of 2025:
    Jansen 300,00. October 2026: Jansen 500,00. A target of 600,00 for November: 27 of its 30
    days have passed, so 540,00 is due by now and the deviation is 350,00 - 540,00 = -190,00.
    """
    add_user(store, actor, username="anna", full_name="Anna de Vries")
    beans, _machine = add_catalogue(store)
    jansen = customers.create_customer(store, actor=actor, name="Bakkerij Jansen")
    van_dijk = customers.create_customer(store, actor=actor, name="Van Dijk Installatietechniek")
    order(store, actor, jansen, beans, date(2026, 11, 3), 200)
    order(store, actor, van_dijk, beans, date(2026, 11, 10), 150)
    order(store, actor, jansen, beans, date(2025, 11, 5), 300)
    order(store, actor, jansen, beans, date(2026, 10, 15), 500)
    targets.set_target(
        store,
        actor=MANAGER,
        owner_id=actor.user_id,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        revenue_target_cents=600_00,
    )
    return jansen, van_dijk


async def open_results(store: Store, actor: Actor) -> FletHarness:
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-results"))
    assert h.get(key="screen-title").value == "Resultaten"
    await computed(h)
    return h


async def computed(h: FletHarness) -> None:
    """Wait for the worker thread's report to be on the screen."""
    progress = h.get(key="results-progress", include_hidden=True)
    await h.wait_until(lambda: not progress.visible, what="the results are computed")
    assert h.crashes() == []


def value(h: FletHarness, key: str) -> str:
    return str(h.get(key=key).value)


async def choose_kind(h: FletHarness, kind: str) -> None:
    """Tap a segment of the period kind (Flutter sends the new selection with ``change``)."""
    control = h.get(key="results-kind")
    h.session.apply_patch(control._i, {"selected": [kind]})
    await h.session.dispatch_event(control._i, "change", [kind])
    await h.settle()


async def test_opens_from_meer_with_this_months_figures_and_moves_between_periods(
    store: Store, actor: Actor
) -> None:
    seed(store, actor)
    h = await open_results(store, actor)
    assert value(h, "results-period") == "november 2026 (t/m 27-11-2026)"
    assert value(h, "results-revenue") == "€ 350,00"
    assert value(h, "results-bar-target-value") == "€ 540,00"
    assert h.has_text("Hele periode: € 600,00")
    assert value(h, "results-bar-last-year-value") == "€ 300,00"
    assert value(h, "results-deviation") == "Afwijking t.o.v. target: € -190,00 (-35,2 %)"
    assert value(h, "results-vs-last-year") == "T.o.v. vorig jaar: € +50,00 (+16,7 %)"
    # The bars: revenue is 350/540 of the largest figure (the target), which fills its bar.
    assert h.get(key="results-bar-revenue-bar-fill").expand == 648
    assert h.get(key="results-bar-target-bar-fill").expand == 1000
    assert h.get(key="results-export").disabled is False
    assert h.get(key="results-next").disabled  # nothing to see in the future

    await h.click(h.get(key="results-prev"))
    await computed(h)
    assert value(h, "results-period") == "oktober 2026"
    assert value(h, "results-revenue") == "€ 500,00"
    assert value(h, "results-deviation") == "Geen target voor deze periode."
    assert not h.get(key="results-next").disabled

    await choose_kind(h, "year")
    await computed(h)
    assert value(h, "results-period") == "2026 (t/m 27-11-2026)"
    assert value(h, "results-revenue") == "€ 850,00"
    assert value(h, "results-bar-last-year-value") == "€ 300,00"

    await choose_kind(h, "custom")
    assert h.get(key="results-custom").visible
    await h.enter_text(h.get(key="results-from"), "01-10-2026")
    await h.enter_text(h.get(key="results-to"), "05-11-2026")
    await h.click(h.get(key="results-custom-show"))
    await computed(h)
    assert value(h, "results-period") == "01-10-2026 t/m 05-11-2026"
    assert value(h, "results-revenue") == "€ 700,00"


async def test_computed_off_the_ui_loop_and_a_late_answer_for_an_old_period_is_dropped(
    store: Store, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store, actor)
    real = results_service.results
    gate = threading.Event()
    finished: list[str] = []

    def slow(store: Store, **kwargs: Any) -> results_service.Results:
        if kwargs["period"].start.month == 11:
            gate.wait(10)  # November's report takes long
        found = real(store, **kwargs)
        finished.append(found.report.selected.label())
        return found

    monkeypatch.setattr(results_service, "results", slow)
    h = await FletHarness().start(
        lambda page: build_app(page, store=store, actor=actor, clock=clock)
    )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-results"))
    # The screen is there and answers taps while November is being computed.
    assert h.get(key="results-progress").visible
    assert value(h, "results-status") == "Resultaten worden berekend…"
    assert h.get(key="results-export").disabled
    gate_opened_late = threading.Timer(0.3, gate.set)
    await h.click(h.get(key="results-prev"))
    gate_opened_late.start()
    await h.wait_until(lambda: len(finished) == 2, what="both reports computed")
    assert finished == ["oktober 2026", "november 2026"]
    assert value(h, "results-period") == "oktober 2026"
    assert value(h, "results-revenue") == "€ 500,00"  # not November's late answer
    assert not h.get(key="results-progress", include_hidden=True).visible


async def test_a_deviation_cause_is_recorded_from_its_row_and_shown(
    store: Store, actor: Actor
) -> None:
    jansen, van_dijk = seed(store, actor)
    h = await open_results(store, actor)
    # The month's 540,00 all goes to Jansen, the only customer that bought last November.
    assert value(h, f"results-dev-customer-{jansen.id}-deviation") == "€ -340,00 (-63,0 %)"
    assert value(h, f"results-dev-customer-{van_dijk.id}-deviation") == "€ +150,00"

    await h.click(h.get(key=f"results-cause-customer-{jansen.id}"))
    [dialog] = h.dialogs()
    assert h.get(key="cause-amount").value == "€ -340,00"  # the unexplained part, to accept
    await h.select(h.get(key="cause-kind"), DeviationCauseKind.PRICE_PRESSURE.value)
    await h.enter_text(h.get(key="cause-note"), "Concurrent 10 % goedkoper")
    await h.click(h.get(key="cause-save"))
    assert not dialog.open

    with store.read() as session:
        [cause] = session.exec(select(DeviationCause)).all()
    assert (cause.customer_id, cause.product_group_id) == (jansen.id, None)
    assert (cause.period_start, cause.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (cause.cause, cause.amount_cents) == (DeviationCauseKind.PRICE_PRESSURE, -340_00)

    await computed(h)
    assert value(h, f"results-dev-customer-{jansen.id}-cause-0") == (
        "Prijsdruk · € -340,00 · Concurrent 10 % goedkoper"
    )
    assert value(h, "results-dev-summary") == (
        "Afwijking € -190,00 · verklaard door oorzaken € -340,00 · onverklaard € +150,00"
    )


async def test_a_cause_needs_a_kind_and_a_readable_amount(store: Store, actor: Actor) -> None:
    seed(store, actor)
    h = await open_results(store, actor)
    await h.click(h.get(key="results-cause-total"))
    await h.enter_text(h.get(key="cause-amount"), "veel")
    await h.click(h.get(key="cause-save"))
    assert h.get(key="cause-kind").error_text == "Kies een oorzaak."
    assert "geen geldig bedrag" in str(h.get(key="cause-amount").error)
    with store.read() as session:
        assert session.exec(select(DeviationCause)).all() == []


async def test_a_manager_sees_the_team_and_each_salesperson(store: Store, actor: Actor) -> None:
    seed(store, actor)
    add_user(store, BRAM, username="bram", full_name="Bram Smit")
    add_user(store, MANAGER, username="manager", full_name="Mies Manager")
    beans = store_product(store)
    bakker = customers.create_customer(store, actor=BRAM, name="Bakker Bram")
    order(store, BRAM, bakker, beans, date(2026, 11, 12), 1000)

    h = await open_results(store, MANAGER)
    assert h.get(key="results-owner").visible
    assert value(h, "results-revenue") == "€ 1.350,00"
    assert value(h, "results-seller-u-bram-value") == "€ 1.000,00"
    assert value(h, "results-seller-u-anna-value") == "€ 350,00"
    assert h.has_text("Bram Smit")
    assert not h.find(key="results-cause-total")  # causes are the salesperson's to record

    await h.select(h.get(key="results-owner"), BRAM.user_id)
    await computed(h)
    assert value(h, "results-revenue") == "€ 1.000,00"
    assert not h.find(key="results-seller-u-anna")

    await h.select(h.get(key="results-owner"), "team")
    await computed(h)
    await h.click(h.get(key="results-seller-open-u-anna"))
    await computed(h)
    assert h.get(key="results-owner").value == actor.user_id
    assert value(h, "results-revenue") == "€ 350,00"


async def test_a_salesperson_sees_only_their_own_portfolio(store: Store, actor: Actor) -> None:
    seed(store, actor)
    beans = store_product(store)
    bakker = customers.create_customer(store, actor=BRAM, name="Bakker Bram")
    order(store, BRAM, bakker, beans, date(2026, 11, 12), 1000)
    h = await open_results(store, actor)
    assert value(h, "results-revenue") == "€ 350,00"
    assert not h.find(key="results-owner")
    assert not h.find(key="results-section-salespeople")
    assert h.has_text("Anna de Vries")


def store_product(store: Store) -> Product:
    with store.read() as session:
        return session.exec(select(Product).where(Product.sku == "K-100")).one()


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


async def test_the_report_is_exported_as_csv(
    store: Store, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(store, actor)
    h = await open_results(store, actor)
    saved: list[dict[str, Any]] = []
    h.conn.method_handlers[("FilePicker", "save_file")] = lambda **kw: saved.append(kw)
    # In a browser the file is downloaded.
    await h.click(h.get(key="results-export"))
    assert h.crashes() == []
    [download] = saved
    assert download["file_name"] == "resultaten-november-2026-anna-de-vries.csv"
    rows = read_csv(download["src_bytes"])
    assert rows[0][:3] == ["Resultaten", "Anna de Vries", "november 2026"]
    assert ["Omzet", "350,00", "EUR"] in rows
    assert ["Target (naar rato)", "540,00", "EUR"] in rows
    assert ["Bakkerij Jansen", "200,00", "57,1"] in rows
    assert h.snack_texts()[-1] == "'resultaten-november-2026-anna-de-vries.csv' wordt gedownload."

    # On a computer it is saved (in Downloads) and opened by the computer's own program.
    monkeypatch.setattr(attachments_view, "export_directory", lambda fallback: tmp_path)
    h.session.apply_page_patch({"web": False, "platform": "linux"})
    await h.settle()
    await h.click(h.get(key="results-export"))
    target = tmp_path / "resultaten-november-2026-anna-de-vries.csv"
    assert read_csv(target.read_bytes()) == rows
    assert h.launched_urls() == [target.as_uri()]
    await h.click(h.get(key="results-export"))  # a second export does not overwrite the first
    assert (tmp_path / "resultaten-november-2026-anna-de-vries-2.csv").exists()
    assert isinstance(h.get(key="results-export"), ft.OutlinedButton)


def test_periods_step_by_their_own_unit() -> None:
    today = date(2026, 11, 27)
    assert results_view.period_for("week", today).label() == "week 48 2026"
    assert results_view.period_for("quarter", today).label() == "K4 2026"
    december = results_view.step("month", results_view.period_for("month", today), 1)
    assert december.label() == "december 2026"
    assert results_view.step("quarter", results_view.period_for("quarter", today), 1).label() == (
        "K1 2027"
    )
    week_1 = results_view.step("week", results_view.period_for("week", date(2026, 1, 1)), 0)
    assert week_1.label() == "week 1 2026"  # 29-12-2025 t/m 04-01-2026
    assert results_view.step("week", week_1, -1).label() == "week 52 2025"
    custom = Period(date(2026, 11, 2), date(2026, 11, 11))
    assert results_view.step("custom", custom, -1) == Period(date(2026, 10, 23), date(2026, 11, 1))


async def test_the_report_is_exported_as_a_pdf_with_the_same_tables(
    store: Store, actor: Actor
) -> None:
    seed(store, actor)
    h = await open_results(store, actor)
    saved: list[dict[str, Any]] = []
    h.conn.method_handlers[("FilePicker", "save_file")] = lambda **kw: saved.append(kw)
    await h.click(h.get(key="results-pdf"))
    assert h.crashes() == []
    [download] = saved
    assert download["file_name"] == "resultaten-november-2026-anna-de-vries.pdf"
    reader = pypdf.PdfReader(io.BytesIO(download["src_bytes"]), strict=True)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Resultaten Anna de Vries",
        "november 2026",
        "Omzet",
        "350,00",  # the same figure as the screen and the CSV
        "540,00",
        "Bakkerij Jansen",
        "Afwijking per klant",
    ):
        assert expected in text, expected
