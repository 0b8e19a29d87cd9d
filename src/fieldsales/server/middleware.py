"""Request bodies: size limit and gzip decoding, before any route reads them.

Devices gzip their pushes. The limit applies to the bytes as sent *and* after decompression
(a few kilobytes of gzip can expand to gigabytes), and both answer 413 in the error envelope.
"""

from __future__ import annotations

import zlib

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldsales.server.errors import PayloadTooLargeError, envelope


class RequestBodyMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", ""):
            await self._reply(
                scope,
                receive,
                send,
                415,
                "unsupported_encoding",
                "Alleen gzip-gecomprimeerde verzoeken worden ondersteund.",
            )
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)

        if encoding == "gzip" and body:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            try:
                body = inflater.decompress(body, self.max_bytes + 1)
            except zlib.error:
                await self._reply(
                    scope,
                    receive,
                    send,
                    400,
                    "invalid_gzip",
                    "Het gecomprimeerde verzoek is beschadigd.",
                )
                return
            if len(body) > self.max_bytes or inflater.unconsumed_tail:
                await self._too_large(scope, receive, send)
                return
            if not inflater.eof:
                await self._reply(
                    scope,
                    receive,
                    send,
                    400,
                    "invalid_gzip",
                    "Het gecomprimeerde verzoek is onvolledig.",
                )
                return

        raw_headers = [
            (name, value)
            for name, value in scope["headers"]
            if name not in (b"content-encoding", b"content-length")
        ]
        raw_headers.append((b"content-length", str(len(body)).encode()))
        scope = dict(scope, headers=raw_headers)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._reply(
            scope,
            receive,
            send,
            413,
            PayloadTooLargeError.code,
            f"Het verzoek is te groot (maximaal {self.max_bytes} bytes, ook na uitpakken). "
            "Synchroniseer in kleinere delen.",
        )

    @staticmethod
    async def _reply(
        scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str
    ) -> None:
        response = envelope(status, code, message, None, {"Connection": "close"})
        await response(scope, receive, send)
