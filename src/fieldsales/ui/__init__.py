"""The Flet 1.0 app: screens over the services (``ui -> services -> domain``).

The UI never imports sqlmodel, sqlalchemy or httpx; it calls ``fieldsales.services`` and shows
their Dutch messages. Entry points: ``fieldsales.ui.main.main`` (for ``ft.run`` and
``flet build``) and ``fieldsales.ui.main.build_app`` (what tests and the CLI use).
"""
