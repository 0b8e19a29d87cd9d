"""A small form in a dialog: a title, its fields, a way back and one button that saves.

The visit dialogs (plan, move, call off) share this shape; each says what its fields are and
what saving does (``save``), which closes the dialog itself once the service has taken it.
``call_at_fields`` runs a service and puts its refusal under the field it names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import flet as ft

from fieldsales.services.errors import InvalidInput
from fieldsales.ui.context import USER_ERRORS, AppContext, user_message

T = TypeVar("T")


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


def show_error(control: ft.Control, message: str | None) -> None:
    """A Dutch refusal under the field it is about (a dropdown and a text field differ)."""
    if isinstance(control, ft.Dropdown):
        control.error_text = message
    elif isinstance(control, ft.TextField):
        control.error = message


def call_at_fields(
    ctx: AppContext, fields: Mapping[str, ft.Control], service: Callable[..., T], /, **kwargs: Any
) -> T | None:
    """``ctx.call``, except that an input error naming one of ``fields`` shows at that field
    (a snack bar is gone before the user has looked at the form)."""
    for control in fields.values():
        show_error(control, None)
    try:
        result = service(ctx.store, actor=ctx.actor, **kwargs)
    except InvalidInput as exc:
        at = fields.get(exc.field or "")
        if at is None:
            ctx.toast(user_message(exc))
        else:
            show_error(at, exc.message)
        return None
    except USER_ERRORS as exc:
        ctx.toast(user_message(exc))
        return None
    ctx.data_changed()
    return result
