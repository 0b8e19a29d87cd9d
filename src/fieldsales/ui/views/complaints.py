"""Klachten in the customer file: record a complaint, follow it up, resolve it and close it.

A complaint is usually heard in the field, so the salesperson records it on the spot from the
customer's file: its category, the product when it is about one (picked by typing part of its
name or article number: the catalogue has a few hundred products, too many to scroll), who
reported it, what is wrong and, when agreed already, the first follow-up with its date. Each
complaint in the file then offers the next step: another follow-up (an open complaint moves to
*in behandeling*), *Opgelost* with how it was solved, and *Sluiten* once the customer confirmed
it. Closed complaints leave the file; resolved ones stay until then.

Above the complaints, the structural patterns of ``domain.complaints`` this customer is part of
(the same category or product coming back, here or at more customers), worded the way a
salesperson would say it: the same flags visit preparation shows.

Input errors of the services name their field; this module shows them at that field (not in a
snack bar that is gone before the user looked), everything else goes through ``AppContext``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

import flet as ft

from fieldsales.domain.complaints import StructuralFlag
from fieldsales.domain.enums import ComplaintCategory, ComplaintStatus, FollowUpStatus
from fieldsales.domain.errors import ValidationError
from fieldsales.records import Complaint, FollowUp
from fieldsales.services import browse, catalogue
from fieldsales.services.complaints import (
    add_complaint_follow_up,
    close_complaint,
    record_complaint,
    resolve_complaint,
)
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import COMPLAINT_CATEGORY, COMPLAINT_STATUS
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.form_dialog import FormDialog, call_at_fields
from fieldsales.ui.widgets import DateField, section

T = TypeVar("T")

NO_CONTACT = "-"
#: How many matching products the picker lists; typing more words narrows it down.
PRODUCT_MATCHES = 6
#: How far ahead a follow-up date may be picked in the calendar.
FOLLOW_UP_DAYS = 366

_STATUS_ICON = {
    ComplaintStatus.OPEN: ft.Icons.REPORT_PROBLEM_OUTLINED,
    ComplaintStatus.IN_PROGRESS: ft.Icons.PENDING_ACTIONS,
    ComplaintStatus.RESOLVED: ft.Icons.TASK_ALT,
    ComplaintStatus.CLOSED: ft.Icons.DONE_ALL,
}


# --- the section in the file ---------------------------------------------------------------------


def complaints_section(
    ctx: AppContext, file: browse.CustomerFile, on_changed: Callable[[], Any]
) -> ft.Control:
    """The file's "Klachten": structural flags, every complaint not yet closed with its next
    steps, and the button to record a new one. ``on_changed`` rebuilds the file after a save."""
    overview = ctx.read(
        browse.complaint_overview, customer_id=file.customer.id, as_of=ctx.today()
    ) or browse.ComplaintOverview(follow_ups={}, product_names={}, flags=[], window_days=0)
    contacts = {c.id: _person(c.first_name, c.last_name) for c in file.contacts}
    flags: list[ft.Control] = [
        ft.ListTile(
            leading=ft.Icon(ft.Icons.WARNING_AMBER, color=ft.Colors.ERROR),
            title=ft.Text(flag_sentence(f, overview.product_names, overview.window_days)),
            subtitle=ft.Text(f"{fmt.short_date(f.first_on)} t/m {fmt.short_date(f.last_on)}"),
            data="complaint-flag",
        )
        for f in overview.flags
    ]
    cards = [
        _complaint_card(
            ctx,
            k,
            product=overview.product_names.get(k.product_id or ""),
            contact=contacts.get(k.contact_id or ""),
            follow_ups=overview.follow_ups.get(k.id, []),
            on_changed=on_changed,
        )
        for k in file.open_complaints
    ]
    body = section("Klachten", flags + cards, empty="Geen open klachten.")
    body.controls.append(
        ft.FilledTonalButton(
            "Klacht vastleggen",
            icon=ft.Icons.REPORT_PROBLEM_OUTLINED,
            on_click=lambda: RecordComplaintDialog(ctx, file, on_recorded=on_changed).show(),
            height=TOUCH_TARGET,
            data="file-record-complaint",
        )
    )
    return ft.Container(body, data="file-complaints")


def flag_sentence(flag: StructuralFlag, product_names: Mapping[str, str], window_days: int) -> str:
    """``Terugkerend: 3 klachten over levering in 6 maanden``; a pattern across customers says
    at how many: ``Speelt bij 4 klanten: 5 klachten over Koffiebeker karton in 6 maanden``."""
    if "product" in flag.kind:
        about = product_names.get(flag.key, "één product")
    else:
        try:
            about = COMPLAINT_CATEGORY[ComplaintCategory(flag.key)].lower()
        except ValueError:
            about = "hetzelfde onderwerp"
    what = f"{flag.count} klachten over {about} {_span(window_days)}"
    if flag.kind.endswith("across_customers"):
        return f"Speelt bij {len(flag.customer_ids)} klanten: {what}"
    return f"Terugkerend: {what}"


def _span(days: int) -> str:
    months = round(days / 30.44)
    if months < 2:
        return f"in {days} dagen"
    return f"in {months} maanden"


def _person(first: str, last: str) -> str:
    return " ".join(p for p in (first, last) if p)


def _complaint_card(
    ctx: AppContext,
    complaint: Complaint,
    *,
    product: str | None,
    contact: str | None,
    follow_ups: list[FollowUp],
    on_changed: Callable[[], Any],
) -> ft.Control:
    k = complaint
    title = f"{COMPLAINT_CATEGORY[k.category]} · {fmt.short_date(k.reported_on)}"
    if product:
        title += f" · {product}"
    lines = [f"{COMPLAINT_STATUS[k.status]}: {k.description}"]
    if contact:
        lines.append(f"Gemeld door {contact}")
    for f in follow_ups:
        # Words, not arrows or ticks: the offline web build's font has no such glyphs.
        mark = "Gedaan" if f.status is FollowUpStatus.DONE else "Vervolg"
        lines.append(
            f"{mark}: {f.description}" + (f" ({fmt.short_date(f.due_on)})" if f.due_on else "")
        )
    if k.status is ComplaintStatus.RESOLVED:
        when = f" ({fmt.short_date(k.resolved_on)})" if k.resolved_on else ""
        lines.append(f"Oplossing{when}: {k.resolution}")
    actions: list[ft.Control] = [
        _action(
            "Vervolgactie toevoegen",
            ft.Icons.ADD_TASK,
            lambda: FollowUpDialog(ctx, k, on_changed=on_changed).show(),
            ident=f"complaint-follow-up-{k.id}",
        )
    ]
    if k.status in (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS):
        actions.append(
            _action(
                "Opgelost",
                ft.Icons.TASK_ALT,
                lambda: ResolveDialog(ctx, k, on_changed=on_changed).show(),
                ident=f"complaint-resolve-{k.id}",
            )
        )
    elif k.status is ComplaintStatus.RESOLVED:
        actions.append(
            _action(
                "Sluiten",
                ft.Icons.DONE_ALL,
                lambda: CloseDialog(ctx, k, on_changed=on_changed).show(),
                ident=f"complaint-close-{k.id}",
            )
        )
    return ft.Column(
        [
            ft.ListTile(
                leading=ft.Icon(_STATUS_ICON[k.status]),
                title=ft.Text(title),
                subtitle=ft.Text("\n".join(lines)),
                is_three_line=len(lines) > 1,
                data=f"complaint-{k.id}",
            ),
            ft.Row(actions, wrap=True, spacing=8),
        ],
        spacing=0,
    )


def _action(text: str, icon: ft.IconData, on_click: Callable[[], Any], *, ident: str) -> ft.Control:
    return ft.OutlinedButton(text, icon=icon, on_click=on_click, height=TOUCH_TARGET, data=ident)


# --- saving with errors at their fields ----------------------------------------------------------


def _due_date(
    ctx: AppContext, field: DateField, *, required_text: str | None = None
) -> tuple[bool, date | None]:
    """The optional follow-up date: (ok, day); a malformed or past day is refused at the field."""
    field.show_error(None)
    try:
        day = field.value()
    except ValidationError as exc:
        field.show_error(exc.message)
        return False, None
    if day is not None and day < ctx.today():
        field.show_error("Deze datum is al voorbij.")
        return False, None
    if day is not None and required_text is not None and not required_text.strip():
        field.show_error("Een datum hoort bij een vervolgactie: vul die in, of laat de datum leeg.")
        return False, None
    return True, day


# --- the product picker --------------------------------------------------------------------------


class ProductPicker:
    """Type part of a product's name, article number or group; tap one of the matches.

    The active catalogue is read once when the dialog opens and filtered in memory, which is
    instant for the few hundred products a wholesaler's catalogue has.
    """

    def __init__(self, ctx: AppContext, *, key: str) -> None:
        self.key = key
        self.choices = ctx.read(catalogue.product_choices) or []
        self.value: str | None = None
        self.search = ft.TextField(
            label="Product (niet verplicht)",
            hint_text="Zoek op naam of artikelnummer",
            prefix_icon=ft.Icons.SEARCH,
            on_change=self._typed,
            key=f"{key}-product-search",
        )
        if not self.choices:
            self.search.hint_text = "Geen producten op dit apparaat; synchroniseer eerst"
            self.search.disabled = True
        self.results = ft.Column(spacing=0, key=f"{key}-product-results")
        self.chosen = ft.Text(key=f"{key}-product-name", expand=True)
        self.chosen_row = ft.Row(
            [
                ft.Icon(ft.Icons.INVENTORY_2_OUTLINED),
                self.chosen,
                ft.IconButton(
                    ft.Icons.CLOSE,
                    tooltip="Ander product kiezen",
                    on_click=self._clear,
                    key=f"{key}-product-clear",
                    width=TOUCH_TARGET,
                    height=TOUCH_TARGET,
                ),
            ],
            visible=False,
            key=f"{key}-product-chosen",
        )
        self.control = ft.Column(
            [self.search, self.results, self.chosen_row], spacing=4, tight=True
        )

    def _typed(self, e: ft.Event[ft.TextField]) -> None:
        text = e.control.value or ""
        found = catalogue.match_products(self.choices, text, limit=PRODUCT_MATCHES + 1)
        rows: list[ft.Control] = [
            ft.ListTile(
                title=ft.Text(c.name),
                subtitle=ft.Text(" · ".join(p for p in (c.sku, c.group) if p)),
                on_click=partial(self._choose, c),
                data=f"{self.key}-product-{c.id}",
            )
            for c in found[:PRODUCT_MATCHES]
        ]
        if len(found) > PRODUCT_MATCHES:
            rows.append(ft.Text("Meer gevonden: typ verder om te verfijnen.", italic=True))
        elif text.strip() and not found:
            rows.append(ft.Text(f"Geen product gevonden voor '{text.strip()}'.", italic=True))
        self.results.controls = rows

    def _choose(self, choice: catalogue.ProductChoice) -> None:
        self.value = choice.id
        self.chosen.value = choice.name
        self.chosen_row.visible = True
        self.search.visible = False
        self.results.controls = []

    def _clear(self) -> None:
        self.value = None
        self.chosen_row.visible = False
        self.search.visible = True
        self.search.value = ""


# --- the dialogs ---------------------------------------------------------------------------------


class RecordComplaintDialog(FormDialog):
    """Klacht vastleggen: category, product, who reported it, what is wrong, first follow-up."""

    def __init__(
        self, ctx: AppContext, file: browse.CustomerFile, *, on_recorded: Callable[[], Any]
    ) -> None:
        self.customer = file.customer
        self.on_recorded = on_recorded
        self.category = ft.Dropdown(
            label="Categorie",
            options=[
                ft.DropdownOption(key=category.value, text=text)
                for category, text in COMPLAINT_CATEGORY.items()
            ],
            key="complaint-category",
            expand=True,
        )
        self.product = ProductPicker(ctx, key="complaint")
        self.contact = ft.Dropdown(
            label="Gemeld door",
            value=NO_CONTACT,
            options=[ft.DropdownOption(key=NO_CONTACT, text="Geen contactpersoon")]
            + [
                ft.DropdownOption(key=c.id, text=_person(c.first_name, c.last_name))
                for c in file.contacts
            ],
            key="complaint-contact",
            expand=True,
        )
        self.description = ft.TextField(
            label="Wat is er aan de hand?",
            multiline=True,
            min_lines=2,
            max_lines=6,
            key="complaint-description",
        )
        self.follow_up = ft.TextField(
            label="Eerste vervolgactie (niet verplicht)",
            multiline=True,
            max_lines=3,
            key="complaint-follow-up",
        )
        today = ctx.today()
        self.follow_up_on = DateField(
            "Vervolgactie uiterlijk",
            key="complaint-follow-up-date",
            first=today,
            last=today + timedelta(FOLLOW_UP_DAYS),
        )
        super().__init__(
            ctx,
            title=f"Klacht van {self.customer.name}",
            fields=[
                ft.Row([self.category]),
                self.product.control,
                ft.Row([self.contact]),
                self.description,
                self.follow_up,
                # In a Row the date field stretches across, not down (see plan_visit.VisitWhen).
                ft.Row([self.follow_up_on.control]),
            ],
            confirm="Vastleggen",
            key="complaint",
            label="Klacht vastleggen",
        )
        self.dialog.scrollable = True  # a phone's keyboard leaves little room for seven fields

    def save(self) -> None:
        self.category.error_text = None
        category = ComplaintCategory(self.category.value) if self.category.value else None
        if category is None:
            self.category.error_text = "Kies een categorie."
        ok, due = _due_date(self.ctx, self.follow_up_on, required_text=self.follow_up.value or "")
        if category is None or not ok:
            return
        complaint = call_at_fields(
            self.ctx,
            {"description": self.description, "contact": self.contact},
            record_complaint,
            customer_id=self.customer.id,
            category=category,
            description=self.description.value or "",
            reported_on=self.ctx.today(),
            product_id=self.product.value,
            contact_id=self.contact.value if self.contact.value != NO_CONTACT else None,
            follow_up=self.follow_up.value or "",
            follow_up_on=due,
        )
        if complaint is None:  # refused: the reason is at its field or in the snack bar
            return
        self.close()
        self.on_recorded()
        self.ctx.toast(f"Klacht van {self.customer.name} vastgelegd.")


def _about(complaint: Complaint) -> str:
    return (
        f"{COMPLAINT_CATEGORY[complaint.category]}, gemeld op "
        f"{fmt.short_date(complaint.reported_on)}: {complaint.description}"
    )


class FollowUpDialog(FormDialog):
    """Vervolgactie toevoegen: what will be done next, and by when (optional)."""

    def __init__(
        self, ctx: AppContext, complaint: Complaint, *, on_changed: Callable[[], Any]
    ) -> None:
        self.complaint = complaint
        self.on_changed = on_changed
        self.description = ft.TextField(
            label="Vervolgactie", multiline=True, max_lines=3, key="complaint-fu-description"
        )
        today = ctx.today()
        self.due = DateField(
            "Uiterlijk (niet verplicht)",
            key="complaint-fu-date",
            first=today,
            last=today + timedelta(FOLLOW_UP_DAYS),
        )
        super().__init__(
            ctx,
            title="Vervolgactie toevoegen",
            fields=[ft.Text(_about(complaint)), self.description, ft.Row([self.due.control])],
            confirm="Toevoegen",
            key="complaint-fu",
            label="Vervolgactie toevoegen",
        )

    def save(self) -> None:
        ok, due = _due_date(self.ctx, self.due)
        if not ok:
            return
        follow_up = call_at_fields(
            self.ctx,
            {"description": self.description},
            add_complaint_follow_up,
            complaint_id=self.complaint.id,
            description=self.description.value or "",
            due_on=due,
        )
        if follow_up is None:
            return
        self.close()
        self.on_changed()
        self.ctx.toast("Vervolgactie toegevoegd.")


class ResolveDialog(FormDialog):
    """Opgelost: how the complaint was solved; closing waits for the customer's confirmation."""

    def __init__(
        self, ctx: AppContext, complaint: Complaint, *, on_changed: Callable[[], Any]
    ) -> None:
        self.complaint = complaint
        self.on_changed = on_changed
        self.resolution = ft.TextField(
            label="Hoe is het opgelost?",
            multiline=True,
            min_lines=2,
            max_lines=5,
            key="complaint-resolution",
        )
        super().__init__(
            ctx,
            title="Klacht opgelost",
            fields=[ft.Text(_about(complaint)), self.resolution],
            confirm="Opgelost",
            key="complaint-resolve",
            label="Klacht opgelost",
        )

    def save(self) -> None:
        resolved = call_at_fields(
            self.ctx,
            {"resolution": self.resolution},
            resolve_complaint,
            complaint_id=self.complaint.id,
            resolution=self.resolution.value or "",
            on=self.ctx.today(),
        )
        if resolved is None:
            return
        self.close()
        self.on_changed()
        self.ctx.toast("Klacht opgelost. Sluit hem zodra de klant de oplossing bevestigt.")


class CloseDialog(FormDialog):
    """Sluiten: the customer confirmed the solution; the complaint leaves the file."""

    def __init__(
        self, ctx: AppContext, complaint: Complaint, *, on_changed: Callable[[], Any]
    ) -> None:
        self.complaint = complaint
        self.on_changed = on_changed
        super().__init__(
            ctx,
            title="Klacht sluiten?",
            fields=[
                ft.Text(_about(complaint)),
                ft.Text(
                    "Sluit de klacht als de klant heeft bevestigd dat hij is opgelost. "
                    "Daarna staat hij niet meer in het dossier."
                ),
            ],
            confirm="Klacht sluiten",
            back="Terug",
            key="complaint-close",
            label="Klacht sluiten",
        )

    def save(self) -> None:
        closed = self.ctx.call(close_complaint, complaint_id=self.complaint.id)
        if closed is None:
            return
        self.close()
        self.on_changed()
        self.ctx.toast("Klacht gesloten.")
