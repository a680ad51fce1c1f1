"""Query latency: search and answer against the bare query encoding of the same questions."""

from __future__ import annotations

import time

from indexer.answer import answer

from . import percentiles


def compare(searcher, embedder, questions: list[str]) -> dict:
    for q in questions[:5]:  # warm-up
        searcher.search(q)
    bare, search, full = [], [], []
    for q in questions:
        t = time.perf_counter()
        embedder.embed([q], kind="query")
        bare.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        searcher.search(q, k=10)
        search.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answer(q, searcher)
        full.append((time.perf_counter() - t) * 1000)
    b, s = percentiles(bare), percentiles(search)
    return {"chunks": len(searcher), "bare_query_encoding": b, "hybrid_search": s, "answer": percentiles(full),
            "budget_p95": round(1.5 * b["p95"] + 20, 2)}
