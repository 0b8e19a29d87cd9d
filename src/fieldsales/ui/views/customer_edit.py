"""Keeping a customer's file current: its details, its contacts, and a customer that left.

Dutch input is checked by the services (postcode ``1234 AB``, an eight-digit KvK number, a BTW-id,
Dutch phone numbers) and a refusal is shown at the field it is about. Only the fields the user
changed are sent: an untouched field never becomes a change that could meet a colleague's edit
of the same field on the server (a conflict nobody made).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flet as ft

from fieldsales.domain.enums import CustomerKind
from fieldsales.domain.errors import ValidationError
from fieldsales.domain.money import format_cents, parse_amount, to_cents
from fieldsales.records import Contact, Customer
from fieldsales.services.customers import (
    add_contact,
    mark_customer_lost,
    remove_contact,
    target_groups,
    update_contact,
    update_customer,
)
from fieldsales.services.errors import InvalidInput
from fieldsales.ui import format as fmt
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message
from fieldsales.ui.views.form_dialog import FormDialog

NO_GROUP = "-"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str  # the service's field name
    label: str
    keyboard: ft.KeyboardType = ft.KeyboardType.TEXT
    multiline: bool = False


CUSTOMER_FIELDS = (
    FieldSpec("name", "Naam"),
    FieldSpec("street", "Straat"),
    FieldSpec("house_number", "Huisnummer"),
    FieldSpec("postcode", "Postcode"),
    FieldSpec("city", "Plaats"),
    FieldSpec("phone", "Telefoon", ft.KeyboardType.PHONE),
    FieldSpec("email", "E-mail", ft.KeyboardType.EMAIL),
    FieldSpec("website", "Website", ft.KeyboardType.URL),
    FieldSpec("kvk_number", "KvK-nummer", ft.KeyboardType.NUMBER),
    FieldSpec("btw_id", "Btw-id"),
    FieldSpec("sector", "Branche"),
)
PROSPECT_FIELDS = (
    FieldSpec("source", "Bron (bijv. beurs, website)"),
    FieldSpec("current_supplier", "Huidige leverancier"),
    FieldSpec("employees", "Aantal medewerkers", ft.KeyboardType.NUMBER),
    FieldSpec("potential_revenue_cents", "Potentiële omzet per jaar (€)", ft.KeyboardType.NUMBER),
)
NOTES = FieldSpec("notes", "Notities", multiline=True)

CONTACT_FIELDS = (
    FieldSpec("first_name", "Voornaam"),
    FieldSpec("last_name", "Achternaam"),
    FieldSpec("job_title", "Functie"),
    FieldSpec("phone", "Telefoon", ft.KeyboardType.PHONE),
    FieldSpec("mobile", "Mobiel", ft.KeyboardType.PHONE),
    FieldSpec("email", "E-mail", ft.KeyboardType.EMAIL),
    NOTES,
)


def _shown(name: str, value: Any) -> str:
    """A stored value as the form shows it (phone numbers and amounts the Dutch way)."""
    if value is None:
        return ""
    if name in ("phone", "mobile"):
        return fmt.phone_display(str(value))
    if name.endswith("_cents"):
        return format_cents(int(value)).removeprefix("€").strip()
    return str(value)


def _typed(name: str, text: str) -> Any:
    """What the service takes for a field typed as text: a whole number, an amount in cents."""
    if name == "employees":
        if not text.strip():
            return None
        if not text.strip().isdigit():
            raise InvalidInput("Vul een aantal in, bijvoorbeeld 25.", field=name)
        return int(text.strip())
    if name.endswith("_cents"):
        if not text.strip():
            return None
        try:
            return to_cents(parse_amount(text, field=name))
        except ValidationError as exc:
            raise InvalidInput(exc.message, field=name) from exc
    return text


class FieldForm:
    """Text fields for a record's values; ``changes()`` holds only what the user edited."""

    def __init__(self, specs: tuple[FieldSpec, ...], record: Any, *, key: str) -> None:
        self.fields: dict[str, ft.TextField] = {}
        self.initial: dict[str, str] = {}
        for spec in specs:
            shown = _shown(spec.name, getattr(record, spec.name, None)) if record else ""
            self.initial[spec.name] = shown
            self.fields[spec.name] = ft.TextField(
                label=spec.label,
                value=shown,
                keyboard_type=spec.keyboard,
                multiline=spec.multiline,
                max_lines=4 if spec.multiline else 1,
                key=f"{key}-{spec.name}",
            )

    @property
    def controls(self) -> list[ft.Control]:
        return list(self.fields.values())

    def changes(self) -> dict[str, Any]:
        """Raises ``InvalidInput`` (naming the field) for a number or amount it cannot read."""
        return {
            name: _typed(name, field.value or "")
            for name, field in self.fields.items()
            if (field.value or "") != self.initial[name]
        }

    def show_error(self, exc: Exception, ctx: AppContext) -> None:
        """At its field when the error names one of ours, else as a message."""
        for field in self.fields.values():
            field.error = None
        target = self.fields.get(str(getattr(exc, "field", "") or ""))
        if target is not None:
            target.error = user_message(exc)
        else:
            ctx.toast(user_message(exc))


