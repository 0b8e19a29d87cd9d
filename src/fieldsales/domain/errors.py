"""Errors raised by the business rules.

Each carries a stable ``code`` (for the server's JSON envelope, tests and logs) and a Dutch
``message`` a user can act on; the UI shows the message, never a traceback.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule said no. Not retryable: the input or the request must change."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ValidationError(DomainError):
    """A value is malformed (a postcode, a KvK number, a quantity)."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class NotAllowed(DomainError):
    """The user's role or relation to the record does not permit this action."""

    code = "not_allowed"


class InvalidTransition(DomainError):
    """The record's current state does not permit this step (e.g. approving a draft)."""

    code = "invalid_transition"
