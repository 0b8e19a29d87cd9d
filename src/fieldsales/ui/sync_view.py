"""What the sync indicator, the offline banner and the day-end summary say, as plain functions.

The sync state comes from three places: the hub (is there a server, a session), the engine's
``SyncStatus`` (syncing, offline, failed, progress) and the store (waiting changes, last sync,
open issues). ``indicator_view`` folds them into one state with its icon and its sentences, in
a fixed order of what matters most to a salesperson: can I sync at all, is it busy, is there a
connection, did something go wrong, is there something to look at, is my work still waiting.
Tested without a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import flet as ft

from fieldsales.services import browse
from fieldsales.sync.background import SyncState
from fieldsales.sync.summary import Phase, Progress, SyncSummary
from fieldsales.ui import format as fmt
from fieldsales.ui.labels import COLLECTION_NOUNS, FIELD_LABELS
from fieldsales.ui.sync_hub import HubState


class IndicatorKind(StrEnum):
    LOCAL = "local"  # no server set: the data lives on this device only
    SIGNED_OUT = "signed_out"
    SYNCING = "syncing"
    OFFLINE = "offline"
    ERROR = "error"  # the server refused, or failed for a while: the message says what
    ATTENTION = "attention"  # conflict copies or refused changes wait for the user
    PENDING = "pending"
    NEVER = "never"  # signed in, the first sync has not finished yet
    SYNCED = "synced"


_ICONS: dict[IndicatorKind, ft.IconData] = {
    IndicatorKind.LOCAL: ft.Icons.CLOUD_OFF_OUTLINED,
    IndicatorKind.SIGNED_OUT: ft.Icons.LOGIN,
    IndicatorKind.SYNCING: ft.Icons.SYNC,
    IndicatorKind.OFFLINE: ft.Icons.WIFI_OFF,
    IndicatorKind.ERROR: ft.Icons.SYNC_PROBLEM,
    IndicatorKind.ATTENTION: ft.Icons.ERROR_OUTLINE,
    IndicatorKind.PENDING: ft.Icons.CLOUD_UPLOAD_OUTLINED,
    IndicatorKind.NEVER: ft.Icons.CLOUD_QUEUE,
    IndicatorKind.SYNCED: ft.Icons.CLOUD_DONE_OUTLINED,
}

#: States that keep their words visible on a phone too: they ask for something.
SPOKEN_WHEN_COMPACT = frozenset({IndicatorKind.SIGNED_OUT, IndicatorKind.OFFLINE})


@dataclass(frozen=True, slots=True)
class IndicatorView:
    kind: IndicatorKind
    short: str  # beside the icon
    sentence: str  # tooltip and screen reader: everything, in one sentence or two
    pending: int
    offline: bool  # show the offline banner
    open_issues: int

    @property
    def icon(self) -> ft.IconData:
        return _ICONS[self.kind]

    @property
    def count(self) -> int:
        """The number beside the icon: the open issues when those are the news, else the
        waiting changes (one number at a time, so "!" and "1" never mean two things)."""
        return self.open_issues if self.kind is IndicatorKind.ATTENTION else self.pending


def n(count: int, one: str, many: str) -> str:
    """``1 wijziging``, ``3 wijzigingen``, ``1.234 records``: Dutch thousands separator."""
    return f"{count:,} {one if count == 1 else many}".replace(",", ".")


def when_text(moment: datetime, now: datetime) -> str:
    """``om 14:05`` today, ``gisteren om 14:05``, else ``op 26-11-2026 om 14:05``."""
    local = moment.astimezone(now.tzinfo) if now.tzinfo else moment.astimezone()
    day = local.date()
    if day == now.date():
        return f"om {fmt.hm(local)}"
    if day == now.date() - timedelta(days=1):
        return f"gisteren om {fmt.hm(local)}"
    return f"op {fmt.short_date(local)} om {fmt.hm(local)}"


def pending_sentence(pending: int) -> str:
    if not pending:
        return "Alles is verstuurd."
    noun = "wijziging wacht" if pending == 1 else "wijzigingen wachten"
    return f"{pending} {noun} op verzending."


def progress_text(progress: Progress | None) -> str:
    if progress is None:
        return ""
    if progress.phase is Phase.PUSH and progress.up_total:
        return f"versturen {progress.up_done} van {progress.up_total}"
    if progress.phase in (Phase.PULL, Phase.REPAIR):
        return f"ophalen: {n(progress.down_done, 'record', 'records')}"
    if progress.phase is Phase.ATTACHMENTS and progress.files_total:
        return f"bijlagen {progress.files_done} van {progress.files_total}"
    return progress.label.lower()


def indicator_view(hub: HubState, store: browse.SyncStatus | None, now: datetime) -> IndicatorView:
    """The indicator's state, icon and sentences (see the module docstring for the order)."""
    status = hub.status
    pending = store.pending if store is not None else (status.pending if status else 0)
    last = store.last_sync_at if store is not None else None
    if last is None and status is not None:
        last = status.last_sync_at
    issues = store.open_issues if store is not None else 0
    since = f" Laatst gesynchroniseerd {when_text(last, now)}." if last is not None else ""
    waiting = pending_sentence(pending) if pending else ""

    def view(kind: IndicatorKind, short: str, sentence: str) -> IndicatorView:
        offline = status is not None and status.online is False and hub.signed_in
        return IndicatorView(kind, short, " ".join(sentence.split()), pending, offline, issues)

    if hub.server_url is None:
        return view(
            IndicatorKind.LOCAL,
            "Alleen op dit apparaat",
            "Geen server ingesteld: uw gegevens staan alleen op dit apparaat. Tik om een "
            f"server in te stellen en in te loggen. {waiting}",
        )
    if not hub.signed_in:
        why = status.message if status is not None and status.message else ""
        if why and status is not None and status.state is not SyncState.NEEDS_LOGIN:
            why = ""
        return view(
            IndicatorKind.SIGNED_OUT,
            "Niet ingelogd",
            f"Niet ingelogd: tik om in te loggen en te synchroniseren. {why} {waiting}{since}",
        )
    state = status.state if status is not None else SyncState.STOPPED
    if state is SyncState.SYNCING:
        detail = progress_text(status.progress if status is not None else None)
        return view(
            IndicatorKind.SYNCING,
            "Synchroniseren…",
            f"Bezig met synchroniseren{': ' + detail if detail else ''}.{since}",
        )
    if state is SyncState.OFFLINE or (status is not None and status.online is False):
        return view(
            IndicatorKind.OFFLINE,
            "Offline",
            "Offline: geen verbinding met de server. "
            + (
                f"{waiting[:-1]}; ze worden verstuurd zodra er weer verbinding is."
                if pending
                else "U kunt gewoon doorwerken."
            )
            + since,
        )
    if state is SyncState.ERROR:
        message = status.message if status is not None and status.message else ""
        return view(
            IndicatorKind.ERROR,
            "Synchroniseren mislukt",
            f"Synchroniseren mislukt. {message} {waiting}{since}",
        )
    if issues:
        points = n(issues, "punt vraagt", "punten vragen")
        return view(
            IndicatorKind.ATTENTION,
            "Aandacht nodig",
            f"{points} aandacht: conflicten of geweigerde wijzigingen. {waiting}{since}",
        )
    if pending:
        return view(IndicatorKind.PENDING, n(pending, "wacht", "wachten"), f"{waiting}{since}")
    if last is None:
        return view(IndicatorKind.NEVER, "Nog niet gesynchroniseerd", "Nog niet gesynchroniseerd.")
    return view(
        IndicatorKind.SYNCED,
        f"Gesynchroniseerd {when_text(last, now)}",
        f"Gesynchroniseerd {when_text(last, now)}. Alles is verstuurd.",
    )


