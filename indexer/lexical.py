"""BM25 over diacritic-folded syllables and syllable bigrams."""

from __future__ import annotations

from array import array
from collections import Counter
from typing import Iterable

import numpy as np


class BM25:
    def __init__(self, documents: Iterable[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        # compact arrays while building: a large base has millions of postings
        postings: dict[str, tuple[array, array]] = {}
        lengths = array("i")
        for doc_id, doc_terms in enumerate(documents):
            lengths.append(len(doc_terms))
            for term, tf in Counter(doc_terms).items():
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = (array("i"), array("f"))
                entry[0].append(doc_id)
                entry[1].append(tf)
        self.n = len(lengths)
        self.lengths = np.asarray(lengths, dtype=np.float32)
        avg = float(self.lengths.mean()) if self.n else 1.0
        self._norm = k1 * (1 - b + b * self.lengths / max(avg, 1e-9))
        self.postings = {t: (np.frombuffer(i, np.int32), np.frombuffer(f, np.float32)) for t, (i, f) in postings.items()}

    def idf(self, term: str) -> float:
        df = len(self.postings[term][0]) if term in self.postings else 0
        return float(np.log(1 + (self.n - df + 0.5) / (df + 0.5)))

    def docs_with(self, term: str) -> np.ndarray:
        """Ids of the documents that contain ``term`` (sorted)."""
        entry = self.postings.get(term)
        return entry[0] if entry is not None else np.zeros(0, np.int32)

    def scores(self, query_terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term, qtf in Counter(query_terms).items():
            if term not in self.postings:
                continue
            ids, tfs = self.postings[term]
            out[ids] += qtf * self.idf(term) * tfs * (self.k1 + 1) / (tfs + self._norm[ids])
        return out
