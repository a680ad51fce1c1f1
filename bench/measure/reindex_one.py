"""Re-indexing a large base after one file changed: total time next to that file's own encoding."""

from __future__ import annotations

import time
from pathlib import Path

from indexer.build import build_index, scan
from indexer.readers import read
from indexer.structure import chunk_document


def measure(kb: Path, data: Path, embedder) -> dict:
    build_index(kb, data, embedder)  # up to date first
    files = scan(kb)
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original + "\n\n## Ghi chú\n\nCập nhật để đo thời gian lập chỉ mục lại.\n", encoding="utf-8")
        doc = read(target)
        texts = [c.passage() for c in chunk_document(doc, target.name)] + [doc.title]
        t = time.perf_counter()
        embedder.embed(texts, kind="passage")
        encode = time.perf_counter() - t
        t = time.perf_counter()
        report = build_index(kb, data, embedder)
        total = time.perf_counter() - t
    finally:
        target.write_text(original, encoding="utf-8")
        build_index(kb, data, embedder)
    return {"documents": len(files), "changed": report.updated, "file_texts": len(texts),
            "seconds": round(total, 3), "file_encoding_seconds": round(encode, 3),
            "overhead_seconds": round(total - encode, 3)}
