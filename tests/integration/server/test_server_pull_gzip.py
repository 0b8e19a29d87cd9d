"""Pull pages are gzipped by the pull route at ``pull_gzip_level``; everything else keeps the
middleware's ``gzip_level`` (item D of issue 4)."""

from __future__ import annotations

import gzip
import zlib

from fastapi.testclient import TestClient
from server_support import Backend, World, customer_fields, test_settings

from fieldsales.domain.ids import new_id
from fieldsales.server.app import create_app
from fieldsales.server.routes.sync import accepts_gzip, gzip_bytes


def _fill(world: World, count: int = 60) -> None:
    alice = world.alice
    alice.push(
        *(
            alice.mutation(
                "customers", new_id(), customer_fields(alice.id, notes="Vaste klant. " * 20)
            )
            for _ in range(count)
        )
    )


def _level1(data: bytes) -> int:
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return len(compressor.compress(data) + compressor.flush())


def test_pull_pages_are_gzipped_at_their_own_level(world: World, backend: Backend) -> None:
    _fill(world)
    headers = {**world.alice.headers, "Accept-Encoding": "gzip"}
    response = backend.client.get("/sync/pull", params={"cursor": 0}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    body = response.content  # httpx unpacked it
    assert response.json()["records"]
    sent = response.num_bytes_downloaded
    assert backend.settings.pull_gzip_level == 3
    assert sent == len(gzip_bytes(body, 3))
    assert sent < _level1(body)  # level 3 beats the middleware's level 1 on this body
    assert gzip.decompress(gzip_bytes(body, 3)) == body


def test_the_level_is_a_setting_and_identity_is_honoured(world: World, backend: Backend) -> None:
    _fill(world)
    settings = test_settings(backend.settings.database_url, pull_gzip_level=1)
    app = create_app(settings, engine=backend.engine)
    with TestClient(app) as client:
        headers = {**world.alice.headers, "Accept-Encoding": "gzip"}
        response = client.get("/sync/pull", params={"cursor": 0}, headers=headers)
        assert response.num_bytes_downloaded == _level1(response.content)
        plain = client.get(
            "/sync/pull",
            params={"cursor": 0},
            headers={**world.alice.headers, "Accept-Encoding": "identity"},
        )
        assert "content-encoding" not in plain.headers
        assert plain.num_bytes_downloaded == len(plain.content)
        assert plain.content == response.content


def test_other_answers_keep_the_middleware_level(backend: Backend) -> None:
    response = backend.client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded == _level1(response.content)


def test_accept_encoding_parsing() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("identity")
    assert not accepts_gzip(None)
