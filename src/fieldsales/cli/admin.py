"""``fieldsales-admin``: the administrator's commands.

Accounts, teams and imports talk to the server's database (``FIELDSALES_DATABASE_URL``, see
``fieldsales-server``); ``demo-data`` fills both the server and a device store with the demo team.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from fieldsales.cli import demo_data


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldsales-admin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo_data.register(sub)
    try:
        from fieldsales.server import admin_commands
    except ImportError as exc:  # the server extra is not installed on this machine
        missing = str(exc)

        def explain(_: argparse.Namespace) -> int:
            print(
                "fieldsales-admin: the server commands need the server extra "
                f"(pip install 'fieldsales[server]'): {missing}",
                file=sys.stderr,
            )
            return 2

        for name in ("create-tenant", "create-team", "create-user"):
            sub.add_parser(name, help="(needs the server extra)").set_defaults(func=explain)
    else:
        admin_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
