"""Dag afsluiten: the deliberate end-of-day sync, with progress per phase and a summary.

Up (the day's changes to the server) and down (what colleagues and the office changed) each get
a bar with record counts; the pull's total is unknown up front, so its bar moves without a
percentage. The summary says what went up, what came down, which attachment files were sent
or fetched (and which failed, with the reason) and what needs attention: conflicts with both
values, refused changes with the server's reason, follow-ups due by tomorrow. Every item with a
record behind it opens that customer's file.

The sync runs on a worker thread; its progress reaches the page through ``threads.Latest``.
"Stoppen" cancels it at the next step; what was sent or fetched stays.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import flet as ft

from fieldsales.services import browse
from fieldsales.sync.errors import SyncCancelledError, SyncError
from fieldsales.sync.summary import Phase, Progress, SyncSummary
from fieldsales.ui.context import AppContext
from fieldsales.ui.sync_view import (
    attachments_view,
    down_summary,
    down_view,
    files_view,
    n,
    reset_note,
    up_summary,
    up_view,
)
from fieldsales.ui.threads import Latest, Stopped, run_stoppable
from fieldsales.ui.views.attention import AttentionScreen, follow_up_tile, issue_card
from fieldsales.ui.views.customer_file import CustomerFileScreen
from fieldsales.ui.views.sign_in import SignInDialog, sign_in_message
from fieldsales.ui.widgets import heading


def open_day_end(ctx: AppContext) -> None:
    """Start the day-end; without a session, sign in first and then start it."""
    if not ctx.hub.signed_in:
        SignInDialog(ctx, on_signed_in=lambda: ctx.page.run_task(DayEndDialog(ctx).run)).show()
        return
    ctx.page.run_task(DayEndDialog(ctx).run)


class DayEndDialog:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.cancel = threading.Event()
        self.stopping = asyncio.Event()
        self.running = False
        self.last_step: Progress | None = None
        self.sent: dict[str, int] = {}
        self.intro = ft.Text(
            "Uw wijzigingen van vandaag gaan naar de server en het nieuwste wordt opgehaald.",
            theme_style=ft.TextThemeStyle.BODY_MEDIUM,
        )
        self.up_text = ft.Text("Omhoog: verbinden…", key="day-end-up")
        self.up_bar = ft.ProgressBar(value=0, semantics_label="Omhoog")
        self.down_text = ft.Text("Omlaag: wacht op versturen", key="day-end-down")
        self.down_bar = ft.ProgressBar(value=0, semantics_label="Omlaag")
        self.files_text = ft.Text("Bijlagen: wacht op de records", key="day-end-files")
        self.files_bar = ft.ProgressBar(value=0, semantics_label="Bijlagen")
        self.progress = ft.Column(
            [
                self.intro,
                self.up_text,
                self.up_bar,
                self.down_text,
                self.down_bar,
                self.files_text,
                self.files_bar,
            ],
            spacing=8,
            tight=True,
        )
        self.error = ft.Text("", color=ft.Colors.ERROR, visible=False, key="day-end-error")
        self.result = ft.Column([], spacing=8, visible=False, key="day-end-summary")
        self.stop_button = ft.TextButton(
            "Stoppen", on_click=self.stop, height=48, key="day-end-stop"
        )
        self.retry_button = ft.TextButton(
            "Opnieuw proberen", on_click=self.run, height=48, visible=False, key="day-end-retry"
        )
        self.close_button = ft.FilledButton(
            "Sluiten", on_click=self.close, height=48, visible=False, key="day-end-close"
        )
        self.dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text("Dag afsluiten"),
            content=ft.Container(
                ft.Column([self.progress, self.error, self.result], spacing=16, tight=True),
                width=480,
            ),
            actions=[self.stop_button, self.retry_button, self.close_button],
            scrollable=True,
            semantics_label="Dag afsluiten",
            inset_padding=ft.Padding.symmetric(horizontal=16, vertical=24),
        )

    # --- running -------------------------------------------------------------------------------

    async def run(self) -> None:
        """Open the dialog (if needed) and sync; returns when the summary or error is shown."""
        if self.running:
            return
        self.running = True
        self.cancel = threading.Event()
        self.stopping = asyncio.Event()
        if not self.dialog.open:
            self.ctx.show(self.dialog)
        self._set_running(True)
        self.ctx.page.update()
        self.sent = browse.pending_by_collection(self.ctx.store)
        latest: Latest[Progress] = Latest(self.ctx.page, self._show_progress)
        cancel = self.cancel
        try:
            summary = await run_stoppable(
                lambda: self.ctx.hub.foreground_sync(progress=latest.push, cancel=cancel),
                self.stopping,
            )
        except (SyncCancelledError, Stopped):
            self._failed(
                "Gestopt. Wat al verstuurd of opgehaald was, blijft bewaard; de rest volgt bij "
                "de volgende synchronisatie."
            )
        except SyncError as exc:
            self._failed(
                sign_in_message(exc, self.ctx.hub.server_url)
                + " Uw wijzigingen blijven bewaard op dit apparaat."
            )
        else:
            self._show_summary(summary)
        finally:
            self.running = False
            self._set_running(False)
        shell = self.ctx.shell
        if shell is not None:
            shell.refresh_sync_state()
            shell.current.refresh()  # what came down shows in the screen behind the dialog
        self.ctx.page.update()

    def stop(self) -> None:
        self.cancel.set()
        self.stopping.set()
        self.stop_button.disabled = True

    def close(self) -> None:
        self.cancel.set()
        self.ctx.close(self.dialog)

    def _set_running(self, running: bool) -> None:
        self.stop_button.visible = running
        self.stop_button.disabled = False
        self.close_button.visible = not running
        self.retry_button.visible = not running and self.error.visible
        if running:
            self.error.visible = False
            self.result.visible = False
            self.progress.visible = True

    def _show_progress(self, step: Progress) -> None:
        if not self.running or self.cancel.is_set():
            return
        self.last_step = step
        self._render(step)

    def _render(self, step: Progress) -> None:
        up, down = up_view(step), down_view(step)
        self.up_text.value = up.text
        self.up_bar.value = up.value
        self.down_text.value = down.text
        self.down_bar.value = down.value
        files = files_view(step)
        self.files_text.value, self.files_bar.value = files.text, files.value

    def _failed(self, message: str) -> None:
        self.error.value = message
        self.error.visible = True
        if self.last_step is not None:
            self._render(self.last_step)  # where it got to

    # --- the summary ---------------------------------------------------------------------------

    def _show_summary(self, summary: SyncSummary) -> None:
        done = Progress(
            phase=Phase.DONE, up_done=summary.pushed, down_done=summary.pulled + summary.deleted
        )
        self._render(done)
        self.progress.visible = False
        ctx = self.ctx
        down: list[ft.Control] = [ft.Text(down_summary(summary), key="day-end-down-summary")]
        note = reset_note(summary)
        if note:
            down.append(ft.Text(note, theme_style=ft.TextThemeStyle.BODY_SMALL))
        up: list[ft.Control] = [ft.Text(up_summary(summary, self.sent), key="day-end-up-summary")]
        if summary.pending:
            up.append(
                ft.Text(
                    f"Nog {n(summary.pending, 'wijziging', 'wijzigingen')} van tijdens het "
                    "synchroniseren; die gaan bij de volgende synchronisatie mee.",
                    theme_style=ft.TextThemeStyle.BODY_SMALL,
                )
            )
        issues = [*summary.new_conflicts, *summary.new_rejections]
        rows = (ctx.read(browse.sync_issue_rows, issues=issues) or []) if issues else []
        today = ctx.today()
        follow_ups = ctx.read(browse.follow_ups_due, through=today + timedelta(days=1)) or []
        attention: list[ft.Control] = [
            issue_card(row, on_open=self._open, on_resolve=None) for row in rows[:SHOWN_ISSUES]
        ]
        if len(rows) > SHOWN_ISSUES:
            attention.append(ft.Text(f"En nog {len(rows) - SHOWN_ISSUES}."))
        earlier = summary.open_issues - len(rows)
        if earlier > 0:
            attention.append(
                ft.Text(
                    f"Daarnaast {n(earlier, 'eerder punt', 'eerdere punten')} van de "
                    "synchronisatie.",
                    theme_style=ft.TextThemeStyle.BODY_SMALL,
                )
            )
        if follow_ups:
            late = sum(1 for f in follow_ups if f.follow_up.due_on and f.follow_up.due_on < today)
            line = n(len(follow_ups), "vervolgactie", "vervolgacties") + " tot en met morgen"
            if late:
                line += f", waarvan {late} te laat"
            attention.append(ft.Text(line + ":", key="day-end-follow-ups"))
            attention += [
                follow_up_tile(f, today=today, on_open=self._open, dense=True)
                for f in follow_ups[:SHOWN_FOLLOW_UPS]
            ]
        if not attention:
            attention.append(
                ft.Text("Niets vraagt aandacht. Alles is bijgewerkt.", key="day-end-all-good")
            )
        elif summary.open_issues or len(follow_ups) > SHOWN_FOLLOW_UPS:
            attention.append(
                ft.OutlinedButton(
                    "Alles bekijken",
                    icon=ft.Icons.CHEVRON_RIGHT,
                    tooltip="Alles wat aandacht nodig heeft",
                    on_click=self._open_attention,
                    height=48,
                    key="day-end-attention",
                )
            )
        self.result.controls = [
            _section(ft.Icons.CLOUD_UPLOAD_OUTLINED, "Omhoog", up),
            _section(ft.Icons.CLOUD_DOWNLOAD_OUTLINED, "Omlaag", down),
        ]
        files = attachments_view(summary)
        if files is not None:
            lines: list[ft.Control] = [ft.Text(files.line, key="day-end-attachments")]
            lines += [
                ft.Text(text, color=ft.Colors.ERROR, data="day-end-attachment-failed")
                for text in files.failures
            ]
            if files.later:
                lines.append(
                    ft.Text(
                        files.later,
                        theme_style=ft.TextThemeStyle.BODY_SMALL,
                        data="day-end-attachments-later",
                    )
                )
            self.result.controls.append(_section(ft.Icons.ATTACH_FILE, "Bijlagen", lines))
        self.result.controls.append(_section(ft.Icons.ERROR_OUTLINE, "Aandacht nodig", attention))
        self.result.visible = True

    def _open(self, customer_id: str) -> None:
        self.close()
        if self.ctx.shell is not None:
            self.ctx.shell.open(CustomerFileScreen(self.ctx, customer_id=customer_id))

    def _open_attention(self) -> None:
        self.close()
        if self.ctx.shell is not None:
            self.ctx.shell.open(AttentionScreen(self.ctx))


#: The summary lists the first few; "Alles bekijken" opens the whole list.
SHOWN_ISSUES = 5
SHOWN_FOLLOW_UPS = 3


def _section(icon: ft.IconData, title: str, body: list[ft.Control]) -> ft.Control:
    return ft.Column(
        [
            ft.Row(
                [ft.Icon(icon, size=20), heading(title)],
                spacing=8,
            ),
            ft.Container(
                ft.Column(body, spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                padding=ft.Padding.only(left=28),
            ),
        ],
        spacing=4,
    )
