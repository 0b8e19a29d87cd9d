"""The `flet build` settings in pyproject.toml, checked where this machine can check them.

`flet build apk|ipa|linux|...` needs the internet, so it never runs here. What it does with our
settings can still be checked: the Python it bundles comes from `requires-python` (resolved by
flet-cli's own code against python-build's manifest), and on Android and iOS every binary
package must come from Flet's mobile index, which holds one build per package. A pin that the
index lacks makes the phone build fail at its pip step, long after a release was tagged.
"""

from __future__ import annotations

import importlib.metadata
import json
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from build_pins import PYPROJECT, pins, project, pyproject
from flet_cli.utils import python_versions

#: The Pythons `flet build` can bundle (python-build's manifest as serious_python 2026-07-30
#: generated it: flet-dev/serious-python, src/serious_python/lib/src/python_versions.dart).
PYTHONS = {
    "3.12": {"full_version": "3.12.13", "pyodide_version": "0.27.7"},
    "3.13": {"full_version": "3.13.14", "pyodide_version": "0.29.4"},
    "3.14": {"full_version": "3.14.6", "pyodide_version": "314.0.3"},
}

#: What Flet's mobile index (pypi.flet.dev) builds of the binary packages the app needs, from
#: the recipes in flet-dev/mobile-forge (recipes/<name>/meta.yaml, 2026-07-03), for Python
#: 3.12 to 3.14. pydantic pins pydantic-core exactly; 2.14.0a1 is the release that pins 2.47.0.
MOBILE_INDEX = {"orjson": "3.11.9", "pydantic-core": "2.47.0", "zstandard": "0.25.0"}
PYDANTIC_CORE = {"2.14.0a1": "2.47.0", "2.14.4": "2.50.5"}


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    abis = ["arm64-v8a", "x86_64", "armeabi-v7a"]
    data = {
        "default_python_version": "3.14",
        "pythons": {short: {**info, "android_abis": abis} for short, info in PYTHONS.items()},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv(python_versions.MANIFEST_PATH_ENV, str(path))
    python_versions._load_data.cache_clear()
    yield
    python_versions._load_data.cache_clear()


def test_flet_build_bundles_python_3_12(manifest: None) -> None:
    """flet-cli's own resolution of `requires-python`: the highest supported Python it admits.
    3.12 is the one the mobile index builds and tests first; 3.11 is no longer bundled, and a
    range admitting none of them makes every `flet build` stop at once."""

    def get_pyproject(key: str | None) -> Any:
        value: Any = {"project": project()}
        for part in (key or "").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    release = python_versions.resolve_python_version(None, get_pyproject)
    assert release.short == "3.12"


@pytest.mark.parametrize("platform_system", ["Android", "iOS"])
def test_phone_builds_pin_what_the_mobile_index_has(platform_system: str) -> None:
    found = pins(platform_system)
    found["pydantic-core"] = PYDANTIC_CORE[found["pydantic"]]
    for name, version in MOBILE_INDEX.items():
        assert found[name] == version, f"{name} on {platform_system}"


@pytest.mark.parametrize("platform_system", ["Linux", "Windows", "Darwin"])
def test_desktop_builds_pin_what_the_tests_run_on(platform_system: str) -> None:
    """Desktop builds get their wheels from PyPI: the same versions this environment tests."""
    for name, version in pins(platform_system).items():
        assert importlib.metadata.version(name) == version, name


def _flet_settings() -> dict[str, Any]:
    data: dict[str, Any] = pyproject()["tool"]["flet"]
    return data


def test_the_entry_module_is_a_file_where_flet_build_looks() -> None:
    """flet-cli 1.0.5 (build_base.py) takes ``Path(module).stem`` and wants that ``.py`` file at
    the root of ``app.path``: a dotted name such as "fieldsales.ui.main" becomes
    "fieldsales.ui.py" and the build stops."""
    app = _flet_settings()["app"]
    stem = Path(app["module"]).stem
    assert (PYPROJECT.parent / app["path"] / f"{stem}.py").is_file()


def test_the_entry_file_starts_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged runtime runs the entry module as ``__main__``; it must hand Flet the app's
    own ``main`` (and only when run, not when imported)."""
    import flet as ft

    from fieldsales.ui.main import main

    started: list[Any] = []
    monkeypatch.setattr(ft, "run", lambda target, **kw: started.append(target))
    app = _flet_settings()["app"]
    entry = PYPROJECT.parent / app["path"] / f"{Path(app['module']).stem}.py"
    runpy.run_path(str(entry), run_name="not_main")
    assert started == []
    runpy.run_path(str(entry), run_name="__main__")
    assert started == [main]


def test_every_build_setting_is_one_flet_build_reads() -> None:
    """A misspelt or invented key under ``[tool.flet]`` is silently ignored by `flet build`
    (an earlier ``min_sdk_version`` was): each key must be one flet-cli reads, by its full
    dotted name or, for the settings a platform may override, by its name under ``tool.flet``."""
    import flet_cli.commands.build_base as build_base

    source = Path(build_base.__file__).read_text(encoding="utf-8")

    def unread(table: dict[str, Any], prefix: str) -> Iterator[str]:
        for key, value in table.items():
            name = f"{prefix}.{key}" if prefix else key
            if f'"tool.flet.{name}"' in source or ("." in name and f'"{name}"' in source):
                continue  # read whole: a table such as android.permission is the setting
            if isinstance(value, dict):
                yield from unread(value, name)
            else:
                yield name

    assert list(unread(_flet_settings(), "")) == []


def test_every_flet_extension_ships_its_flutter_package_at_flets_version() -> None:
    """`flet build` adds an extension's Dart side from the ``flutter/<name>`` folder in the
    extension's wheel (serious_python's package step); a wheel without one builds an app in
    which the service never answers. Extensions move in step with Flet itself."""
    desktop = pins("Linux")
    extensions = sorted(name for name in desktop if name.startswith("flet-") and name != "flet")
    assert {"flet-audio", "flet-audio-recorder"} <= set(extensions)
    for name in extensions:
        assert desktop[name] == desktop["flet"], name
        package = name.replace("-", "_")
        shipped = {str(f) for f in importlib.metadata.files(name) or []}
        assert f"flutter/{package}/pubspec.yaml" in shipped, name
        assert f"flutter/{package}/lib/{package}.dart" in shipped, name
