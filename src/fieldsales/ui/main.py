"""Entry points of the app.

``main(page)`` is what ``ft.run`` and ``flet build`` start: it opens the store in the data
directory (``FIELDSALES_DATA_DIR`` or the platform's default), finds the user
(``FIELDSALES_USER``, the account the store syncs as, the only user on the device, or asks),
and builds the app. An empty device (first start) gets the sign-in screen, which fetches the
data and then builds the app. The server comes from ``--server``/``FIELDSALES_SERVER_URL`` or
what the store remembers; one ``SyncHub`` per store serves every session.
``build_app(page, store=..., actor=...)`` builds the app on an open store; tests use it directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import flet as ft

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import UserProfile
from fieldsales.services import browse
from fieldsales.store import DATA_DIR_ENV, Store, StoreError, open_store
from fieldsales.sync.errors import SyncError
from fieldsales.ui import theme
from fieldsales.ui.context import AppContext, local_now
from fieldsales.ui.shell import Destination, Shell
from fieldsales.ui.sync_hub import SERVER_URL_ENV, SyncHub
from fieldsales.ui.sync_session import SessionSync
from fieldsales.ui.views.customers import CustomersScreen
from fieldsales.ui.views.day import DayScreen
from fieldsales.ui.views.first_start import FirstStart
from fieldsales.ui.views.more import MoreScreen
from fieldsales.ui.views.plans import PlansScreen
from fieldsales.ui.views.prospects import ProspectsScreen
from fieldsales.ui.views.quote_actions import expire_overdue_quotes
from fieldsales.ui.views.voice_memo import file_leftover_memos
from fieldsales.ui.widgets import empty_state

USER_ENV = "FIELDSALES_USER"
PUSH_DELAY_ENV = "FIELDSALES_SYNC_PUSH_DELAY"

DESTINATIONS: list[Destination] = [
    Destination("vandaag", "Vandaag", ft.Icons.TODAY_OUTLINED, ft.Icons.TODAY, DayScreen),
    Destination("klanten", "Klanten", ft.Icons.PEOPLE_OUTLINE, ft.Icons.PEOPLE, CustomersScreen),
    Destination(
        "prospects",
        "Prospects",
        ft.Icons.PHONE_IN_TALK_OUTLINED,
        ft.Icons.PHONE_IN_TALK,
        ProspectsScreen,
    ),
    Destination(
        "plannen", "Plannen", ft.Icons.ASSIGNMENT_OUTLINED, ft.Icons.ASSIGNMENT, PlansScreen
    ),
    Destination("meer", "Meer", ft.Icons.MORE_HORIZ, ft.Icons.MORE_HORIZ, MoreScreen),
]

DUTCH = ft.Locale("nl", "NL")


def _prepare_page(page: ft.Page) -> None:
    page.title = "fieldsales"
    theme.apply(page)
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=[DUTCH, ft.Locale("en", "GB")], current_locale=DUTCH
    )


def build_app(
    page: ft.Page,
    *,
    store: Store,
    actor: Actor,
    clock: Callable[[], datetime] = local_now,
    hub: SyncHub | None = None,
) -> Shell:
    """The whole app for ``actor`` on an open store, on ``page``; returns the shell.

    With a ``hub`` that has a session, the background sync starts (or keeps running).
    """
    _prepare_page(page)
    page.controls.clear()
    ctx = AppContext(page, store=store, actor=actor, clock=clock, hub=hub)
    shell = Shell(ctx, DESTINATIONS)
    SessionSync(ctx)
    shell.mount()
    file_leftover_memos(ctx)
    expire_overdue_quotes(ctx)
    ctx.hub.start()
    return shell


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Where the data is and who uses it; from the command line or the environment."""

    data_dir: Path | None = None
    username: str | None = None
    server_url: str | None = None  # None: the one the store remembers (if any)
    #: Seconds the background sync waits after a change before pushing it (a burst of edits
    #: goes up together); None: the sync's default of 2 s.
    push_delay: float | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AppConfig:
        env = os.environ if environ is None else environ
        data_dir = env.get(DATA_DIR_ENV)
        delay = env.get(PUSH_DELAY_ENV)
        return cls(
            data_dir=Path(data_dir) if data_dir else None,
            username=env.get(USER_ENV) or None,
            server_url=env.get(SERVER_URL_ENV) or None,
            push_delay=float(delay) if delay else None,
        )

    def hub(self, store: Store) -> SyncHub:
        """The sync hub this configuration asks for (``make_main``'s default)."""
        loop = {"debounce": self.push_delay} if self.push_delay is not None else None
        return SyncHub(store, server_url=self.server_url, loop_settings=loop)


