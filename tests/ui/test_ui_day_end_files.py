"""The day-end dialog shows the attachment phase move: one row "Bijlagen: 1 van 2 bestanden"
while the second photo is still on the line (in process: the real app, hub and server)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from flet_harness import FletHarness
from sqlalchemy import select
from sync_server import PASSWORD, USERNAME, DemoServer, Transport, fill_device, quick_hub

from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Customer
from fieldsales.services import attachments
from fieldsales.store import Store, open_store
from fieldsales.ui.main import start
from fieldsales.ui.sync_hub import SyncHub


@dataclass
class HoldSecondUpload(Transport):
    """Holds the upload of the second file until released (the first goes through)."""

    files_seen: set[str] = field(default_factory=set)
    upload_held: threading.Event = field(default_factory=threading.Event)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "PUT" and path.startswith("/attachments/"):
            self.files_seen.add(path.split("/")[2])
            if len(self.files_seen) == 2:
                self.upload_held.set()
                self.released.wait(10)
        return super().handle_request(request)


@pytest.fixture
def device(tmp_path: Path, demo_server: DemoServer) -> Iterator[Store]:
    fill_device(demo_server, tmp_path / "device")
    with open_store(tmp_path / "device") as store:
        yield store


async def test_day_end_shows_the_files_moving(
    device: Store, demo_server: DemoServer, hubs: list[SyncHub]
) -> None:
    transport = HoldSecondUpload()
    hub = quick_hub(device, demo_server.url, transport=transport, debounce=30.0)
    hubs.append(hub)
    await asyncio.to_thread(hub.sign_in, USERNAME, PASSWORD)
    await asyncio.to_thread(hub.foreground_sync)
    h = await FletHarness(width=412).start(
        lambda page: start(page, device, username=USERNAME, hub=hub)
    )
    # The app's own first sync is done before the photos are taken: the day end moves them.
    await h.wait_until(
        lambda: str(h.get(key="sync-indicator").tooltip or "").startswith("Gesynchroniseerd om"),
        what="first background sync",
    )
    # The loop would send new files at once (they are waiting changes); the day end must.
    await asyncio.to_thread(hub.stop)
    user = demo_server.user
    with device.read() as session:
        customer = session.execute(
            select(Customer).where(Customer.owner_id == user.id).limit(1)
        ).scalar_one()
    for name in ("voor.jpg", "na.jpg"):
        attachments.add_attachment(
            device,
            actor=Actor(user_id=user.id, role=user.role, team_id=user.team_id),
            customer_id=customer.id,
            record_collection="customers",
            record_id=customer.id,
            data=os.urandom(5000),
            filename=name,
            content_type="image/jpeg",
        )
    await h.navigate(h.get(key="nav-bar"), 4)
    await h.click(h.get(key="more-day-end"))
    files = h.get(key="day-end-files")
    await h.wait_until(transport.upload_held.is_set, what="second upload on the line")
    await h.wait_until(
        lambda: str(files.value).startswith("Bijlagen: 1 van 2 bestanden"), what="files row"
    )
    transport.released.set()
    await h.wait_until(lambda: h.find(key="day-end-summary"), what="day-end summary")
    assert h.get(key="day-end-files", include_hidden=True).value == "Bijlagen: klaar"
    assert h.crashes() == []
