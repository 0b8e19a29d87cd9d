"""Liveness and readiness for load balancers and ``make run``."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from fieldsales.server.deps import EngineDep
from fieldsales.server.errors import ApiError
from fieldsales.server.models import server_meta

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str
    epoch: str


class DatabaseUnavailableError(ApiError):
    status_code = 503
    code = "database_unavailable"
    message = "De database is niet bereikbaar."


@router.get("/health", response_model=Health)
def health(engine: EngineDep) -> Health:
    """Answers 200 only when the database answers too (a worker without it is not ready)."""
    try:
        with engine.connect() as conn:
            epoch = conn.execute(
                select(server_meta.c.value).where(server_meta.c.key == "epoch")
            ).scalar_one()
    except Exception as exc:
        raise DatabaseUnavailableError() from exc
    return Health(status="ok", database=engine.dialect.name, epoch=str(epoch))