def make_main(
    config: AppConfig, *, make_hub: Callable[[Store, str | None], SyncHub] | None = None
) -> Callable[[ft.Page], None]:
    """A ``main`` for ``ft.run`` that shares one open store and one sync hub between all
    sessions (tabs). ``make_hub`` lets tests tune the hub (quick loop, injected transport)."""
    opened: dict[str, Any] = {}

    def get_store() -> Store:
        if "store" not in opened:
            opened["store"] = open_store(config.data_dir)
        store: Store = opened["store"]
        return store

    def get_hub(store: Store) -> SyncHub:
        if "hub" not in opened:
            opened["hub"] = make_hub(store, config.server_url) if make_hub else config.hub(store)
        hub: SyncHub = opened["hub"]
        return hub

    def main(page: ft.Page) -> None:
        _prepare_page(page)
        try:
            store = get_store()
        except StoreError as exc:
            _message(page, "De gegevens op dit apparaat kunnen niet worden geopend", exc.message)
            return
        try:
            hub = get_hub(store)
        except SyncError as exc:  # a --server that is no URL
            _message(page, "Het serveradres klopt niet", exc.message)
            return
        start(page, store, username=config.username, hub=hub)

    return main


def start(page: ft.Page, store: Store, *, username: str | None, hub: SyncHub | None = None) -> None:
    """Find who is using the app, then build it; ask when the device has several users.

    An empty device signs in and fetches its data first (``FirstStart``).
    """
    hub = hub if hub is not None else SyncHub(store)
    users = browse.local_users(store)

    def open_app(user: UserProfile) -> None:
        build_app(page, store=store, actor=browse.actor_for(user), hub=hub)

    # An empty device, or one whose first sync broke off (signed in, never completed one):
    # fetch first. A device filled otherwise (demo data) opens on its data and signs in later.
    unfinished = hub.signed_in and browse.sync_status(store).last_sync_at is None
    if not users or unfinished:
        FirstStart(page, store=store, hub=hub, username=username, on_ready=open_app).mount()
        return
    username = username or hub.username
    if username:
        user = browse.find_user(store, username=username)
        if user is None:
            known = ", ".join(u.username for u in users) or "geen"
            _message(
                page,
                f"Gebruiker '{username}' is niet bekend op dit apparaat",
                f"Bekende gebruikers: {known}. Synchroniseer eerst, of start met een andere "
                "gebruiker.",
            )
            return
        open_app(user)
        return
    if len(users) == 1:
        open_app(users[0])
        return
    page.controls.clear()
    page.add(
        ft.Column(
            [
                ft.Text("Wie gebruikt de app?", theme_style=ft.TextThemeStyle.TITLE_LARGE),
                *[
                    ft.ListTile(
                        leading=ft.Icon(ft.Icons.ACCOUNT_CIRCLE),
                        title=ft.Text(u.full_name),
                        subtitle=ft.Text(u.username),
                        on_click=lambda _, u=u: open_app(u),
                        key=f"user-{u.username}",
                    )
                    for u in users
                ],
            ],
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )
    )


def _message(page: ft.Page, title: str, hint: str) -> None:
    page.controls.clear()
    page.add(empty_state(ft.Icons.INFO_OUTLINE, title, hint, ident="start-message"))


_env_main: list[Callable[[ft.Page], None]] = []


def main(page: ft.Page) -> None:
    """For ``ft.run(main)`` and ``flet build``: configuration from the environment; one store
    for every session of the process."""
    if not _env_main:
        _env_main.append(make_main(AppConfig.from_env()))
    _env_main[0](page)


if __name__ == "__main__":
    ft.run(main)
