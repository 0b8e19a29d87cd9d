"""The sync client over an injected transport: auth renewal, error classes, gzip, Retry-After."""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import orjson
import pytest

from fieldsales.sync.client import (
    GZIP_MIN_BYTES,
    MAX_RETRY_AFTER,
    PullPage,
    SyncClient,
    Tokens,
    _retry_after,
)
from fieldsales.sync.engine import SyncEngine, SyncOptions
from fieldsales.sync.errors import (
    SyncAuthError,
    SyncForbiddenError,
    SyncInvalidRequestError,
    SyncOfflineError,
    SyncRateLimitedError,
    SyncServerError,
    SyncTimeoutError,
    SyncTooLargeError,
    SyncUpgradeRequiredError,
)

Handler = Callable[[httpx.Request], httpx.Response]


def token_body(n: int) -> dict[str, object]:
    return {
        "access_token": f"access-{n}",
        "token_type": "bearer",
        "expires_in": 3600,
        "refresh_token": f"refresh-{n}",
        "refresh_expires_in": 86400,
    }


def error(status: int, code: str, message: str = "Nee.", **headers: str) -> httpx.Response:
    body = {"error": {"code": code, "message": message, "details": None}}
    return httpx.Response(status, json=body, headers=headers)


PAGE = {"epoch": "e1", "cursor": 7, "more": False, "reset": False, "records": []}


class FakeServer:
    """Answers like the real one: tokens, and a pull that wants a current access token."""

    def __init__(self) -> None:
        self.issued = 0
        self.valid: set[str] = set()
        self.calls: list[tuple[str, str]] = []
        self.password = "geheim123"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append((request.method, path))
        if path == "/auth/token":
            form = dict(x.split("=") for x in request.content.decode().split("&"))
            if form["password"] != self.password:
                return error(401, "invalid_credentials", "Gebruikersnaam of wachtwoord klopt niet.")
            return self._issue()
        if path == "/auth/refresh":
            if orjson.loads(request.content)["refresh_token"] != f"refresh-{self.issued}":
                return error(401, "invalid_refresh_token")
            return self._issue()
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid:
            return error(401, "token_expired")
        return httpx.Response(200, json=PAGE)

    def _issue(self) -> httpx.Response:
        self.issued += 1
        self.valid = {f"access-{self.issued}"}
        return httpx.Response(200, json=token_body(self.issued))


def client_for(handler: Handler, **kw: object) -> SyncClient:
    http = httpx.Client(base_url="http://server", transport=httpx.MockTransport(handler))
    return SyncClient(http, **kw)  # type: ignore[arg-type]


def test_logs_in_on_first_use_and_refreshes_an_expired_token() -> None:
    server = FakeServer()
    client = client_for(server, username="an", password="geheim123")
    assert client.pull(0).cursor == 7
    assert server.calls[0] == ("POST", "/auth/token")
    server.valid = set()  # the access token expired on the server
    assert client.pull(0).cursor == 7
    assert [p for _, p in server.calls[-3:]] == ["/sync/pull", "/auth/refresh", "/sync/pull"]
    assert [p for _, p in server.calls].count("/auth/token") == 1


def test_logs_in_again_when_the_refresh_token_is_refused() -> None:
    server = FakeServer()
    seen: list[Tokens | None] = []
    client = client_for(server, username="an", password="geheim123", on_tokens=seen.append)
    client.pull(0)
    server.issued += 5  # the session was ended elsewhere: the refresh token is stale
    server.valid = set()
    client.pull(0)
    assert [p for _, p in server.calls].count("/auth/token") == 2
    assert seen[-1] is not None
    assert seen[-1].access_token == f"access-{server.issued}"


def test_a_wrong_password_is_an_auth_error_in_dutch() -> None:
    client = client_for(FakeServer(), username="an", password="fout")
    with pytest.raises(SyncAuthError) as raised:
        client.pull(0)
    assert raised.value.message == "Gebruikersnaam of wachtwoord klopt niet."
    assert not raised.value.retryable


def test_without_a_password_a_refused_session_needs_a_login() -> None:
    server = FakeServer()
    client = client_for(server, tokens=Tokens("old", "refresh-old", None))
    with pytest.raises(SyncAuthError) as raised:
        client.pull(0)
    assert raised.value.code == "sync_login_required"
    assert client.tokens is None


def test_renews_a_token_about_to_expire_before_using_it() -> None:
    server = FakeServer()
    now = [1000.0]
    client = client_for(server, username="an", password="geheim123", clock=lambda: now[0])
    client.pull(0)
    now[0] += 3600 - 10  # within the margin
    client.pull(0)
    assert [p for _, p in server.calls][-2:] == ["/auth/refresh", "/sync/pull"]


