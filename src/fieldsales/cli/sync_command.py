"""``fieldsales sync``: the day-end sync from a terminal, for laptops and scripts.

    fieldsales sync --server URL --username NAME [--data-dir DIR] [--full] [--json]

The password comes from ``FIELDSALES_PASSWORD`` or, at a terminal, a prompt. Progress goes to
stderr (a bar at a terminal, a line per step otherwise), the summary to stdout.

Exit codes: 0 synced and nothing needs attention; 3 synced, but there are conflict copies,
refused changes or follow-ups due (the summary lists them); 1 the sync failed (the message
says why; nothing that was saved is lost); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from fieldsales.store import open_store
from fieldsales.store.core import resolve_path
from fieldsales.store.errors import StoreError
from fieldsales.sync.background import DAY_END_OPTIONS
from fieldsales.sync.client import SyncClient, make_http_client
from fieldsales.sync.engine import SyncEngine
from fieldsales.sync.errors import SyncError
from fieldsales.sync.summary import Phase, Progress, SyncSummary

PASSWORD_ENV = "FIELDSALES_PASSWORD"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_ATTENTION = 3

HELP = "synchroniseer de gegevens op deze computer met de server"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the command's arguments to ``parser`` (for ``cli.app``'s command table)."""
    parser.add_argument("--server", required=True, help="adres van de server, bv. https://...")
    parser.add_argument("--username", required=True, help="uw gebruikersnaam")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="map met de gegevens van de app (standaard: FIELDSALES_DATA_DIR of de gegevensmap "
        "van het platform)",
    )
    parser.add_argument(
        "--full", action="store_true", help="alles opnieuw ophalen (een volledige synchronisatie)"
    )
    parser.add_argument(
        "--json", action="store_true", help="de samenvatting als JSON (voor scripts)"
    )
    parser.add_argument("--quiet", action="store_true", help="geen voortgang tonen")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DAY_END_OPTIONS.stall_timeout,
        metavar="SECONDEN",
        help="opgeven als er zo lang geen voortgang is (standaard "
        f"{DAY_END_OPTIONS.stall_timeout:.0f}; een trage verbinding die doorloopt mag langer)",
    )


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``sync`` to an ``add_subparsers()`` object; sets ``func=run`` on its namespace."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sync",
        help=HELP,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    configure(parser)
    parser.set_defaults(func=run)
    return parser


# --- progress ------------------------------------------------------------------------------------


class ProgressPrinter:
    """A bar at a terminal; at a pipe, one line per phase (logs stay readable)."""

    WIDTH = 24

    def __init__(self, stream: TextIO, *, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.last_phase: Phase | None = None
        self.last_draw = 0.0
        self.last_problem = 0.0
        self.spin = 0

    def __call__(self, step: Progress) -> None:
        if self.quiet:
            return
        if step.problem is not None:
            now = time.monotonic()
            if now - self.last_problem >= 5 or not self.tty:
                self.last_problem = now
                wait = f" Nieuwe poging over {step.retry_in:.0f} s." if step.retry_in else ""
                prefix = "\n" if self.tty else ""
                self.stream.write(f"{prefix}{step.problem}{wait}\n")
                self.stream.flush()
            return
        if not self.tty:
            if step.phase is not self.last_phase and step.phase is not Phase.DONE:
                self.stream.write(f"{step.label}...\n")
                self.stream.flush()
            self.last_phase = step.phase
            return
        now = time.monotonic()
        if step.phase is self.last_phase and now - self.last_draw < 0.1:
            return  # at most ten redraws a second
        self.last_draw = now
        self.last_phase = step.phase
        self.stream.write("\r" + self.line(step).ljust(72))
        if step.phase is Phase.DONE:
            self.stream.write("\n")
        self.stream.flush()

    def line(self, step: Progress) -> str:
        if step.phase is Phase.PUSH and step.up_total:
            filled = round(self.WIDTH * step.up_done / step.up_total)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            return f"{step.label:<11} [{bar}] {step.up_done:,}/{step.up_total:,} wijzigingen"
        fraction = step.down_fraction
        if step.phase in (Phase.PULL, Phase.REPAIR) and fraction is not None:
            # The server said how many records follow the first page: a real bar.
            filled = round(self.WIDTH * fraction)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            extra = " (alles opnieuw)" if step.reset else ""
            total = step.down_total or 0
            return f"{step.label:<11} [{bar}] {step.down_received:,}/{total:,} records{extra}"
        if step.phase in (Phase.PULL, Phase.REPAIR):
            # Until the first page (or from a server that does not say how many records are
            # coming): a moving marker, and counts.
            self.spin = (self.spin + 1) % self.WIDTH
            bar = "-" * self.spin + "#" + "-" * (self.WIDTH - self.spin - 1)
            extra = " (alles opnieuw)" if step.reset else ""
            return f"{step.label:<11} [{bar}] {step.down_done:,} records{extra}"
        if step.phase is Phase.ATTACHMENTS and step.files_total:
            filled = round(self.WIDTH * (step.files_fraction or 0.0))
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            return f"{step.label:<11} [{bar}] {step.files_done}/{step.files_total} bestanden"
        if step.phase is Phase.DONE:
            return f"Klaar: {step.up_done:,} verstuurd, {step.down_done:,} opgehaald"
        return f"{step.label}..."


# --- the summary ---------------------------------------------------------------------------------


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}".replace(",", ".")


