"""Indexing throughput: the whole pipeline against the bare encoder on the very same texts."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from indexer.build import build_index, scan
from indexer.readers import read
from indexer.structure import chunk_document


def compare(kb: Path, embedder, documents: int = 120) -> dict:
    files = scan(kb)[:documents]
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "kb"
        for f in files:
            dest = sub / f.relative_to(kb)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
        texts = []
        for f in files:
            doc = read(f)
            texts += [c.passage() for c in chunk_document(doc, f.name)] + [doc.title]
        embedder.embed(texts[:64], kind="passage")  # warm-up: first calls allocate
        t = time.perf_counter()
        embedder.embed(texts, kind="passage")
        bare = time.perf_counter() - t
        t = time.perf_counter()
        report = build_index(sub, Path(tmp) / "data", embedder)
        pipeline = time.perf_counter() - t
    return {
        "documents": len(files), "texts": len(texts), "chunks": report.chunks,
        "bare_encoder_seconds": round(bare, 2), "pipeline_seconds": round(pipeline, 2),
        "bare_texts_per_second": round(len(texts) / bare, 1), "pipeline_texts_per_second": round(len(texts) / pipeline, 1),
        "pipeline_vs_bare": round(bare / pipeline, 3),
    }
