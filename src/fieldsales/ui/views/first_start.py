"""The first start of an empty device: sign in, fetch everything, then open the app.

The first sync of a salesperson's portfolio moves thousands of records, so it shows what it
is doing (records fetched, per phase) and can be stopped. It never leaves the user stuck: a
failure says what happened and offers to try again, and a stopped or broken-off first sync
resumes where it was (the engine stores each page with its cursor) without asking for the
password again while the session holds.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.records import UserProfile
from fieldsales.services import browse
from fieldsales.store import Store
from fieldsales.sync.errors import SyncCancelledError, SyncError
from fieldsales.sync.summary import Phase, Progress
from fieldsales.ui.sync_hub import SyncHub
from fieldsales.ui.sync_view import n
from fieldsales.ui.threads import Latest, Stopped, run_stoppable
from fieldsales.ui.views.sign_in import CredentialsForm, sign_in, sign_in_message


def progress_line(step: Progress) -> str:
    if step.phase is Phase.LOGIN:
        return "Verbinden met de server…"
    if step.phase is Phase.PUSH:
        return "Wijzigingen van dit apparaat versturen…"
    if step.phase in (Phase.PULL, Phase.REPAIR):
        return f"Gegevens ophalen: {n(step.down_done, 'record', 'records')}"
    return f"Klaar: {n(step.down_done, 'record', 'records')} opgehaald"


class FirstStart:
    """Fills the page until the data is there; then ``on_ready(user)`` builds the app."""

    def __init__(
        self,
        page: ft.Page,
        *,
        store: Store,
        hub: SyncHub,
        username: str | None,
        on_ready: Callable[[UserProfile], Any],
    ) -> None:
        self.page = page
        self.store = store
        self.hub = hub
        self.on_ready = on_ready
        self.cancel = threading.Event()
        self.stopping = asyncio.Event()
        self.running = False
        self.form = CredentialsForm(
            hub, username=username or hub.username or "", on_submit=self.submit
        )
        self.form.server.visible = True  # on the first start the address may need a fix
        self.submit_button = ft.FilledButton(
            "Inloggen en gegevens ophalen",
            icon=ft.Icons.LOGIN,
            on_click=self.submit,
            height=48,
            key="first-start-submit",
        )
        self.status = ft.Text(
            "", theme_style=ft.TextThemeStyle.BODY_LARGE, key="first-start-progress"
        )
        self.bar = ft.ProgressBar(value=None, semantics_label="Voortgang ophalen")
        self.stop_button = ft.OutlinedButton(
            "Stoppen", icon=ft.Icons.STOP, on_click=self.stop, height=48, key="first-start-stop"
        )
        self.progress = ft.Column(
            [
                self.status,
                self.bar,
                ft.Text(
                    "De eerste keer duurt dit even. U kunt stoppen: wat al binnen is blijft "
                    "bewaard en de volgende keer gaat het verder waar het stopte.",
                    theme_style=ft.TextThemeStyle.BODY_SMALL,
                ),
                self.stop_button,
            ],
            spacing=12,
            visible=False,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self.root = ft.Container(
            ft.Column(
                [
                    ft.Icon(ft.Icons.CLOUD_DOWNLOAD_OUTLINED, size=48),
                    ft.Text(
                        "Dit apparaat heeft nog geen gegevens",
                        theme_style=ft.TextThemeStyle.TITLE_LARGE,
                        text_align=ft.TextAlign.CENTER,
                    ),
                    ft.Text(
                        "Log in om uw klanten en de planning van vandaag op te halen. Daarna "
                        "werkt de app ook zonder verbinding.",
                        theme_style=ft.TextThemeStyle.BODY_MEDIUM,
                        text_align=ft.TextAlign.CENTER,
                    ),
                    *self.form.controls,
                    self.submit_button,
                    self.progress,
                ],
                spacing=16,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                scroll=ft.ScrollMode.AUTO,
                width=420,
            ),
            alignment=ft.Alignment.TOP_CENTER,
            padding=ft.Padding.all(24),
            expand=True,
            key="first-start",
        )

        if hub.signed_in:  # a first sync that broke off earlier: go on, no password needed
            self._stopped(
                "Het ophalen van de gegevens is de vorige keer niet afgemaakt. Wat al binnen is, "
                "blijft bewaard; 'Verder ophalen' gaat verder waar het stopte."
            )
            self.form.error.color = None

    def mount(self) -> None:
        page = self.page
        page.appbar = None
        page.navigation_bar = None
        page.floating_action_button = None
        page.controls.clear()
        page.add(self.root)

    # --- actions -------------------------------------------------------------------------------

    async def submit(self) -> None:
        if self.running:
            return
        self.running = True
        self.cancel = threading.Event()
        self.stopping = asyncio.Event()
        self._set_busy(True)
        self.page.update()
        try:
            await self._run()
        finally:
            self.running = False
        self.page.update()

    async def _run(self) -> None:
        if not self.hub.signed_in and not await sign_in(self.hub, self.form):
            self._set_busy(False)
            return
        self._show_progress(Progress(phase=Phase.LOGIN))
        self.form.set_busy(False)
        self._show_form(False)
        self.progress.visible = True
        self.page.update()
        latest: Latest[Progress] = Latest(self.page, self._show_progress)
        cancel = self.cancel
        try:
            await run_stoppable(
                lambda: self.hub.foreground_sync(progress=latest.push, cancel=cancel),
                self.stopping,
            )
        except (SyncCancelledError, Stopped):
            self._stopped(
                "Gestopt. Wat al is opgehaald blijft bewaard; met 'Verder ophalen' gaat het "
                "verder waar het stopte."
            )
            return
        except SyncError as exc:
            self._stopped(sign_in_message(exc, self.hub.server_url))
            return
        user = browse.find_user(self.store, username=self.hub.username or "")
        if user is None:
            self._stopped(
                "Uw account staat niet in de opgehaalde gegevens. Neem contact op met uw beheerder."
            )
            return
        self.hub.start()
        self.on_ready(user)

    def stop(self) -> None:
        self.cancel.set()
        self.stopping.set()
        self.stop_button.disabled = True

    # --- state ---------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.form.set_busy(busy)
        self.submit_button.disabled = busy
        if busy:
            self.form.show_error(None)

    def _show_progress(self, step: Progress) -> None:
        if not self.running or self.cancel.is_set():
            return
        self.status.value = progress_line(step)
        self.bar.value = step.down_fraction  # None (busy) until the first page says how many

    def _stopped(self, message: str) -> None:
        """A failed or stopped sync: the reason, and a way on (no password while signed in)."""
        self.progress.visible = False
        self.stop_button.disabled = False
        self._set_busy(False)
        self.form.show_error(message)
        signed_in = self.hub.signed_in
        self._show_form(not signed_in)
        self.submit_button.visible = True
        self.submit_button.content = "Verder ophalen" if signed_in else "Opnieuw proberen"

    def _show_form(self, visible: bool) -> None:
        """The fields while signing in; only the progress while fetching."""
        for field in (self.form.server, self.form.username, self.form.password):
            field.visible = visible
        self.submit_button.visible = visible
