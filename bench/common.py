"""Small helpers shared by the benchmarks: timing, percentiles, peak memory, a report line."""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    """``with timed() as t: …`` then ``t["s"]`` holds the elapsed seconds."""
    result: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["s"] = time.perf_counter() - start


def repeat(fn: Callable[[], Any], times: int) -> list[float]:
    """Elapsed seconds of `times` calls of `fn`."""
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def median(samples: list[float]) -> float:
    """Median of the samples."""
    return statistics.median(samples)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def report(name: str, seconds: float, target: float | None = None, floor: float | None = None) -> str:
    """One line: value, target and ratio to the floor."""
    parts = [f"{name}: {seconds * 1000:.1f} ms"]
    if target is not None:
        parts.append(f"meta ≤ {target * 1000:.0f} ms ({'ok' if seconds <= target else 'ACIMA'})")
    if floor:
        parts.append(f"piso {floor * 1000:.1f} ms, razão {seconds / floor:.2f}×")
    line = " | ".join(parts)
    print(line, flush=True)
    return line