class CustomerEditDialog(FormDialog):
    def __init__(self, ctx: AppContext, customer: Customer, *, on_saved: Callable[[], Any]) -> None:
        self.customer = customer
        self.on_saved = on_saved
        specs: tuple[FieldSpec, ...] = CUSTOMER_FIELDS
        if customer.kind is CustomerKind.PROSPECT:
            specs += PROSPECT_FIELDS
        self.form = FieldForm((*specs, NOTES), customer, key="customer-edit")
        # The target group sets how often the customer is visited (visit preparation's rhythm).
        groups = ctx.read(target_groups) or []
        self.group = ft.Dropdown(
            label="Doelgroep",
            value=customer.target_group_id or NO_GROUP,
            options=[ft.DropdownOption(key=NO_GROUP, text="Geen doelgroep")]
            + [
                ft.DropdownOption(
                    key=g.id, text=f"{g.name} (bezoek elke {g.visit_interval_days} dagen)"
                )
                for g in groups
            ],
            key="customer-edit-target_group",
            expand=True,
        )
        controls = [*self.form.controls]
        if groups:
            controls.insert(len(specs), ft.Row([self.group]))
        super().__init__(
            ctx,
            title=f"{customer.name} wijzigen",
            fields=[ft.Column(controls, tight=True, scroll=ft.ScrollMode.AUTO)],
            confirm="Opslaan",
            key="customer-edit",
            label="Klantgegevens wijzigen",
        )

    def save(self) -> None:
        try:
            changes: dict[str, Any] = dict(self.form.changes())
        except InvalidInput as exc:
            self.form.show_error(exc, self.ctx)
            return
        group = None if self.group.value in (None, NO_GROUP) else self.group.value
        if group != self.customer.target_group_id:
            changes["target_group_id"] = group
        if changes:
            try:
                update_customer(
                    self.ctx.store, actor=self.ctx.actor, customer_id=self.customer.id, **changes
                )
            except USER_ERRORS as exc:
                self.form.show_error(exc, self.ctx)
                return
            self.ctx.data_changed()
        self.close()
        self.on_saved()
        if changes:
            self.ctx.toast("Klantgegevens opgeslagen.")


