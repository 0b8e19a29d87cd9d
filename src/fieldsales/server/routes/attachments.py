"""``/attachments``: the bytes of attachments, by SHA-256, in resumable chunks.

See ``server/blobs.py`` for the rules and docs/sync-protocol.md ("Attachments") for the
protocol. Uploads arrive as raw bytes (``application/octet-stream``, never gzipped by the
client: photos and audio are compressed already).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from fieldsales.server import blobs
from fieldsales.server.deps import EngineDep, PrincipalDep, SettingsDep
from fieldsales.server.routes.common import error_responses
from fieldsales.server.scope import Principal

router = APIRouter(prefix="/attachments", tags=["attachments"])

Sha256 = Annotated[str, Path(pattern=blobs.SHA256_PATTERN, description="SHA-256, lowercase hex")]


@router.get("/{sha256}/status", responses=error_responses(401, 422))
def upload_status(
    sha256: Sha256, principal: PrincipalDep, engine: EngineDep, settings: SettingsDep
) -> JSONResponse:
    """How much of the blob the server has: ``received`` is the offset to resume from;
    ``complete`` means stored and verified (nothing left to send). Also the server's limits."""
    return JSONResponse(blobs.status(engine, principal, sha256).as_dict(settings))


@router.put(
    "/{sha256}",
    responses=error_responses(401, 409, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def upload_chunk(
    request: Request,
    sha256: Sha256,
    principal: PrincipalDep,
    engine: EngineDep,
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, le=2**62)],
    total: Annotated[int, Query(ge=0, le=2**62)],
) -> JSONResponse:
    """Store the body at ``offset`` of a blob of ``total`` bytes. Idempotent: a chunk already
    stored is ignored; a gap answers 409 ``attachment_offset_mismatch`` with
    ``details.offset``. The last chunk is verified against ``sha256`` (422
    ``checksum_mismatch`` discards the partial data). Too large: 413 ``attachment_too_large``."""
    if total > settings.attachment_max_bytes:  # before reading a byte of the body
        raise blobs.too_large(total, settings.attachment_max_bytes)
    data = await request.body()
    result = await run_in_threadpool(
        blobs.put_chunk,
        engine,
        principal,
        settings,
        sha256=sha256,
        offset=offset,
        total=total,
        data=data,
    )
    return JSONResponse(result.as_dict(settings))


_DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}},
    206: {"description": "The requested range"},
    **error_responses(401, 403, 404, 416, 422),
}


@router.get("/{sha256}", response_class=Response, responses=_DOWNLOAD_RESPONSES)
def download(
    request: Request, sha256: Sha256, principal: PrincipalDep, engine: EngineDep
) -> Response:
    """The blob's bytes; a single ``Range: bytes=first-last`` answers 206 (resume a broken
    download). Needs a live ``attachments`` record in your scope that names it (or that you
    uploaded it)."""
    return _download(request, sha256, principal, engine, body=True)


@router.head("/{sha256}", response_class=Response, responses=_DOWNLOAD_RESPONSES)
def download_head(
    request: Request, sha256: Sha256, principal: PrincipalDep, engine: EngineDep
) -> Response:
    """``GET``'s headers without the bytes (size, whether you may download it)."""
    return _download(request, sha256, principal, engine, body=False)


def _download(
    request: Request, sha256: str, principal: Principal, engine: Engine, *, body: bool
) -> Response:
    blob = blobs.readable(engine, principal, sha256)
    size = blob.size_bytes
    wanted = blobs.parse_range(request.headers.get("range"), size)
    first, last = wanted if wanted is not None else (0, size - 1)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{sha256}"',
        "Cache-Control": "private, max-age=31536000, immutable",
        "Content-Length": str(max(0, last - first + 1)),
    }
    status_code = 200
    if wanted is not None:
        status_code = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    if not body or size == 0:
        return Response(status_code=status_code, headers=headers)
    return StreamingResponse(
        blobs.iter_bytes(engine, principal.tenant_id, blob, first, last),
        status_code=status_code,
        headers=headers,
        media_type="application/octet-stream",
    )