# --- the day-end: progress per phase and the summary ---------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseView:
    text: str
    #: 0..1, or None for a busy bar: the pull before its first page says how many records
    #: follow (``Progress.down_total``; also from a server that never says), and the repair.
    value: float | None


def up_view(progress: Progress) -> PhaseView:
    phase = progress.phase
    if phase is Phase.LOGIN:
        return PhaseView("Omhoog: verbinden…", 0.0)
    if phase is Phase.PUSH:
        if not progress.up_total:
            return PhaseView("Omhoog: niets te versturen", 1.0)
        return PhaseView(
            f"Omhoog: {progress.up_done} van {n(progress.up_total, 'wijziging', 'wijzigingen')}",
            progress.up_done / progress.up_total,
        )
    if not progress.up_done:
        return PhaseView("Omhoog: niets te versturen", 1.0)
    return PhaseView(f"Omhoog: {n(progress.up_done, 'wijziging', 'wijzigingen')} verstuurd", 1.0)


def down_view(progress: Progress) -> PhaseView:
    phase = progress.phase
    records = n(progress.down_done, "record", "records")
    if phase in (Phase.LOGIN, Phase.PUSH):
        return PhaseView("Omlaag: wacht op versturen", 0.0)
    if phase is Phase.PULL:
        extra = " (alles opnieuw)" if progress.reset else ""
        return PhaseView(f"Omlaag: {records} opgehaald{extra}", progress.down_fraction)
    if phase is Phase.REPAIR:
        return PhaseView(f"Omlaag: {records} opgehaald; herstellen…", None)
    return PhaseView(f"Omlaag: {records} opgehaald", 1.0)


