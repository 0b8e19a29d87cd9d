"""``make run``: the demo on this machine, with nothing to set up by hand.

Seeds (once a day) a server database and a salesperson's device store under ``.demo/DATE/``,
then starts the central server on http://127.0.0.1:8000 and the app as a web app on
http://127.0.0.1:8550, told to sync with that server (``--server``). The app opens on the
device's data at once; its sync indicator says "Niet ingelogd" until the user signs in with the
demo account (password ``demo``, for the demo only), after which it syncs in the background.
Ctrl-C stops both. Delete ``.demo/`` to start over.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from fieldsales.cli import admin
from fieldsales.demo import DEMO_PASSWORD


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def server_command(port: int) -> list[str]:
    return _python(
        "from fieldsales.server.cli import main; raise SystemExit(main())",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    )


def app_command(*, app_port: int, device_dir: Path, user: str, server_url: str) -> list[str]:
    """The web app on the demo device, syncing with the demo server."""
    return _python(
        "from fieldsales.cli.app import main; raise SystemExit(main())",
        "app",
        "--web",
        "--port",
        str(app_port),
        "--data-dir",
        str(device_dir),
        "--user",
        user,
        "--server",
        server_url,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__)
    parser.add_argument("--dir", type=Path, default=Path(".demo"), help="where the demo lives")
    parser.add_argument("--user", default="verkoper1", help="whose app to open")
    parser.add_argument("--server-port", type=int, default=8000)
    parser.add_argument("--app-port", type=int, default=8550)
    args = parser.parse_args(argv)

    # The demo's history is anchored on the day it is made (today's visits in the day view), so
    # each day gets its own demo; earlier days stay as they were.
    root = (args.dir / date.today().isoformat()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{root / 'server.sqlite3'}"
    device_dir = root / args.user
    if not (device_dir / "fieldsales.sqlite3").exists():
        print("Demodata aanmaken (eenmalig)...", flush=True)
        code = admin.main(
            [
                "demo-data",
                "--database-url",
                database_url,
                "--data-dir",
                str(device_dir),
                "--user",
                args.user,
            ]
        )
        if code:
            return code

    server_url = f"http://127.0.0.1:{args.server_port}"
    env = {**os.environ, "FIELDSALES_DATABASE_URL": database_url, "FIELDSALES_ENV": "development"}
    env.pop("DISPLAY", None)  # the app runs as a web app here; a desktop window needs a download
    processes = [
        subprocess.Popen(server_command(args.server_port), env=env, start_new_session=True),
        subprocess.Popen(
            app_command(
                app_port=args.app_port,
                device_dir=device_dir,
                user=args.user,
                server_url=server_url,
            ),
            env={**env, "FLET_FORCE_WEB_SERVER": "1", "FLET_WEB_NO_CDN": "1"},
            start_new_session=True,
        ),
    ]
    print(
        f"\nServer:  {server_url}/docs\n"
        f"App:     http://127.0.0.1:{args.app_port}/  (als {args.user}, synchroniseert met de "
        "server)\n"
        f"Inloggen: tik in de app op 'Niet ingelogd' en log in als {args.user} met wachtwoord "
        f"'{DEMO_PASSWORD}' (alleen voor de demo; ook manager en verkoper1..3).\n"
        "Stoppen: Ctrl-C\n",
        flush=True,
    )
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
    return failed[0] if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
