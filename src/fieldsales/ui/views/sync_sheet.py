"""The sync indicator's menu: the state in words, and what one can do about it.

A bottom sheet rather than a popup menu: the day-end deserves a big button, and a sheet has
room for the sentence the indicator only hints at.
"""

from __future__ import annotations

import asyncio

import flet as ft

from fieldsales.ui.context import AppContext
from fieldsales.ui.sync_view import IndicatorKind, IndicatorView, n
from fieldsales.ui.theme import BIG_TARGET
from fieldsales.ui.views.attention import AttentionScreen
from fieldsales.ui.views.day_end import open_day_end


class SyncSheet:
    def __init__(self, ctx: AppContext, view: IndicatorView) -> None:
        self.ctx = ctx
        hub = ctx.hub
        who = f"Ingelogd als {hub.username} bij {hub.server_url}." if hub.server_url else ""
        controls: list[ft.Control] = [
            ft.Text("Synchronisatie", theme_style=ft.TextThemeStyle.TITLE_LARGE),
            ft.Text(view.sentence, key="sync-sheet-status"),
            ft.Text(who, theme_style=ft.TextThemeStyle.BODY_SMALL),
            ft.FilledButton(
                "Dag afsluiten",
                icon=ft.Icons.NIGHTLIGHT_ROUND,
                tooltip="Dag afsluiten: alles versturen en ophalen, met een overzicht",
                on_click=self._day_end,
                height=BIG_TARGET,
                key="sync-sheet-day-end",
            ),
            ft.OutlinedButton(
                "Nu synchroniseren",
                icon=ft.Icons.SYNC,
                on_click=self._sync_now,
                height=48,
                disabled=view.kind is IndicatorKind.SYNCING,
                key="sync-sheet-now",
            ),
        ]
        if view.open_issues:
            controls.append(
                ft.OutlinedButton(
                    f"Aandacht nodig ({n(view.open_issues, 'punt', 'punten')})",
                    icon=ft.Icons.ERROR_OUTLINE,
                    on_click=self._attention,
                    height=48,
                    key="sync-sheet-attention",
                )
            )
        controls.append(
            ft.TextButton(
                "Uitloggen",
                icon=ft.Icons.LOGOUT,
                tooltip="Uitloggen bij de server (uw gegevens blijven op dit apparaat)",
                on_click=self._sign_out,
                height=48,
                key="sync-sheet-sign-out",
            )
        )
        self.sheet = ft.BottomSheet(
            ft.Container(
                ft.Column(
                    controls,
                    spacing=12,
                    tight=True,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                padding=ft.Padding.only(left=24, right=24, top=16, bottom=24),
            ),
            show_drag_handle=True,
        )

    def show(self) -> None:
        self.ctx.show(self.sheet)

    def _close(self) -> None:
        self.ctx.close(self.sheet)

    def _day_end(self) -> None:
        self._close()
        open_day_end(self.ctx)

    def _sync_now(self) -> None:
        self._close()
        self.ctx.hub.sync_now()
        self.ctx.toast("Synchroniseren is gestart.")

    def _attention(self) -> None:
        self._close()
        if self.ctx.shell is not None:
            self.ctx.shell.open(AttentionScreen(self.ctx))

    async def _sign_out(self) -> None:
        self._close()
        await asyncio.to_thread(self.ctx.hub.sign_out)
        self.ctx.toast("Uitgelogd. Uw gegevens blijven op dit apparaat.")
        if self.ctx.shell is not None:
            self.ctx.shell.refresh_sync_state()
        self.ctx.page.update()
