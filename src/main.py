"""The file `flet build` starts (`[tool.flet.app]` in pyproject.toml: module "main" in "src").

flet-cli looks for the entry module as a file at the root of the app directory, so the app's
real entry point (``fieldsales.ui.main.main``) cannot be named there directly; the packaged
runtime runs this file as ``__main__``.
"""

import flet as ft

from fieldsales.ui.main import main

if __name__ == "__main__":
    ft.run(main)
