"""What the sync indicator, banner and day-end summary say, as plain Python (no page)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fieldsales.services import browse
from fieldsales.store.queries import SyncIssue
from fieldsales.sync import engine
from fieldsales.sync.background import SyncState, SyncStatus
from fieldsales.sync.summary import FollowUpDue, Phase, Progress, SyncSummary
from fieldsales.ui.sync_hub import HubState, normalise_server_url
from fieldsales.ui.sync_view import (
    IndicatorKind,
    attention_snack,
    down_summary,
    down_view,
    indicator_view,
    kinds_text,
    up_summary,
    up_view,
    value_text,
    when_text,
)

NOW = datetime(2026, 11, 27, 17, 30).astimezone()
EARLIER = NOW.replace(hour=14, minute=5)
URL = "https://sync.example.nl"


def status(state: SyncState, **kw: object) -> SyncStatus:
    values: dict[str, object] = {"online": True, "pending": 0, "last_sync_at": EARLIER}
    values.update(kw)
    return SyncStatus(state=state, **values)  # type: ignore[arg-type]


def counts(
    pending: int = 0, *, last: datetime | None = EARLIER, issues: int = 0
) -> browse.SyncStatus:
    return browse.SyncStatus(pending=pending, last_sync_at=last, open_issues=issues)


def view_of(
    state: SyncState | None = SyncState.IDLE,
    *,
    signed_in: bool = True,
    url: str | None = URL,
    store: browse.SyncStatus | None = None,
    **kw: object,
) -> tuple[IndicatorKind, str, str, bool]:
    hub = HubState(
        server_url=url, signed_in=signed_in, status=status(state, **kw) if state else None
    )
    v = indicator_view(hub, store if store is not None else counts(), NOW)
    return v.kind, v.short, v.sentence, v.offline


def test_synced_says_when() -> None:
    kind, short, sentence, offline = view_of()
    assert kind is IndicatorKind.SYNCED
    assert short == "Gesynchroniseerd om 14:05"
    assert sentence == "Gesynchroniseerd om 14:05. Alles is verstuurd."
    assert not offline


def test_pending_counts_what_waits() -> None:
    kind, short, sentence, _ = view_of(store=counts(3))
    assert kind is IndicatorKind.PENDING
    assert short == "3 wachten"
    assert sentence == "3 wijzigingen wachten op verzending. Laatst gesynchroniseerd om 14:05."
    assert view_of(store=counts(1))[1] == "1 wacht"


def test_syncing_shows_progress() -> None:
    step = Progress(phase=Phase.PULL, down_done=1234)
    kind, short, sentence, _ = view_of(SyncState.SYNCING, progress=step)
    assert kind is IndicatorKind.SYNCING
    assert short == "Synchroniseren…"
    assert sentence.startswith("Bezig met synchroniseren: ophalen: 1.234 records.")
    push = Progress(phase=Phase.PUSH, up_done=2, up_total=5)
    assert "versturen 2 van 5" in view_of(SyncState.SYNCING, progress=push)[2]


def test_offline_shows_banner_and_keeps_work() -> None:
    kind, short, sentence, offline = view_of(
        SyncState.OFFLINE, online=False, store=counts(2, last=EARLIER - timedelta(days=1))
    )
    assert kind is IndicatorKind.OFFLINE
    assert short == "Offline"
    assert offline
    assert "2 wijzigingen wachten op verzending; ze worden verstuurd zodra" in sentence
    assert sentence.endswith("Laatst gesynchroniseerd gisteren om 14:05.")


def test_signed_out_asks_to_sign_in_and_wins_over_the_rest() -> None:
    kind, short, sentence, offline = view_of(None, signed_in=False, store=counts(4))
    assert kind is IndicatorKind.SIGNED_OUT
    assert short == "Niet ingelogd"
    assert sentence.startswith("Niet ingelogd: tik om in te loggen")
    assert "4 wijzigingen wachten" in sentence
    assert not offline
    expired = view_of(
        SyncState.NEEDS_LOGIN,
        signed_in=False,
        message="Uw sessie bij de server is verlopen.",
    )
    assert expired[0] is IndicatorKind.SIGNED_OUT
    assert "Uw sessie bij de server is verlopen." in expired[2]


def test_no_server_is_local_only() -> None:
    kind, short, sentence, _ = view_of(None, signed_in=False, url=None)
    assert kind is IndicatorKind.LOCAL
    assert short == "Alleen op dit apparaat"
    assert "Geen server ingesteld" in sentence


def test_error_and_attention() -> None:
    kind, _short, sentence, _ = view_of(
        SyncState.ERROR, message="Deze versie van de app past niet bij de server."
    )
    assert kind is IndicatorKind.ERROR
    assert "Deze versie van de app past niet bij de server." in sentence
    kind, short, sentence, _ = view_of(store=counts(1, issues=2))
    assert (kind, short) == (IndicatorKind.ATTENTION, "Aandacht nodig")
    assert sentence.startswith("2 punten vragen aandacht")


def test_never_synced_yet() -> None:
    kind, short, _sentence, _ = view_of(SyncState.IDLE, store=counts(last=None), last_sync_at=None)
    assert (kind, short) == (IndicatorKind.NEVER, "Nog niet gesynchroniseerd")


def test_when_text() -> None:
    assert when_text(EARLIER, NOW) == "om 14:05"
    assert when_text(EARLIER.astimezone(UTC), NOW) == "om 14:05"
    assert when_text(EARLIER - timedelta(days=1), NOW) == "gisteren om 14:05"
    assert when_text(EARLIER - timedelta(days=3), NOW) == "op 24-11-2026 om 14:05"


def test_phase_views() -> None:
    assert up_view(Progress(phase=Phase.PUSH, up_done=1, up_total=4)).text == (
        "Omhoog: 1 van 4 wijzigingen"
    )
    assert up_view(Progress(phase=Phase.PUSH, up_done=1, up_total=4)).value == 0.25
    assert up_view(Progress(phase=Phase.PULL, up_done=4, up_total=4)).text == (
        "Omhoog: 4 wijzigingen verstuurd"
    )
    assert up_view(Progress(phase=Phase.PUSH)).text == "Omhoog: niets te versturen"
    pulling = down_view(Progress(phase=Phase.PULL, down_done=1500))
    assert pulling.text == "Omlaag: 1.500 records opgehaald"
    assert pulling.value is None  # the pull's total is unknown: a moving bar
    assert down_view(Progress(phase=Phase.PUSH)).value == 0.0
    assert down_view(Progress(phase=Phase.DONE, down_done=1)).text == "Omlaag: 1 record opgehaald"


def test_summaries() -> None:
    summary = SyncSummary(started_at=NOW, pushed=1, applied=1, pulled=0)
    assert up_summary(summary, {"visits": 1}) == "1 wijziging verstuurd (1 bezoek)."
    assert up_summary(summary, {"visits": 3}) == "1 wijziging verstuurd."  # counts disagree
    busy = SyncSummary(started_at=NOW, pushed=5, conflicted=1, rejected=2, pulled=1200, deleted=3)
    assert up_summary(busy) == "5 wijzigingen verstuurd; 1 met een conflict, 2 geweigerd."
    assert down_summary(busy) == "1.200 records opgehaald, 3 verwijderingen."
    assert up_summary(SyncSummary(started_at=NOW)).startswith("Niets te versturen")
    assert down_summary(SyncSummary(started_at=NOW)) == "Niets nieuws op de server."
    assert kinds_text({"customers": 1, "visits": 2}) == "2 bezoeken, 1 klant"


def test_values_as_people_read_them() -> None:
    assert value_text(None) == "(leeg)"
    assert value_text(True) == "ja"
    assert value_text({"name": "Bakkerij Jansen", "city": "Utrecht", "owner_id": "u1"}) == (
        "naam: Bakkerij Jansen; plaats: Utrecht"
    )
    assert value_text("x" * 500).endswith("…")


def issue(kind: str) -> SyncIssue:
    return SyncIssue(
        id=1,
        kind=kind,
        collection="customers",
        record_id="c1",
        mid=1,
        field="notes",
        local_value="a",
        server_value="b",
        code=kind,
        message="",
        created_at=NOW,
        resolved_at=None,
    )


def test_snack_after_a_background_sync() -> None:
    quiet = SyncSummary(started_at=NOW, pulled=30)
    assert attention_snack(quiet, 0) is None
    busy = SyncSummary(
        started_at=NOW,
        new_conflicts=[issue("conflict")],
        new_rejections=[issue("rejected"), issue("rejected")],
        follow_ups_due=[FollowUpDue("f1", "c1", "Jansen", "Bellen", date(2026, 11, 27))],
    )
    assert attention_snack(busy, 1) == (
        "Gesynchroniseerd: 1 conflict, 2 geweigerde wijzigingen, 1 vervolgactie te doen."
    )


def test_server_addresses() -> None:
    assert normalise_server_url(" https://sync.example.nl/ ") == "https://sync.example.nl"
    with pytest.raises(Exception, match="http:// of https://"):
        normalise_server_url("sync.example.nl")


def test_the_ui_reads_the_engine_s_state_keys() -> None:
    assert browse.LAST_SYNC == engine.LAST_SYNC
    assert browse.SYNC_USERNAME == engine.USERNAME
    assert browse.SYNC_ACCOUNT == engine.ACCOUNT


def test_the_number_beside_the_icon_is_one_thing_at_a_time() -> None:
    hub = HubState(server_url=URL, signed_in=True, status=status(SyncState.IDLE))
    assert indicator_view(hub, counts(1, issues=2), NOW).count == 2  # the issues are the news
    assert indicator_view(hub, counts(3), NOW).count == 3