@pytest.mark.parametrize(
    ("response", "kind", "retryable"),
    [
        (error(500, "internal_error"), SyncServerError, True),
        (error(503, "database_unavailable", **{"Retry-After": "4"}), SyncServerError, True),
        (error(429, "rate_limited", **{"Retry-After": "2"}), SyncRateLimitedError, True),
        (error(403, "account_inactive"), SyncForbiddenError, False),
        (error(413, "payload_too_large"), SyncTooLargeError, False),
        (error(422, "validation_failed"), SyncInvalidRequestError, False),
        (error(409, "schema_unsupported"), SyncUpgradeRequiredError, False),
        (httpx.Response(200, content=b"<html>proxy</html>"), SyncServerError, True),
    ],
)
def test_answers_map_to_what_the_caller_can_do(
    response: httpx.Response, kind: type[Exception], retryable: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/token":
            return httpx.Response(200, json=token_body(1))
        return response

    with pytest.raises(kind) as raised:
        client_for(handler, username="an", password="x").pull(0)
    assert raised.value.retryable is retryable  # type: ignore[attr-defined]
    assert raised.value.message  # type: ignore[attr-defined]
    if "Retry-After" in response.headers:
        assert raised.value.retry_after == float(response.headers["Retry-After"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (httpx.ConnectError("refused"), SyncOfflineError),
        (httpx.RemoteProtocolError("closed"), SyncOfflineError),
        (httpx.ReadTimeout("slow"), SyncTimeoutError),
    ],
)
def test_transport_failures_are_retryable(failure: Exception, kind: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    with pytest.raises(kind) as raised:
        client_for(handler, tokens=Tokens("a", "r", None)).pull(0)
    assert raised.value.retryable  # type: ignore[attr-defined]


def test_push_bodies_are_gzipped_above_the_threshold() -> None:
    bodies: list[tuple[str | None, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append((request.headers.get("Content-Encoding"), request.content))
        payload = orjson.loads(
            gzip.decompress(request.content)
            if request.headers.get("Content-Encoding")
            else request.content
        )
        results = [
            {"mid": m["mid"], "status": "applied", "version": 1} for m in payload["mutations"]
        ]
        return httpx.Response(200, json={"epoch": "e", "last_mid": 0, "results": results})

    client = client_for(handler, tokens=Tokens("a", "r", None))
    small = [{"mid": 1, "collection": "customers", "op": "upsert", "id": "c", "fields": {}}]
    big = [
        {
            "mid": i,
            "collection": "customers",
            "op": "upsert",
            "id": f"c{i}",
            "fields": {"n": "x" * 40},
        }
        for i in range(1, 60)
    ]
    client.push("phone", small)
    client.push("phone", big)
    assert bodies[0][0] is None
    assert len(bodies[0][1]) < GZIP_MIN_BYTES
    assert bodies[1][0] == "gzip"
    assert client.stats.bytes_sent == len(bodies[0][1]) + len(bodies[1][1])
    assert client.stats.requests == 2


def test_retry_after_parsing() -> None:
    assert _retry_after("3") == 3.0
    assert _retry_after(None) is None
    assert _retry_after("soon") is None
    assert _retry_after("99999") == MAX_RETRY_AFTER
    assert _retry_after("-5") == 0.0
    future = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (_retry_after(future) or 0) <= 31
    # A server date a year off (or a device clock a year off) is capped, not obeyed.
    far = format_datetime(datetime.now(UTC) + timedelta(days=365), usegmt=True)
    assert _retry_after(far) == MAX_RETRY_AFTER


def test_pull_pages_must_look_like_pages() -> None:
    assert PullPage.parse(orjson.dumps(PAGE)).cursor == 7
    for bad in (b"[]", b"{", b'{"epoch": 1, "cursor": 2, "more": false}'):
        with pytest.raises(SyncServerError):
            PullPage.parse(bad)


def test_backoff_grows_with_jitter_and_stays_capped(tmp_path: object) -> None:
    engine = SyncEngine.__new__(SyncEngine)
    engine.options = SyncOptions(backoff_initial=0.5, backoff_max=8.0)
    engine.rng = random.Random(1)
    delays = [engine._backoff(attempt) for attempt in range(1, 12)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jittered: no two devices in lockstep


def test_a_damaged_zstd_page_is_a_retryable_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b"\x28\xb5\x2f\xfd not a frame", headers={"Content-Encoding": "zstd"}
        )

    with pytest.raises(SyncOfflineError) as raised:
        client_for(handler, tokens=Tokens("a", "r", None)).pull(0)
    assert raised.value.retryable
