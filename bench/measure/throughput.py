"""Indexing throughput, side by side on the very same texts: the bare encoder per path (before: fp32 in
batches of 32; now: the default path, small batches, bf16 where the CPU has it natively), the whole
pipeline against its own bare encoder (the mean of it measured before and right after), and the whole
`isobot index` command on a fresh base, start-up included, against the bare fp32 encoder of before."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from indexer.build import build_index, scan
from indexer.embedder import SentenceTransformerEmbedder, cpu_has_bf16
from indexer.readers import read
from indexer.structure import chunk_document

ROOT = Path(__file__).resolve().parents[2]


def _copy(kb: Path, files: list[Path], dest: Path) -> list[str]:
    texts = []
    for f in files:
        target = dest / f.relative_to(kb)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, target)
        doc = read(f)
        texts += [c.passage() for c in chunk_document(doc, f.name)] + [doc.title]
    return texts


def _bare(embedder, texts: list[str]) -> float:
    embedder.embed(texts[:16], kind="passage")  # warm-up: first calls allocate
    t = time.perf_counter()
    embedder.embed(texts, kind="passage")
    return time.perf_counter() - t


def compare(kb: Path, model: Path, documents: int = 120, command_documents: int = 40) -> dict:
    files = scan(kb)[:documents]
    before = SentenceTransformerEmbedder(model, batch_size=32, precision="fp32")
    now = SentenceTransformerEmbedder(model)
    with tempfile.TemporaryDirectory() as tmp:
        texts = _copy(kb, files, Path(tmp) / "kb")
        paths = {"fp32_batch32_before": before, f"{now.precision}_batch{now.batch_size}_now": now}
        if cpu_has_bf16() and now.precision != "bf16":
            paths[f"bf16_batch{now.batch_size}"] = SentenceTransformerEmbedder(model, precision="bf16")
        bare = {name: _bare(e, texts) for name, e in paths.items()}
        t = time.perf_counter()
        report = build_index(Path(tmp) / "kb", Path(tmp) / "data", now)
        pipeline = time.perf_counter() - t
        # the default path's bare encoder once more, right after the pipeline: the machine's speed drifts
        # by a few % over the minutes the other paths take, as much as the pipeline's own work (~4 %)
        again = _bare(now, texts)
        small = files[:command_documents]
        small_texts = _copy(kb, small, Path(tmp) / "small")
        bare_small = _bare(before, small_texts)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "--knowledge", str(Path(tmp) / "small"), "--data",
                        str(Path(tmp) / "small-data"), "index"], cwd=ROOT, check=True, capture_output=True,
                       env={"ISOBOT_EMBED_MODEL": str(model), **os.environ})
        command = time.perf_counter() - t
    now_name = f"{now.precision}_batch{now.batch_size}_now"
    return {
        "documents": len(files), "texts": len(texts), "chunks": report.chunks, "bf16_native": cpu_has_bf16(),
        "bare_texts_per_second": {name: round(len(texts) / s, 1) for name, s in bare.items()},
        "encoding_speedup_vs_before": round(bare["fp32_batch32_before"] / bare[now_name], 2),
        "pipeline_seconds": round(pipeline, 2), "pipeline_texts_per_second": round(len(texts) / pipeline, 1),
        "bare_now_again_seconds": round(again, 2),
        "pipeline_vs_own_bare": round((bare[now_name] + again) / 2 / pipeline, 3),
        "index_command": {"documents": len(small), "texts": len(small_texts), "seconds": round(command, 2),
                          "bare_fp32_batch32_seconds": round(bare_small, 2),
                          "speedup_vs_bare_before": round(bare_small / command, 2)},
    }
