"""Meer: Resultaten and the Catalogus, who is signed in, the theme (light, dark or as the
device), and syncing: the state, the big "Dag afsluiten" button, what needs attention, signing in
to the server."""

from __future__ import annotations

import flet as ft

from fieldsales.services import browse
from fieldsales.ui.context import USER_ERRORS, AppContext
from fieldsales.ui.screen import Screen
from fieldsales.ui.sync_view import indicator_view, n
from fieldsales.ui.theme import BIG_TARGET
from fieldsales.ui.views.attention import AttentionScreen
from fieldsales.ui.views.catalogue import CatalogueScreen
from fieldsales.ui.views.day_end import open_day_end
from fieldsales.ui.views.results import ResultsScreen
from fieldsales.ui.views.sign_in import SignInDialog
from fieldsales.ui.widgets import heading

_ROLE = {"salesperson": "Verkoper", "manager": "Leidinggevende", "admin": "Beheerder"}
_MODES = {
    "system": ft.ThemeMode.SYSTEM,
    "light": ft.ThemeMode.LIGHT,
    "dark": ft.ThemeMode.DARK,
}


class MoreScreen(Screen):
    title = "Meer"
    refresh_on_sync = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.user = ft.ListTile(leading=ft.Icon(ft.Icons.ACCOUNT_CIRCLE), key="more-user")
        self.sync = ft.ListTile(leading=ft.Icon(ft.Icons.SYNC), key="more-sync")
        self.day_end = ft.FilledButton(
            "Dag afsluiten",
            icon=ft.Icons.NIGHTLIGHT_ROUND,
            tooltip="Dag afsluiten: alles versturen en ophalen, met een overzicht",
            on_click=lambda: open_day_end(self.ctx),
            height=BIG_TARGET,
            key="more-day-end",
        )
        self.attention = ft.ListTile(
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE),
            title=ft.Text("Aandacht nodig"),
            trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
            on_click=self._open_attention,
            key="more-attention",
        )
        self.results = ft.ListTile(
            leading=ft.Icon(ft.Icons.INSIGHTS),
            title=ft.Text("Resultaten"),
            subtitle=ft.Text("Omzet, targets en afwijkingen per periode; export naar Excel"),
            trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
            on_click=self._open_results,
            key="more-results",
        )
        self.catalogue = ft.ListTile(
            leading=ft.Icon(ft.Icons.INVENTORY_2_OUTLINED),
            title=ft.Text("Catalogus"),
            subtitle=ft.Text("Alle producten met prijzen, ook zonder verbinding"),
            trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
            on_click=lambda: (
                self.ctx.shell.open(CatalogueScreen(self.ctx))
                if self.ctx.shell is not None
                else None
            ),
            key="more-catalogue",
        )
        self.sign_in = ft.OutlinedButton(
            "Inloggen bij de server",
            icon=ft.Icons.LOGIN,
            on_click=lambda: SignInDialog(self.ctx).show(),
            height=48,
            key="more-sign-in",
        )
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
                self.results,
                self.catalogue,
                heading("Gebruiker"),
                self.user,
                heading("Weergave"),
                self.theme,
                heading("Synchronisatie"),
                self.sync,
                self.day_end,
                self.sign_in,
                self.attention,
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
        self.sync_changed()

    def sync_changed(self) -> None:
        try:
            counts: browse.SyncStatus | None = browse.sync_status(self.ctx.store)
        except USER_ERRORS:
            counts = None
        hub = self.ctx.hub
        view = indicator_view(hub.state(), counts, self.ctx.now())
        self.sync.title = ft.Text(view.sentence)
        self.sync.subtitle = (
            ft.Text(f"{hub.username or 'Niet ingelogd'} · {hub.server_url}")
            if hub.server_url
            else None
        )
        self.sign_in.visible = not hub.signed_in
        issues = view.open_issues
        self.attention.subtitle = ft.Text(
            n(issues, "punt van de synchronisatie", "punten van de synchronisatie")
            if issues
            else "Conflicten, geweigerde wijzigingen, vervolgacties"
        )

    def _open_attention(self) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(AttentionScreen(self.ctx))

    def _open_results(self) -> None:
        if self.ctx.shell is not None:
            self.ctx.shell.open(ResultsScreen(self.ctx))

    def _theme_changed(self, e: ft.Event[ft.SegmentedButton]) -> None:
        selected = e.control.selected or ["system"]
        self.ctx.page.theme_mode = _MODES.get(selected[0], ft.ThemeMode.SYSTEM)
