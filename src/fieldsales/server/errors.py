"""The server's errors and the one JSON envelope every error answer has.

``{"error": {"code": ..., "message": ..., "details": ...}}``: ``code`` is stable (clients, tests
and logs match on it), ``message`` is Dutch for the user. Handlers below turn framework errors
(unknown route, wrong method, malformed body) into the same envelope, and anything unexpected into
a 500 envelope that never leaks a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DataError as DBAPIDataError
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from fieldsales.domain.errors import DomainError, InvalidTransition, NotAllowed

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success; raise it anywhere below a route."""

    status_code = 400
    code = "bad_request"
    message = "Het verzoek is ongeldig."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.details = details
        self.headers = dict(headers or {})
        super().__init__(self.message)


class UnauthorizedError(ApiError):
    status_code = 401
    code = "not_authenticated"
    message = "U bent niet ingelogd of uw sessie is verlopen. Log opnieuw in."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class ForbiddenError(ApiError):
    status_code = 403
    code = "forbidden"
    message = "U hebt geen toegang tot dit onderdeel."


class NotFoundError(ApiError):
    status_code = 404
    code = "not_found"
    message = "Niet gevonden."


class ConflictError(ApiError):
    status_code = 409
    code = "conflict"
    message = "Dit kan nu niet: de gegevens zijn intussen gewijzigd."


class PayloadTooLargeError(ApiError):
    status_code = 413
    code = "payload_too_large"
    message = "Het verzoek is te groot. Synchroniseer in kleinere delen."


class InvalidRequestError(ApiError):
    status_code = 422
    code = "validation_failed"
    message = "De gegevens in het verzoek zijn ongeldig."


class RateLimitedError(ApiError):
    status_code = 429
    code = "rate_limited"
    message = "Te veel mislukte pogingen. Probeer het later opnieuw."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(
            message, details={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)}
        )


_STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Het verzoek is ongeldig."),
    401: (UnauthorizedError.code, UnauthorizedError.message),
    403: (ForbiddenError.code, ForbiddenError.message),
    404: ("not_found", "Dit adres bestaat niet."),
    405: ("method_not_allowed", "Deze methode is hier niet toegestaan."),
    406: ("not_acceptable", "Dit antwoordformaat wordt niet ondersteund."),
    413: (PayloadTooLargeError.code, PayloadTooLargeError.message),
    415: ("unsupported_media_type", "Dit berichtformaat wordt niet ondersteund."),
    422: (InvalidRequestError.code, InvalidRequestError.message),
    429: (RateLimitedError.code, RateLimitedError.message),
}


def envelope(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = orjson.dumps(
        {"error": {"code": code, "message": message, "details": details}},
        default=str,
    )
    return Response(body, status_code, headers=dict(headers or {}), media_type="application/json")


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Pydantic error lists without the parts that are not JSON (exceptions in ``ctx``)."""
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return envelope(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        code, message = _STATUS_CODES.get(exc.status_code, ("http_error", "Het verzoek mislukte."))
        return envelope(exc.status_code, code, message, None, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_request: Request, exc: RequestValidationError) -> Response:
        return envelope(
            422,
            InvalidRequestError.code,
            InvalidRequestError.message,
            validation_details(exc.errors()),
        )

    @app.exception_handler(PydanticValidationError)
    async def _model_invalid(_request: Request, exc: PydanticValidationError) -> Response:
        return envelope(
            422,
            InvalidRequestError.code,
            InvalidRequestError.message,
            validation_details(exc.errors()),
        )

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> Response:
        status = 403 if isinstance(exc, NotAllowed) else 409
        if not isinstance(exc, (NotAllowed, InvalidTransition)):
            status = 422
        return envelope(status, exc.code, exc.message)

    @app.exception_handler(DBAPIDataError)
    async def _data_error(_request: Request, exc: DBAPIDataError) -> Response:
        # A value the database cannot store (a NUL character, a number out of range) that
        # slipped past validation: the request is at fault, not the server.
        log.warning("database refused a value: %s", exc.orig)
        return envelope(
            422, "invalid_value", "Het verzoek bevat een waarde die niet kan worden opgeslagen."
        )

    @app.exception_handler(IntegrityError)
    async def _integrity_error(_request: Request, exc: IntegrityError) -> Response:
        # Two requests raced to create the same thing (a username, say); the loser may retry.
        log.warning("integrity error: %s", exc.orig)
        return envelope(409, ConflictError.code, ConflictError.message)

    @app.exception_handler(OperationalError)
    async def _database_down(_request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable: %s", exc.orig)
        return envelope(
            503,
            "database_unavailable",
            "De server kan de database nu niet bereiken. Probeer het zo opnieuw.",
            None,
            {"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return envelope(500, "internal_error", "Er ging iets mis op de server. Probeer het later.")
