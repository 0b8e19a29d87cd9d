"""Small helpers the KPI modules share."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from fieldsales.domain.facts import SaleLine

Level = Literal["product", "product_group"]


def mean(values: Iterable[Decimal | int], places: int = 2) -> Decimal | None:
    """The average rounded half-up, None for no values (a KPI over nothing has no value)."""
    items = [Decimal(v) for v in values]
    if not items:
        return None
    return (sum(items, Decimal(0)) / len(items)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def line_key(line: SaleLine, level: Level) -> str | None:
    return line.product_id if level == "product" else line.product_group_id


def sort_key(key: str | None) -> tuple[bool, str]:
    """Orders ids with None (e.g. "no product group") last, deterministically."""
    return (key is None, key or "")
