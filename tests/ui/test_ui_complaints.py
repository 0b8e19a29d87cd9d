"""Klachten from the customer file: a complaint is recorded with category, product and contact,
followed up, resolved and closed; an empty description is refused at its field, in Dutch; the
structural flag shows only when the same problem recurs."""

from __future__ import annotations

from datetime import date

import flet as ft
from flet_harness import FletHarness
from sqlmodel import col, select
from test_ui_customers import customers_screen
from ui_data import NOW, Day, add_catalogue

from fieldsales.domain.complaints import StructuralFlag
from fieldsales.domain.enums import ComplaintCategory, ComplaintStatus
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Complaint, FollowUp
from fieldsales.services import catalogue, complaints
from fieldsales.store import Store
from fieldsales.ui.views.complaints import flag_sentence

TODAY = NOW.date()


def stored(store: Store, customer_id: str) -> list[Complaint]:
    with store.read() as session:
        query = select(Complaint).where(Complaint.customer_id == customer_id)
        return list(session.exec(query.order_by(col(Complaint.reported_on))).all())


def follow_ups(store: Store, complaint_id: str) -> list[FollowUp]:
    with store.read() as session:
        return list(
            session.exec(select(FollowUp).where(FollowUp.complaint_id == complaint_id)).all()
        )


def record(
    store: Store,
    actor: Actor,
    customer_id: str,
    category: ComplaintCategory = ComplaintCategory.DELIVERY,
    *,
    on: date = date(2026, 11, 20),
    description: str = "Levering twee dagen te laat",
    product_id: str | None = None,
) -> Complaint:
    return complaints.record_complaint(
        store,
        actor=actor,
        customer_id=customer_id,
        category=category,
        description=description,
        reported_on=on,
        product_id=product_id,
    )


async def open_file(store: Store, actor: Actor, customer_id: str) -> FletHarness:
    h = await customers_screen(store, actor)
    await h.click(h.get(key=f"customer-{customer_id}"))
    assert h.get(key="screen-title").value == "Klantdossier"
    return h


def open_dialogs(h: FletHarness) -> list[ft.AlertDialog]:
    return [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]


def dialog_title(h: FletHarness) -> str:
    [dialog] = open_dialogs(h)
    assert isinstance(dialog.title, ft.Text)
    return str(dialog.title.value)


async def test_a_recorded_complaint_is_stored_and_shown_in_the_file(
    store: Store, actor: Actor, day: Day
) -> None:
    customer, contact = day.customers[0], day.contacts[0]
    beans, _machine = add_catalogue(store)
    h = await open_file(store, actor, customer.id)
    assert h.has_text("Geen open klachten.")
    count = int(h.get(key="sync-count", include_hidden=True).value)

    await h.click(h.get(key="file-record-complaint"))
    assert dialog_title(h) == "Klacht van Bakkerij Jansen"
    assert h.get(key="file-record-complaint").height == 48
    options = [o.text for o in h.get(key="complaint-category").options]
    assert options == ["Kwaliteit", "Levering", "Factuur", "Service", "Prijs", "Overig"]
    await h.select(h.get(key="complaint-category"), "quality")

    await h.enter_text(h.get(key="complaint-product-search"), "arab 1 kg")  # words, any order
    assert h.find(key=f"complaint-product-{beans.id}")
    assert not h.find(key=f"complaint-product-{_machine.id}")
    await h.click(h.get(key=f"complaint-product-{beans.id}"))
    assert h.get(key="complaint-product-name").value == "Koffiebonen Arabica 1 kg"
    assert not h.find(key="complaint-product-search")  # replaced by the choice
    await h.click(h.get(key="complaint-product-clear"))  # another one after all
    assert not h.find(key="complaint-product-chosen")
    await h.enter_text(h.get(key="complaint-product-search"), "thee")
    assert h.has_text("Geen product gevonden voor 'thee'.")
    await h.enter_text(h.get(key="complaint-product-search"), "K-100")  # the article number
    await h.click(h.get(key=f"complaint-product-{beans.id}"))

    await h.select(h.get(key="complaint-contact"), contact.id)
    await h.enter_text(h.get(key="complaint-description"), "Bonen smaken muf, partij 2611")
    await h.enter_text(h.get(key="complaint-follow-up"), "Vervangende zak brengen")
    await h.enter_text(h.get(key="complaint-follow-up-date"), "01-12-2026")
    await h.click(h.get(key="complaint-save"))
    assert h.crashes() == []
    assert not open_dialogs(h)

    [complaint] = stored(store, customer.id)
    assert complaint.category is ComplaintCategory.QUALITY
    assert (complaint.product_id, complaint.contact_id) == (beans.id, contact.id)
    assert complaint.description == "Bonen smaken muf, partij 2611"
    assert (complaint.reported_on, complaint.status) == (TODAY, ComplaintStatus.OPEN)
    [follow_up] = follow_ups(store, complaint.id)
    assert (follow_up.description, follow_up.due_on) == (
        "Vervangende zak brengen",
        date(2026, 12, 1),
    )

    assert h.snack_texts()[-1] == "Klacht van Bakkerij Jansen vastgelegd."
    tile = h.get(key=f"complaint-{complaint.id}")
    assert tile.title.value == "Kwaliteit · 27-11-2026 · Koffiebonen Arabica 1 kg"
    assert tile.subtitle.value.splitlines() == [
        "Open: Bonen smaken muf, partij 2611",
        "Gemeld door Sanne de Boer 1",
        "Vervolg: Vervangende zak brengen (01-12-2026)",
    ]
    assert h.find(key=f"complaint-follow-up-{complaint.id}")
    assert h.find(key=f"complaint-resolve-{complaint.id}")
    assert not h.find(key=f"complaint-close-{complaint.id}")  # not resolved yet
    assert int(h.get(key="sync-count", include_hidden=True).value) == count + 2


