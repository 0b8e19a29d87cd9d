"""The attachment phase reports its progress (files and bytes), so the day end, the app's
indicator and ``fieldsales sync`` show a long upload moving instead of a frozen dialog."""

from __future__ import annotations

import io
import os

from sync_support import Account, Device, World

from fieldsales.cli import sync_command
from fieldsales.domain.plan_workflow import Actor
from fieldsales.services import attachments
from fieldsales.sync.attachments import CHUNK_BYTES
from fieldsales.sync.summary import Phase, Progress
from fieldsales.ui.sync_view import files_view, progress_text


def device(world: World, account: Account, name: str) -> Device:
    return world.device(account, path=world.tmp / name / "fieldsales.sqlite3")


def add_file(world: World, phone: Device, size: int) -> None:
    customer = phone.customer()
    attachments.add_attachment(
        phone.store,
        actor=Actor(user_id=phone.account.id, role=phone.account.role, team_id=world.team_id),
        customer_id=customer.id,
        record_collection="customers",
        record_id=customer.id,
        data=os.urandom(size),
        filename="foto.jpg",
        content_type="image/jpeg",
    )


def test_uploads_and_downloads_report_files_and_bytes(world: World) -> None:
    phone = device(world, world.alice, "phone")
    sizes = [CHUNK_BYTES + 1000, 2000, 3000]  # the first takes two chunks
    for size in sizes:
        add_file(world, phone, size)
    steps: list[Progress] = []
    summary = phone.sync(progress=steps.append)
    assert summary.attachments is not None
    assert summary.attachments.uploaded == 3
    files = [s for s in steps if s.phase is Phase.ATTACHMENTS]
    assert files[0].files_done == 0
    assert files[0].files_total == 3
    assert files[0].bytes_total == sum(sizes)
    assert files[-1].files_done == 3
    assert files[-1].bytes_done == sum(sizes)
    done = [s.files_done for s in files]
    assert done == sorted(done)
    assert set(done) == {0, 1, 2, 3}
    fractions = [s.files_fraction or 0.0 for s in files]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    # The two-chunk file moves the bar before it is finished.
    assert any(s.files_done == 0 and 0 < (s.files_fraction or 0) < 1 for s in files)
    assert steps[-1].phase is Phase.DONE
    assert files_view(files[1]).text.startswith("Bijlagen: 0 van 3 bestanden (")

    # Another device of the same user downloads them, and reports that too.
    laptop = device(world, world.alice, "laptop")
    steps.clear()
    laptop.sync(progress=steps.append)
    files = [s for s in steps if s.phase is Phase.ATTACHMENTS]
    assert (files[0].files_done, files[0].files_total) == (0, 3)
    assert (files[-1].files_done, files[-1].bytes_done) == (3, sum(sizes))


def test_a_sync_without_files_says_so() -> None:
    view = files_view(Progress(phase=Phase.ATTACHMENTS))
    assert view.text == "Bijlagen: niets te versturen of op te halen"
    assert view.value == 1.0
    assert files_view(Progress(phase=Phase.PULL)).text == "Bijlagen: wacht op de records"
    assert files_view(Progress(phase=Phase.PULL)).value == 0.0


def test_the_app_and_the_terminal_show_the_files() -> None:
    step = Progress(
        phase=Phase.ATTACHMENTS,
        files_done=2,
        files_total=5,
        bytes_done=3 << 20,
        bytes_total=6 << 20,
    )
    view = files_view(step)
    assert view.text == "Bijlagen: 2 van 5 bestanden (3,0 MB van 6,0 MB)"
    assert view.value == 0.5
    assert progress_text(step) == "bijlagen 2 van 5"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    sync_command.ProgressPrinter(out)(step)
    assert "Bijlagen" in out.getvalue()
    assert "[############------------] 2/5 bestanden" in out.getvalue()
