"""Ticking off a follow-up: one tap where the follow-up is shown, and a way back.

Follow-ups come from visit reports, sent quotes and complaints, and show in the customer file
and in *Aandacht nodig*. Ticking one off goes through ``services.visits.complete_follow_up``;
the snack bar that confirms it offers *Ongedaan maken*, because a tick between two visits is
easily a mis-tap, and an undo is quicker than finding the follow-up again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.records import FollowUp
from fieldsales.services.visits import complete_follow_up, reopen_follow_up
from fieldsales.ui.context import AppContext
from fieldsales.ui.theme import TOUCH_TARGET


def done_button(
    ctx: AppContext, follow_up: FollowUp, *, on_changed: Callable[[], Any]
) -> ft.IconButton:
    label = f"{follow_up.description}: afvinken"

    def undo() -> None:
        if ctx.call(reopen_follow_up, follow_up_id=follow_up.id) is not None:
            on_changed()

    def tick() -> None:
        if ctx.call(complete_follow_up, follow_up_id=follow_up.id, on=ctx.today()) is None:
            return
        on_changed()
        ctx.toast("Vervolgactie afgevinkt.", action="Ongedaan maken", on_action=undo)

    return ft.IconButton(
        # The icon's label names the button for screen readers; a tooltip alone does not.
        ft.Icon(ft.Icons.CHECK_BOX_OUTLINE_BLANK, semantics_label=label),
        tooltip=label,
        on_click=tick,
        width=TOUCH_TARGET,
        height=TOUCH_TARGET,
        data=f"follow-up-done-{follow_up.id}",
    )
