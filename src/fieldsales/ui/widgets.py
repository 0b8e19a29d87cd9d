"""Small building blocks the screens share, so spacing, type and empty states look the same.

A note on identifying controls: Flet's ``key`` is for long-lived controls only. When a list is
rebuilt and a new control carries the key of the one it replaces, Flet diffs the two as a pair,
keeps the old object and freezes the new one. Rebuilt controls (rows, cards, their buttons)
carry their identity in ``data`` (``ident=`` here) instead, which never reaches the client.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

import flet as ft

from fieldsales.domain.errors import ValidationError
from fieldsales.ui import format as fmt
from fieldsales.ui.theme import BIG_TARGET, TOUCH_TARGET


def heading(text: str, *, key: str | None = None) -> ft.Text:
    return ft.Text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, key=key)


def section(title: str, controls: Sequence[ft.Control], *, empty: str) -> ft.Column:
    """A titled block of a file; ``empty`` says so when there is nothing in it."""
    body: list[ft.Control] = list(controls) or [
        ft.Text(empty, theme_style=ft.TextThemeStyle.BODY_MEDIUM, italic=True)
    ]
    return ft.Column([heading(title), *body], spacing=4)


def empty_state(
    icon: ft.IconData,
    title: str,
    hint: str,
    *,
    action: str | None = None,
    on_action: Callable[[], Any] | None = None,
    ident: str | None = None,
) -> ft.Container:
    """What an empty screen shows: what is (not) here, and what to do next."""
    controls: list[ft.Control] = [
        ft.Icon(icon, size=48),
        ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, text_align=ft.TextAlign.CENTER),
        ft.Text(hint, theme_style=ft.TextThemeStyle.BODY_MEDIUM, text_align=ft.TextAlign.CENTER),
    ]
    if action is not None and on_action is not None:
        controls.append(ft.FilledTonalButton(action, on_click=lambda: on_action(), height=48))
    return ft.Container(
        ft.Column(
            controls,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=12,
            tight=True,
        ),
        padding=ft.Padding.all(24),
        alignment=ft.Alignment.CENTER,
        data=ident,
    )


def link_button(
    icon: ft.IconData, tooltip: str, on_click: Callable[[], Any], *, ident: str | None = None
) -> ft.IconButton:
    """An icon action with the sentence a screen reader reads; 48 px touch target.

    ``on_click`` is passed through as is: Flet awaits coroutine functions (and partials of
    them) only when it can see they are async, which a wrapping lambda would hide.
    """
    return ft.IconButton(
        # Flutter web reads an icon button's name from its icon, not from the tooltip.
        icon=ft.Icon(icon, semantics_label=tooltip),
        tooltip=tooltip,
        on_click=on_click,
        data=ident,
        width=TOUCH_TARGET,
        height=TOUCH_TARGET,
    )


def score_button(
    score: int,
    meaning: str,
    on_click: Callable[[int], Any],
    *,
    selected: bool = False,
    size: int = BIG_TARGET,
) -> ft.Control:
    """One of the five big satisfaction buttons: the number, and its meaning for screen readers."""
    cls = ft.FilledButton if selected else ft.FilledTonalButton
    label = f"Score {score}: {meaning}"

    async def click() -> None:
        # A coroutine function, so Flet awaits it: ``on_click`` may itself be async (the quick
        # "visit done" first files a voice memo still being recorded).
        answer = on_click(score)
        if inspect.isawaitable(answer):
            await answer

    return cls(
        # The text's semantics label names the button for screen readers (and browser tests).
        ft.Text(str(score), semantics_label=label, size=24, weight=ft.FontWeight.BOLD),
        tooltip=label,
        on_click=click,
        width=size,
        height=size,
        data=f"score-{score}",
    )


class DateField:
    """A date typed as ``dd-mm-jjjj`` or picked from a calendar (no typing needed on a phone).

    ``value()`` parses the text and raises the domain's ValidationError with a Dutch message;
    the form shows it at the field with ``show_error``.
    """

    def __init__(self, label: str, *, key: str, first: date, last: date) -> None:
        self.field = ft.TextField(
            label=label,
            hint_text="dd-mm-jjjj",
            keyboard_type=ft.KeyboardType.DATETIME,
            key=key,
            expand=True,
        )
        self.first = first
        self.last = last
        self.picker_button = ft.IconButton(
            ft.Icons.CALENDAR_MONTH,
            tooltip=f"{label}: kies in de kalender",
            on_click=self._open_picker,
            key=f"{key}-picker",
            width=TOUCH_TARGET,
            height=TOUCH_TARGET,
        )
        self.control = ft.Row(
            [self.field, self.picker_button],
            vertical_alignment=ft.CrossAxisAlignment.START,
            expand=True,
        )

    def value(self) -> date | None:
        return fmt.parse_date_field(self.field.value, field=str(self.field.key))

    def set(self, value: date | None) -> None:
        self.field.value = fmt.short_date(value) if value is not None else ""

    def show_error(self, message: str | None) -> None:
        self.field.error = message

    def _open_picker(self) -> None:
        try:
            current = self.value()
        except ValidationError:
            current = None
        picker = ft.DatePicker(
            value=datetime.combine(current, time(12)) if current else None,
            first_date=datetime.combine(self.first, time()),
            last_date=datetime.combine(self.last, time()),
            help_text=str(self.field.label or ""),
            cancel_text="Annuleren",
            confirm_text="Kiezen",
            on_change=self._picked,
        )
        self.field.page.show_dialog(picker)

    def _picked(self, e: ft.Event[ft.DatePicker]) -> None:
        value = e.control.value
        if isinstance(value, datetime):
            self.set(value.date())
            self.field.error = None
