"""The app shell: app bar with the sync indicator, the offline banner, navigation between the
five main screens, and a stack of detail screens (a visit report, a preparation sheet) over the
current one.

Navigation follows Material's size classes: a bottom ``NavigationBar`` on compact windows
(< 600 px), a ``NavigationRail`` otherwise. Detail screens are kept in the shell rather than as
routes, so every screen stays reachable without a URL and the back arrow always goes one step up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flet as ft

from fieldsales.services import browse
from fieldsales.ui.context import USER_ERRORS, AppContext
from fieldsales.ui.screen import Screen, SizeClass
from fieldsales.ui.sync_indicator import OfflineBanner, SyncIndicator
from fieldsales.ui.sync_view import IndicatorKind, indicator_view
from fieldsales.ui.theme import TOUCH_TARGET
from fieldsales.ui.views.search import SearchScreen
from fieldsales.ui.views.sign_in import SignInDialog
from fieldsales.ui.views.sync_sheet import SyncSheet


@dataclass(frozen=True, slots=True)
class Destination:
    key: str
    label: str
    icon: ft.IconData
    selected_icon: ft.IconData
    make: Callable[[AppContext], Screen]


class Shell:
    """Owns the page layout; screens ask it to open and close detail screens."""

    def __init__(self, ctx: AppContext, destinations: list[Destination]) -> None:
        self.ctx = ctx
        ctx.shell = self
        self.page = ctx.page
        self.destinations = destinations
        self.roots: dict[str, Screen] = {}
        self.stack: list[Screen] = []
        self._shown: Screen | None = None  # told when it goes out of view (``Screen.leave``)
        self.index = 0
        self.size_class = SizeClass.for_width(self.page.width)

        self.sync = SyncIndicator(on_click=self._sync_tapped)
        self.banner = OfflineBanner()
        self.back_button = ft.IconButton(
            ft.Icons.ARROW_BACK, tooltip="Terug", on_click=self.back, key="back", visible=False
        )
        self.title = ft.Text("", key="screen-title")
        # Global search from every screen: one tap, beside the sync indicator.
        self.search_button = ft.IconButton(
            icon=ft.Icon(ft.Icons.SEARCH, semantics_label="Zoeken"),
            tooltip="Zoeken in klanten, contactpersonen, bezoeken en offertes",
            on_click=self.open_search,
            width=TOUCH_TARGET,
            height=TOUCH_TARGET,
            key="search-action",
        )
        self.app_bar = ft.AppBar(
            leading=self.back_button,
            automatically_imply_leading=False,
            title=self.title,
            actions=[],
        )
        self.navigation_bar = ft.NavigationBar(
            destinations=[
                ft.NavigationBarDestination(
                    icon=d.icon, selected_icon=d.selected_icon, label=d.label
                )
                for d in destinations
            ],
            on_change=self._on_nav,
            key="nav-bar",
        )
        self.rail = ft.NavigationRail(
            destinations=[
                ft.NavigationRailDestination(
                    icon=d.icon, selected_icon=d.selected_icon, label=d.label
                )
                for d in destinations
            ],
            selected_index=0,
            label_type=ft.NavigationRailLabelType.ALL,
            on_change=self._on_nav,
            key="nav-rail",
        )
        self.rail_divider = ft.VerticalDivider(width=1)
        self.content = ft.Container(expand=True, key="content")
        self.main = ft.Column([self.banner.control, self.content], expand=True, spacing=0)
        self.root = ft.Row([self.rail, self.rail_divider, self.main], expand=True, spacing=0)

    # --- building and layout -------------------------------------------------------------------
    def mount(self) -> None:
        self.page.appbar = self.app_bar
        self.page.padding = 0
        self.page.on_resize = self._on_resize
        self._apply_size_class()
        self.select(0)
        # Last: ``add`` sends the page at once, and Flet sends nothing more after an explicit
        # update in the same handler, so everything must be in place before it.
        self.page.add(self.root)

    def _on_resize(self, e: ft.PageResizeEvent) -> None:
        size_class = SizeClass.for_width(e.width)
        if size_class is not self.size_class:
            self.size_class = size_class
            self._apply_size_class()

    def _apply_size_class(self) -> None:
        compact = self.size_class is SizeClass.COMPACT
        self.page.navigation_bar = self.navigation_bar if compact else None
        self.rail.visible = not compact
        self.rail_divider.visible = not compact
        for screen in [*self.roots.values(), *self.stack]:
            screen.set_size_class(self.size_class)
        self.refresh_sync_state()

    # --- navigation ----------------------------------------------------------------------------
    def _on_nav(self, e: ft.Event[ft.NavigationBar] | ft.Event[ft.NavigationRail]) -> None:
        index = e.control.selected_index
        self.select(int(index) if index is not None else 0)

    def select(self, index: int) -> None:
        """Show a main screen (and drop any detail screens opened over the previous one)."""
        self.index = index
        self.navigation_bar.selected_index = index
        self.rail.selected_index = index
        self.stack.clear()
        destination = self.destinations[index]
        screen = self.roots.get(destination.key)
        if screen is None:
            screen = destination.make(self.ctx)
            screen.set_size_class(self.size_class)
            self.roots[destination.key] = screen
        screen.refresh()
        self._show(screen)

    def select_key(self, key: str) -> None:
        self.select(next(i for i, d in enumerate(self.destinations) if d.key == key))

    @property
    def current(self) -> Screen:
        if self.stack:
            return self.stack[-1]
        return self.roots[self.destinations[self.index].key]

    def open(self, screen: Screen) -> None:
        """Open a detail screen over the current one; the back arrow returns."""
        screen.set_size_class(self.size_class)
        self.stack.append(screen)
        screen.refresh()
        self._show(screen)

    def back(self) -> None:
        if not self.stack:
            return
        self.stack.pop()
        screen = self.current
        screen.refresh()
        self._show(screen)

    def open_search(self) -> None:
        """Zoeken over the current screen; back returns to it."""
        self.open(SearchScreen(self.ctx))

    def replace_top(self, screen: Screen) -> None:
        """Close the current detail screen and open another (e.g. after saving a form)."""
        if self.stack:
            self.stack.pop()
        self.open(screen)

    def _show(self, screen: Screen) -> None:
        if self._shown is not None and self._shown is not screen:
            self._shown.leave()
        self._shown = screen
        self.content.content = screen.body
        self.title.value = screen.title
        self.back_button.visible = bool(self.stack)
        self.search_button.visible = not isinstance(screen, SearchScreen)
        self.app_bar.actions = [*screen.actions, self.search_button, self.sync.control]
        self.page.floating_action_button = screen.fab
        self.refresh_sync_state()

    def refresh_sync_state(self) -> None:
        """Indicator and banner from the hub and the store; the current screen is told too."""
        try:
            counts: browse.SyncStatus | None = browse.sync_status(self.ctx.store)
        except USER_ERRORS:
            counts = None
        view = indicator_view(self.ctx.hub.state(), counts, self.ctx.now())
        self.sync.apply(view, compact=self.size_class is SizeClass.COMPACT)
        self.banner.apply(view)
        if self.roots:
            self.current.sync_changed()

    def _sync_tapped(self) -> None:
        view = self.sync.view
        if view is None or view.kind in (IndicatorKind.LOCAL, IndicatorKind.SIGNED_OUT):
            SignInDialog(self.ctx).show()
        else:
            SyncSheet(self.ctx, view).show()
