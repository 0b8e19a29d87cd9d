"""What happens to a quote after it is made: its PDF, sent, then accepted (it becomes an order)
or rejected.

Each open quote in the customer file has these behind its "more" button, through
``services.sales``: sending plans the follow-up call a week later (it shows among the follow-ups
due), accepting turns the quoted lines into an order at the quoted prices and makes a prospect a
customer, rejecting keeps the quote for the file's history. The PDF (``services.quote_documents``)
is made on the device and filed with the quote, then opened, downloaded or saved to share, the
way every attachment is (``attachments.open_file``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.domain.enums import QuoteStatus, Role
from fieldsales.domain.money import format_cents
from fieldsales.records import Quote
from fieldsales.services.quote_documents import make_quote_pdf
from fieldsales.services.sales import accept_quote, expire_quotes, reject_quote, send_quote
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.views.attachments import OPEN_ACTIONS, mode_of, open_file


def quote_menu(
    ctx: AppContext, quote: Quote, *, on_changed: Callable[[], Any]
) -> ft.PopupMenuButton:
    """The PDF, always; the decisions while the quote is open (draft or sent)."""
    number = quote.quote_number

    async def pdf() -> None:
        made = ctx.call(make_quote_pdf, quote_id=quote.id)
        if made is None:
            return
        on_changed()  # the file lists the PDF among its attachments
        await open_file(ctx, made)

    def send() -> None:
        sent = ctx.call(send_quote, quote_id=quote.id, follow_up_on=None)
        if sent is None:
            return
        on_changed()
        due = fmt.short_date(sent.follow_up_on) if sent.follow_up_on else ""
        ctx.toast(f"Offerte {number} verstuurd. Nabellen op {due}.")

    def accept() -> None:
        order = ctx.call(accept_quote, quote_id=quote.id, on=ctx.today())
        if order is None:
            return
        on_changed()
        ctx.toast(
            f"Offerte {number} geaccepteerd: order {order.order_number} "
            f"({format_cents(order.gross_cents)} incl. btw)."
        )

    def reject() -> None:
        if ctx.call(reject_quote, quote_id=quote.id, on=ctx.today()) is None:
            return
        on_changed()
        ctx.toast(f"Offerte {number} afgewezen.")

    open_action = OPEN_ACTIONS[mode_of(ctx.page)]
    items: list[ft.PopupMenuItem] = [
        ft.PopupMenuItem(
            content=f"PDF: {open_action.label.lower()}",
            icon=ft.Icons.PICTURE_AS_PDF_OUTLINED,
            on_click=pdf,
            data=f"quote-pdf-{quote.id}",
        )
    ]
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        return _menu(number, quote.id, items)
    if quote.status is QuoteStatus.DRAFT:
        items.append(
            ft.PopupMenuItem(
                content="Verstuurd naar de klant",
                icon=ft.Icons.SEND,
                on_click=send,
                data=f"quote-send-{quote.id}",
            )
        )
    items += [
        ft.PopupMenuItem(
            content="Geaccepteerd: order maken",
            icon=ft.Icons.THUMB_UP_OUTLINED,
            on_click=accept,
            data=f"quote-accept-{quote.id}",
        ),
        ft.PopupMenuItem(
            content="Afgewezen",
            icon=ft.Icons.THUMB_DOWN_OUTLINED,
            on_click=reject,
            data=f"quote-reject-{quote.id}",
        ),
    ]
    return _menu(number, quote.id, items)


def _menu(number: str, quote_id: str, items: list[ft.PopupMenuItem]) -> ft.PopupMenuButton:
    label = f"Offerte {number}: PDF en afhandelen"
    return ft.PopupMenuButton(
        # The icon's label names the button for screen readers; a tooltip alone does not.
        icon=ft.Icon(ft.Icons.MORE_VERT, semantics_label=label),
        tooltip=label,
        items=items,
        data=f"quote-menu-{quote_id}",
    )


def expire_overdue_quotes(ctx: AppContext) -> None:
    """At the app's start: a sent quote past its validity date is expired (its status says
    so in the file, the reports and on the server); a no-op on most days. Only on the
    salesperson's own device: a manager's device would push changes to quotes that are not
    the manager's to change, which the server refuses."""
    if ctx.actor.role is not Role.SALESPERSON:
        return
    # Not through ``ctx.call``: that asks for a sync even when nothing expired (every start).
    expired = ctx.read(expire_quotes, today=ctx.today())
    if expired:
        ctx.data_changed()
