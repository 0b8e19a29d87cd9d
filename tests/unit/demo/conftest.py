"""The demo data sets shared by the demo tests: generated once per session, with their CPU time.

CPU time rather than wall time: the bound is about the generator's cost, and a busy CI machine
must not make it flaky.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import pytest

from fieldsales.demo import DemoData, generate, portfolio

#: A Thursday in May: a working day in the terrace season.
TODAY = date(2026, 5, 14)
SEED = 7


@dataclass(frozen=True)
class Generated:
    data: DemoData
    cpu_seconds: float


def _timed(make: object) -> Generated:
    assert callable(make)
    start = time.process_time()
    data = make()
    return Generated(data=data, cpu_seconds=time.process_time() - start)


@pytest.fixture(scope="session")
def demo_run() -> Generated:
    return _timed(lambda: generate(seed=SEED, today=TODAY))


@pytest.fixture(scope="session")
def demo(demo_run: Generated) -> DemoData:
    return demo_run.data


@pytest.fixture(scope="session")
def portfolio_run() -> Generated:
    return _timed(lambda: portfolio(seed=SEED, today=TODAY))
