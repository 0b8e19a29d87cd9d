"""Errors of the sync client and engine, split by what the caller can do about them.

``retryable`` errors (``SyncRetryableError``: no connection, a broken or slow transfer, a 5xx,
429 rate limiting) go away by waiting and trying again; the engine does that itself with
backoff, and gives up only when nothing has progressed for its stall timeout. The others
(``SyncRefusedError``) will not change by retrying: the password is wrong, the server refuses
the request (403, 413, 422, 409), the app is too old for the server, or the store belongs to
someone else. The user (or support) has to act.

Every error has a stable ``code`` and a Dutch ``message`` for the user; ``server_code`` keeps
the server's own code from its error envelope when there was one.
"""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """Synchronising failed; nothing that was committed locally is lost."""

    code = "sync_error"
    retryable = False
    message = "Synchroniseren is mislukt."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        server_code: str | None = None,
        details: Any = None,
    ) -> None:
        self.message = message or type(self).message
        if code is not None:
            self.code = code
        self.status = status
        self.server_code = server_code
        self.details = details
        super().__init__(self.message)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"server_code={self.server_code!r}, message={self.message!r})"
        )


# --- retryable -----------------------------------------------------------------------------------


class SyncRetryableError(SyncError):
    """Transient: waiting and trying again is expected to work."""

    retryable = True
    code = "sync_retryable"
    #: Seconds the server asked us to wait (``Retry-After``), if it said.
    retry_after: float | None = None


class SyncOfflineError(SyncRetryableError):
    """No connection to the server (refused, unreachable, DNS), or it broke off mid-transfer."""

    code = "sync_offline"
    message = (
        "Geen verbinding met de server. Uw wijzigingen blijven bewaard op dit apparaat en "
        "worden verstuurd zodra er weer verbinding is."
    )


class SyncTimeoutError(SyncRetryableError):
    """The connection stalled: no bytes moved for the read/write timeout."""

    code = "sync_timeout"
    message = (
        "De verbinding met de server is te traag of hapert. Uw wijzigingen blijven bewaard en "
        "worden later verstuurd."
    )


class SyncServerError(SyncRetryableError):
    """The server failed (5xx) or answered something that is not the protocol."""

    code = "sync_server_error"
    message = "De server heeft even een storing. Er wordt later opnieuw gesynchroniseerd."


class SyncRateLimitedError(SyncRetryableError):
    """429: the server asks us to slow down, usually with ``Retry-After``."""

    code = "sync_rate_limited"
    message = "De server is even druk. Er wordt zo opnieuw gesynchroniseerd."

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class SyncStalledError(SyncRetryableError):
    """The engine made no progress for its stall timeout and stopped trying for now.

    Retryable in the sense that a later sync (the background loop's next round) may work; the
    engine itself has given up on this run. ``cause`` is the last error it saw.
    """

    code = "sync_stalled"
    message = (
        "Synchroniseren lukt nu niet: er kwam te lang geen voortgang. Uw wijzigingen blijven "
        "bewaard en worden later opnieuw verstuurd."
    )

    def __init__(self, cause: SyncError | None = None, *, seconds: float | None = None) -> None:
        message = type(self).message
        if cause is not None:
            message = f"{message} ({cause.message})"
        super().__init__(message, status=getattr(cause, "status", None))
        self.cause = cause
        self.seconds = seconds


class SyncCancelledError(SyncError):
    """The sync was stopped on purpose (the app is closing, the user cancelled)."""

    code = "sync_cancelled"
    message = "Synchroniseren is gestopt. Wat al verstuurd of opgehaald was, blijft bewaard."


# --- refusals ------------------------------------------------------------------------------------


class SyncRefusedError(SyncError):
    """The server refused the request; retrying the same thing will not help."""

    code = "sync_refused"
    message = "De server weigert dit verzoek."


class SyncAuthError(SyncRefusedError):
    """401 even after logging in again: wrong password, account or session ended."""

    code = "sync_auth_failed"
    message = "Inloggen bij de server is mislukt. Controleer uw gebruikersnaam en wachtwoord."


class SyncForbiddenError(SyncRefusedError):
    """403: the account may not do this (deactivated, wrong role)."""

    code = "sync_forbidden"
    message = "U hebt geen toegang tot de server met dit account."


class SyncTooLargeError(SyncRefusedError):
    """413: the request is larger than the server accepts."""

    code = "sync_too_large"
    message = "Een verzoek is te groot voor de server. Synchroniseer in kleinere delen."


class SyncInvalidRequestError(SyncRefusedError):
    """422/400/409: the server found the request itself malformed or not acceptable."""

    code = "sync_invalid_request"
    message = "De server kon het verzoek niet verwerken."


class SyncUpgradeRequiredError(SyncRefusedError):
    """The server does not speak this app's wire schema (``schema_unsupported``)."""

    code = "sync_upgrade_required"
    message = "Deze versie van de app past niet bij de server. Werk de app bij."


class SyncWrongUserError(SyncRefusedError):
    """The store holds another user's data: syncing it as this user would mix two portfolios."""

    code = "sync_other_user"
    message = (
        "De gegevens op dit apparaat horen bij een andere gebruiker. Log in als die gebruiker, "
        "of gebruik een andere gegevensmap."
    )


def refusal_for_status(
    status: int, *, server_code: str | None, message: str | None, details: Any = None
) -> SyncRefusedError:
    """The refusal class for a 4xx answer (other than 401 handled by the client, and 429)."""
    kw: dict[str, Any] = {"status": status, "server_code": server_code, "details": details}
    if server_code == "schema_unsupported":
        return SyncUpgradeRequiredError(message, **kw)
    if status == 401:
        return SyncAuthError(message, **kw)
    if status == 403:
        return SyncForbiddenError(message, **kw)
    if status == 413:
        return SyncTooLargeError(message, **kw)
    return SyncInvalidRequestError(message, **kw)
