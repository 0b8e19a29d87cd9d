"""The ``fieldsales`` command: the app, and room for more sub-commands (``fieldsales sync``).

fieldsales                                  the app (desktop window, or browser with --web)
fieldsales app [--server URL] [--data-dir DIR] [--user USERNAME] [--web] [--port N] [--host H]
fieldsales sync --server URL --username NAME [--data-dir DIR]   (password: FIELDSALES_PASSWORD)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldsales.ui.main import AppConfig

#: The folder a web build's uploads land in (``ft.run(upload_dir=...)``), named as Flet names it.
UPLOAD_DIR_ENV = "FLET_UPLOAD_DIR"

#: Sub-commands register here: name -> (configure parser, run). ``app`` is the default.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _configure_app(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="map met de gegevens van de app (standaard: de gegevensmap van het platform)",
    )
    parser.add_argument("--user", default=None, help="gebruikersnaam van wie de app gebruikt")
    parser.add_argument(
        "--server",
        default=None,
        metavar="URL",
        help="adres van de server om mee te synchroniseren (of FIELDSALES_SERVER_URL); de app "
        "onthoudt het, dus de volgende keer is het niet meer nodig",
    )
    parser.add_argument(
        "--web", action="store_true", help="als webapp in de browser in plaats van een venster"
    )
    parser.add_argument("--port", type=int, default=8550, help="poort voor --web (standaard 8550)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="adres voor --web (standaard alleen deze computer)"
    )


def app_config(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> AppConfig:
    """The app's configuration: the command line wins over the environment
    (``FIELDSALES_DATA_DIR``, ``FIELDSALES_USER``, ``FIELDSALES_SERVER_URL``)."""
    from fieldsales.ui.main import AppConfig

    env = AppConfig.from_env(environ)
    return replace(
        env,
        data_dir=args.data_dir or env.data_dir,
        username=args.user or env.username,
        server_url=args.server or env.server_url,
    )


@contextmanager
def web_upload_dir() -> Iterator[str]:
    """Where a browser uploads picked attachments first; the app copies them into the store
    and removes them (ui/views/attachments.py). ``FLET_UPLOAD_DIR`` when set (the operator's
    folder, left as it is); else a private temporary folder, removed when the app stops, with
    anything a browser uploaded that the app never took, so no start leaves a folder behind."""
    given = os.environ.get(UPLOAD_DIR_ENV)
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="fieldsales-uploads-") as made:
        os.environ[UPLOAD_DIR_ENV] = made  # read by the attachment view
        try:
            yield made
        finally:
            os.environ.pop(UPLOAD_DIR_ENV, None)


def run_app(args: argparse.Namespace) -> int:
    import flet as ft

    from fieldsales.ui.main import make_main

    main = make_main(app_config(args))
    if args.web or os.environ.get("FLET_FORCE_WEB_SERVER"):
        import secrets

        os.environ.setdefault("FLET_SECRET_KEY", secrets.token_urlsafe(32))  # signed upload URLs
        with web_upload_dir() as upload_dir:
            ft.run(
                main,
                view=ft.AppView.WEB_BROWSER,
                host=args.host,
                port=args.port,
                no_cdn=True,  # the app works offline, so its web build must not need a CDN either
                upload_dir=upload_dir,
            )
    else:
        ft.run(main)
    return 0


def _configure_sync(parser: argparse.ArgumentParser) -> None:
    from fieldsales.cli import sync_command

    sync_command.configure(parser)


def run_sync(args: argparse.Namespace) -> int:
    from fieldsales.cli import sync_command

    return sync_command.run(args)


COMMANDS: dict[str, Command] = {
    "app": (_configure_app, run_app),
    "sync": (_configure_sync, run_sync),
}
HELP = {"app": "de app starten", "sync": "synchroniseren met de server (zonder scherm)"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldsales", description="fieldsales: de app voor de buitendienst"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (configure, _run) in COMMANDS.items():
        configure(sub.add_parser(name, help=HELP.get(name)))
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Without a sub-command (``fieldsales``, ``fieldsales --web``) the app starts."""
    args = list(argv)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help")):
        args.insert(0, "app")
    return build_parser().parse_args(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    _configure, run = COMMANDS[args.command]
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
