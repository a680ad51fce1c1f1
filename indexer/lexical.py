"""BM25 over diacritic-folded syllables and syllable bigrams.

Built in memory from term lists (``BM25.build``), or reading its postings from the index folder's
lexicon (``indexer.lexicon``) through ``lookup``, so that start-up tokenises nothing."""

from __future__ import annotations

import math
from array import array
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import numpy as np

Postings = tuple[np.ndarray, np.ndarray]  # (document ids int32, term frequencies float32)
EMPTY: Postings = (np.zeros(0, np.int32), np.zeros(0, np.float32))


class BM25:
    def __init__(self, lengths: np.ndarray, lookup: Callable[[str], Postings | None], k1: float = 1.2,
                 b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.lengths = np.asarray(lengths, dtype=np.float32)
        self.n = len(self.lengths)
        avg = float(self.lengths.mean()) if self.n else 1.0
        self._norm = k1 * (1 - b + b * self.lengths / max(avg, 1e-9))
        self._lookup = lru_cache(maxsize=8192)(lookup)

    @classmethod
    def build(cls, documents: Iterable[list[str]], **params) -> "BM25":
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
        table = {t: (np.frombuffer(i, np.int32), np.frombuffer(f, np.float32)) for t, (i, f) in postings.items()}
        bm25 = cls(np.asarray(lengths, np.float32), table.get, **params)
        bm25.table = table
        return bm25

    def items(self) -> Iterator[tuple[str, Postings]]:
        """Every term with its postings (of a BM25 built in memory)."""
        return iter(self.table.items())

    def __contains__(self, term: str) -> bool:
        return self._lookup(term) is not None

    def idf(self, term: str) -> float:
        entry = self._lookup(term)
        df = len(entry[0]) if entry is not None else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def docs_with(self, term: str) -> np.ndarray:
        """Ids of the documents that contain ``term`` (sorted)."""
        return (self._lookup(term) or EMPTY)[0]

    def scores(self, query_terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term, qtf in Counter(query_terms).items():
            entry = self._lookup(term)
            if entry is None:
                continue
            ids, tfs = entry
            out[ids] += qtf * self.idf(term) * tfs * (self.k1 + 1) / (tfs + self._norm[ids])
        return out