class ContactDialog(FormDialog):
    """A new contact (``contact`` None) or an existing one, with removing it."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        customer_id: str,
        contact: Contact | None,
        on_saved: Callable[[], Any],
    ) -> None:
        self.customer_id = customer_id
        self.contact = contact
        self.on_saved = on_saved
        self.form = FieldForm(CONTACT_FIELDS, contact, key="contact")
        self.primary = ft.Checkbox(
            label="Eerste aanspreekpunt",
            value=bool(contact.is_primary) if contact else False,
            key="contact-primary",
        )
        name = " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact else ""
        super().__init__(
            ctx,
            title=name or "Nieuwe contactpersoon",
            fields=[
                ft.Column(
                    [*self.form.controls, self.primary], tight=True, scroll=ft.ScrollMode.AUTO
                )
            ],
            confirm="Opslaan",
            key="contact",
            label="Contactpersoon",
        )
        if contact is not None:
            self.dialog.actions.insert(
                0,
                ft.TextButton(
                    "Verwijderen",
                    icon=ft.Icons.DELETE_OUTLINE,
                    on_click=self._confirm_remove,
                    height=48,
                    key="contact-remove",
                ),
            )

    def save(self) -> None:
        changes: dict[str, Any] = dict(self.form.changes())
        primary = bool(self.primary.value)
        if self.contact is None or primary != bool(self.contact.is_primary):
            changes["is_primary"] = primary
        try:
            if self.contact is None:
                last_name = changes.pop("last_name", "")
                saved = add_contact(
                    self.ctx.store,
                    actor=self.ctx.actor,
                    customer_id=self.customer_id,
                    last_name=last_name,
                    **changes,
                )
            elif changes:
                saved = update_contact(
                    self.ctx.store, actor=self.ctx.actor, contact_id=self.contact.id, **changes
                )
            else:
                saved = self.contact
        except USER_ERRORS as exc:
            self.form.show_error(exc, self.ctx)
            return
        if changes:
            self.ctx.data_changed()
        self.close()
        self.on_saved()
        if changes:
            name = " ".join(p for p in (saved.first_name, saved.last_name) if p)
            self.ctx.toast(f"{name} opgeslagen.")

    def _confirm_remove(self) -> None:
        contact = self.contact
        if contact is None:
            return
        name = " ".join(p for p in (contact.first_name, contact.last_name) if p)
        confirm = ft.AlertDialog(
            title=ft.Text(f"{name} verwijderen?"),
            content=ft.Text("De contactpersoon verdwijnt uit het dossier, ook op de server."),
        )
        confirm.actions = [
            ft.TextButton("Terug", on_click=lambda: self.ctx.close(confirm), height=48),
            ft.FilledButton(
                "Verwijderen",
                on_click=lambda: self._remove(confirm, name),
                height=48,
                key="contact-remove-confirm",
            ),
        ]
        self.ctx.show(confirm)

    def _remove(self, confirm: ft.AlertDialog, name: str) -> None:
        assert self.contact is not None
        self.ctx.close(confirm)
        try:
            remove_contact(self.ctx.store, actor=self.ctx.actor, contact_id=self.contact.id)
        except USER_ERRORS as exc:
            self.ctx.toast(user_message(exc))
            return
        self.ctx.data_changed()
        self.close()
        self.on_saved()
        self.ctx.toast(f"{name} verwijderd.")


class LostDialog(FormDialog):
    """A customer that stopped buying: kept in the file for history and the churn figures."""

    def __init__(self, ctx: AppContext, customer: Customer, *, on_saved: Callable[[], Any]) -> None:
        self.customer = customer
        self.on_saved = on_saved
        self.reason = ft.TextField(
            label="Reden (bijv. naar concurrent, gestopt, verhuisd)",
            multiline=True,
            max_lines=3,
            key="lost-reason",
        )
        super().__init__(
            ctx,
            title=f"{customer.name} verloren?",
            fields=[
                ft.Text("De klant blijft in het dossier, gemarkeerd als verloren."),
                self.reason,
            ],
            confirm="Klant verloren",
            back="Terug",
            key="lost",
            label="Klant verloren melden",
        )

    def save(self) -> None:
        done = self.ctx.call(
            mark_customer_lost,
            customer_id=self.customer.id,
            on=self.ctx.today(),
            reason=self.reason.value or "",
        )
        if done is None:
            return
        self.close()
        self.on_saved()
        self.ctx.toast(f"{self.customer.name} gemarkeerd als verloren.")
