"""One session's (tab's) link to the shared sync hub.

The hub calls ``sync_changed`` and ``sync_finished`` from the sync threads; this class hands
them to its own page (``threads``) and there refreshes the indicator and banner, reloads the
screen when new data came down, and shows a snack bar when a background sync found something
to look at: new conflicts or refusals, or follow-ups due that this session has not mentioned
yet. Syncs a screen ran itself (``foreground``) show their own outcome instead.
"""

from __future__ import annotations

import flet as ft

from fieldsales.sync.summary import SyncSummary
from fieldsales.ui.context import AppContext
from fieldsales.ui.sync_view import attention_snack
from fieldsales.ui.threads import Latest, run_on_page
from fieldsales.ui.views.attention import AttentionScreen


class SessionSync:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.page = ctx.page
        # Follow-ups this session has mentioned; those of a sync that ran before the session
        # (the first start's) were on screen already.
        status = ctx.hub.state().status
        last = status.last_summary if status is not None else None
        self.announced: set[str] = {f.id for f in last.follow_ups_due} if last else set()
        self._refresh = Latest[bool](ctx.page, lambda _changed: self.refresh())
        self._unsubscribe = ctx.hub.subscribe(self)
        ctx.page.on_close = self._closed
        ctx.page.on_connect = self._reconnected

    # --- from the sync threads -----------------------------------------------------------------

    def sync_changed(self) -> None:
        self._refresh.push(True)

    def sync_finished(self, summary: SyncSummary, *, foreground: bool) -> None:
        if foreground:
            self.announced.update(f.id for f in summary.follow_ups_due)
            return
        run_on_page(self.page, lambda: self._finished(summary))

    # --- on the page ---------------------------------------------------------------------------

    def refresh(self) -> None:
        shell = self.ctx.shell
        if shell is not None:
            shell.refresh_sync_state()

    def _finished(self, summary: SyncSummary) -> None:
        shell = self.ctx.shell
        if shell is not None:
            shell.refresh_sync_state()
            if (summary.pulled or summary.deleted or summary.open_issues) and getattr(
                shell.current, "refresh_on_sync", False
            ):
                shell.current.refresh()
        fresh = [f for f in summary.follow_ups_due if f.id not in self.announced]
        self.announced.update(f.id for f in fresh)
        text = attention_snack(summary, len(fresh))
        if text is not None:
            self.ctx.toast(text, action="Bekijken", on_action=self.open_attention)

    def open_attention(self) -> None:
        shell = self.ctx.shell
        if shell is not None:
            shell.open(AttentionScreen(self.ctx))

    def _reconnected(self, _e: ft.Event[ft.Page]) -> None:
        self.refresh()  # news that arrived while the browser was away was dropped

    def _closed(self, _e: ft.Event[ft.Page]) -> None:
        self._unsubscribe()
