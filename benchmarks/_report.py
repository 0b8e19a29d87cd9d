"""Timing helpers and the JSON + Markdown result files every benchmark writes."""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: a reported p95 is a value that was actually measured."""
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def time_calls(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall time of each call in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary_ms(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 95), 3),
        "max_ms": round(max(samples), 3),
    }


@dataclass
class Result:
    name: str
    title: str
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # metric, value, target, ok
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, metric: str, value: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("yes" if ok else "NO")
        self.rows.append((metric, value, target, verdict))

    def write(self) -> tuple[Path, Path]:
        RESULTS.mkdir(parents=True, exist_ok=True)
        meta = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "processor": platform.processor() or platform.machine(),
        }
        json_path = RESULTS / f"{self.name}.json"
        json_path.write_text(json.dumps({"meta": meta, **self.data}, indent=2, default=str))
        lines = [
            f"# {self.title}",
            "",
            f"Measured {meta['when']} on Python {meta['python']} ({meta['machine']}).",
            "",
            "| metric | value | target | met |",
            "|---|---|---|---|",
            *(f"| {m} | {v} | {t} | {ok} |" for m, v, t, ok in self.rows),
            "",
        ]
        md_path = RESULTS / f"{self.name}.md"
        md_path.write_text("\n".join(lines))
        return json_path, md_path