async def test_an_empty_description_is_refused_at_its_field(
    store: Store, actor: Actor, day: Day
) -> None:
    customer = day.customers[0]
    h = await open_file(store, actor, customer.id)
    await h.click(h.get(key="file-record-complaint"))
    await h.click(h.get(key="complaint-save"))
    assert h.get(key="complaint-category").error_text == "Kies een categorie."

    await h.select(h.get(key="complaint-category"), "delivery")
    await h.enter_text(h.get(key="complaint-description"), "   ")
    await h.click(h.get(key="complaint-save"))
    assert h.get(key="complaint-category").error_text is None
    assert h.get(key="complaint-description").error == "Beschrijf de klacht in een paar woorden."
    assert dialog_title(h) == "Klacht van Bakkerij Jansen"  # still open, to correct
    assert stored(store, customer.id) == []

    # A date without a follow-up would be dropped silently: refused at the date instead.
    await h.enter_text(h.get(key="complaint-description"), "Pallet beschadigd")
    await h.enter_text(h.get(key="complaint-follow-up-date"), "02-12-2026")
    await h.click(h.get(key="complaint-save"))
    assert h.get(key="complaint-follow-up-date").error.startswith("Een datum hoort bij")
    assert stored(store, customer.id) == []

    await h.click(h.get(key="complaint-back"))
    assert not open_dialogs(h)
    assert stored(store, customer.id) == []
    assert h.crashes() == []


async def test_follow_up_resolve_and_close(store: Store, actor: Actor, day: Day) -> None:
    customer = day.customers[0]
    complaint = record(store, actor, customer.id)
    h = await open_file(store, actor, customer.id)
    tile = h.get(key=f"complaint-{complaint.id}")
    assert tile.subtitle.value == "Open: Levering twee dagen te laat"

    # Vervolgactie toevoegen: an empty one is refused at its field; then "in behandeling".
    await h.click(h.get(key=f"complaint-follow-up-{complaint.id}"))
    assert dialog_title(h) == "Vervolgactie toevoegen"
    await h.click(h.get(key="complaint-fu-save"))
    assert h.get(key="complaint-fu-description").error == (
        "Een vervolgactie heeft een omschrijving nodig."
    )
    assert follow_ups(store, complaint.id) == []
    await h.enter_text(h.get(key="complaint-fu-description"), "Planning bellen")
    await h.enter_text(h.get(key="complaint-fu-date"), "26-11-2026")  # yesterday
    await h.click(h.get(key="complaint-fu-save"))
    assert h.get(key="complaint-fu-date").error == "Deze datum is al voorbij."
    await h.enter_text(h.get(key="complaint-fu-date"), "30-11-2026")
    await h.click(h.get(key="complaint-fu-save"))
    assert not open_dialogs(h)
    [stored_complaint] = stored(store, customer.id)
    assert stored_complaint.status is ComplaintStatus.IN_PROGRESS
    tile = h.get(key=f"complaint-{complaint.id}")
    assert tile.subtitle.value.splitlines() == [
        "In behandeling: Levering twee dagen te laat",
        "Vervolg: Planning bellen (30-11-2026)",
    ]

    # Opgelost: asks how; an empty answer is refused at the field.
    await h.click(h.get(key=f"complaint-resolve-{complaint.id}"))
    assert dialog_title(h) == "Klacht opgelost"
    await h.click(h.get(key="complaint-resolve-save"))
    assert h.get(key="complaint-resolution").error == "Beschrijf hoe de klacht is opgelost."
    assert stored(store, customer.id)[0].status is ComplaintStatus.IN_PROGRESS
    await h.enter_text(h.get(key="complaint-resolution"), "Spoedlevering op maandag")
    await h.click(h.get(key="complaint-resolve-save"))
    assert not open_dialogs(h)
    [resolved] = stored(store, customer.id)
    assert resolved.status is ComplaintStatus.RESOLVED
    assert (resolved.resolution, resolved.resolved_on) == ("Spoedlevering op maandag", TODAY)

    # Resolved, not closed: still in the file, now with "Sluiten" instead of "Opgelost".
    tile = h.get(key=f"complaint-{complaint.id}")
    assert tile.subtitle.value.splitlines()[0] == "Opgelost: Levering twee dagen te laat"
    assert "Oplossing (27-11-2026): Spoedlevering op maandag" in tile.subtitle.value
    assert not h.find(key=f"complaint-resolve-{complaint.id}")

    # Sluiten, once the customer confirmed: the complaint leaves the file.
    await h.click(h.get(key=f"complaint-close-{complaint.id}"))
    assert dialog_title(h) == "Klacht sluiten?"
    await h.click(h.get(key="complaint-close-save"))
    assert not open_dialogs(h)
    assert stored(store, customer.id)[0].status is ComplaintStatus.CLOSED
    assert not h.find(key=f"complaint-{complaint.id}")
    assert h.has_text("Geen open klachten.")
    assert h.snack_texts()[-1] == "Klacht gesloten."
    assert h.crashes() == []


