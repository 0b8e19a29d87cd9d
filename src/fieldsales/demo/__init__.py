"""Realistic, deterministic demo data: a Dutch horeca and facility wholesaler ("Demo
Groothandel BV") with a manager, salespeople and three years of history.

Public API::

    generate(*, seed=1, salespeople=3, customers_per_salesperson=150,
             prospects_per_salesperson=40, years=3, today=None) -> DemoData
    portfolio(*, seed, customers=500, prospects=None, years=3, today=None) -> DemoData
    DemoData.records() / .records_for(user_id) / .summary()
    DEMO_PASSWORD, TENANT_NAME

Same ``(seed, today)``, same records, ids included. ``DEMO_PASSWORD`` is for demo accounts
only; whoever prints it says so.
"""

from fieldsales.demo.data import DEMO_PASSWORD, TENANT_NAME, DemoData
from fieldsales.demo.generate import generate, portfolio

__all__ = ["DEMO_PASSWORD", "TENANT_NAME", "DemoData", "generate", "portfolio"]
