"""Decisions the server takes itself: a manager's approval or rejection of an account plan.

A device never pushes a plan's decision: the server refuses a push that changes a plan's status
to approved or rejected, because the decision must be taken on the submitted version the server
holds, by a manager of the author's team. So the manager's app asks the server
(``POST /plans/{id}/approve|reject``) and writes the decided plan the server returns into the
store as if it had been pulled: the screen shows the decision at once, and the next pull brings
the same version again (applied idempotently) with the decided version record.
"""

from __future__ import annotations

from fieldsales.store import Store
from fieldsales.store.sync_apply import apply_pulled
from fieldsales.sync.client import SyncClient


def decide_plan_on_server(
    client: SyncClient, store: Store, *, plan_id: str, approve: bool, comment: str
) -> None:
    record = client.decide_plan(plan_id, approve=approve, comment=comment)
    with store.unit_of_work(applying_sync=True) as uow:
        apply_pulled(uow, [record])
        uow.commit()
