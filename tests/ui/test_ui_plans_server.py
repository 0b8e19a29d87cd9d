"""A manager's decision on an account plan is taken by the real server (over loopback), not
pushed: the device shows it at once, the next sync brings no refusal, and without a connection
the decision is not taken at all (and says so) rather than waiting in an outbox to be refused."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flet_harness import FletHarness
from sync_server import PASSWORD, USERNAME, DemoServer, Transport, fill_device, quick_hub

from fieldsales.domain.enums import GoalKind, PlanStatus
from fieldsales.records import AccountPlan
from fieldsales.services import browse, plans
from fieldsales.store import Store, open_store
from fieldsales.ui.main import start
from fieldsales.ui.sync_hub import SyncHub
from fieldsales.ui.views.plan_review import OFFLINE

PLANS_TAB = 3


@pytest.fixture
def manager_device(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "manager") as store:
        yield store


async def submitted_by_salesperson(
    demo_server: DemoServer, tmp_path: Path, hubs: list[SyncHub], customer_index: int
) -> str:
    """verkoper1 writes next year's plan for one of their customers and submits it; their
    device's sync takes it to the server. Returns the plan's id."""
    fill_device(demo_server, tmp_path / "verkoper1")
    with open_store(tmp_path / "verkoper1") as store:
        hub = quick_hub(store, demo_server.url, debounce=30.0)
        hubs.append(hub)
        await asyncio.to_thread(hub.sign_in, USERNAME, PASSWORD)
        actor = browse.actor_for(demo_server.user)
        customer = browse.customer_page(store, actor=actor).customers[customer_index]
        plan = plans.create_plan(
            store, actor=actor, customer_id=customer.id, year=date.today().year + 1
        )
        plans.add_goal(
            store, actor=actor, plan_id=plan.id, kind=GoalKind.VISITS, target_value=Decimal(6)
        )
        plans.submit_plan(store, actor=actor, plan_id=plan.id)
        summary = await asyncio.to_thread(hub.foreground_sync)
        assert summary.new_rejections == []
        hub.close()
    return plan.id


def plan_in(store: Store, plan_id: str) -> AccountPlan:
    with store.read() as session:
        plan = session.get(AccountPlan, plan_id)
    assert plan is not None
    return plan


async def manager_app(
    store: Store, demo_server: DemoServer, hubs: list[SyncHub], transport: Transport
) -> tuple[FletHarness, SyncHub]:
    hub = quick_hub(store, demo_server.url, transport=transport, debounce=30.0)
    hubs.append(hub)
    await asyncio.to_thread(hub.sign_in, "manager", PASSWORD)
    await asyncio.to_thread(hub.foreground_sync)
    h = await FletHarness(width=1024).start(
        lambda page: start(page, store, username="manager", hub=hub)
    )
    await h.navigate(h.get(key="nav-rail"), PLANS_TAB)
    return h, hub


async def test_a_managers_rejection_is_taken_by_the_server_and_syncs_without_refusal(
    manager_device: Store, demo_server: DemoServer, hubs: list[SyncHub], tmp_path: Path
) -> None:
    plan_id = await submitted_by_salesperson(demo_server, tmp_path, hubs, 0)
    h, hub = await manager_app(manager_device, demo_server, hubs, Transport())
    plan = plan_in(manager_device, plan_id)
    # The sign-in told the device its organisation (a quote's letterhead names it).
    assert browse.organisation(manager_device) == "Demo Groothandel BV"
    assert plan.status is PlanStatus.SUBMITTED
    await h.click(h.get(key=f"plan-{plan.id}"))
    await h.click(h.get(key="plan-reject"))
    await h.enter_text(h.get(key="decision-comment"), "Meer doelen per productgroep, graag.")
    await h.click(h.get(key="decision-save"))
    await h.wait_until(
        lambda: plan_in(manager_device, plan.id).status is PlanStatus.REJECTED,
        what="the server's decision on the device",
    )
    decided = plan_in(manager_device, plan.id)
    assert decided.manager_comment == "Meer doelen per productgroep, graag."
    assert h.crashes() == []
    # Nothing about the plan waits to be pushed, and a full sync brings no refusal.
    assert browse.pending_by_collection(manager_device).get("account_plans", 0) == 0
    summary = await asyncio.to_thread(hub.foreground_sync)
    assert summary.new_rejections == []
    assert plan_in(manager_device, plan.id).status is PlanStatus.REJECTED


async def test_without_a_connection_a_decision_is_not_taken_and_says_why(
    manager_device: Store, demo_server: DemoServer, hubs: list[SyncHub], tmp_path: Path
) -> None:
    plan_id = await submitted_by_salesperson(demo_server, tmp_path, hubs, 1)
    transport = Transport()
    h, _hub = await manager_app(manager_device, demo_server, hubs, transport)
    plan = plan_in(manager_device, plan_id)
    await h.click(h.get(key=f"plan-{plan.id}"))
    transport.down = True
    await h.click(h.get(key="plan-approve"))
    await h.click(h.get(key="decision-save"))
    await h.wait_until(lambda: OFFLINE in h.snack_texts(), what="the offline message")
    assert plan_in(manager_device, plan.id).status is PlanStatus.SUBMITTED
    assert browse.pending_by_collection(manager_device).get("account_plans", 0) == 0
    assert h.crashes() == []
