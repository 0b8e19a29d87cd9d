"""A voice memo plays in a real browser: the memo's bytes go to Flet's ``Audio`` service in
Chromium, which plays the one-second tone to its end; the play button says "Stoppen" while it
plays and "Afspelen" again once the browser reports the end. (Recording is not offered in the
browser app: see ``fieldsales.ui.views.voice_memo``; the quick "visit done" there has no button.)
"""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from app_page import open_app
from test_app_e2e import seed

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Visit
from fieldsales.services.attachments import add_attachment
from fieldsales.store import open_store


def tone(seconds: float = 1.0, rate: int = 16_000) -> bytes:
    """A WAV of an A (440 Hz): what a short memo looks like to a player."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8_000 * math.sin(2 * math.pi * 440 * n / rate)))
                for n in range(frames)
            )
        )
    return buffer.getvalue()


@pytest.mark.e2e
def test_a_memo_plays_to_its_end_in_the_browser(
    tmp_path: Path, app_server: Callable[..., str], browser: Any
) -> None:
    from playwright.sync_api import expect

    data_dir = tmp_path / "data"
    visit_id = seed(data_dir)
    actor = Actor(user_id="u-anna", role=Role.SALESPERSON, team_id="t-1")
    with open_store(data_dir) as store:
        with store.read() as session:
            visit = session.get(Visit, visit_id)
            assert visit is not None
        add_attachment(
            store,
            actor=actor,
            customer_id=visit.customer_id,
            record_collection="visits",
            record_id=visit_id,
            filename="Spraakmemo 29-11-2026 09.40.wav",
            content_type="audio/wav",
            data=tone(),
        )
    url = app_server(data_dir, "anna")

    page, errors = open_app(browser, url)

    # The browser app offers no recording in the quick "visit done".
    page.get_by_role("button", name=re.compile("Bezoek afgerond")).first.click(timeout=30_000)
    expect(page.get_by_role("button", name=re.compile("Score 4"))).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name=re.compile("Spraakmemo inspreken"))).to_have_count(0)
    page.get_by_role("button", name=re.compile("Annuleren")).click()

    page.get_by_role("button", name=re.compile("Verslag")).first.click(timeout=30_000)
    play = page.get_by_role("button", name=re.compile(r"^Afspelen: Spraakmemo"))
    play.scroll_into_view_if_needed(timeout=15_000)
    play.click()
    stop = page.get_by_role("button", name=re.compile(r"^Stoppen: Spraakmemo"))
    expect(stop).to_be_attached(timeout=15_000)  # playing
    expect(play).to_be_attached(timeout=15_000)  # and played to its end (one second)
    expect(stop).to_have_count(0)
    # ended because the browser played it, not because playing failed (which says so)
    expect(page.get_by_text(re.compile("niet worden afgespeeld"))).to_have_count(0)
    assert errors == []
