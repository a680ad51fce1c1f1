"""Dense, lexical and hybrid search over a loaded index."""

from __future__ import annotations

import numpy as np

from . import intents
from .documents import Hit
from .embedder import Embedder
from .lexical import BM25
from .restore import TOKEN, has_diacritics
from .store import IndexData
from .text import clean, fold, terms, words

MODES = ("rank", "hybrid", "dense", "bm25")
# Words of a procedure's title that say nothing about which variant it is.
TITLE_FILLER = frozenset("thu tuc".split())

# Function words that say nothing about which section answers a question. Kept with their diacritics
# for questions typed with them: folded, "đỏ" (red) would pass for "do" (because).
ACCENTED_STOPWORDS = frozenset(
    "là gì của và các những có không được cho về với thì mà để nào bao nhiêu lâu mấy thế làm sao ở tại trong "
    "khi nếu cần phải như này đó do một hay hoặc từ đến theo bởi vì bị người ai gồm ra vào lên đâu à ơi nhé vậy "
    "hả ừ mình tôi em anh chị bạn xin hỏi muốn biết".split()
)
STOPWORDS = frozenset(fold(w) for w in ACCENTED_STOPWORDS)
# Everyday words of a question's story ("bà cụ nhà bên mới mất hôm qua") that say nothing about whether
# its subject is covered: novelty skips their pairs as it skips function words'.
ACCENTED_EVERYDAY = ACCENTED_STOPWORDS | frozenset(
    "bà cụ ông bố mẹ con cháu vợ chồng anh chị em nhà bên mới vừa hôm qua nay giờ bây trai gái đi lại rồi đã "
    "chưa sắp hỏi dân người ra lên xuống về nó họ kia ấy đây mình cô chú bác dì ạ nhé nha hả đó thôi luôn nữa "
    "còn cũng vẫn đang sẽ".split()
)
EVERYDAY = frozenset(fold(w) for w in ACCENTED_EVERYDAY)
VALUED = {intents.NAMES.index(k) for k in ("fee", "time", "deadline")}


