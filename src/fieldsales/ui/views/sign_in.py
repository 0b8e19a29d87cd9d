"""Inloggen: a session with the server for a device that has its data but no (more) session.

The app works without it (offline-first); the indicator says "Niet ingelogd" and opens this.
The username is filled in with the device's user. The password is used for this one login and
never stored: the device keeps the server's refresh token instead. Signing in starts the
background sync.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import flet as ft

from fieldsales.services import browse
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncError,
    SyncOfflineError,
    SyncStalledError,
    SyncTimeoutError,
)
from fieldsales.ui.context import USER_ERRORS, AppContext
from fieldsales.ui.sync_hub import SyncHub


def sign_in_message(exc: SyncError, server: str | None) -> str:
    """What went wrong signing in, and what to do about it."""
    if isinstance(exc, SyncAuthError):
        return exc.message  # the server's own words: "Gebruikersnaam of wachtwoord klopt niet."
    cause = exc.cause if isinstance(exc, SyncStalledError) else exc
    if isinstance(cause, SyncOfflineError | SyncTimeoutError):
        where = f" ({server})" if server else ""
        return (
            f"De server{where} is niet bereikbaar. Controleer de internetverbinding en het "
            "adres, en probeer het opnieuw. U kunt intussen gewoon doorwerken."
        )
    return exc.message


class CredentialsForm:
    """Server (when none is set), username and password, with one line for the error."""

    def __init__(self, hub: SyncHub, *, username: str, on_submit: Callable[[], Any]) -> None:
        self.hub = hub
        self.server = ft.TextField(
            label="Server",
            hint_text="https://sync.bedrijf.nl",
            value=hub.server_url or "",
            keyboard_type=ft.KeyboardType.URL,
            visible=hub.server_url is None,
            key="sign-in-server",
        )
        self.username = ft.TextField(
            label="Gebruikersnaam",
            value=username,
            autofocus=not username,
            key="sign-in-username",
        )
        self.password = ft.TextField(
            label="Wachtwoord",
            password=True,
            can_reveal_password=True,
            autofocus=bool(username),
            on_submit=on_submit,
            key="sign-in-password",
        )
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False, key="sign-in-error")
        self.busy = ft.ProgressBar(visible=False)
        self.controls: list[ft.Control] = [
            self.server,
            self.username,
            self.password,
            self.error,
            self.busy,
        ]

    def values(self) -> tuple[str, str, str] | None:
        """(server, username, password), or None after showing what is missing."""
        server = (self.server.value or "").strip()
        username = (self.username.value or "").strip()
        password = self.password.value or ""
        missing = []
        if self.server.visible and not server:
            missing.append("het adres van de server")
        if self.username.visible and not username:
            missing.append("uw gebruikersnaam")
        if self.password.visible and not password:
            missing.append("uw wachtwoord")
        if missing:
            self.show_error("Vul " + " en ".join(missing) + " in.")
            return None
        return server, username, password

    def show_error(self, message: str | None) -> None:
        self.error.value = message or ""
        self.error.visible = bool(message)

    def set_busy(self, busy: bool) -> None:
        self.busy.visible = busy
        for field in (self.server, self.username, self.password):
            field.disabled = busy


async def sign_in(hub: SyncHub, form: CredentialsForm, *, user_id: str | None = None) -> bool:
    """Sign in off the UI thread with the form's values; shows the error in the form.

    ``user_id``: the user whose data the app shows; another account is refused."""
    values = form.values()
    if values is None:
        return False
    server, username, password = values
    form.show_error(None)
    try:
        if form.server.visible or (server and server != hub.server_url):
            await asyncio.to_thread(hub.set_server, server)
        await asyncio.to_thread(hub.sign_in, username, password, user_id=user_id)
    except SyncError as exc:
        form.show_error(sign_in_message(exc, server or hub.server_url))
        return False
    form.password.value = ""
    form.server.visible = False
    return True


class SignInDialog:
    def __init__(self, ctx: AppContext, *, on_signed_in: Callable[[], Any] | None = None) -> None:
        self.ctx = ctx
        self.on_signed_in = on_signed_in
        self.form = CredentialsForm(ctx.hub, username=self._device_user(), on_submit=self.submit)
        where = ctx.hub.server_url
        intro = (
            f"Log in bij {where} om uw werk te versturen en het nieuwste op te halen."
            if where
            else "Vul het adres van de server in en log in om te synchroniseren."
        )
        self.submit_button = ft.FilledButton(
            "Inloggen", on_click=self.submit, height=48, key="sign-in-submit"
        )
        self.dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text("Inloggen"),
            content=ft.Column(
                [ft.Text(intro, theme_style=ft.TextThemeStyle.BODY_MEDIUM), *self.form.controls],
                tight=True,
                spacing=12,
                width=400,
            ),
            actions=[
                ft.TextButton("Annuleren", on_click=self.close, height=48, key="sign-in-cancel"),
                self.submit_button,
            ],
            semantics_label="Inloggen",
        )

    def _device_user(self) -> str:
        hub_user = self.ctx.hub.username
        if hub_user:
            return hub_user
        try:
            users = browse.local_users(self.ctx.store)
        except USER_ERRORS:  # the field stays empty; the user types the name
            return ""
        me = next((u for u in users if u.id == self.ctx.actor.user_id), None)
        return me.username if me is not None else ""

    def show(self) -> None:
        self.ctx.show(self.dialog)

    def close(self) -> None:
        self.ctx.close(self.dialog)

    async def submit(self) -> None:
        if self.form.busy.visible:
            return  # a second tap while the first is under way
        self.form.set_busy(True)
        self.submit_button.disabled = True
        self.ctx.page.update()
        try:
            ok = await sign_in(self.ctx.hub, self.form, user_id=self.ctx.actor.user_id)
        finally:
            self.form.set_busy(False)
            self.submit_button.disabled = False
        if ok:
            self.ctx.hub.start()
            self.dialog.open = False
            self.ctx.toast(f"Ingelogd als {self.ctx.hub.username}. Synchroniseren is gestart.")
            if self.on_signed_in is not None:
                self.on_signed_in()
        if self.ctx.shell is not None:
            self.ctx.shell.refresh_sync_state()
        self.ctx.page.update()
