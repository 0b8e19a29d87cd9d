"""The sync indicator in the app bar and the offline banner above the screen.

Always visible, never blocking: the indicator shows the state in an icon, the number of
waiting changes and (on wider windows, or when it asks for something) a few words; its tooltip
and screen-reader label carry the whole sentence. Tapping it signs in when there is no session
and otherwise opens the sync sheet (sync now, day end, what needs attention).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.ui.sync_view import SPOKEN_WHEN_COMPACT, IndicatorKind, IndicatorView


class SyncIndicator:
    def __init__(self, on_click: Callable[[], Any]) -> None:
        self.view: IndicatorView | None = None
        self.icon = ft.Icon(ft.Icons.CLOUD_OFF_OUTLINED, size=20)
        self.busy = ft.ProgressRing(width=18, height=18, stroke_width=2.5, visible=False)
        self.count = ft.Text("", theme_style=ft.TextThemeStyle.LABEL_LARGE, key="sync-count")
        self.label = ft.Text("", theme_style=ft.TextThemeStyle.LABEL_MEDIUM, key="sync-label")
        self.button = ft.TextButton(
            content=ft.Row(
                [self.icon, self.busy, self.count, self.label],
                spacing=6,
                tight=True,
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            on_click=lambda: on_click(),
            height=48,
            key="sync-indicator",
        )
        self.control = self.button

    def apply(self, view: IndicatorView, *, compact: bool) -> None:
        self.view = view
        busy = view.kind is IndicatorKind.SYNCING
        self.icon.icon = view.icon
        self.icon.visible = not busy
        self.busy.visible = busy
        # The icon names the whole button for screen readers (and the browser tests).
        self.icon.semantics_label = view.sentence
        self.button.tooltip = view.sentence
        self.count.value = str(view.count) if view.count else ""
        self.count.visible = bool(view.count)
        self.label.value = view.short
        self.label.visible = not compact or view.kind in SPOKEN_WHEN_COMPACT
        self.label.semantics_label = view.sentence if busy else None


class OfflineBanner:
    """A quiet strip above the screen while there is no connection: work goes on."""

    TEXT = (
        "Offline: alles wat u vastlegt blijft op dit apparaat bewaard en wordt verstuurd "
        "zodra er weer verbinding is."
    )

    def __init__(self) -> None:
        self.text = ft.Text(
            self.TEXT,
            theme_style=ft.TextThemeStyle.BODY_MEDIUM,
            color=ft.Colors.ON_TERTIARY_CONTAINER,
            expand=True,
        )
        self.control = ft.Container(
            ft.Row(
                [ft.Icon(ft.Icons.WIFI_OFF, color=ft.Colors.ON_TERTIARY_CONTAINER), self.text],
                spacing=12,
            ),
            bgcolor=ft.Colors.TERTIARY_CONTAINER,
            padding=ft.Padding.symmetric(horizontal=16, vertical=10),
            visible=False,
            key="offline-banner",
        )

    def apply(self, view: IndicatorView) -> None:
        self.control.visible = view.offline
