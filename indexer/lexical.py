"""BM25 over diacritic-folded syllables and syllable bigrams."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import numpy as np


class BM25:
    def __init__(self, documents: Iterable[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        postings: dict[str, tuple[list[int], list[int]]] = {}
        lengths = []
        for doc_id, doc_terms in enumerate(documents):
            lengths.append(len(doc_terms))
            for term, tf in Counter(doc_terms).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(doc_id)
                tfs.append(tf)
        self.n = len(lengths)
        self.lengths = np.asarray(lengths, dtype=np.float32)
        avg = float(self.lengths.mean()) if self.n else 1.0
        self._norm = k1 * (1 - b + b * self.lengths / max(avg, 1e-9))
        self.postings = {t: (np.asarray(i, np.int32), np.asarray(f, np.float32)) for t, (i, f) in postings.items()}

    def idf(self, term: str) -> float:
        df = len(self.postings[term][0]) if term in self.postings else 0
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term, qtf in Counter(query_terms).items():
            if term not in self.postings:
                continue
            ids, tfs = self.postings[term]
            out[ids] += qtf * self.idf(term) * tfs * (self.k1 + 1) / (tfs + self._norm[ids])
        return out