def files_view(progress: Progress) -> PhaseView:
    """The attachment row of the day end: ``Bijlagen: 2 van 5 bestanden`` (after the records,
    so a long upload of photos shows it is moving)."""
    phase = progress.phase
    if phase is Phase.ATTACHMENTS:
        if not progress.files_total:
            return PhaseView("Bijlagen: niets te versturen of op te halen", 1.0)
        files = n(progress.files_total, "bestand", "bestanden")
        text = f"Bijlagen: {progress.files_done} van {files}"
        if progress.bytes_total:
            text += f" ({fmt_bytes(progress.bytes_done)} van {fmt_bytes(progress.bytes_total)})"
        return PhaseView(text, progress.files_fraction)
    if phase is Phase.DONE:
        return PhaseView("Bijlagen: klaar", 1.0)
    return PhaseView("Bijlagen: wacht op de records", 0.0)


def fmt_bytes(count: int) -> str:
    """``340 kB``, ``1,2 MB``: as the attachment list shows sizes (``views.attachments``
    ``size_text``, kept alike so a file's size reads the same in both places)."""
    if count < 1024 * 1024:
        return f"{round(count / 1024)} kB"
    return f"{count / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def kinds_text(by_collection: dict[str, int]) -> str:
    """``2 bezoeken, 1 klant``: what the waiting changes are about."""
    parts = []
    for collection, count in sorted(by_collection.items(), key=lambda kv: (-kv[1], kv[0])):
        one, many = COLLECTION_NOUNS.get(collection, ("record", "records"))
        parts.append(n(count, one, many))
    return ", ".join(parts)


def up_summary(summary: SyncSummary, sent: dict[str, int] | None = None) -> str:
    """``1 wijziging verstuurd (1 bezoek).`` with what the server did differently."""
    if not summary.pushed:
        return "Niets te versturen: alles stond al op de server."
    line = f"{n(summary.pushed, 'wijziging', 'wijzigingen')} verstuurd"
    if sent and sum(sent.values()) == summary.pushed:
        line += f" ({kinds_text(sent)})"
    notes = []
    if summary.merged:
        notes.append(f"{summary.merged} samengevoegd met wijzigingen van anderen")
    if summary.conflicted:
        notes.append(f"{summary.conflicted} met een conflict")
    if summary.rejected:
        notes.append(f"{summary.rejected} geweigerd")
    if notes:
        line += "; " + ", ".join(notes)
    return line + "."


def down_summary(summary: SyncSummary) -> str:
    if not summary.pulled and not summary.deleted:
        return "Niets nieuws op de server."
    line = f"{n(summary.pulled, 'record', 'records')} opgehaald"
    if summary.deleted:
        line += f", {n(summary.deleted, 'verwijdering', 'verwijderingen')}"
    return line + "."


@dataclass(frozen=True, slots=True)
class AttachmentsView:
    """The day-end's lines about the files: what went up and came down, each failure with its
    reason, and why the phase stopped early (it continues at the next sync)."""

    line: str
    failures: list[str]
    later: str | None


def attachments_view(summary: SyncSummary) -> AttachmentsView | None:
    """None when the sync had no files to move (the summary then says nothing about them)."""
    report = summary.attachments
    if report is None or not report.lines():
        return None
    return AttachmentsView(
        line=report.label(),
        failures=[f"Mislukt: {message}" for _, _, message in report.failed[:10]],
        later=f"Bijlagen later verder: {report.problem}" if report.problem else None,
    )


RESET_REASONS = {
    "epoch": "de server is teruggezet uit een back-up",
    "horizon": "dit apparaat was te lang niet gesynchroniseerd",
    "upgrade": "de app is bijgewerkt",
    "full": "er is om een volledige synchronisatie gevraagd",
}


def reset_note(summary: SyncSummary) -> str | None:
    if not summary.reset:
        return None
    why = RESET_REASONS.get(summary.reset, summary.reset)
    return f"Alles is opnieuw opgehaald: {why}. Er is niets verloren."


def field_label(name: str | None) -> str:
    if not name:
        return ""
    return FIELD_LABELS.get(name, name.replace("_", " "))


def value_text(value: object, *, limit: int = 400) -> str:
    """A synced value as a person reads it (a refused record shows its fields)."""
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict):
        shown = [
            f"{field_label(k)}: {value_text(v, limit=80)}"
            for k, v in value.items()
            if k not in ("id", "version", "deleted", "created_at", "updated_at", "owner_id")
            and not k.endswith("_id")
        ]
        text = "; ".join(shown)
    elif isinstance(value, list):
        text = ", ".join(value_text(v, limit=80) for v in value)
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def attention_snack(summary: SyncSummary, new_follow_ups: int) -> str | None:
    """The snack bar after a background sync, or None when there is nothing to look at."""
    parts = []
    if summary.new_conflicts:
        parts.append(n(len(summary.new_conflicts), "conflict", "conflicten"))
    if summary.new_rejections:
        parts.append(
            n(len(summary.new_rejections), "geweigerde wijziging", "geweigerde wijzigingen")
        )
    if new_follow_ups:
        parts.append(n(new_follow_ups, "vervolgactie", "vervolgacties") + " te doen")
    if not parts:
        return None
    return "Gesynchroniseerd: " + ", ".join(parts) + "."
