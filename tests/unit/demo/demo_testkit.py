"""Constants and helpers shared by the demo tests (a unique module name: tests have no
packages, and every directory's ``conftest`` would otherwise compete for one import name)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fieldsales.demo import DemoData

#: A Thursday in May: a working day in the terrace season.
TODAY = date(2026, 5, 14)
SEED = 7


@dataclass(frozen=True)
class Generated:
    data: DemoData
    cpu_seconds: float


def timed(make: Callable[[], DemoData]) -> Generated:
    """CPU time rather than wall time: the bound is about the generator's cost, and a busy CI
    machine must not make it flaky."""
    start = time.process_time()
    data = make()
    return Generated(data=data, cpu_seconds=time.process_time() - start)
