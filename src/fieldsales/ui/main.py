"""Entry points of the app.

``main(page)`` is what ``ft.run`` and ``flet build`` start: it opens the store in the data
directory (``FIELDSALES_DATA_DIR`` or the platform's default), finds the user
(``FIELDSALES_USER``, or the only user on the device, or asks), and builds the app.
``build_app(page, store=..., actor=...)`` builds the app on an open store; tests use it directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import flet as ft

from fieldsales.domain.plan_workflow import Actor
from fieldsales.services import browse
from fieldsales.store import DATA_DIR_ENV, Store, StoreError, open_store
from fieldsales.ui import theme
from fieldsales.ui.context import AppContext, local_now
from fieldsales.ui.shell import Destination, Shell
from fieldsales.ui.views.customers import CustomersScreen
from fieldsales.ui.views.day import DayScreen
from fieldsales.ui.views.more import MoreScreen
from fieldsales.ui.views.plans import PlansScreen
from fieldsales.ui.views.prospects import ProspectsScreen
from fieldsales.ui.widgets import empty_state

USER_ENV = "FIELDSALES_USER"

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
) -> Shell:
    """The whole app for ``actor`` on an open store, on ``page``; returns the shell."""
    _prepare_page(page)
    page.controls.clear()
    ctx = AppContext(page, store=store, actor=actor, clock=clock)
    shell = Shell(ctx, DESTINATIONS)
    shell.mount()
    return shell


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Where the data is and who uses it; from the command line or the environment."""

    data_dir: Path | None = None
    username: str | None = None

    @classmethod
    def from_env(cls) -> AppConfig:
        data_dir = os.environ.get(DATA_DIR_ENV)
        return cls(
            data_dir=Path(data_dir) if data_dir else None,
            username=os.environ.get(USER_ENV) or None,
        )


def make_main(config: AppConfig) -> Callable[[ft.Page], None]:
    """A ``main`` for ``ft.run`` that shares one open store between all sessions (tabs)."""
    opened: dict[str, Store] = {}

    def get_store() -> Store:
        if "store" not in opened:
            opened["store"] = open_store(config.data_dir)
        return opened["store"]

    def main(page: ft.Page) -> None:
        _prepare_page(page)
        try:
            store = get_store()
        except StoreError as exc:
            _message(page, "De gegevens op dit apparaat kunnen niet worden geopend", exc.message)
            return
        start(page, store, username=config.username)

    return main


def start(page: ft.Page, store: Store, *, username: str | None) -> None:
    """Find who is using the app, then build it; ask when the device has several users."""
    users = browse.local_users(store)
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
        build_app(page, store=store, actor=browse.actor_for(user))
        return
    if len(users) == 1:
        build_app(page, store=store, actor=browse.actor_for(users[0]))
        return
    if not users:
        _message(
            page,
            "Dit apparaat heeft nog geen gegevens",
            "Synchroniseer eerst met de server (fieldsales sync) om uw klanten en planning op "
            "te halen.",
        )
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
                        on_click=lambda _, u=u: build_app(
                            page, store=store, actor=browse.actor_for(u)
                        ),
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
