"""Pausing Python's cyclic garbage collector around bursts of allocation.

Parsing and converting a pull page allocates hundreds of thousands of small objects and no
reference cycles. Each allocation burst makes the collector run, and its older generations scan
every live object again: measured, that doubled the time an initial sync spends parsing. The
collector is paused only around those CPU-bound steps (never around network waits), and
re-enabled when the last paused step ends, so threads pausing it at once do not fight.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
