"""Retrieval quality per mode, side by side."""

from __future__ import annotations

from pathlib import Path

from indexer import store
from indexer.build import build_index
from indexer.evaluate import evaluate
from indexer.restore import has_diacritics
from indexer.search import MODES, Searcher


def index_and_searcher(knowledge: Path, data: Path, embedder, log=lambda m: None):
    report = build_index(knowledge, data, embedder, log=log).as_json()
    return Searcher(store.load(data, embedder.id), embedder), report


def summary(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("questions", "mode")}


def by_mode(searcher: Searcher, items: list[dict], split_folded: bool = False) -> dict:
    out = {mode: summary(evaluate(items, searcher, mode=mode)) for mode in ("bm25", "dense", "hybrid")}
    assert set(out) == set(MODES)
    if split_folded:
        on = [it for it in items if it["source"] is not None]
        plain = [it for it in on if not has_diacritics(it["question"])]
        accented = [it for it in on if has_diacritics(it["question"])]
        out["hybrid_with_diacritics"] = summary(evaluate(accented, searcher))
        out["hybrid_without_diacritics"] = summary(evaluate(plain, searcher))
    return out