class Searcher:
    """Answers ``search(query)`` from an index and the embedder that built it."""

    def __init__(self, index: IndexData, embedder: Embedder, alpha: float = 0.6, title_dense: float = 0.2,
                 title_lexical: float = 0.1, coverage: float = 0.3, kind: float = 0.4, unmatched: float = 0.7,
                 document: float = 0.25, promote: float = 0.1, promote_value: float = 0.5, pool: int = 100) -> None:
        self.index = index
        self.embedder = embedder
        # hybrid score = alpha·dense + (1-alpha)·BM25 of the chunk (each min-max normalised), plus how
        # well the question matches the chunk's document title (a title names the procedure asked
        # about) and the share of the question's words in the chunk. Weights tuned on the dev, ward
        # and ALQAC sets (bench/).
        self.alpha, self.title_dense, self.title_lexical = alpha, title_dense, title_lexical
        # "rank" mode adds: how much the chunk's section holds the kind of fact asked for (a time limit,
        # a fee, the papers to bring…), and a penalty for the title words the question leaves
        # unmatched, so that a plain question finds the plain procedure, not its variants.
        self.coverage, self.kind, self.unmatched = coverage, kind, unmatched
        # and how well the question matches the whole document (the mean of its chunks' vectors): a
        # procedure is recognised from everything it says, not from its one chunk that shares most words
        self.document = document
        # and, when the best chunk's section does not hold the kind of fact asked for, a section of the
        # same document that labels a value with it ("Lệ phí: …", a table read back) scoring within
        # ``promote`` of it comes first: the document is right, the passage was not. For a fee or a time
        # limit the margin is wider (``promote_value``): a step table labels who does what ("Trách
        # nhiệm: …") in every row, but only the procedure's own table gives it a fee and a time limit.
        self.promote, self.promote_value = promote, promote_value
        self.pool = pool
        row = {source: i for i, source in enumerate(index.documents)}
        self.doc_of = np.array([row[c.source] for c in index.chunks], dtype=np.int64)
        self.title_bm25 = BM25.build(terms(d["title"]) for d in index.documents.values())
        self.title_words = [frozenset(words(d["title"])) - TITLE_FILLER for d in index.documents.values()]
        self.title_idf = {w: self.title_bm25.idf(w) for title in self.title_words for w in title}
        self.title_mass = [sum(self.title_idf[w] for w in title) or 1.0 for title in self.title_words]
        self.centroids = _centroids(index)
        lexicon = index.lexicon()
        self.bm25, self.restorer = lexicon.bm25, lexicon.restorer
        # chunks × kinds of fact (intents.NAMES): how much each chunk's section holds each kind,
        # learned from this base's own sections; and whether it labels a value with it
        self.affinity, self.labelled = lexicon.affinity, lexicon.labelled

    def __len__(self) -> int:
        return len(self.index.chunks)

    def search(self, query: str, k: int = 10, mode: str = "rank", only: str | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``query``; with ``only``, among that document's chunks."""
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
        if only is not None:
            lo, hi = self.index.documents[only]["chunks"] if only in self.index.documents else (0, 0)
            candidates = set(range(lo, hi))
        if not candidates:
            return []
        ids = np.fromiter(candidates, dtype=np.int64)
        wanted = [intents.NAMES.index(kind) for kind in intents.asked(query)] if mode == "rank" else []
        score, dense, cover = self._score(query, mode, ids, qvec, lexical, wanted)
        if wanted and self.promote:
            # the best document's sections that hold the asked kind of fact compete even when neither
            # retriever picked them (its fee table, say, shares few words with the question)
            lo, hi = self.index.documents[self.index.chunks[int(ids[np.argmax(score)])].source]["chunks"]
            holding = np.arange(lo, hi)[self._holds(np.arange(lo, hi), wanted)]
            extra = np.setdiff1d(holding, ids)
            if len(extra):
                ids = np.concatenate([ids, extra])
                score, dense, cover = self._score(query, mode, ids, qvec, lexical, wanted)
        order = np.argsort(-score, kind="stable")
        if wanted and self.promote and len(order) > 1:
            order = self._holding_section_first(order, ids, score, wanted)
        order = order[:k]
        return [Hit(self.index.chunks[int(ids[j])], float(score[j]), float(dense[j]), float(cover[j])) for j in order]

    def _score(self, query: str, mode: str, ids: np.ndarray, qvec: np.ndarray | None, lexical: np.ndarray | None,
               wanted: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each candidate's score, its cosine with the question and the share of the question's words
        it holds."""
        dense = self.index.vectors[ids] @ qvec if qvec is not None else np.zeros(len(ids), np.float32)
        if mode == "dense":
            score = dense
        elif mode == "bm25":
            score = lexical[ids]
        else:  # hybrid and rank
            score = self.alpha * _minmax(dense) + (1 - self.alpha) * _minmax(lexical[ids])
            if len(self.index.titles):
                titles = (self.title_dense * _minmax(self.index.titles @ qvec)
                          + self.title_lexical * _minmax(self.title_bm25.scores(terms(query))))
                score = score + titles[self.doc_of[ids]]
        weights = self._query_weights(query)
        total = sum(weights.values()) or 1.0
        cover = np.zeros(len(ids), np.float32)
        for term, weight in weights.items():
            cover += weight * _contains(self.bm25.docs_with(term), ids)
        cover /= total
        if mode in ("hybrid", "rank"):
            score = score + self.coverage * cover
        if mode == "rank":
            score = score + self._rank_features(query, ids, wanted, qvec)
            if self.document and len(self.centroids):
                score = score + self.document * _minmax(self.centroids @ qvec)[self.doc_of[ids]]
        return score, dense, cover

    def _holds(self, ids: np.ndarray, wanted: list[int]) -> np.ndarray:
        """Whether each chunk's section is headed for an asked kind or labels a value with it."""
        return self.labelled[ids][:, wanted].any(axis=1) | (self.affinity[ids][:, wanted].max(axis=1) >= 1.0)

    def _holding_section_first(self, order: np.ndarray, ids: np.ndarray, score: np.ndarray,
                               wanted: list[int]) -> np.ndarray:
        if self._holds(ids[order[:1]], wanted)[0]:
            return order
        holds = self.labelled[ids[order]][:, wanted].any(axis=1)  # a value given, not only a heading
        doc = self.doc_of[ids[order[0]]]
        margin = self.promote_value if set(wanted) <= VALUED else self.promote
        for j in range(1, len(order)):
            if score[order[0]] - score[order[j]] > margin:
                break
            if self.doc_of[ids[order[j]]] == doc and holds[j]:
                return np.concatenate([order[j:j + 1], np.delete(order, j)])
        return order

    def _rank_features(self, query: str, ids: np.ndarray, wanted: list[int], qvec: np.ndarray) -> np.ndarray:
        extra = np.zeros(len(ids), np.float32)
        if wanted and self.kind:
            extra += self.kind * self.affinity[ids][:, wanted].max(axis=1)
        if self.unmatched:
            extra -= self.unmatched * self._unmatched_qualifiers(set(words(query)), self.doc_of[ids], qvec)
        return extra

    def _unmatched_qualifiers(self, qwords: set[str], docs: np.ndarray, qvec: np.ndarray | None = None) -> np.ndarray:
        """Per candidate, the IDF share of its title's qualifying words (those a sibling's title among
        the candidates lacks: "lưu động" against "Đăng ký khai sinh") that the question leaves unmatched.
        A document with no such sibling here loses nothing."""
        unique, rows = np.unique(docs, return_inverse=True)
        vocab = sorted(set().union(*(self.title_words[d] for d in unique.tolist())))
        column = {w: i for i, w in enumerate(vocab)}
        has = np.zeros((len(unique), len(vocab)), np.float32)  # candidate documents × their title words
        for r, d in enumerate(unique.tolist()):
            has[r, [column[w] for w in self.title_words[d]]] = 1
        size = has.sum(axis=1)
        # sibling[d, o]: o's title is a strict subset of d's (of two words or more)
        sibling = ((has @ has.T) == size[None, :]) & (size[None, :] < size[:, None]) & (size[None, :] >= 2)
        siblings = sibling.sum(axis=1)
        in_all = (sibling.astype(np.float32) @ has) == siblings[:, None]  # the words every such sibling has
        extra = (has > 0) & ~in_all & (siblings[:, None] > 0)
        idf = np.array([0.0 if w in qwords else self.title_idf[w] for w in vocab], np.float32)
        mass = np.array([self.title_mass[d] for d in unique.tolist()], np.float32)
        out = (extra @ idf) / mass
        if qvec is not None and len(self.centroids):
            # a variant that the question resembles more, as a whole, than every broader sibling names its
            # qualifier in other words ("bố là người Mỹ" for "… có yếu tố nước ngoài"): no penalty
            cos = self.centroids[unique] @ qvec
            closest_broader = np.where(sibling, cos[None, :], -np.inf).max(axis=1)
            out = np.where((siblings > 0) & (cos > closest_broader), 0.0, out)
        return out[rows].astype(np.float32)

    def novelty(self, query: str) -> float:
        """Share of the question's word pairs (function words aside) that the knowledge base never uses.
        Questions about something the base does not cover ("trang phục", "hộ chiếu") score high.
        A question typed with diacritics is compared with diacritics, so "sổ đỏ" is not "sơ đồ"."""
        query = clean(query)
        if has_diacritics(query):
            ws = [w.lower() for w in TOKEN.findall(query)]
            pairs = [(a, b) for a, b in zip(ws, ws[1:]) if a not in ACCENTED_EVERYDAY and b not in ACCENTED_EVERYDAY]
            unknown = [not self.restorer.known(a, b) for a, b in pairs]
        else:
            ws = words(query)
            unknown = [f"{a}_{b}" not in self.bm25 for a, b in zip(ws, ws[1:])
                       if a not in EVERYDAY and b not in EVERYDAY]
        return sum(unknown) / len(unknown) if unknown else 0.0

    def _query_weights(self, query: str) -> dict[str, float]:
        """IDF of each query term (syllables without function words, and bigrams);
        a term the corpus never uses weighs most, so off-topic words pull coverage down."""
        ws = words(query)
        content = [w for w in ws if w not in STOPWORDS] or ws
        bigrams = [f"{a}_{b}" for a, b in zip(ws, ws[1:]) if not (a in STOPWORDS and b in STOPWORDS)]
        return {t: self.bm25.idf(t) for t in content + bigrams}


def _centroids(index: IndexData) -> np.ndarray:
    """One unit vector per document (rows in ``documents`` order): the mean of its chunks' vectors."""
    out = np.zeros((len(index.documents), index.titles.shape[1] if index.titles.ndim == 2 else 0), np.float32)
    for row, doc in enumerate(index.documents.values()):
        lo, hi = doc["chunks"]
        if hi > lo:
            mean = np.asarray(index.vectors[lo:hi], np.float32).sum(axis=0)
            out[row] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def _contains(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Which of ``ids`` are in ``sorted_ids``: a binary search each, not a sort of both (postings of a
    common term run to tens of thousands)."""
    if not len(sorted_ids):
        return np.zeros(len(ids), bool)
    at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return sorted_ids[at] == ids


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
