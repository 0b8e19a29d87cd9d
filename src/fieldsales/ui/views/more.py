"""Meer: who is signed in, the theme (light, dark or as the device), and the sync state."""

from __future__ import annotations

import flet as ft

from fieldsales.services import browse
from fieldsales.ui.context import USER_ERRORS, AppContext
from fieldsales.ui.screen import Screen
from fieldsales.ui.shell import sync_text
from fieldsales.ui.widgets import heading

_ROLE = {"salesperson": "Verkoper", "manager": "Leidinggevende", "admin": "Beheerder"}
_MODES = {
    "system": ft.ThemeMode.SYSTEM,
    "light": ft.ThemeMode.LIGHT,
    "dark": ft.ThemeMode.DARK,
}


class MoreScreen(Screen):
    title = "Meer"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.user = ft.ListTile(leading=ft.Icon(ft.Icons.ACCOUNT_CIRCLE), key="more-user")
        self.sync = ft.ListTile(leading=ft.Icon(ft.Icons.SYNC), key="more-sync")
        self.theme = ft.SegmentedButton(
            segments=[
                ft.Segment(value="system", label="Systeem", icon=ft.Icons.BRIGHTNESS_AUTO),
                ft.Segment(value="light", label="Licht", icon=ft.Icons.LIGHT_MODE),
                ft.Segment(value="dark", label="Donker", icon=ft.Icons.DARK_MODE),
            ],
            selected=["system"],
            on_change=self._theme_changed,
            key="theme-mode",
        )
        self._body = ft.ListView(
            [
                heading("Gebruiker"),
                self.user,
                heading("Weergave"),
                self.theme,
                heading("Synchronisatie"),
                self.sync,
                ft.Text(
                    "Alles wat u vastlegt blijft op dit apparaat bewaard tot het is "
                    "gesynchroniseerd; u kunt zonder verbinding doorwerken.",
                    theme_style=ft.TextThemeStyle.BODY_SMALL,
                ),
            ],
            spacing=12,
            padding=ft.Padding.all(16),
            expand=True,
        )

    @property
    def body(self) -> ft.Control:
        return self._body

    def refresh(self) -> None:
        actor = self.ctx.actor
        try:
            users = browse.local_users(self.ctx.store)
        except USER_ERRORS:
            users = []
        me = next((u for u in users if u.id == actor.user_id), None)
        self.user.title = ft.Text(me.full_name if me else actor.user_id)
        self.user.subtitle = ft.Text(_ROLE.get(actor.role.value, actor.role.value))
        try:
            status: browse.SyncStatus | None = browse.sync_status(self.ctx.store)
        except USER_ERRORS:
            status = None
        self.sync.title = ft.Text(sync_text(status))

    def _theme_changed(self, e: ft.Event[ft.SegmentedButton]) -> None:
        selected = e.control.selected or ["system"]
        self.ctx.page.theme_mode = _MODES.get(selected[0], ft.ThemeMode.SYSTEM)