async def test_structural_flag_shows_only_when_the_problem_recurs(
    store: Store, actor: Actor, day: Day
) -> None:
    jansen, van_dijk = day.customers[0], day.customers[1]
    record(store, actor, jansen.id, on=date(2026, 3, 2))  # outside the half year: not counted
    record(store, actor, jansen.id, ComplaintCategory.QUALITY, description="Brood te donker")
    record(store, actor, jansen.id)
    record(store, actor, van_dijk.id)  # one delivery complaint there
    h = await open_file(store, actor, jansen.id)
    assert not h.find(key="complaint-flag")  # one of each category within the window

    # A second delivery complaint in the window, recorded in the app: now it is a pattern.
    await h.click(h.get(key="file-record-complaint"))
    await h.select(h.get(key="complaint-category"), "delivery")
    await h.enter_text(h.get(key="complaint-description"), "Weer te laat, bakkerij stond stil")
    await h.click(h.get(key="complaint-save"))
    [flag] = h.find(key="complaint-flag")
    assert flag.title.value == "Terugkerend: 2 klachten over levering in 6 maanden"
    assert flag.subtitle.value == "20-11-2026 t/m 27-11-2026"

    await h.click(h.get(key="back"))
    await h.click(h.get(key=f"customer-{van_dijk.id}"))
    assert h.get(key="file-name").value == "Van Dijk Installatietechniek"
    assert not h.find(key="complaint-flag")
    assert h.crashes() == []


async def test_a_product_complained_about_at_three_customers_is_flagged_at_each(
    store: Store, actor: Actor, day: Day
) -> None:
    beans, _machine = add_catalogue(store)
    for customer in day.customers:
        record(store, actor, customer.id, ComplaintCategory.OTHER, product_id=beans.id)
    h = await open_file(store, actor, day.customers[2].id)
    [flag] = h.find(key="complaint-flag")
    assert flag.title.value == (
        "Speelt bij 3 klanten: 3 klachten over Koffiebonen Arabica 1 kg in 6 maanden"
    )


def test_flag_sentences_name_the_category_or_product() -> None:
    def flag(kind: str, key: str, customers: int, count: int) -> StructuralFlag:
        return StructuralFlag(
            kind=kind,  # type: ignore[arg-type]
            key=key,
            customer_ids=tuple(f"c{i}" for i in range(customers)),
            complaint_ids=tuple(f"k{i}" for i in range(count)),
            first_on=date(2026, 1, 1),
            last_on=date(2026, 2, 1),
            count=count,
        )

    names = {"p1": "Koffiebeker karton 180 ml"}
    assert (
        flag_sentence(flag("customer_category", "delivery", 1, 3), names, 365)
        == "Terugkerend: 3 klachten over levering in 12 maanden"
    )
    assert (
        flag_sentence(flag("customer_product", "p1", 1, 2), names, 180)
        == "Terugkerend: 2 klachten over Koffiebeker karton 180 ml in 6 maanden"
    )
    assert (
        flag_sentence(flag("category_across_customers", "invoice", 4, 5), names, 30)
        == "Speelt bij 4 klanten: 5 klachten over factuur in 30 dagen"
    )


def test_the_product_picker_narrows_a_large_catalogue() -> None:
    choices = [
        catalogue.ProductChoice(f"p{i}", f"Koffiebeker karton {i} ml", f"KB-{i}", "Disposables")
        for i in range(100, 400)
    ] + [catalogue.ProductChoice("bonen", "Koffiebonen Arabica 1 kg", "K-100", "Koffie")]
    assert catalogue.match_products(choices, "") == []
    assert len(catalogue.match_products(choices, "koffie")) == 6  # a first screenful only
    assert [c.id for c in catalogue.match_products(choices, "ARABICA")] == ["bonen"]
    assert [c.id for c in catalogue.match_products(choices, "kb-25 disp")] == [
        f"p{i}" for i in range(250, 256)
    ]
    assert [c.id for c in catalogue.match_products(choices, "karton 399")] == ["p399"]
    assert catalogue.match_products(choices, "thee") == []
