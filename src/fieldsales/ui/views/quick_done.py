"""The quick "visit done": which visit (preselected), a voice memo if wanted, then one tap on a
score. No typing.

Tapping a score saves at once through ``services.visits.quick_visit_done``; the full report
can follow later from the day view. A voice memo is filed with its visit when its recording
stops (``views.voice_memo``); a score tapped, or the dialog closed, while it is still recording
stops and files it first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.services import browse
from fieldsales.services.visits import quick_visit_done
from fieldsales.ui import format as fmt
from fieldsales.ui.context import AppContext
from fieldsales.ui.labels import SATISFACTION
from fieldsales.ui.theme import BIG_TARGET
from fieldsales.ui.views.voice_memo import VoiceMemoButton
from fieldsales.ui.widgets import score_button

OnDone = Callable[[browse.DayVisit, int | None], Any]


class QuickDoneDialog:
    def __init__(
        self,
        ctx: AppContext,
        open_visits: list[browse.DayVisit],
        *,
        selected: browse.DayVisit,
        on_done: OnDone,
    ) -> None:
        self.ctx = ctx
        self.open_visits = open_visits
        self.selected = selected
        self.on_done = on_done
        self.choices = ft.Column(spacing=4, tight=True)
        self.memo = VoiceMemoButton(ctx, visit_id=lambda: self.selected.visit.id, key="done-memo")
        self._saving = False
        self.dialog = ft.AlertDialog(
            modal=False,
            title=ft.Text("Bezoek afgerond"),
            content=ft.Column(
                [
                    self.choices,
                    self.memo.control,
                    ft.Text(
                        "Hoe tevreden was de klant?",
                        theme_style=ft.TextThemeStyle.TITLE_SMALL,
                    ),
                    ft.Row(
                        [score_button(s, SATISFACTION[s], self.save, size=60) for s in range(1, 6)],
                        spacing=4,
                        tight=True,
                        alignment=ft.MainAxisAlignment.CENTER,
                    ),
                ],
                tight=True,
                spacing=16,
            ),
            actions=[
                ft.TextButton(
                    "Zonder score",
                    tooltip="Afronden zonder score",
                    on_click=self.save_without_score,
                    height=48,
                    key="done-no-score",
                ),
                ft.TextButton("Annuleren", on_click=self.close, height=48, key="done-cancel"),
            ],
            semantics_label="Bezoek afgerond",
            on_dismiss=self._dismissed,
            # Narrow side margins so the five score buttons fit on one row on a phone.
            inset_padding=ft.Padding.symmetric(horizontal=12, vertical=24),
            # No key: a dialog opened again before Flutter reported the last one dismissed would
            # match it by key, and Flet then freezes the new one (no more changes possible).
        )
        self._render_choices()

    def _render_choices(self) -> None:
        """One big tile per open visit when there is a choice; the preselected one marked."""
        if len(self.open_visits) <= 1:
            self.choices.controls = [
                ft.Text(self._describe(self.selected), theme_style=ft.TextThemeStyle.BODY_LARGE)
            ]
            return
        self.choices.controls = [
            ft.ListTile(
                leading=ft.Icon(
                    ft.Icons.RADIO_BUTTON_CHECKED
                    if item.visit.id == self.selected.visit.id
                    else ft.Icons.RADIO_BUTTON_UNCHECKED
                ),
                title=ft.Text(self._describe(item)),
                selected=item.visit.id == self.selected.visit.id,
                on_click=lambda _, it=item: self._choose(it),
                min_height=BIG_TARGET,
                data=f"choose-{item.visit.id}",
            )
            for item in self.open_visits
        ]

    @staticmethod
    def _describe(item: browse.DayVisit) -> str:
        return f"{fmt.hm(item.visit.planned_start)} {item.customer.name}"

    def _choose(self, item: browse.DayVisit) -> None:
        if self.memo.recording:  # the memo being spoken is about the visit chosen before
            self.ctx.toast("Stop eerst de opname: die hoort bij het gekozen bezoek.")
            return
        self.selected = item
        self._render_choices()

    def show(self) -> None:
        self.ctx.show(self.dialog)

    async def close(self) -> None:
        await self.memo.stop()  # "Annuleren" cancels the score, never a memo being spoken
        self.ctx.close(self.dialog)

    async def _dismissed(self) -> None:
        await self.memo.stop()  # tapped outside the dialog while recording

    async def save_without_score(self) -> None:
        await self.save(None)

    async def save(self, score: int | None) -> None:
        if self._saving:  # a second tap while a memo is still being filed
            return
        self._saving = True
        try:
            await self.memo.stop()
            item = self.selected
            result = self.ctx.call(quick_visit_done, visit_id=item.visit.id, satisfaction=score)
        finally:
            self._saving = False
        self.ctx.close(self.dialog)
        if result is not None:
            self.on_done(item, score)
            if self.memo.error.visible:  # what went wrong with the memo outweighs "afgerond"
                self.ctx.toast(str(self.memo.error.value))
