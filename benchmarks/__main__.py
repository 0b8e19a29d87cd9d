"""``python -m benchmarks [NAME ...] [--quick]``: run benchmarks, print and save their results."""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS = ("foundation", "server_sync", "sync_client")
#: Run only when named: it installs Kinto into a venv of its own (``.venv-kinto``) and takes
#: minutes to load it; its figure is the yardstick of ``sync_client``'s initial-sync target.
ON_REQUEST = ("kinto_reference",)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "names",
        nargs="*",
        help=f"any of {', '.join(BENCHMARKS + ON_REQUEST)} (default: {', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS) - set(ON_REQUEST))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.{name}")
        result = module.run(quick=args.quick)
        json_path, md_path = result.write()
        print(md_path.read_text())
        print(f"(written to {json_path} and {md_path})\n")


if __name__ == "__main__":
    main()
