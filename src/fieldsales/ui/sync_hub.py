"""The app's side of syncing: one ``SyncHub`` per open store, shared by every session (tab).

The sync engine (``fieldsales.sync``) knows the server, the protocol and the loop; this adapter
knows the app: which server the device was told about (``--server``, ``FIELDSALES_SERVER_URL``,
or remembered in the store), whether there is a session (a stored refresh token), signing in
with a password the user typed (kept only for that one request), and the foreground syncs
(the first sync of an empty device, the day-end batch) that the screens run with progress.

Everything here may block on the network: screens call it from a worker thread
(``asyncio.to_thread``). Listeners are called on whatever thread the change happened on; a
session hands them to its page itself (``ui.threads.run_on_page``).

There is one loop per store, not per tab: two tabs syncing the same file would only queue on
the engine's lock and double the requests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

from fieldsales.services import browse
from fieldsales.store import Store
from fieldsales.sync.background import (
    BACKGROUND_OPTIONS,
    BackgroundSync,
    SyncState,
    SyncStatus,
    stored_tokens,
)
from fieldsales.sync.client import SyncClient, Tokens, make_http_client
from fieldsales.sync.decisions import decide_plan_on_server
from fieldsales.sync.engine import ProgressCallback, SyncOptions
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncError,
    SyncRefusedError,
    SyncWrongUserError,
)
from fieldsales.sync.protocol import Me
from fieldsales.sync.summary import SyncSummary

log = logging.getLogger(__name__)

SERVER_URL_ENV = "FIELDSALES_SERVER_URL"

#: The app's background loop gives up on a failing sync after 10 s without progress (the
#: engine's background default is 30 s): until then the indicator can only say "syncing", and
#: the loop probes for the connection and tries again anyway. A slow transfer that keeps
#: moving is not affected; the day-end keeps its patient 120 s.
APP_BACKGROUND_OPTIONS = replace(BACKGROUND_OPTIONS, stall_timeout=10.0)

#: Makes the HTTP client for a server address. Tests pass one with an injected transport; the
#: UI itself never imports httpx.
HttpFactory = Callable[[str], Any]


class HubListener(Protocol):
    """A session's screens; called from any thread."""

    def sync_changed(self) -> None:
        """State, progress, pending count, or the session changed: read ``hub.state``."""

    def sync_finished(self, summary: SyncSummary, *, foreground: bool) -> None:
        """A sync completed; ``foreground`` when a screen ran it (and shows the outcome)."""


@dataclass(frozen=True, slots=True)
class HubState:
    """What the sync indicator needs from the hub (the store's counts come from ``browse``)."""

    server_url: str | None
    signed_in: bool
    status: SyncStatus | None  # None until there is a server to sync with


def normalise_server_url(text: str) -> str:
    """``https://sync.example.nl/`` -> ``https://sync.example.nl``; refuses what is no URL."""
    url = text.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) <= len("https://"):
        raise SyncRefusedError(
            "Het serveradres moet met http:// of https:// beginnen, bijvoorbeeld "
            "https://sync.bedrijf.nl.",
            code="sync_bad_url",
        )
    return url


