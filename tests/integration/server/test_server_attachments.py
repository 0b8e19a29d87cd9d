"""``/attachments``: chunked, resumable, content-addressed uploads and ranged downloads, on
SQLite and PostgreSQL (the ``backend`` fixture runs every test on both)."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from typing import Any

import pytest
from server_support import User, World, customer_fields
from sqlalchemy import func, select

from fieldsales.domain.ids import new_id
from fieldsales.server import blobs
from fieldsales.server.models import attachment_blobs, attachment_chunks

CHUNK = 64 * 1024


def _blob(size: int = 200_000) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _put(user: User, sha: str, offset: int, total: int, body: bytes) -> Any:
    return user.client.put(
        f"/attachments/{sha}",
        params={"offset": offset, "total": total},
        content=body,
        headers=user.headers | {"Content-Type": "application/octet-stream"},
    )


def _status(user: User, sha: str) -> dict[str, Any]:
    response = user.client.get(f"/attachments/{sha}/status", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _upload(user: User, data: bytes, sha: str, chunk: int = CHUNK) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for offset in range(0, max(len(data), 1), chunk):
        response = _put(user, sha, offset, len(data), data[offset : offset + chunk])
        assert response.status_code == 200, response.text
        answer = response.json()
    return answer


def _attach(user: User, owner: User, sha: str, size: int) -> str:
    """A customer of ``owner`` and an ``attachments`` record naming ``sha``, pushed by ``user``."""
    customer_id = new_id()
    assert user.push_one("customers", customer_id, customer_fields(owner.id))["status"] == "applied"
    attachment_id = new_id()
    result = user.push_one(
        "attachments",
        attachment_id,
        {
            "customer_id": customer_id,
            "record_collection": "customers",
            "record_id": customer_id,
            "sha256": sha,
            "filename": "memo.m4a",
            "content_type": "audio/mp4",
            "size_bytes": size,
        },
    )
    assert result["status"] == "applied", result
    return attachment_id


def _chunks(world: World, sha: str) -> int:
    with world.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(attachment_chunks)
                .where(
                    attachment_chunks.c.tenant_id == world.tenant_id,
                    attachment_chunks.c.sha256 == sha,
                )
            ).scalar_one()
        )


def test_upload_in_chunks_then_download_whole(world: World) -> None:
    alice = world.alice
    data, sha = _blob()
    assert _status(alice, sha) | {"max_bytes": 0, "chunk_max_bytes": 0} == {
        "sha256": sha,
        "size_bytes": None,
        "received": 0,
        "complete": False,
        "max_bytes": 0,
        "chunk_max_bytes": 0,
    }
    first = _put(alice, sha, 0, len(data), data[:CHUNK])
    assert first.status_code == 200
    assert first.json()["received"] == CHUNK
    assert first.json()["complete"] is False
    assert _status(alice, sha)["received"] == CHUNK
    done = _upload(alice, data, sha)
    assert done["complete"] is True
    assert done["received"] == len(data)

    response = alice.client.get(f"/attachments/{sha}", headers=alice.headers)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"] == f'"{sha}"'
    head = alice.client.head(f"/attachments/{sha}", headers=alice.headers)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(data))


def test_resume_after_a_broken_chunk_and_a_duplicate_chunk(world: World) -> None:
    alice = world.alice
    data, sha = _blob(5 * CHUNK + 123)
    assert _put(alice, sha, 0, len(data), data[:CHUNK]).status_code == 200
    assert _put(alice, sha, CHUNK, len(data), data[CHUNK : 2 * CHUNK]).status_code == 200
    # The third chunk "broke off": the client skips ahead by mistake and is told where to go on.
    gap = _put(alice, sha, 3 * CHUNK, len(data), data[3 * CHUNK : 4 * CHUNK])
    assert gap.status_code == 409
    assert gap.json()["error"]["code"] == "attachment_offset_mismatch"
    assert gap.json()["error"]["details"] == {"offset": 2 * CHUNK}
    # The second chunk sent again (its answer was lost): harmless, nothing stored twice.
    again = _put(alice, sha, CHUNK, len(data), data[CHUNK : 2 * CHUNK])
    assert again.status_code == 200
    assert again.json()["received"] == 2 * CHUNK
    assert _chunks(world, sha) == 2
    # A chunk that overlaps what the server has: only the new tail is kept.
    overlap = _put(alice, sha, CHUNK + 10, len(data), data[CHUNK + 10 : 3 * CHUNK])
    assert overlap.status_code == 200
    assert overlap.json()["received"] == 3 * CHUNK
    resumed = _status(alice, sha)["received"]
    for offset in range(resumed, len(data), CHUNK):
        answer = _put(alice, sha, offset, len(data), data[offset : offset + CHUNK])
        assert answer.status_code == 200
    assert answer.json()["complete"] is True
    assert alice.client.get(f"/attachments/{sha}", headers=alice.headers).content == data


def test_an_unknown_blob_starts_at_offset_zero(world: World) -> None:
    data, sha = _blob(1000)
    answer = _put(world.alice, sha, 500, len(data), data[500:])
    assert answer.status_code == 409
    assert answer.json()["error"]["details"] == {"offset": 0}


def test_checksum_mismatch_discards_the_partial_data(world: World) -> None:
    alice = world.alice
    data, sha = _blob(3 * CHUNK)
    corrupt = data[:CHUNK] + bytes(CHUNK) + data[2 * CHUNK :]
    _put(alice, sha, 0, len(data), corrupt[:CHUNK])
    _put(alice, sha, CHUNK, len(data), corrupt[CHUNK : 2 * CHUNK])
    last = _put(alice, sha, 2 * CHUNK, len(data), corrupt[2 * CHUNK :])
    assert last.status_code == 422
    assert last.json()["error"]["code"] == "checksum_mismatch"
    assert "beschadigd" in last.json()["error"]["message"]
    assert _status(alice, sha)["received"] == 0
    assert _chunks(world, sha) == 0
    assert alice.client.get(f"/attachments/{sha}", headers=alice.headers).status_code == 404
    assert _upload(alice, data, sha)["complete"] is True  # a clean retry succeeds


def test_too_large_is_refused_before_a_byte_is_stored(world: World) -> None:
    alice = world.alice
    limit = world.backend.settings.attachment_max_bytes
    _, sha = _blob(10)
    answer = _put(alice, sha, 0, limit + 1, b"x" * 1000)
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "attachment_too_large"
    assert "te groot" in error["message"]
    assert "maximum" in error["message"]
    assert error["details"] == {"size_bytes": limit + 1, "max_bytes": limit}
    assert _status(alice, sha)["size_bytes"] is None
    chunk_limit = world.backend.settings.attachment_chunk_max_bytes
    big = _put(alice, sha, 0, chunk_limit * 2, b"x" * (chunk_limit + 1))
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "attachment_chunk_too_large"


def test_download_needs_a_record_in_scope(world: World) -> None:
    alice, bob, manny = world.alice, world.bob, world.manny
    data, sha = _blob()
    _upload(alice, data, sha)
    # Only the uploader may read a blob no record names yet.
    denied = bob.client.get(f"/attachments/{sha}", headers=bob.headers)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "attachment_forbidden"
    assert manny.client.get(f"/attachments/{sha}", headers=manny.headers).status_code == 403
    assert alice.client.get(f"/attachments/{sha}", headers=alice.headers).status_code == 200

    _attach(alice, alice, sha, len(data))
    # Alice's customer: her manager sees it, another salesperson does not.
    assert manny.client.get(f"/attachments/{sha}", headers=manny.headers).content == data
    denied = bob.client.get(f"/attachments/{sha}", headers=bob.headers)
    assert denied.status_code == 403
    assert "geen toegang" in denied.json()["error"]["message"]
    # Bob's own record naming the same bytes gives him access.
    _attach(bob, bob, sha, len(data))
    assert bob.client.get(f"/attachments/{sha}", headers=bob.headers).content == data


def test_a_deleted_record_no_longer_grants_access(world: World) -> None:
    alice, manny = world.alice, world.manny
    data, sha = _blob(5000)
    _upload(alice, data, sha)
    attachment_id = _attach(alice, alice, sha, len(data))
    assert manny.client.get(f"/attachments/{sha}", headers=manny.headers).status_code == 200
    version = alice.pull_all()[attachment_id]["version"]
    deleted = alice.push_one("attachments", attachment_id, op="delete", base_version=version)
    assert deleted["status"] == "applied", deleted
    assert manny.client.get(f"/attachments/{sha}", headers=manny.headers).status_code == 403
    # The uploader keeps access to what she uploaded.
    assert alice.client.get(f"/attachments/{sha}", headers=alice.headers).status_code == 200


def test_range_download_resumes(world: World) -> None:
    alice = world.alice
    data, sha = _blob(3 * CHUNK + 7)
    _upload(alice, data, sha)
    url = f"/attachments/{sha}"
    for header, expected, content_range in (
        ("bytes=0-99", data[:100], f"bytes 0-99/{len(data)}"),
        (f"bytes={CHUNK - 10}-{CHUNK + 9}", data[CHUNK - 10 : CHUNK + 10], None),
        (f"bytes={2 * CHUNK + 5}-", data[2 * CHUNK + 5 :], None),
        ("bytes=-50", data[-50:], f"bytes {len(data) - 50}-{len(data) - 1}/{len(data)}"),
        (f"bytes=10-{10 * len(data)}", data[10:], None),
    ):
        response = alice.client.get(url, headers=alice.headers | {"Range": header})
        assert response.status_code == 206, header
        assert response.content == expected, header
        assert response.headers["content-length"] == str(len(expected))
        if content_range:
            assert response.headers["content-range"] == content_range
    beyond = alice.client.get(url, headers=alice.headers | {"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"


def test_same_content_is_stored_once_per_tenant(world: World) -> None:
    alice, bob = world.alice, world.bob
    data, sha = _blob(2 * CHUNK)
    _upload(alice, data, sha)
    stored = _chunks(world, sha)
    # Bob has the same photo: his first chunk is answered "complete", nothing more is stored.
    first = _put(bob, sha, 0, len(data), data[:CHUNK])
    assert first.status_code == 200
    assert first.json()["complete"] is True
    assert _status(bob, sha)["complete"] is True
    assert _chunks(world, sha) == stored
    with world.engine.connect() as conn:
        rows = conn.execute(
            select(func.count())
            .select_from(attachment_blobs)
            .where(
                attachment_blobs.c.tenant_id == world.tenant_id, attachment_blobs.c.sha256 == sha
            )
        ).scalar_one()
    assert rows == 1


def test_an_empty_file_and_a_bad_hash(world: World) -> None:
    alice = world.alice
    empty_sha = hashlib.sha256(b"").hexdigest()
    answer = _put(alice, empty_sha, 0, 0, b"")
    assert answer.status_code == 200
    assert answer.json()["complete"] is True
    got = alice.client.get(f"/attachments/{empty_sha}", headers=alice.headers)
    assert got.status_code == 200
    assert got.content == b""
    bad = alice.client.get("/attachments/NOT-A-HASH/status", headers=alice.headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_failed"
    anonymous = alice.client.get(f"/attachments/{empty_sha}/status")
    assert anonymous.status_code == 401


def test_stale_unfinished_uploads_are_purged_finished_ones_kept(world: World) -> None:
    alice = world.alice
    partial, partial_sha = _blob(2 * CHUNK)
    whole, whole_sha = _blob(CHUNK)
    _put(alice, partial_sha, 0, len(partial), partial[:CHUNK])
    _upload(alice, whole, whole_sha)
    assert blobs.purge_stale_uploads(world.engine, older_than=timedelta(hours=1)) == 0
    purged = blobs.purge_stale_uploads(world.engine, older_than=timedelta(0))
    assert purged >= 1  # (other tests' leftovers in this database may go too)
    assert _status(alice, partial_sha)["size_bytes"] is None
    assert _chunks(world, partial_sha) == 0
    assert _status(alice, whole_sha)["complete"] is True


def test_the_purge_uploads_command_drops_unfinished_uploads(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What an operator's nightly cron runs (docs/operations.md)."""
    from fieldsales.server import cli

    alice = world.alice
    partial, partial_sha = _blob(2 * CHUNK)
    _put(alice, partial_sha, 0, len(partial), partial[:CHUNK])
    monkeypatch.setenv("FIELDSALES_DATABASE_URL", world.backend.settings.database_url)
    monkeypatch.setenv("FIELDSALES_ENV", "development")
    assert cli.main(["purge-uploads", "--days", "1"]) == 0
    assert _chunks(world, partial_sha) == 1  # touched just now: kept
    assert cli.main(["purge-uploads", "--days", "0"]) == 0
    assert "unfinished uploads" in capsys.readouterr().out
    assert _chunks(world, partial_sha) == 0
