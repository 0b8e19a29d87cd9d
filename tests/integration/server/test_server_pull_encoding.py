"""Pull pages are compressed by the pull route: zstd at ``pull_zstd_level`` for clients that
accept it, else gzip at ``pull_gzip_level``; everything else keeps the middleware's
``gzip_level`` (issue 4)."""

from __future__ import annotations

import gzip
import zlib

import pytest
import zstandard
from fastapi.testclient import TestClient
from server_support import Backend, World, customer_fields, test_settings

from fieldsales.domain.ids import new_id
from fieldsales.server.app import create_app
from fieldsales.server.encoding import Coding, choose, gzip_bytes, zstd_bytes
from fieldsales.sync.client import accept_encoding


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


def _coded_pull(world: World, backend: Backend, accept: str, coding: str) -> tuple[bytes, int]:
    """A first page of alice's records asked for with ``accept``: (its body, the bytes sent),
    after checking it came as ``coding`` and that caches were told it varies."""
    _fill(world)
    headers = {**world.alice.headers, "Accept-Encoding": accept}
    response = backend.client.get("/sync/pull", params={"cursor": 0}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == coding
    assert "Accept-Encoding" in response.headers["vary"]
    assert response.json()["records"]
    return response.content, response.num_bytes_downloaded  # httpx unpacked the content


def test_pull_pages_are_gzipped_at_their_own_level(world: World, backend: Backend) -> None:
    body, sent = _coded_pull(world, backend, "gzip", "gzip")
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


def test_pull_pages_go_as_zstd_to_clients_that_accept_it(world: World, backend: Backend) -> None:
    body, sent = _coded_pull(world, backend, "gzip, zstd", "zstd")
    assert backend.settings.pull_zstd_level == 3
    assert sent == len(zstd_bytes(body, 3))
    assert sent < len(gzip_bytes(body, 3))  # why zstd is preferred: fewer bytes to phones
    assert zstandard.ZstdDecompressor().decompress(zstd_bytes(body, 3)) == body
    gzipped = backend.client.get(
        "/sync/pull",
        params={"cursor": 0},
        headers={**world.alice.headers, "Accept-Encoding": "gzip"},
    )
    assert gzipped.headers["content-encoding"] == "gzip"
    assert gzipped.content == body


def test_the_app_asks_for_zstd_first() -> None:
    assert accept_encoding() == "zstd, gzip"
    assert choose(accept_encoding()) == "zstd"
    assert accept_encoding(compressed=False) == "identity"


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("zstd, gzip", "zstd"),
        ("gzip;q=1.0, zstd;q=0.5", "zstd"),  # both acceptable: the server's preference
        ("gzip, zstd;q=0", "gzip"),
        ("br, gzip", "gzip"),
        ("*", "zstd"),
        ("*;q=0, gzip", "gzip"),
        ("ZSTD", "zstd"),
        ("identity", None),
        ("", None),
        (None, None),
    ],
)
def test_coding_negotiation(header: str | None, coding: str | None) -> None:
    assert choose(header) == coding


def test_a_gzip_only_choice_reads_q_values() -> None:
    """What a server offering gzip alone would send (the ``offered`` argument)."""
    gzip_only: tuple[Coding, ...] = ("gzip",)
    assert choose("gzip, deflate, br", gzip_only) == "gzip"
    assert choose("br;q=1.0, gzip;q=0.8", gzip_only) == "gzip"
    assert choose("*", gzip_only) == "gzip"
    assert choose("gzip;q=0", gzip_only) is None
    assert choose("gzip;q=0.000", gzip_only) is None
    assert choose("identity", gzip_only) is None
    assert choose(None, gzip_only) is None
