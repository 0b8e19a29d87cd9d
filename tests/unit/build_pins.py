"""The app's dependency pins as pip evaluates them on one platform (pyproject.toml's markers).

    python tests/unit/build_pins.py Android   # name==version lines, for `make test-phone-pins`

Used by test_build_settings.py, and by `make test-phone-pins`, which runs the app's tests with
the versions a phone build installs (the markers pick them on Android and iOS only).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def pyproject() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return data


def project() -> dict[str, Any]:
    data: dict[str, Any] = pyproject()["project"]
    return data


def pins(platform_system: str, python: str = "3.12") -> dict[str, str]:
    """name -> pinned version of the app's dependencies on ``platform_system``."""
    environment = {"platform_system": platform_system, "python_version": python}
    found: dict[str, str] = {}
    for line in project()["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        (spec,) = requirement.specifier  # every dependency is pinned exactly
        if spec.operator != "==":
            raise ValueError(f"not pinned exactly: {line}")
        if requirement.name in found:
            raise ValueError(f"two pins of {requirement.name} on {platform_system}")
        found[requirement.name] = spec.version
    return found


if __name__ == "__main__":
    for name, version in pins(sys.argv[1] if len(sys.argv) > 1 else "Android").items():
        print(f"{name}=={version}")
