"""The FastAPI application: ``create_app`` wires settings, database, middleware and routes.

uvicorn starts it as a factory (``fieldsales.server.app:create_app``) in every worker process;
each worker builds its own engine and reads settings from the environment.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware.gzip import GZipMiddleware

from fieldsales.server import migrate
from fieldsales.server.db import make_engine
from fieldsales.server.errors import install_error_handlers
from fieldsales.server.middleware import RequestBodyMiddleware
from fieldsales.server.routes import admin, attachments, auth, health, plans, sync
from fieldsales.server.security import password_hasher
from fieldsales.server.settings import Settings
from fieldsales.sync.protocol import PushRequest

DESCRIPTION = """
Central API of fieldsales: accounts, the sync protocol (push a device's outbox, pull changes in
the user's scope) and managers' decisions on account plans. Every error answers
`{"error": {"code", "message", "details"}}`; messages are Dutch.
"""


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size)
    if settings.migrate_on_start:
        migrate.upgrade(engine)

    app = FastAPI(title="fieldsales server", version="1", description=DESCRIPTION)
    app.state.settings = settings
    app.state.engine = engine
    app.state.hasher = password_hasher(settings)
    install_error_handlers(app)
    for module in (health, auth, sync, plans, admin, attachments):
        app.include_router(module.router)
    _document_models(app)
    # Outermost first on the way in: bodies are checked and unpacked before anything reads them.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=settings.gzip_level)
    app.add_middleware(RequestBodyMiddleware, max_bytes=settings.max_request_bytes)
    return app


def _document_models(app: FastAPI) -> None:
    """Finish the OpenAPI schema: the push body (read from raw bytes, so FastAPI does not see
    it) and the error envelope in place of FastAPI's default 422 shape."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        push = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(push.pop("$defs", {}))
        components["PushRequest"] = push
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "Validation Error",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorEnvelope"}
                            }
                        },
                    }
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
