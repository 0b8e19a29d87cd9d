"""The server stands apart from the device: it never imports the store, services or UI."""

from __future__ import annotations

import subprocess
import sys


def test_server_does_not_import_device_packages() -> None:
    code = (
        "import sys, pkgutil, importlib, fieldsales.server as s\n"
        "for m in pkgutil.walk_packages(s.__path__, 'fieldsales.server.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in"
        " (['fieldsales','store'], ['fieldsales','services'], ['fieldsales','ui'])]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
