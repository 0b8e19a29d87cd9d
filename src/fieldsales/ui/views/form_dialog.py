"""A small form in a dialog: a title, its fields, a way back and one button that saves.

The visit dialogs (plan, move, call off) share this shape; each says what its fields are and
what saving does (``save``), which closes the dialog itself once the service has taken it.
"""

from __future__ import annotations

import flet as ft

from fieldsales.ui.context import AppContext


class FormDialog:
    def __init__(
        self,
        ctx: AppContext,
        *,
        title: str,
        fields: list[ft.Control],
        confirm: str,
        key: str,
        back: str = "Annuleren",
        label: str,
    ) -> None:
        self.ctx = ctx
        self.dialog = ft.AlertDialog(
            title=ft.Text(title),
            content=ft.Column(fields, tight=True, spacing=12),
            actions=[
                ft.TextButton(back, on_click=self.close, height=48, key=f"{key}-back"),
                ft.FilledButton(confirm, on_click=self.save, height=48, key=f"{key}-save"),
            ],
            semantics_label=label,
        )

    def show(self) -> None:
        self.ctx.show(self.dialog)

    def close(self) -> None:
        self.ctx.close(self.dialog)

    def save(self) -> None:
        raise NotImplementedError
