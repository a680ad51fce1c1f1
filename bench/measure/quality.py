"""Retrieval quality per mode, side by side."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer import store
from indexer.build import build_index
from indexer.answer import answer
from indexer.evaluate import evaluate
from indexer.restore import has_diacritics
from indexer.search import MODES, Searcher
from indexer.text import fold


def index_and_searcher(knowledge: Path, data: Path, embedder, log=lambda m: None):
    """Index ``knowledge`` into ``data`` (incremental), from scratch when it was encoded another way."""
    built = store.manifest(data)
    if built and built.get("precision") != getattr(embedder, "precision", None):
        shutil.rmtree(data)
    report = build_index(knowledge, data, embedder, log=log).as_json()
    return Searcher(store.load(data, embedder.id), embedder), report


def summary(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("questions", "mode")}


def by_mode(searcher: Searcher, items: list[dict], split_folded: bool = False) -> dict:
    out = {mode: summary(evaluate(items, searcher, mode=mode)) for mode in ("bm25", "dense", "hybrid", "rank")}
    assert set(out) == set(MODES)
    if split_folded:
        on = [it for it in items if it["source"] is not None]
        plain = [it for it in on if not has_diacritics(it["question"])]
        accented = [it for it in on if has_diacritics(it["question"])]
        out["rank_with_diacritics"] = summary(evaluate(accented, searcher))
        out["rank_without_diacritics"] = summary(evaluate(plain, searcher))
    return out


def split_report(searcher: Searcher, items: list[dict]) -> dict:
    """Per split (dev: tuned on; test and holdout: reported, never tuned on) and per mode, side by side: document
    or section level R@1/R@5/MRR@10 with and without diacritics, the share of fact questions whose
    short answer (from the right document) holds the fact, on-topic answered and off-topic refused."""
    out: dict = {}
    for split in dict.fromkeys(it.get("split") for it in items if it.get("split")):
        part = [it for it in items if it.get("split") == split]
        folded = [{**it, "question": fold(it["question"])} for it in part]
        out[split] = {"questions": len(part)}
        for mode in ("bm25", "dense", "hybrid", "rank"):
            row = {"with_diacritics": summary(evaluate(part, searcher, mode=mode)),
                   "without_diacritics": summary(evaluate(folded, searcher, mode=mode))}
            if mode in ("hybrid", "rank"):
                row["fact_in_short_answer"] = fact_share(searcher, part, mode)
                row["clarify_asked"] = clarify_share(searcher, part, mode)
            out[split][mode] = row
    return out


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


def fact_share(searcher: Searcher, items: list[dict], mode: str) -> str | None:
    """'k/n': answered from a gold document with one of the item's "fact" strings in the passage."""
    facts = [it for it in items if it.get("fact")]
    ok = 0
    for it in facts:
        a = answer(it["question"], searcher, mode=mode)
        gold = it["source"] if isinstance(it["source"], list) else [it["source"]]
        ok += bool(a.answered and a.citation.source in gold and len(a.passage) <= 1200
                   and any(_norm(f) in _norm(a.passage) for f in it["fact"]))
    return f"{ok}/{len(facts)}" if facts else None


def clarify_share(searcher: Searcher, items: list[dict], mode: str) -> float | None:
    on = [it for it in items if it["source"] is not None]
    asked = sum(bool(answer(it["question"], searcher, mode=mode).clarify) for it in on)
    return round(asked / len(on), 3) if on else None