class SyncHub:
    """Signs in, runs the background loop and the foreground syncs for one store."""

    def __init__(
        self,
        store: Store,
        *,
        server_url: str | None = None,
        http_factory: HttpFactory | None = None,
        options: SyncOptions = APP_BACKGROUND_OPTIONS,
        loop_settings: Mapping[str, float] | None = None,
    ) -> None:
        """``server_url`` (from ``--server`` or the environment) wins over, and replaces, the
        address remembered in the store. ``options`` and ``loop_settings`` tune the
        background loop (``BackgroundSync``'s keyword arguments); tests make it quick."""
        self.store = store
        self._http_factory: HttpFactory = http_factory or make_http_client
        self._options = options
        self._loop_settings = dict(loop_settings or {})
        self._lock = threading.RLock()
        self._listeners: list[HubListener] = []
        self._foreground: set[int] = set()
        self._http: Any = None
        self.client: SyncClient | None = None
        self.background: BackgroundSync | None = None
        self._running = False  # the background loop of ``background`` was started
        self._server_url: str | None = None
        remembered = browse.server_url(store)
        if server_url:
            url = normalise_server_url(server_url)
            if url != remembered:
                browse.remember_server_url(store, url=url)
            # A session belongs to the server it was made with.
            self._connect(url, resume=remembered in (None, url))
        elif remembered:
            self._connect(remembered)

    # --- state ---------------------------------------------------------------------------------

    @property
    def server_url(self) -> str | None:
        return self._server_url

    @property
    def username(self) -> str | None:
        """The account this device syncs as, once known."""
        client = self.client
        if client is not None and client.username:
            return client.username
        return browse.synced_username(self.store)

    @property
    def signed_in(self) -> bool:
        """A session the server may still accept (it says otherwise with ``NEEDS_LOGIN``)."""
        client, background = self.client, self.background
        if client is None or client.tokens is None or background is None:
            return False
        return background.status.state is not SyncState.NEEDS_LOGIN

    @property
    def running(self) -> bool:
        """The background loop runs (a foreground sync alone does not start it)."""
        return self._running

    def state(self) -> HubState:
        background = self.background
        return HubState(
            server_url=self._server_url,
            signed_in=self.signed_in,
            status=background.status if background is not None else None,
        )

    def subscribe(self, listener: HubListener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    # --- server and session --------------------------------------------------------------------

    def set_server(self, text: str) -> str:
        """Use (and remember) another server address; signs the device out of the old one."""
        url = normalise_server_url(text)
        if url == self._server_url:
            return url
        self.stop()
        browse.remember_server_url(self.store, url=url)
        self._connect(url, resume=False)
        self._changed()
        return url

    def sign_in(self, username: str, password: str, *, user_id: str | None = None) -> Me:
        """Log in (blocking); keeps the session, not the password. Raises ``SyncError``.

        Refuses an account other than the one the device's data belongs to (the account it
        synced as, or ``user_id``: the user the app is open for) before anything is stored,
        so two portfolios never mix and the user hears it at the sign-in.
        """
        http = self._http
        if http is None or self._server_url is None:
            raise SyncRefusedError(
                "Er is nog geen server ingesteld. Vul het adres van de server in.",
                code="sync_no_server",
            )
        name = username.strip()
        if not name or not password:
            raise SyncAuthError(
                "Vul uw gebruikersnaam en wachtwoord in.", code="sync_credentials_missing"
            )
        tokens = SyncClient(http, username=name, password=password).login()
        me = SyncClient(http, username=name, tokens=tokens).me()
        account = browse.synced_account(self.store) or user_id
        if account is not None and account != me.user_id:
            SyncClient(http, tokens=tokens).logout()
            raise SyncWrongUserError()
        self._replace_session(me.username, tokens)
        if me.organisation:
            browse.remember_organisation(self.store, name=me.organisation)
        return me

    def sign_out(self) -> None:
        """End the session on the server (best effort) and stop syncing; local data stays."""
        client = self.client
        self.stop()
        if client is not None:
            client.logout()  # also forgets the stored refresh token
        self._changed()

    def _connect(self, url: str, *, resume: bool = True) -> None:
        """A client and a (stopped) loop for ``url``; ``resume`` takes up the stored session."""
        old = self._http
        self._http = self._http_factory(url)
        if old is not None:
            old.close()
        self._server_url = url
        stored, save = stored_tokens(self.store)
        if not resume:
            save(None)  # another server: the old session means nothing there
            stored = None
        self._build(self.username, stored, save)

    def _replace_session(self, username: str, tokens: Tokens) -> None:
        self.stop()
        _stored, save = stored_tokens(self.store)
        save(tokens)
        self._build(username, tokens, save)
        self._changed()

    def _build(
        self, username: str | None, tokens: Tokens | None, save: Callable[[Tokens | None], None]
    ) -> None:
        def on_tokens(new: Tokens | None) -> None:
            save(new)
            if new is None:
                self._changed()  # the server ended the session: "Niet ingelogd"

        self.client = SyncClient(self._http, username=username, tokens=tokens, on_tokens=on_tokens)
        self.background = BackgroundSync(
            self.store,
            self.client,
            options=self._options,
            on_status=lambda _status: self._changed(),
            on_finished=self._finished,
            **self._loop_settings,
        )

    # --- syncing -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background loop when there is a session (no-op otherwise, or running)."""
        background = self.background
        if background is None or not self.signed_in:
            return
        with self._lock:
            if self._running:
                return
            self._running = True
        background.start()

    def stop(self) -> None:
        background = self.background
        with self._lock:
            running, self._running = self._running, False
        if background is not None and running:
            background.stop()

    def notify_change(self) -> None:
        """A service saved something: push it soon, and let the indicator count it now."""
        background = self.background
        if background is not None:
            background.notify_change()

    def sync_now(self) -> None:
        background = self.background
        if background is not None and self.signed_in:
            background.sync_now()

    def foreground_sync(
        self, *, progress: ProgressCallback | None = None, cancel: threading.Event | None = None
    ) -> SyncSummary:
        """A complete sync the user waits for (blocking): the first one, or the day end.

        Its summary still reaches the listeners, marked ``foreground``, so no snack bar
        repeats what the screen that ran it shows.
        """
        background = self.background
        if background is None or not self.signed_in:
            raise SyncAuthError("Log in om te synchroniseren.", code="sync_login_required")
        with self._in_foreground():
            return background.day_end(progress=progress, cancel=cancel or threading.Event())

    def decide_plan(self, *, plan_id: str, approve: bool, comment: str) -> None:
        """A manager's decision, taken by the server (blocking: run it off the UI thread); the
        next sync brings the rest (the decided version record)."""
        client = self.client
        if client is None or not self.signed_in:
            raise SyncAuthError(
                "Log in bij de server om over een accountplan te beslissen.",
                code="sync_login_required",
            )
        decide_plan_on_server(client, self.store, plan_id=plan_id, approve=approve, comment=comment)
        self.sync_now()

    @contextmanager
    def _in_foreground(self) -> Iterator[None]:
        ident = threading.get_ident()
        with self._lock:
            self._foreground.add(ident)
        try:
            yield
        finally:
            with self._lock:
                self._foreground.discard(ident)

    # --- fan-out -------------------------------------------------------------------------------

    def _listeners_now(self) -> list[HubListener]:
        with self._lock:
            return list(self._listeners)

    def _changed(self) -> None:
        for listener in self._listeners_now():
            try:
                listener.sync_changed()
            except Exception:  # one broken tab must not stop the others (or the loop)
                log.exception("sync listener failed")

    def _finished(self, summary: SyncSummary) -> None:
        with self._lock:
            foreground = threading.get_ident() in self._foreground
        for listener in self._listeners_now():
            try:
                listener.sync_finished(summary, foreground=foreground)
            except Exception:
                log.exception("sync listener failed")

    def close(self) -> None:
        """Stop the loop and release the connection pool (the app is closing)."""
        self.stop()
        if self._http is not None:
            self._http.close()
            self._http = None


__all__ = [
    "SERVER_URL_ENV",
    "HttpFactory",
    "HubListener",
    "HubState",
    "SyncError",
    "SyncHub",
    "normalise_server_url",
]
