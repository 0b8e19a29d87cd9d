"""What every screen gets: the page, the store, the signed-in user and the sync hub, plus the
few app-wide actions (a message in a snack bar, opening a link, calling a service safely).

Services raise ``ServiceError`` (and the store and rules their own errors) with a Dutch
``message``; ``AppContext.call`` turns every one of them into a snack bar, so a screen never
shows a traceback and never has to repeat the same ``try``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import flet as ft

from fieldsales.domain.errors import DomainError
from fieldsales.domain.plan_workflow import Actor
from fieldsales.services.errors import ServiceError
from fieldsales.store import Store, StoreError
from fieldsales.ui.sync_hub import SyncHub

if TYPE_CHECKING:
    from fieldsales.ui.shell import Shell

T = TypeVar("T")

#: Every error a service call can end in that carries a Dutch ``message`` for the user.
USER_ERRORS: tuple[type[Exception], ...] = (ServiceError, DomainError, StoreError)


def local_now() -> datetime:
    return datetime.now().astimezone()


def user_message(exc: Exception) -> str:
    return str(getattr(exc, "message", "") or "Er ging iets mis. Probeer het opnieuw.")


class AppContext:
    """Shared by the screens of one app session (one browser tab or one app window)."""

    def __init__(
        self,
        page: ft.Page,
        *,
        store: Store,
        actor: Actor,
        clock: Callable[[], datetime] = local_now,
        hub: SyncHub | None = None,
    ) -> None:
        self.page = page
        self.store = store
        self.actor = actor
        self.clock = clock
        # Without a hub (tests of single screens) the app is local: no server, no sync.
        self.hub = hub if hub is not None else SyncHub(store)
        self.shell: Shell | None = None
        self._snack: ft.SnackBar | None = None
        # Services register with the page they are created on; make them once, up front.
        self.launcher = ft.UrlLauncher()
        # Flet runs its deferred-update scheduler only for declarative apps; ``show`` needs it.
        page.session.start_updates_scheduler()

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    @property
    def platform(self) -> str | None:
        """``android``/``ios`` on a phone app; None in a browser (links open the web maps)."""
        if self.page.web or self.page.platform is None:
            return None
        return str(self.page.platform.value)

    def toast(
        self,
        message: str,
        *,
        action: str | None = None,
        on_action: Callable[[], Any] | None = None,
    ) -> None:
        """A short message at the bottom; with ``action`` a button to act on it.

        The newest message replaces one still showing: Flutter queues snack bars, and one with
        an action stays until it is dismissed when a screen reader is on, so the answer to
        what the user just did would wait behind it.
        """
        if self._snack is not None and self._snack.open:
            self._snack.open = False
        snack = ft.SnackBar(
            ft.Text(message),
            action=action,
            on_action=(lambda: on_action()) if on_action is not None else None,
            show_close_icon=True,
            persist=False,
        )
        self._snack = snack
        self.show(snack)

    def show(self, dialog: ft.DialogControl) -> None:
        """Open a dialog or snack bar.

        ``show_dialog`` updates only the dialog layer and so marks the handler as "updated",
        which switches off Flet's auto-update at its end: every other change the handler makes
        would then never reach the screen. A scheduled page update, which Flet's scheduler runs
        once the handler has returned, sends them.
        """
        self.page.show_dialog(dialog)
        self.page.schedule_update()

    def close(self, dialog: ft.DialogControl) -> None:
        """Close a dialog; the update at the end of the handler sends it (see ``show``)."""
        dialog.open = False
        self.page.schedule_update()

    def call(self, service: Callable[..., T], /, *, synced: bool = True, **kwargs: Any) -> T | None:
        """Run ``service(store, actor=..., **kwargs)``; on a user error show it and return None.

        ``synced=False`` for writes the server never sees (marking a sync issue handled): the
        indicator is refreshed, but no sync is asked for.
        """
        try:
            result = service(self.store, actor=self.actor, **kwargs)
        except USER_ERRORS as exc:
            self.toast(user_message(exc))
            return None
        if synced:
            self.data_changed()
        elif self.shell is not None:
            self.shell.refresh_sync_state()
        return result

    def read(self, query: Callable[..., T], /, **kwargs: Any) -> T | None:
        """Like ``call`` for read models: nothing changed, so the sync indicator stays."""
        try:
            return query(self.store, actor=self.actor, **kwargs)
        except USER_ERRORS as exc:
            self.toast(user_message(exc))
            return None

    def data_changed(self) -> None:
        """A service saved a change for the server: the one place every UI write passes.

        The background sync is told (it pushes after a short pause, so a burst of edits goes
        up together) and the indicator counts the change at once.
        """
        self.hub.notify_change()
        if self.shell is not None:
            self.shell.refresh_sync_state()

    async def open_url(self, url: str, *, what: str) -> None:
        """Hand a ``tel:``/maps link to the platform; say so when nothing can open it."""
        try:
            await self.launcher.launch_url(url)
        except Exception:  # the client reports "no app for this link" as an error
            self.toast(f"{what} kon niet worden geopend op dit apparaat.")
