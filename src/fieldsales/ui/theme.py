"""One Material 3 theme from one seed colour, light and dark: no hand-made styles elsewhere."""

from __future__ import annotations

import flet as ft

#: The brand's seed colour; Material derives every other colour of both schemes from it.
SEED_COLOR = "#1E5A8C"

#: Material's minimum touch target. Buttons on the road are bigger still (``BIG_TARGET``).
TOUCH_TARGET = 48
BIG_TARGET = 64

#: Window size classes as Material defines them (width in logical pixels).
COMPACT_MAX = 600
EXPANDED_MIN = 840


def light_theme() -> ft.Theme:
    return ft.Theme(color_scheme_seed=SEED_COLOR, use_material3=True)


def dark_theme() -> ft.Theme:
    return ft.Theme(color_scheme_seed=SEED_COLOR, use_material3=True)


def apply(page: ft.Page, mode: ft.ThemeMode = ft.ThemeMode.SYSTEM) -> None:
    page.theme = light_theme()
    page.dark_theme = dark_theme()
    page.theme_mode = mode
