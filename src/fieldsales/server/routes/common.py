"""What the route modules share: the error responses they document."""

from __future__ import annotations

from typing import Any

from fieldsales.sync.protocol import ErrorEnvelope


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route gives, all in the one envelope."""
    return {code: {"model": ErrorEnvelope} for code in codes}