def format_summary(summary: SyncSummary, *, server: str) -> str:
    seconds = f"{summary.duration_s:.1f}".replace(".", ",")
    lines = [f"Gesynchroniseerd met {server} in {seconds} s."]
    up = [
        _n(summary.applied, "verwerkt", "verwerkt"),
        _n(summary.merged, "samengevoegd", "samengevoegd"),
        _n(summary.conflicted, "met conflict", "met conflict"),
        _n(summary.rejected, "geweigerd", "geweigerd"),
    ]
    if summary.duplicates:
        up.append(_n(summary.duplicates, "al eerder ontvangen", "al eerder ontvangen"))
    lines.append(f"Verstuurd: {_n(summary.pushed, 'wijziging', 'wijzigingen')} ({', '.join(up)}).")
    down = f"Opgehaald: {_n(summary.pulled, 'record', 'records')}"
    if summary.deleted:
        down += f", {_n(summary.deleted, 'verwijdering', 'verwijderingen')}"
    lines.append(down + ".")
    if summary.reset:
        reasons = {
            "epoch": "de server is teruggezet uit een back-up",
            "horizon": "dit apparaat was te lang niet gesynchroniseerd",
            "upgrade": "de app is bijgewerkt",
            "full": "er is om een volledige synchronisatie gevraagd",
        }
        lines.append(f"Alles is opnieuw opgehaald: {reasons.get(summary.reset, summary.reset)}.")
        if summary.requeued:
            lines.append(
                f"{_n(summary.requeued, 'record', 'records')} die de server kwijt was, "
                "opnieuw verstuurd."
            )
    if summary.new_client_id:
        lines.append(
            "Deze gegevens bleken een kopie (teruggezette back-up); het apparaat heeft een "
            "nieuwe identiteit gekregen. Er is niets verloren."
        )
    if summary.pending:
        lines.append(
            f"Nog te versturen: {_n(summary.pending, 'wijziging', 'wijzigingen')} "
            "(tijdens het synchroniseren gemaakt)."
        )
    if summary.attachments is not None:
        lines.extend(summary.attachments.lines())
    if summary.needs_attention:
        lines.append("")
        lines.append("Aandacht nodig:")
        if summary.open_issues:
            issues = _n(summary.open_issues, "openstaand punt", "openstaande punten")
            lines.append(
                f"- {issues} van de synchronisatie (conflicten en geweigerde wijzigingen; "
                "bekijk ze in de app):"
            )
            for issue in [*summary.new_conflicts, *summary.new_rejections][:10]:
                what = f"{issue.collection} {issue.record_id}"
                if issue.field:
                    what += f", veld '{issue.field}'"
                lines.append(f"    {what}: {issue.message}")
        if summary.follow_ups_due:
            lines.append(
                f"- {_n(len(summary.follow_ups_due), 'vervolgactie', 'vervolgacties')} "
                "vandaag of eerder:"
            )
            for follow_up in summary.follow_ups_due[:10]:
                lines.append(
                    f"    {follow_up.due_on:%d-%m-%Y} {follow_up.customer_name}: "
                    f"{follow_up.description}"
                )
    else:
        lines.append("Alles is bijgewerkt; er is niets dat aandacht nodig heeft.")
    return "\n".join(lines)


# --- running -------------------------------------------------------------------------------------


def _password(stderr: TextIO) -> str | None:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Wachtwoord (of zet {PASSWORD_ENV}): ", stream=stderr)


def run(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the sync the arguments describe; returns the exit code (see the module docstring)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    server = str(args.server).rstrip("/")
    if not server.startswith(("http://", "https://")):
        err.write("fieldsales sync: het serveradres begint met http:// of https://\n")
        return EXIT_USAGE
    password = _password(err)
    if not password:
        err.write(
            f"fieldsales sync: geen wachtwoord. Zet {PASSWORD_ENV} of start vanaf een terminal.\n"
        )
        return EXIT_USAGE
    data_dir: Path | None = args.data_dir
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        store = open_store(resolve_path(data_dir))
    except StoreError as exc:
        err.write(f"fieldsales sync: {exc.message} ({exc.code})\n")
        return EXIT_FAILED
    try:
        with make_http_client(server, stall_seconds=max(1.0, min(args.timeout, 60.0))) as http:
            client = SyncClient(http, username=args.username, password=password)
            options = replace(DAY_END_OPTIONS, stall_timeout=max(1.0, args.timeout))
            engine = SyncEngine(store, client, options=options)
            printer = ProgressPrinter(err, quiet=args.quiet or args.json)
            try:
                summary = engine.run(progress=printer, full=args.full)
            except SyncError as exc:
                if printer.tty and not printer.quiet:
                    err.write("\n")
                err.write(f"fieldsales sync: {exc.message} ({exc.code})\n")
                return EXIT_FAILED
            except StoreError as exc:
                err.write(f"fieldsales sync: {exc.message} ({exc.code})\n")
                return EXIT_FAILED
    finally:
        store.close()
    if args.json:
        out.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_summary(summary, server=server) + "\n")
    return EXIT_ATTENTION if summary.needs_attention else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fieldsales sync", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
