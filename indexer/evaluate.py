"""Retrieval quality on a question file: Recall@k, MRR@10, refusal of off-topic questions."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .answer import Thresholds, answer_from_hits
from .documents import Hit
from .errors import IsobotError
from .search import Searcher
from .text import clean

KS = (1, 5, 10)


def load_items(path: Path) -> list[dict]:
    """Read one JSON object a line; ``source`` null marks an off-topic question."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise IsobotError(f"cannot read {path}: {e}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise IsobotError(f"{path}:{number}: not JSON ({e.msg})") from None
        if not isinstance(item, dict) or not item.get("question") or "source" not in item:
            raise IsobotError(f'{path}:{number}: each line needs "question" and "source"')
        item.setdefault("id", str(number))
        items.append(item)
    if not items:
        raise IsobotError(f"{path}: no questions")
    return items


def section_matches(wanted: str, section: str) -> bool:
    """Whole-word, case-insensitive: 'Điều 3' matches 'Điều 3. Giải thích' but not 'Điều 32'."""
    pattern = r"(?<!\w)" + re.escape(clean(wanted).casefold()) + r"(?!\w)"
    return re.search(pattern, clean(section).casefold()) is not None


def rank_of(item: dict, hits: list[Hit]) -> int | None:
    """1-based rank among distinct documents (or distinct sections when one is asked for)."""
    sources = item["source"] if isinstance(item["source"], list) else [item["source"]]
    wanted = item.get("section")
    also = item.get("also", [])
    # acceptable (source, section) pairs; "also" names other sections, or {"source", "section"} elsewhere
    pairs = [(s, w) for s in sources for w in [wanted, *(a for a in also if isinstance(a, str))]]
    pairs += [(a["source"], a["section"]) for a in also if isinstance(a, dict)]
    seen: set = set()
    for h in hits:
        key = (h.chunk.source, h.chunk.section) if wanted else h.chunk.source
        if key in seen:
            continue
        seen.add(key)
        if not wanted:
            if h.chunk.source in sources:
                return len(seen)
        elif any(h.chunk.source == s and section_matches(w, h.chunk.section) for s, w in pairs):
            return len(seen)
    return None


def hit_json(h: Hit) -> dict:
    c = h.chunk
    return {"source": c.source, "title": c.title, "section": c.section, "text": c.text, "score": round(h.score, 4)}


def evaluate(items: list[dict], searcher: Searcher, k: int = 10, mode: str = "rank",
             thresholds: Thresholds = Thresholds()) -> dict:
    on, off, questions = [], [], []
    for item in items:
        hits = searcher.search(item["question"], k=max(k, 10) * 5, mode=mode)
        answered = answer_from_hits(item["question"], hits, thresholds, searcher.novelty(item["question"])).answered
        if item["source"] is None:
            off.append(answered)
            questions.append({"id": item["id"], "rank": None, "answered": answered, "hits": []})
            continue
        rank = rank_of(item, hits)
        on.append((rank, answered))
        questions.append({"id": item["id"], "rank": rank, "answered": answered,
                          "hits": [hit_json(h) for h in hits[:k]]})
    n = len(on)
    out: dict = {"n": n, "mode": mode}
    for kk in KS:
        out[f"recall@{kk}"] = round(sum(1 for r, _ in on if r and r <= kk) / n, 4) if n else None
    out["mrr@10"] = round(sum(1 / r for r, _ in on if r and r <= 10) / n, 4) if n else None
    if mode in ("hybrid", "rank"):
        out["answered_on_topic"] = round(sum(a for _, a in on) / n, 4) if n else None
        out["off_topic"] = len(off)
        out["refused_off_topic"] = round(sum(not a for a in off) / len(off), 4) if off else None
    out["questions"] = questions
    return out
