"""Put diacritics back on a query typed without them, using the corpus' own words.

The dense model reads Vietnamese with diacritics far better than without; the
corpus says which accented form each folded syllable pair usually takes. Built in memory from
texts (``Restorer.build``), or reading the index folder's lexicon (``indexer.lexicon``).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Callable, Iterable

from .text import fold

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Question words officers type that procedure texts rarely contain.
QUESTION_WORDS = (
    "bao lâu mất bao lâu bao nhiêu ở đâu nộp ở đâu gì giấy tờ gì những gì mấy ngày thế nào như thế nào "
    "làm sao không có được không khi nào ai là gì cần phải làm gì tôi muốn hỏi"
)
FORMS = 8  # accented spellings tried for each syllable typed without diacritics

Forms = Callable[[str], dict[str, int]]  # folded syllable -> {accented spelling: count}, the FORMS commonest
Pairs = Callable[[list[str], list[str]], dict[tuple[str, str], int]]  # counts of spelling pairs among these


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def count(texts: Iterable[str]) -> tuple[dict[str, Counter], Counter]:
    """(folded syllable -> Counter of its spellings, Counter of adjacent spelling pairs) over ``texts``."""
    forms: dict[str, Counter] = defaultdict(Counter)
    pairs: Counter = Counter()
    seen: Counter = Counter()  # each spelling folded once, not once an occurrence
    for text in [QUESTION_WORDS, *texts]:
        tokens = TOKEN.findall(text.lower())
        seen.update(tokens)
        pairs.update(zip(tokens, tokens[1:]))
    for t, n in seen.items():
        forms[fold(t)][t] += n
    return forms, pairs


class Restorer:
    def __init__(self, forms: Forms, pairs: Pairs) -> None:
        self.forms, self.pairs = forms, pairs

    @classmethod
    def build(cls, texts: Iterable[str]) -> "Restorer":
        forms, pairs = count(texts)
        restorer = cls(lambda t: dict(forms[t].most_common(FORMS)) if t in forms else {},
                       lambda a, b: {(p, c): pairs[(p, c)] for p in a for c in b if (p, c) in pairs})
        restorer.counts = forms, pairs  # what ``indexer.lexicon`` keeps
        return restorer

    def known(self, a: str, b: str) -> bool:
        """Whether the corpus writes the spelling ``a`` right before ``b``."""
        return bool(self.pairs([a], [b]))

    def restore(self, query: str) -> str:
        """The most likely accented spelling of a query typed without diacritics; else the query."""
        if has_diacritics(query):
            return query
        tokens = TOKEN.findall(query.lower())
        if not tokens:
            return query
        # Viterbi over each syllable's accented forms, scored by pair and single counts
        forms = [self.forms(t) or {t: 0} for t in tokens]
        best = {c: math.log1p(n) for c, n in forms[0].items()}
        back: list[dict[str, str]] = []
        for i in range(1, len(tokens)):
            pairs = self.pairs(list(best), list(forms[i]))
            nxt, ptr = {}, {}
            for c, n in forms[i].items():
                prev, score = max(((p, s + 3 * math.log1p(pairs.get((p, c), 0))) for p, s in best.items()),
                                  key=lambda x: x[1])
                nxt[c], ptr[c] = score + math.log1p(n), prev
            best = nxt
            back.append(ptr)
        word = max(best, key=best.get)
        out = [word]
        for ptr in reversed(back):
            word = ptr[word]
            out.append(word)
        return " ".join(reversed(out))
