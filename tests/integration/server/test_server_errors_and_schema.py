"""One error envelope for every failure, and a migrated database that matches the models."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from server_support import Backend, test_settings

from fieldsales.server.app import create_app
from fieldsales.server.db import make_engine
from fieldsales.server.migrate import current_revision, head_revision
from fieldsales.server.models import metadata


def envelope_of(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


def test_framework_errors_use_the_envelope(backend: Backend) -> None:
    client = backend.client
    cases = [
        (client.get("/nowhere"), 404, "not_found"),
        (client.delete("/sync/pull"), 405, "method_not_allowed"),
        (client.get("/sync/pull"), 401, "not_authenticated"),
        (client.post("/auth/token", data={}), 422, "validation_failed"),
        (client.post("/auth/refresh", json={"nope": 1}), 422, "validation_failed"),
    ]
    for response, status, code in cases:
        assert response.status_code == status
        assert envelope_of(response)["code"] == code


def test_invalid_query_parameters_are_422(backend: Backend) -> None:
    from server_support import make_world

    world = make_world(backend)
    for params in ({"cursor": -1}, {"cursor": "x"}, {"limit": 0}, {"cursor": 2**63}):
        response = backend.client.get("/sync/pull", params=params, headers=world.alice.headers)
        assert response.status_code == 422, params
        error = envelope_of(response)
        assert error["code"] == "validation_failed"
        assert error["details"][0]["loc"][0] == "query"


def test_unexpected_errors_answer_a_500_envelope_without_a_traceback(tmp_path: Any) -> None:
    app = create_app(test_settings(f"sqlite:///{tmp_path / 'boom.sqlite3'}"))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    error = envelope_of(response)
    assert error["code"] == "internal_error"
    assert "secret" not in response.text


def test_an_unreachable_database_answers_503() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/unreachable"
    settings = test_settings(url, migrate_on_start=False)
    app = create_app(settings, engine=make_engine(url))
    with TestClient(app, raise_server_exceptions=False) as client:
        health = client.get("/health")
        login = client.post("/auth/token", data={"username": "a", "password": "b"})
    assert health.status_code == 503
    assert envelope_of(health)["code"] == "database_unavailable"
    assert login.status_code == 503
    assert login.headers["Retry-After"] == "5"


def test_migrations_produce_exactly_the_models(backend: Backend) -> None:
    assert current_revision(backend.engine) == head_revision()
    with backend.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_openapi_documents_the_error_envelope(backend: Backend) -> None:
    schema = backend.client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert {"ErrorEnvelope", "PushRequest", "Mutation", "PushResponse"} <= set(components)
    assert "HTTPValidationError" not in components
    push = schema["paths"]["/sync/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PushRequest"
    )
    assert backend.client.get("/docs").status_code == 200
