"""Incremental indexing of the knowledge folder."""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import changes, store
from .documents import Chunk
from .embedder import Embedder
from .errors import DocumentError, IndexMismatch, IndexMissing, IsobotError
from .lexicon import Lexicon
from .readers import LIMITS, SUFFIXES, Limits, check_size, read
from .structure import MAX_WORDS, chunk_document

PROGRESS_BATCH = 64  # texts embedded between two progress reports
# Raised whenever reading or chunking turns the same file into other chunks (2: portal table rows without
# a time limit; 3: portal papers tables read back), so that an index made before is re-read rather than
# kept for unchanged files.
READERS = 3


@dataclass
class BuildReport:
    documents: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    notice: str = ""  # why everything was re-embedded, when it was
    changes: list[dict] = field(default_factory=list)  # updated documents' changed sections (indexer.changes)

    def as_json(self) -> dict:
        return {
            "documents": self.documents, "chunks": self.chunks, "added": len(self.added),
            "updated": len(self.updated), "removed": len(self.removed), "unchanged": self.unchanged,
            "failed": self.failed, "seconds": round(self.seconds, 3),
        }


def scan(knowledge_dir: Path, links: list[Path] | None = None) -> list[Path]:
    """Supported files under the folder, sorted; hidden files, temp files and READMEs are skipped.

    Symbolic links are never followed (they may lead outside the folder): they go to ``links``.
    """
    root = Path(knowledge_dir)
    if not root.is_dir():
        raise IsobotError(f"knowledge folder not found: {root}")
    found, linked = [], []
    for folder, dirs, files in os.walk(root):  # does not descend into linked folders
        dirs[:] = [d for d in dirs if not d.startswith((".", "~$"))]
        files = [f for f in files if not f.startswith((".", "~$")) and not f.upper().startswith("README")]
        for name in dirs + files:
            p = Path(folder) / name
            if p.is_symlink():
                linked.append(p)
            elif p.is_file() and p.suffix.lower() in SUFFIXES:
                found.append(p)
    if links is not None:
        links += sorted(linked)
    return sorted(found)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_index(
    knowledge_dir: Path,
    data_dir: Path,
    embedder: Embedder,
    progress: bool = False,
    max_words: int = MAX_WORDS,
    log: Callable[[str], None] = lambda message: None,
    limits: Limits = LIMITS,
    on_progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Bring the index in ``data_dir`` up to date with ``knowledge_dir``.

    Unchanged files keep their chunks and vectors; changed and new files are
    read and embedded; deleted files drop out. The new index replaces the old
    one atomically, so a crash leaves the previous index serving. Files over
    ``limits`` and symbolic links are reported as failed. ``on_progress(done, total)`` is told how
    many texts are embedded so far.
    """
    started = time.perf_counter()
    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(data_dir / ".index.lock", "w")
    except OSError as e:
        raise IsobotError(f"cannot write in the data folder {data_dir}: {e.strerror or e}") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IsobotError("another `isobot index` is running on this data folder") from None
        store.remove_partial(data_dir)  # left by a killed build; safe, as we hold the lock
        report = _build(Path(knowledge_dir), data_dir, embedder, progress, max_words, log, limits, on_progress)
    report.seconds = time.perf_counter() - started
    return report


def _embed(embedder: Embedder, texts: list[str], progress: bool, on_progress) -> np.ndarray:
    if on_progress is None:
        return embedder.embed(texts, kind="passage", progress=progress)
    parts = []
    on_progress(0, len(texts))
    for start in range(0, len(texts), PROGRESS_BATCH):
        parts.append(embedder.embed(texts[start:start + PROGRESS_BATCH], kind="passage"))
        on_progress(min(start + PROGRESS_BATCH, len(texts)), len(texts))
    return np.concatenate(parts)


def _build(knowledge_dir, data_dir, embedder, progress, max_words, log, limits, on_progress) -> BuildReport:
    report = BuildReport()
    chunking = {"max_words": max_words, "readers": READERS}
    try:
        old = store.load(data_dir)
    except IndexMissing:
        old = None
    except IndexMismatch as e:
        report.notice = f"the old index cannot be reused ({e}); rebuilding everything"
        old = None
    if old is not None and (old.model != embedder.id or old.manifest.get("chunking") != chunking):
        report.notice = (f"model changed ({old.model} -> {embedder.id})" if old.model != embedder.id else
                         f"chunking changed ({old.manifest.get('chunking')} -> {chunking})") + "; re-embedding every document"
        old = None
    if report.notice:
        log(report.notice)

    old_docs = old.documents if old else {}
    old_rows = {source: row for row, source in enumerate(old_docs)}
    documents: dict[str, dict] = {}
    # (source, chunks, chunk vectors, title vector); vectors None = to embed
    kept: list[tuple[str, list[Chunk], np.ndarray | None, np.ndarray | None]] = []
    links: list[Path] = []
    for path in scan(knowledge_dir, links):
        source = path.relative_to(knowledge_dir).as_posix()
        try:
            check_size(path, limits)  # before hashing: a huge file is not even read
            digest = _sha256(path)
        except DocumentError as e:
            report.failed.append({"path": source, "error": str(e)})
            continue
        except OSError as e:
            report.failed.append({"path": source, "error": f"cannot read: {e.strerror}"})
            continue
        previous = old_docs.get(source)
        if previous and previous["sha256"] == digest:
            start, end = previous["chunks"]
            kept.append((source, old.chunks[start:end], old.vectors[start:end], old.titles[old_rows[source]]))
            documents[source] = previous
            report.unchanged += 1
            continue
        try:
            doc = read(path, limits)
            chunks = chunk_document(doc, source, max_words)
        except IsobotError as e:
            report.failed.append({"path": source, "error": str(e)})
            continue
        (report.updated if previous else report.added).append(source)
        kept.append((source, chunks, None, None))
        documents[source] = {"sha256": digest, "title": doc.title, "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                             **{k: doc.meta.get(k, "") for k in ("code", "revision", "effective_date", "reviewed")}}
    report.failed += [{"path": p.relative_to(knowledge_dir).as_posix(), "error": "symbolic link skipped"} for p in links]
    report.removed = sorted(set(old_docs) - set(documents) - {f["path"] for f in report.failed})
    dropped = sorted(set(old_docs) & {f["path"] for f in report.failed})
    report.removed += dropped
    report.documents = len(documents)

    if old is not None and not report.added and not report.updated and not report.removed:
        if Lexicon.current(old.folder):
            report.chunks = len(old.chunks)
            return report
        report.notice = "the index's lexicon is of an older version; rewriting it (nothing is re-embedded)"
        log(report.notice)

    fresh = [c for _, chunks, vectors, _ in kept if vectors is None for c in chunks]
    fresh_titles = [documents[source]["title"] for source, _, vectors, _ in kept if vectors is None]
    if fresh:
        log(f"embedding {len(fresh)} chunks of {len(fresh_titles)} documents")
    texts = [c.passage() for c in fresh] + fresh_titles
    new_vectors = _embed(embedder, texts, progress, on_progress) if texts else None
    all_chunks: list[Chunk] = []
    parts: list[np.ndarray] = []
    title_rows: list[np.ndarray] = []
    offset, title_offset = 0, len(fresh)
    ordered: dict[str, dict] = {}
    for source, chunks, vectors, title in kept:
        if vectors is None:
            vectors = new_vectors[offset : offset + len(chunks)]
            title = new_vectors[title_offset]
            offset += len(chunks)
            title_offset += 1
        ordered[source] = {**documents[source], "chunks": [len(all_chunks), len(all_chunks) + len(chunks)]}
        all_chunks += chunks
        parts.append(vectors)
        title_rows.append(title)
    documents = ordered
    dim = embedder.dimension
    vectors = np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, dim), np.float32)
    titles = np.stack(title_rows).astype(np.float32) if title_rows else np.zeros((0, dim), np.float32)
    manifest = {
        "format": store.FORMAT, "model": embedder.id, "precision": getattr(embedder, "precision", None),
        "dimension": dim, "normalized": True,
        "chunking": chunking, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "documents": documents,
        "failed": report.failed,
    }
    store.write(data_dir, store.IndexData(manifest, all_chunks, vectors, titles))
    report.chunks = len(all_chunks)
    report.changes = [e for source in report.updated if (e := changes.diff(
        source, old.chunks[slice(*old_docs[source]["chunks"])], all_chunks[slice(*ordered[source]["chunks"])]))]
    changes.record(data_dir, report.changes)
    return report
