"""Record ids for demo data that are the same on every run with the same seed.

``domain.ids.new_id`` reads the clock and ``os.urandom``, so two demo loads would never agree on an
id: a benchmark could not compare runs, and a test could not name a record. Here the 48-bit time
field is a fixed base instant plus a per-stream counter, and the random bits come from a seeded
``random.Random``. The ids are still well-formed UUIDv7 (version and variant bits set) and sort
in generation order within a stream, which keeps parents before children in an index. The base
instant lies in the past (2020), so ids made later by ``new_id`` on a device sort after them and
cannot collide with them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

#: 2020-01-01T00:00:00Z in milliseconds: the time field of the first id of stream 0.
BASE_MS = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp() * 1000)
#: Each stream gets its own slice of the time field (about 49 days), so streams never overlap.
STREAM_SPAN_MS = 1 << 32


class IdFactory:
    """Deterministic UUIDv7-shaped ids: ``stream`` picks the time slice, ``seed`` the bits."""

    def __init__(self, seed: int | str, stream: int) -> None:
        self._rng = random.Random(f"ids:{seed}:{stream}")
        self._next_ms = BASE_MS + stream * STREAM_SPAN_MS
        self._end_ms = self._next_ms + STREAM_SPAN_MS

    def __call__(self) -> str:
        ms = self._next_ms
        if ms >= self._end_ms:  # pragma: no cover - 4 billion ids per stream
            raise OverflowError("demo id stream exhausted")
        self._next_ms += 1
        bits = self._rng.getrandbits(74)
        rand_a = bits >> 62  # 12 bits
        rand_b = bits & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76  # version 7
        value |= rand_a << 64
        value |= 0b10 << 62  # RFC 4122 variant
        value |= rand_b
        h = f"{value:032x}"  # what str(uuid.UUID(int=value)) gives, without building the object
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
