"""``/sync``: push a device's outbox, pull changes (see docs/sync-protocol.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from fieldsales.server import encoding, syncing
from fieldsales.server.deps import EngineDep, PrincipalDep, SettingsDep
from fieldsales.server.encoding import choose
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

    Compressed here (``server.encoding``: zstd at ``pull_zstd_level`` when the client accepts
    it, else gzip at ``pull_gzip_level``) rather than by the app's gzip middleware (level
    ``gzip_level``, chosen for server CPU): pull pages are the big answers that go to phones.
    The middleware leaves a response that already has a ``Content-Encoding`` alone.
    """
    size = min(limit or settings.pull_default_limit, settings.pull_max_limit)
    content = syncing.pull(engine, principal, cursor=cursor, limit=size, epoch=epoch)
    headers = {"Vary": "Accept-Encoding"}
    coding = choose(request.headers.get("accept-encoding"))
    if len(content) >= encoding.MIN_BYTES and coding is not None:
        content = encoding.encode(
            content,
            coding,
            gzip_level=settings.pull_gzip_level,
            zstd_level=settings.pull_zstd_level,
        )
        headers["Content-Encoding"] = coding
    return Response(content, media_type="application/json", headers=headers)
