"""The domain package holds pure rules: no database, network, UI or outer-layer imports."""

import ast
from pathlib import Path

import fieldsales.domain

FORBIDDEN_ROOTS = {"sqlmodel", "sqlalchemy", "httpx", "flet", "fastapi"}
DOMAIN_DIR = Path(fieldsales.domain.__file__).parent


def _allowed(name: str) -> bool:
    root = name.split(".")[0]
    if root in FORBIDDEN_ROOTS:
        return False
    return (
        root != "fieldsales" or name == "fieldsales.domain" or name.startswith("fieldsales.domain.")
    )


def _violations(source: str, module: str) -> list[str]:
    """Imports in ``source`` (module ``module``, dotted) that the domain may not make."""
    tree = ast.parse(source)
    package = module.rsplit(".", 1)[0]
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this module's package
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        found += [f"{module}: imports {name}" for name in names if not _allowed(name)]
    return found


def _module_name(path: Path) -> str:
    rel = path.relative_to(DOMAIN_DIR.parent.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = [*parts[:-1], "__init__"]
    return ".".join(parts)


def test_domain_modules_import_nothing_impure() -> None:
    files = sorted(DOMAIN_DIR.rglob("*.py"))
    assert len(files) > 5
    problems: list[str] = []
    for path in files:
        problems += _violations(path.read_text(encoding="utf-8"), _module_name(path))
    assert problems == []


def test_the_checker_catches_violations() -> None:
    bad = (
        "import sqlmodel\n"
        "from sqlalchemy.orm import Session\n"
        "import httpx as h\n"
        "def f():\n    import flet\n"
        "from fastapi import FastAPI\n"
        "from fieldsales.records import Customer\n"
        "from fieldsales import store\n"
        "from ..services import x\n"
    )
    found = _violations(bad, "fieldsales.domain.example")
    assert len(found) == 8
    good = (
        "from decimal import Decimal\nfrom fieldsales.domain.enums import Role\n"
        "from . import money\nfrom .money import CENT\nimport stdnum.nl.postcode\n"
    )
    assert _violations(good, "fieldsales.domain.example") == []
