"""What changed when a document came back with new content: its sections added, removed and rewritten,
kept as history in the data folder (``changes.jsonl``, one JSON object a line)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .documents import Chunk

FILE = "changes.jsonl"


def _sections(chunks: list[Chunk]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for c in chunks:
        out.setdefault(c.section, []).append(c.text)
    return {s: "\n".join(t).strip() for s, t in out.items()}


def diff(source: str, old: list[Chunk], new: list[Chunk]) -> dict | None:
    """The change between two versions of one document, or None when no section's text changed."""
    before, after = _sections(old), _sections(new)
    entry = {"source": source, "code": new[0].code if new else "", "title": new[0].title if new else "",
             "old_revision": old[0].revision if old else "", "new_revision": new[0].revision if new else "",
             "added": [s for s in after if s not in before], "removed": [s for s in before if s not in after],
             "changed": [s for s in after if s in before and after[s] != before[s]]}
    return entry if entry["added"] or entry["removed"] or entry["changed"] else None


def record(data_dir: Path, entries: list[dict]) -> None:
    if not entries:
        return
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(Path(data_dir) / FILE, "a", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps({"at": stamp, **e}, ensure_ascii=False) + "\n")


def history(data_dir: Path, source: str | None = None) -> list[dict]:
    """Every recorded change, oldest first (one document's when ``source`` is given: a path or a code)."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if source is None or source in (r["source"], r["code"])]
