"""Aandacht nodig: what the sync left for the user, and the follow-ups that are due.

A conflict copy shows both values: the one that was kept and the one that lost, so nothing a
colleague typed is gone without the user seeing it. A refused change shows the server's Dutch
reason and what was refused. "Afgehandeld" settles an issue on this device; "Openen" goes to the
customer's file where the record can be put right.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import flet as ft

from fieldsales.services import browse
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import COLLECTION_NOUNS
from fieldsales.ui.screen import Screen
from fieldsales.ui.sync_view import field_label, value_text
from fieldsales.ui.views.customer_file import CustomerFileScreen
from fieldsales.ui.views.follow_up_done import done_button
from fieldsales.ui.widgets import empty_state, heading


def due_label(due: date, today: date) -> str:
    if due < today:
        return f"te laat (was {fmt.short_date(due)})"
    if due == today:
        return "vandaag"
    if due == today + timedelta(days=1):
        return "morgen"
    return fmt.short_date(due)


def issue_card(
    row: browse.SyncIssueRow,
    *,
    on_open: Callable[[str], Any] | None,
    on_resolve: Callable[[int], Any] | None,
) -> ft.Control:
    """One conflict copy or refused change; shared by this screen and the day-end summary."""
    issue = row.issue
    noun = COLLECTION_NOUNS.get(issue.collection, ("record", "records"))[0].capitalize()
    conflict = issue.kind == "conflict"
    about = row.title or noun
    what = f"{noun}, veld '{field_label(issue.field)}'" if issue.field else noun
    lines: list[ft.Control] = []
    if conflict:
        lines += [
            _value_line("Bewaard", issue.local_value, key_part="kept"),
            _value_line("Niet bewaard (van elders)", issue.server_value, key_part="lost"),
        ]
    else:
        lines.append(ft.Text(issue.message, theme_style=ft.TextThemeStyle.BODY_MEDIUM))
        if issue.local_value not in (None, "", {}):
            lines.append(_value_line("Geweigerd", issue.local_value, key_part="refused"))
    actions: list[ft.Control] = []
    if on_open is not None and row.customer_id is not None:
        customer_id = row.customer_id
        actions.append(
            ft.TextButton(
                "Openen",
                icon=ft.Icons.OPEN_IN_NEW,
                tooltip=f"Open {about}",
                on_click=lambda: on_open(customer_id),
                height=48,
                data=f"issue-open-{issue.id}",
            )
        )
    if on_resolve is not None:
        actions.append(
            ft.FilledTonalButton(
                "Afgehandeld",
                icon=ft.Icons.CHECK,
                tooltip=f"Markeer als afgehandeld: {about}",
                on_click=lambda: on_resolve(issue.id),
                height=48,
                data=f"issue-resolve-{issue.id}",
            )
        )
    body: list[ft.Control] = [
        ft.ListTile(
            leading=ft.Icon(ft.Icons.CALL_SPLIT if conflict else ft.Icons.BLOCK),
            title=ft.Text(f"{'Conflict' if conflict else 'Geweigerd'}: {about}"),
            subtitle=ft.Text(what),
        ),
        ft.Container(ft.Column(lines, spacing=6), padding=ft.Padding.symmetric(horizontal=16)),
    ]
    if actions:
        body.append(ft.Row(actions, alignment=ft.MainAxisAlignment.END, wrap=True))
    card = ft.Card(
        ft.Container(ft.Column(body, spacing=4), padding=ft.Padding.only(bottom=8)),
        data=f"issue-{issue.id}",
    )
    # A container node keeps the card's buttons reachable for screen readers (and browser
    # tests) instead of merging them into one label.
    return ft.Semantics(
        content=card, label=f"{'Conflict' if conflict else 'Geweigerd'}: {about}", container=True
    )


def _value_line(label: str, value: object, *, key_part: str) -> ft.Control:
    return ft.Column(
        [
            ft.Text(label, theme_style=ft.TextThemeStyle.LABEL_MEDIUM),
            ft.Text(
                value_text(value),
                theme_style=ft.TextThemeStyle.BODY_MEDIUM,
                # Not selectable: Flutter web then hides the text from screen readers.
                data=f"value-{key_part}",
            ),
        ],
        spacing=0,
    )


def follow_up_tile(
    row: browse.FollowUpRow,
    *,
    today: date,
    on_open: Callable[[str], Any] | None,
    dense: bool = False,
    done: ft.Control | None = None,
) -> ft.Control:
    follow_up = row.follow_up
    due = follow_up.due_on
    customer_id = follow_up.customer_id
    return ft.ListTile(
        leading=None if dense else ft.Icon(ft.Icons.EVENT_NOTE),
        title=ft.Text(follow_up.description, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
        subtitle=ft.Text(f"{row.customer_name} · {due_label(due, today) if due else ''}"),
        on_click=(lambda: on_open(customer_id)) if on_open is not None else None,
        trailing=done,
        dense=dense,
        content_padding=ft.Padding.all(0) if dense else None,
        data=f"follow-up-{follow_up.id}",
    )


class AttentionScreen(Screen):
    title = "Aandacht nodig"
    refresh_on_sync = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.list = ft.ListView(expand=True, spacing=8, padding=ft.Padding.only(bottom=24))
        self._body = ft.Container(
            self.list, padding=ft.Padding.only(left=16, right=16, top=12), expand=True
        )
        self.issue_count = 0

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        rows = self.ctx.read(browse.sync_issues) or []
        today = self.ctx.today()
        follow_ups = self.ctx.read(browse.follow_ups_due, through=today + timedelta(days=1)) or []
        self.issue_count = len(rows)
        controls: list[ft.Control] = []
        if rows:
            controls.append(heading("Synchronisatie", key="attention-sync-heading"))
            controls.append(
                ft.Text(
                    "Wijzigingen die tegelijk elders zijn gedaan, en wijzigingen die de server "
                    "heeft geweigerd. Uw gegevens op dit apparaat zijn gelijk aan de server.",
                    theme_style=ft.TextThemeStyle.BODY_SMALL,
                )
            )
            controls += [
                issue_card(row, on_open=self._open, on_resolve=self._resolve) for row in rows
            ]
        if follow_ups:
            controls.append(heading("Vervolgacties tot en met morgen"))
            controls += [
                follow_up_tile(
                    f,
                    today=today,
                    on_open=self._open,
                    done=done_button(self.ctx, f.follow_up, on_changed=self.refresh),
                )
                for f in follow_ups
            ]
        if not controls:
            controls.append(
                empty_state(
                    ft.Icons.TASK_ALT,
                    "Niets vraagt aandacht",
                    "Conflicten, geweigerde wijzigingen en vervolgacties die eraan komen "
                    "verschijnen hier.",
                    ident="attention-empty",
                )
            )
        self.list.controls = controls

    def _open(self, customer_id: str) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(CustomerFileScreen(self.ctx, customer_id=customer_id))

    def _resolve(self, issue_id: int) -> None:
        done = self.ctx.call(browse.resolve_sync_issue, synced=False, issue_id=issue_id)
        self.refresh()
        if done:
            self.ctx.toast("Gemarkeerd als afgehandeld.")
