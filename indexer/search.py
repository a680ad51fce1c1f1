"""Dense, lexical and hybrid search over a loaded index."""

from __future__ import annotations

import numpy as np

from .documents import Chunk, Hit
from .embedder import Embedder
from .lexical import BM25
from .restore import Restorer
from .store import IndexData
from .text import clean, terms, words

MODES = ("hybrid", "dense", "bm25")

# Function words that say nothing about which section answers a question.
STOPWORDS = frozenset(
    "la gi cua va cac nhung co khong duoc cho ve voi thi ma de nao bao nhieu lau may the lam sao o tai trong "
    "khi neu can phai nhu nay do mot hay hoac tu den theo boi vi bi nguoi ai gom ra vao len dau a oi nhe vay "
    "ha u minh toi em anh chi ban xin hoi muon biet".split()
)


def chunk_terms(chunk: Chunk) -> list[str]:
    return terms(f"{chunk.title}\n{chunk.section}\n{chunk.text}")


class Searcher:
    """Answers ``search(query)`` from an index and the embedder that built it."""

    def __init__(self, index: IndexData, embedder: Embedder, alpha: float = 0.5, pool: int = 100) -> None:
        self.index = index
        self.embedder = embedder
        self.alpha = alpha  # weight of the dense score in hybrid fusion
        self.pool = pool
        self.restorer = Restorer(f"{c.title}\n{c.section}\n{c.text}" for c in index.chunks)
        chunk_term_lists = [chunk_terms(c) for c in index.chunks]
        self._chunk_terms = [set(t) for t in chunk_term_lists]
        self.bm25 = BM25(chunk_term_lists)

    def __len__(self) -> int:
        return len(self.index.chunks)

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        query = clean(query)
        n = len(self.index.chunks)
        if not query or n == 0:
            return []
        pool = min(n, max(self.pool, k))
        qvec = self.embedder.embed([self.restorer.restore(query)], kind="query")[0] if mode != "bm25" else None
        lexical = self.bm25.scores(terms(query)) if mode != "dense" else None

        candidates: set[int] = set()
        if qvec is not None:
            _, ids = self.index.faiss_index().search(qvec[None, :], pool)
            candidates.update(int(i) for i in ids[0] if i >= 0)
        if lexical is not None:
            top = np.argpartition(-lexical, pool - 1)[:pool] if pool < n else np.arange(n)
            candidates.update(int(i) for i in top if lexical[i] > 0)
        if not candidates:
            return []
        ids = np.fromiter(candidates, dtype=np.int64)
        dense = self.index.vectors[ids] @ qvec if qvec is not None else np.zeros(len(ids), np.float32)
        if mode == "dense":
            score = dense
        elif mode == "bm25":
            score = lexical[ids]
        else:
            score = self.alpha * _minmax(dense) + (1 - self.alpha) * _minmax(lexical[ids])
        order = np.argsort(-score, kind="stable")[:k]
        weights = self._query_weights(query)
        total = sum(weights.values()) or 1.0
        hits = []
        for j in order:
            i = int(ids[j])
            cover = sum(w for t, w in weights.items() if t in self._chunk_terms[i]) / total
            hits.append(Hit(self.index.chunks[i], float(score[j]), float(dense[j]), cover))
        return hits

    def _query_weights(self, query: str) -> dict[str, float]:
        """IDF of each query term (syllables without function words, and bigrams);
        a term the corpus never uses weighs most, so off-topic words pull coverage down."""
        ws = words(query)
        content = [w for w in ws if w not in STOPWORDS] or ws
        bigrams = [f"{a}_{b}" for a, b in zip(ws, ws[1:]) if not (a in STOPWORDS and b in STOPWORDS)]
        return {t: self.bm25.idf(t) for t in content + bigrams}


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
