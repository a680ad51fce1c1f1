"""Put diacritics back on a query typed without them, using the corpus' own words.

The dense model reads Vietnamese with diacritics far better than without; the
corpus says which accented form each folded syllable pair usually takes.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Iterable

from .text import fold

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Question words officers type that procedure texts rarely contain.
QUESTION_WORDS = (
    "bao lâu mất bao lâu bao nhiêu ở đâu nộp ở đâu gì giấy tờ gì những gì mấy ngày thế nào như thế nào "
    "làm sao không có được không khi nào ai là gì cần phải làm gì tôi muốn hỏi"
)


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


class Restorer:
    def __init__(self, texts: Iterable[str]) -> None:
        self.forms: dict[str, Counter] = defaultdict(Counter)  # folded syllable -> accented forms
        self.pairs: Counter = Counter()  # (form, form) -> count
        seen: Counter = Counter()  # each spelling folded once, not once an occurrence
        for text in [QUESTION_WORDS, *texts]:
            tokens = TOKEN.findall(text.lower())
            seen.update(tokens)
            self.pairs.update(zip(tokens, tokens[1:]))
        for t, n in seen.items():
            self.forms[fold(t)][t] += n

    def restore(self, query: str) -> str:
        """The most likely accented spelling of a query typed without diacritics; else the query."""
        if has_diacritics(query):
            return query
        tokens = TOKEN.findall(query.lower())
        if not tokens:
            return query
        # Viterbi over each syllable's accented forms, scored by pair and single counts
        cands = [[f for f, _ in self.forms[t].most_common(8)] or [t] for t in tokens]
        best = {c: math.log1p(self.forms[tokens[0]][c]) for c in cands[0]}
        back: list[dict[str, str]] = []
        for i in range(1, len(tokens)):
            nxt, ptr = {}, {}
            for c in cands[i]:
                single = math.log1p(self.forms[tokens[i]][c])
                prev, score = max(((p, s + 3 * math.log1p(self.pairs[(p, c)])) for p, s in best.items()),
                                  key=lambda x: x[1])
                nxt[c], ptr[c] = score + single, prev
            best = nxt
            back.append(ptr)
        word = max(best, key=best.get)
        out = [word]
        for ptr in reversed(back):
            word = ptr[word]
            out.append(word)
        return " ".join(reversed(out))
