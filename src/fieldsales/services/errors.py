"""Errors the services raise, split by what the caller (the UI) can do about them.

Every error carries a Dutch ``message`` to show as-is and a stable ``code`` for tests and logs.
Domain rule violations are re-raised as these, chained with ``raise ... from``, so the UI only ever
catches ``ServiceError``.
"""

from __future__ import annotations

from fieldsales.domain import errors as domain_errors


class ServiceError(Exception):
    """Base class: the action was not carried out and nothing was written."""

    code = "service_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(ServiceError):
    """The user can correct the input and try again (a field is named where there is one)."""

    code = "invalid"


class NotFound(ServiceError):
    """The record does not exist here (deleted, or outside the user's portfolio)."""

    code = "not_found"


class NotAllowed(ServiceError):
    """The user's role or relation to the record does not permit this."""

    code = "not_allowed"


class InvalidState(ServiceError):
    """The record's state does not permit this step now (e.g. editing a submitted plan)."""

    code = "invalid_state"


class StoreUnavailable(ServiceError):
    """The local store could not carry out the write (busy: try again; damaged: call support)."""

    code = "store_error"

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message, code=code)
        self.retryable = retryable


def from_domain(exc: domain_errors.DomainError) -> ServiceError:
    """Translate a broken business rule into the service error the UI understands."""
    if isinstance(exc, domain_errors.ValidationError):
        return InvalidInput(exc.message, code=exc.code, field=exc.field)
    if isinstance(exc, domain_errors.NotAllowed):
        return NotAllowed(exc.message, code=exc.code)
    if isinstance(exc, domain_errors.InvalidTransition):
        return InvalidState(exc.message, code=exc.code)
    return ServiceError(exc.message, code=exc.code)
