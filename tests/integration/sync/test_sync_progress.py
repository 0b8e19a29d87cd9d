"""Pull pages say how many records follow (``remaining``), so the pull's progress is a real
fraction in the engine, the terminal's bar and the app's bars (item C of issue 4)."""

from __future__ import annotations

import io
from dataclasses import replace

from sync_support import FAST, World, assert_equal_to_server, seed_portfolio

from fieldsales.cli import sync_command
from fieldsales.sync.summary import Phase, Progress
from fieldsales.ui.sync_view import down_view


def test_remaining_is_exact_for_each_page(world: World) -> None:
    total = seed_portfolio(world, world.alice, customers=6)
    phone = world.device(world.alice)
    in_scope = len(world.server_records(world.alice))  # own records plus shared ones
    assert in_scope >= total
    cursor, seen = 0, 0
    while True:
        page = phone.client.pull(cursor, limit=250)
        seen += len(page.records)
        assert page.remaining == in_scope - seen  # nothing deleted: records == live records
        cursor = page.cursor
        if not page.more:
            break
    assert page.remaining == 0
    manager = world.device(world.manny).client.pull(0, limit=100)
    assert manager.remaining == len(world.server_records(world.manny)) - 100


def test_the_pull_reports_a_real_fraction(world: World) -> None:
    seed_portfolio(world, world.alice, customers=6)
    phone = world.device(world.alice, options=replace(FAST, pull_limit=300))
    steps: list[Progress] = []
    summary = phone.sync(progress=steps.append)
    pulling = [s for s in steps if s.phase is Phase.PULL and s.down_total is not None]
    assert summary.pages >= 3
    assert len(pulling) == summary.pages
    total = pulling[0].down_total
    assert total == len(world.server_records(world.alice))
    assert all(s.down_total == total for s in pulling)  # exact from the first page on
    fractions = [s.down_fraction or 0.0 for s in pulling]
    assert None not in [s.down_fraction for s in pulling]
    assert fractions == sorted(fractions)
    assert 0 < fractions[0] < 0.5
    assert fractions[-1] == 1.0
    assert pulling[0].down_received == 300
    # Before the first page the total is unknown: a busy bar, not a made-up fraction.
    first_pull = next(s for s in steps if s.phase is Phase.PULL)
    assert first_pull.down_fraction is None
    assert_equal_to_server(world, phone)


def test_the_terminal_and_the_app_show_the_fraction() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    printer = sync_command.ProgressPrinter(screen)
    step = Progress(Phase.PULL, down_done=480, down_received=500, down_total=1000)
    printer(step)
    assert "[############------------] 500/1,000 records" in screen.getvalue()
    assert down_view(step).value == 0.5
    unknown = Progress(Phase.PULL, down_done=1234)
    assert down_view(unknown).value is None  # an older server: busy, with counts
    assert "1,234 records" in printer.line(unknown)
    assert Progress(Phase.DONE).down_fraction == 1.0
    assert Progress(Phase.PULL, down_total=0).down_fraction == 1.0
