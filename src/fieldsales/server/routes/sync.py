"""``/sync``: push a device's outbox, pull changes (see docs/sync-protocol.md)."""

from __future__ import annotations

import zlib
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from fieldsales.server import syncing
from fieldsales.server.deps import EngineDep, PrincipalDep, SettingsDep
from fieldsales.server.routes.common import error_responses
from fieldsales.server.scope import Principal
from fieldsales.server.settings import Settings
from fieldsales.sync.protocol import PullResponse, PushRequest, PushResponse

router = APIRouter(prefix="/sync", tags=["sync"])

_PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
    }
}


@router.post(
    "/push",
    response_model=PushResponse,
    openapi_extra=_PUSH_BODY,
    responses=error_responses(401, 409, 413, 422),
)
async def push(
    request: Request,
    principal: PrincipalDep,
    engine: EngineDep,
    settings: SettingsDep,
    outcomes: Annotated[bool, Query()] = False,
) -> Response:
    """Apply mutations in order; one result per mutation. Body may be gzipped.

    ``outcomes=true``: a ``duplicate`` (the mutation was applied by an earlier push whose answer
    got lost) carries that push's answer in ``outcome`` while the server still keeps it. A
    query parameter, so an older server ignores it and an older client never sees the field.

    The body is parsed by pydantic-core straight from bytes (no intermediate ``json.loads``),
    which matters for first uploads of tens of thousands of records.
    """
    body = await request.body()
    content = await run_in_threadpool(_push, body, principal, engine, settings, outcomes)
    return Response(content, media_type="application/json")


def _push(
    body: bytes, principal: Principal, engine: Engine, settings: Settings, outcomes: bool
) -> bytes:
    parsed = PushRequest.model_validate_json(body or b"null")
    syncing.check_push_shape(parsed, max_mutations=settings.max_mutations_per_push)
    return syncing.push(engine, principal, parsed, outcomes=outcomes)


@router.get("/pull", response_model=PullResponse, responses=error_responses(401, 422))
def pull(
    request: Request,
    principal: PrincipalDep,
    engine: EngineDep,
    settings: SettingsDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int | None, Query(ge=1)] = None,
    epoch: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Changes with version > cursor in your scope, oldest first, tombstones included.

    Compressed here, at ``pull_gzip_level``, rather than by the app's gzip middleware (level
    ``gzip_level``, chosen for server CPU): pull pages are the big answers that go to phones.
    The middleware leaves a response that already has a ``Content-Encoding`` alone.
    """
    size = min(limit or settings.pull_default_limit, settings.pull_max_limit)
    content = syncing.pull(engine, principal, cursor=cursor, limit=size, epoch=epoch)
    if len(content) >= GZIP_MIN_BYTES and accepts_gzip(request.headers.get("accept-encoding")):
        return Response(
            gzip_bytes(content, settings.pull_gzip_level),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(content, media_type="application/json", headers={"Vary": "Accept-Encoding"})


#: As the middleware's ``minimum_size``: below this gzip's overhead is not worth it.
GZIP_MIN_BYTES = 1024


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (not refused with ``q=0``)."""
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().removeprefix("q=")
            try:
                return not params.strip() or float(q) > 0
            except ValueError:
                return True
    return False


def gzip_bytes(data: bytes, level: int) -> bytes:
    """A gzip member of ``data`` (what ``gzip.compress`` makes, without its extra copy)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()
