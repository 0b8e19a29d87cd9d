"""The HTTP client of the sync protocol: login, push, pull, over an injected ``httpx.Client``.

The transport is injected (``httpx.Client(transport=...)``) so tests run the real client against
the real server in-process, over loopback or through a fault-injecting proxy. This module knows
HTTP and the wire format; it does not retry (the engine does, with backoff) and it does not
touch the store.

Authentication follows the server's OAuth2 password flow. An access token that the server
refuses (401) is renewed once per request: first with the refresh token, then, when that is
refused too and a password is at hand, by logging in again; only a 401 after that is an error
(``SyncAuthError``). A refresh token is used once (the server rotates the pair), so renewals
are serialised under a lock.

Pull pages are parsed with orjson into plain dicts rather than pydantic objects: the initial
sync moves tens of thousands of records, and validating each one costs more than storing it.
``PullPage`` checks the envelope; the records keep ``WireRecord``'s shape and are checked as
the engine stores them.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson
from pydantic import ValidationError as PydanticValidationError

from fieldsales.sync._gc import gc_paused
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncError,
    SyncOfflineError,
    SyncRateLimitedError,
    SyncRefusedError,
    SyncServerError,
    SyncTimeoutError,
    refusal_for_status,
)
from fieldsales.sync.protocol import (
    SCHEMA_VERSION,
    Me,
    Mutation,
    PushResponse,
    TokenResponse,
    WireRecord,
)

USER_AGENT = "fieldsales-sync/1"
#: Whether httpx decodes ``Content-Encoding: zstd`` here (it does when ``zstandard`` imports).
ZSTD_AVAILABLE = importlib.util.find_spec("zstandard") is not None
#: Bodies smaller than this go uncompressed: gzip's header costs more than it saves.
GZIP_MIN_BYTES = 1024
#: zlib level for request bodies: level 5 is within a few percent of 9 on JSON at a third of
#: the CPU, which matters on a phone pushing a first upload.
GZIP_LEVEL = 5
#: Longest ``Retry-After`` we honour; a server (or a clock a year off) asking for more is capped.
MAX_RETRY_AFTER = 300.0
#: Renew the access token this many seconds before it expires rather than wait for a 401.
EXPIRY_MARGIN = 30.0


def default_timeout(stall_seconds: float = 30.0) -> httpx.Timeout:
    """Per-operation timeouts: read/write are "no bytes for N seconds", not a total.

    A page that trickles in over a slow link keeps going; a connection that stops moving
    fails after ``stall_seconds`` and the engine retries.
    """
    return httpx.Timeout(
        connect=min(10.0, stall_seconds),
        read=stall_seconds,
        write=stall_seconds,
        pool=stall_seconds,
    )


def accept_encoding(compressed: bool = True) -> str:
    """What the app asks for: zstd first (smaller and cheaper to unpack than gzip: a first
    sync's pull pages are 1.9 MB instead of 2.9 MB), when httpx can decode it, i.e. the
    ``zstandard`` package is installed (a pinned dependency, but a platform build without it
    still syncs, with gzip); ``identity`` when ``compressed`` is off."""
    if not compressed:
        return "identity"
    return "zstd, gzip" if ZSTD_AVAILABLE else "gzip"


def make_http_client(
    base_url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    stall_seconds: float = 30.0,
    compressed: bool = True,
) -> httpx.Client:
    """An ``httpx.Client`` for the sync server at ``base_url`` with the sync's timeouts.

    ``compressed=False`` asks for uncompressed answers: on loopback or a fast LAN that saves
    the server's and the device's decompression work; on any real network keep the default.
    """
    return httpx.Client(
        base_url=base_url,
        transport=transport,
        timeout=default_timeout(stall_seconds),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": accept_encoding(compressed)},
        follow_redirects=False,
    )


@dataclass(slots=True)
class Tokens:
    """An access/refresh token pair and when (monotonic clock) the access token runs out."""

    access_token: str
    refresh_token: str | None
    access_expires_at: float | None = None  # time.monotonic(); None = unknown

    @classmethod
    def from_response(cls, response: TokenResponse, *, now: float) -> Tokens:
        return cls(
            access_token=response.access_token,
            refresh_token=response.refresh_token,
            access_expires_at=now + response.expires_in,
        )


@dataclass(slots=True)
class TransferStats:
    """What went over the wire (bodies as sent and received, compressed)."""

    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0

    def copy(self) -> TransferStats:
        return TransferStats(self.requests, self.bytes_sent, self.bytes_received)

    def since(self, earlier: TransferStats) -> TransferStats:
        return TransferStats(
            self.requests - earlier.requests,
            self.bytes_sent - earlier.bytes_sent,
            self.bytes_received - earlier.bytes_received,
        )


@dataclass(slots=True)
class PullPage:
    """One page of ``GET /sync/pull`` (``protocol.PullResponse``'s shape, records as dicts)."""

    epoch: str
    cursor: int
    more: bool
    reset: bool
    records: list[dict[str, Any]] = field(default_factory=list)
    wire_bytes: int = 0
    #: Records in scope after this page (None from a server that does not say).
    remaining: int | None = None
    #: Customers that left the user's scope in this page's range: purge before applying.
    revoked: list[str] = field(default_factory=list)

    def wire_records(self) -> list[WireRecord]:
        """The records validated as ``WireRecord`` (slow; for tests and tools)."""
        return [WireRecord.model_validate(record) for record in self.records]

    @classmethod
    def parse(cls, body: bytes, *, wire_bytes: int = 0) -> PullPage:
        try:
            data = orjson.loads(body)
            epoch, cursor, more = data["epoch"], data["cursor"], data["more"]
            reset = data.get("reset", False)
            records = data.get("records") or []
            remaining = data.get("remaining")
            revoked = data.get("revoked") or []
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            ) from exc
        if not (
            isinstance(epoch, str)
            and isinstance(cursor, int)
            and isinstance(more, bool)
            and isinstance(reset, bool)
            and isinstance(records, list)
            and (remaining is None or (isinstance(remaining, int) and remaining >= 0))
            and isinstance(revoked, list)
            and all(isinstance(customer_id, str) for customer_id in revoked)
        ):
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            )
        return cls(epoch, cursor, more, reset, records, wire_bytes, remaining, revoked)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        # A date is relative to the server's clock; ours may be off (by a year, even), so a
        # date far out is capped like any other long wait, and one in the past means now.
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _error_body(response: httpx.Response) -> tuple[str | None, str | None, Any]:
    """The server's (code, message, details) from its error envelope, if the body is one."""
    try:
        error = orjson.loads(response.content)["error"]
        code, message = error.get("code"), error.get("message")
        return (
            code if isinstance(code, str) else None,
            message if isinstance(message, str) else None,
            error.get("details"),
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError, httpx.HTTPError):
        return None, None, None


