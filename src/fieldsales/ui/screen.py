"""The contract between the shell and a screen."""

from __future__ import annotations

from enum import Enum

import flet as ft

from fieldsales.ui.context import AppContext
from fieldsales.ui.theme import COMPACT_MAX, EXPANDED_MIN


class SizeClass(Enum):
    """Material's window size classes: they decide navigation and list/detail layout."""

    COMPACT = "compact"  # < 600 px: phone, bottom navigation bar
    MEDIUM = "medium"  # 600-839 px: navigation rail, one pane
    EXPANDED = "expanded"  # >= 840 px: navigation rail, list and detail side by side

    @classmethod
    def for_width(cls, width: float | None) -> SizeClass:
        if width is None or width < COMPACT_MAX:
            return cls.COMPACT
        return cls.MEDIUM if width < EXPANDED_MIN else cls.EXPANDED


class Screen:
    """One screen: a title, a body built once, an optional floating action button.

    The shell shows ``body``; it calls ``refresh`` when the screen comes (back) into view, so
    what other screens changed is shown, and ``set_size_class`` when the window crosses a size
    class boundary.
    """

    title: str = ""
    #: Reload when a background sync brought new data while the screen is shown. Off for
    #: forms, where a reload would throw away what the user is typing.
    refresh_on_sync: bool = False

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.size_class = SizeClass.COMPACT
        self.fab: ft.FloatingActionButton | None = None
        self.actions: list[ft.Control] = []

    @property
    def body(self) -> ft.Control:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the screen shows from the store."""

    def set_size_class(self, size_class: SizeClass) -> None:
        self.size_class = size_class

    def leave(self) -> None:
        """The screen goes out of view: another opened over it, back, or another main screen.
        For work that must not be left running unseen (a voice memo being recorded)."""

    def sync_changed(self) -> None:
        """The sync state changed while the screen is shown (the Meer screen shows it)."""
