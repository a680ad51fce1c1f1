"""Measurement helpers for `python -m bench`."""

import json
import statistics
from pathlib import Path


def percentiles(values: list[float]) -> dict:
    """p50 / p95 / mean of a list of milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(values), "p50": round(statistics.median(ordered), 2), "p95": round(p95, 2),
            "mean": round(statistics.fmean(ordered), 2)}


def emit(result: dict, out: Path | None) -> None:
    """Print the benchmark's JSON, and write it to ``out`` too."""
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if out:
        out.write_text(text, encoding="utf-8")