def error_for_response(response: httpx.Response) -> SyncError:
    """The error an unsuccessful answer stands for (401 included: the caller decides)."""
    status = response.status_code
    server_code, message, details = _error_body(response)
    kw: dict[str, Any] = {"status": status, "server_code": server_code, "details": details}
    if status == 429:
        return SyncRateLimitedError(
            message, retry_after=_retry_after(response.headers.get("Retry-After")), **kw
        )
    if status >= 500:
        error = SyncServerError(None, **kw)  # the server's 5xx text is for logs, ours for users
        error.retry_after = _retry_after(response.headers.get("Retry-After"))
        return error
    return refusal_for_status(status, server_code=server_code, message=message, details=details)


def encode_body(payload: Any) -> tuple[bytes, dict[str, str]]:
    """JSON (and gzip above ``GZIP_MIN_BYTES``) with the headers that say so."""
    raw = orjson.dumps(payload)
    headers = {"Content-Type": "application/json"}
    if len(raw) >= GZIP_MIN_BYTES:
        raw = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return raw, headers


class SyncClient:
    """Calls of the sync API for one user. Thread-safe for one request at a time per thread.

    ``password`` may be a callable, so an app can ask the user only when a login is needed.
    ``tokens`` resumes a session (the app keeps its refresh token); ``on_tokens`` is told about
    every new pair (and ``None`` when the session is gone), to persist them.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        username: str | None = None,
        password: str | Callable[[], str | None] | None = None,
        tokens: Tokens | None = None,
        on_tokens: Callable[[Tokens | None], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.username = username
        self._password = password
        self._tokens = tokens
        self._on_tokens = on_tokens
        self._clock = clock
        self._auth_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self.stats = TransferStats()

    # --- auth ------------------------------------------------------------------------------

    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    @property
    def can_login(self) -> bool:
        return self.username is not None and self._password is not None

    def _password_value(self) -> str | None:
        return self._password() if callable(self._password) else self._password

    def _set_tokens(self, tokens: Tokens | None) -> None:
        self._tokens = tokens
        if self._on_tokens is not None:
            self._on_tokens(tokens)

    def login(self) -> Tokens:
        """Log in with username and password (form-encoded, as OAuth2's password flow has it)."""
        password = self._password_value()
        if self.username is None or password is None:
            raise SyncAuthError(
                "Log in om te synchroniseren.",
                code="sync_login_required",
            )
        response = self._send(
            "POST", "/auth/token", data={"username": self.username, "password": password}
        )
        if response.status_code != 200:
            error = error_for_response(response)
            if response.status_code == 401:
                raise SyncAuthError(
                    error.message if error.server_code else None,
                    status=401,
                    server_code=error.server_code,
                )
            raise error
        tokens = Tokens.from_response(self._parse_token(response), now=self._clock())
        self._set_tokens(tokens)
        return tokens

    def refresh(self) -> Tokens:
        """Trade the refresh token for a new pair (used once: the server rotates it)."""
        current = self._tokens
        if current is None or not current.refresh_token:
            raise SyncAuthError(code="sync_login_required")
        response = self._send(
            "POST", "/auth/refresh", json={"refresh_token": current.refresh_token}
        )
        if response.status_code != 200:
            error = error_for_response(response)
            if response.status_code == 401:
                raise SyncAuthError(status=401, server_code=error.server_code)
            raise error
        tokens = Tokens.from_response(self._parse_token(response), now=self._clock())
        self._set_tokens(tokens)
        return tokens

    def logout(self) -> None:
        """End the session on the server (best effort) and forget the tokens."""
        if self._tokens is not None:
            with contextlib.suppress(SyncError):
                self._send("POST", "/auth/logout", headers=self._auth_headers(self._tokens))
        self._set_tokens(None)

    @staticmethod
    def _parse_token(response: httpx.Response) -> TokenResponse:
        try:
            return TokenResponse.model_validate_json(response.content)
        except PydanticValidationError as exc:
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            ) from exc

    @staticmethod
    def _auth_headers(tokens: Tokens) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.access_token}"}

    def _renew(self, stale: Tokens | None) -> Tokens:
        """New tokens, unless another thread already renewed ``stale`` meanwhile."""
        with self._auth_lock:
            current = self._tokens
            if current is not None and current is not stale:
                return current
            if current is not None and current.refresh_token:
                try:
                    return self.refresh()
                except SyncAuthError as exc:
                    if not self.can_login:
                        self._set_tokens(None)
                        raise SyncAuthError(
                            "Uw sessie bij de server is verlopen. Log opnieuw in om te "
                            "synchroniseren.",
                            code="sync_login_required",
                            status=exc.status,
                            server_code=exc.server_code,
                        ) from exc
            return self.login()

    def _valid_tokens(self) -> Tokens:
        tokens = self._tokens
        if tokens is None:
            return self._renew(None)
        expires = tokens.access_expires_at
        if expires is not None and self._clock() > expires - EXPIRY_MARGIN:
            return self._renew(tokens)
        return tokens

    def _authed(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """Send with the bearer token; on 401 renew once and send again."""
        tokens = self._valid_tokens()
        headers = dict(kw.pop("headers", None) or {})
        response = self._send(method, url, headers=headers | self._auth_headers(tokens), **kw)
        if response.status_code == 401:
            tokens = self._renew(tokens)
            response = self._send(method, url, headers=headers | self._auth_headers(tokens), **kw)
            if response.status_code == 401:
                error = error_for_response(response)
                raise SyncAuthError(
                    "De server accepteert uw inlog niet meer. Log opnieuw in.",
                    status=401,
                    server_code=error.server_code,
                )
        return response

    # --- transport -------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        """One request, with httpx's failures turned into sync errors and the bytes counted."""
        content = kw.get("content")
        try:
            response = self.http.request(method, url, **kw)
        except httpx.TimeoutException as exc:
            raise SyncTimeoutError() from exc
        except httpx.UnsupportedProtocol as exc:
            raise SyncRefusedError(
                "Het serveradres is ongeldig (het moet met http:// of https:// beginnen).",
                code="sync_bad_url",
            ) from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise SyncOfflineError() from exc
        with self._stats_lock:
            self.stats.requests += 1
            if isinstance(content, bytes | bytearray):
                self.stats.bytes_sent += len(content)
            else:
                self.stats.bytes_sent += len(response.request.content)
            self.stats.bytes_received += response.num_bytes_downloaded
        return response

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if not 200 <= response.status_code < 300:
            raise error_for_response(response)
        return response

    # --- API -------------------------------------------------------------------------------

    def health(self) -> bool:
        """True when the server answers ``/health`` (a cheap connectivity probe)."""
        try:
            return self._send("GET", "/health").status_code == 200
        except SyncError:
            return False

    def me(self) -> Me:
        response = self._checked(self._authed("GET", "/auth/me"))
        try:
            return Me.model_validate_json(response.content)
        except PydanticValidationError as exc:
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            ) from exc

    def push(
        self,
        client_id: str,
        mutations: Iterable[Mutation | Mapping[str, Any]],
        *,
        schema_version: int = SCHEMA_VERSION,
    ) -> PushResponse:
        """``POST /sync/push``: one result per mutation (see ``protocol.PushResponse``).

        Asks for ``outcomes``: a ``duplicate`` then carries the answer of the push that applied
        it (``MutationResult.original()``); a server that predates them ignores the parameter.
        """
        wire = [
            m.model_dump(mode="json") if isinstance(m, Mutation) else dict(m) for m in mutations
        ]
        payload = {"client_id": client_id, "schema_version": schema_version, "mutations": wire}
        content, headers = encode_body(payload)
        response = self._checked(
            self._authed(
                "POST",
                "/sync/push",
                content=content,
                headers=headers,
                params={"outcomes": "true"},
            )
        )
        try:
            parsed = PushResponse.model_validate_json(response.content)
        except PydanticValidationError as exc:
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            ) from exc
        if len(parsed.results) != len(wire):
            raise SyncServerError(
                "De server beantwoordde niet elke wijziging.", code="sync_bad_response"
            )
        return parsed

    def decide_plan(self, plan_id: str, *, approve: bool, comment: str) -> dict[str, Any]:
        """``POST /plans/{id}/approve|reject``: a manager's decision is taken by the server, not
        pushed (a push that changes a plan's status is refused); returns the decided plan as a
        wire record, for the device to apply as if pulled."""
        action = "approve" if approve else "reject"
        response = self._checked(
            self._authed("POST", f"/plans/{plan_id}/{action}", json={"comment": comment})
        )
        try:
            record = WireRecord.model_validate_json(response.content)
        except PydanticValidationError as exc:
            raise SyncServerError(
                "De server stuurde een onleesbaar antwoord.", code="sync_bad_response"
            ) from exc
        return record.model_dump(mode="json")

    def pull(self, cursor: int, *, limit: int | None = None, epoch: str | None = None) -> PullPage:
        """``GET /sync/pull``: the changes after ``cursor`` in the user's scope, one page."""
        params: dict[str, Any] = {"cursor": cursor}
        if limit is not None:
            params["limit"] = limit
        if epoch is not None:
            params["epoch"] = epoch
        response = self._checked(self._authed("GET", "/sync/pull", params=params))
        with gc_paused():
            return PullPage.parse(response.content, wire_bytes=response.num_bytes_downloaded)


__all__ = [
    "PullPage",
    "SyncClient",
    "Tokens",
    "TransferStats",
    "accept_encoding",
    "encode_body",
    "error_for_response",
    "make_http_client",
]
