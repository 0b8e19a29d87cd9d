"""The demo data sets shared by the demo tests: generated once per session, with their CPU time."""

from __future__ import annotations

import pytest
from demo_testkit import SEED, TODAY, Generated, timed

from fieldsales.demo import DemoData, generate, portfolio


@pytest.fixture(scope="session")
def demo_run() -> Generated:
    return timed(lambda: generate(seed=SEED, today=TODAY))


@pytest.fixture(scope="session")
def demo(demo_run: Generated) -> DemoData:
    return demo_run.data


@pytest.fixture(scope="session")
def portfolio_run() -> Generated:
    return timed(lambda: portfolio(seed=SEED, today=TODAY))
