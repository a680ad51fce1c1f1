"""The pure quiz engine: draw, shuffle, grade, parse typed answers, schedule reminders."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .bank import LETTERS, Question

RIGHT_TWICE = 2  # a missed question keeps coming back in practice until answered right twice


@dataclass(frozen=True)
class Item:
    """A question as one officer sees it: options in a personal order."""

    question: Question
    order: tuple[int, ...]  # order[k] = index in question.options shown at position k

    @property
    def options(self) -> list[str]:
        return [self.question.options[i] for i in self.order]

    @property
    def correct(self) -> int:
        return self.order.index(self.question.answer)


def shuffle(question: Question, rng: random.Random) -> Item:
    order = list(range(len(question.options)))
    rng.shuffle(order)
    return Item(question, tuple(order))


def draw(pool: list[Question], n: int, rng: random.Random, review: list[str] = ()) -> list[Item]:
    """``n`` questions, those due for review first (spaced repetition), the rest at random."""
    by_id = {q.id: q for q in pool}
    first = [by_id[q] for q in review if q in by_id][: max(1, n // 2)]  # at most half the quiz is review
    taken = {q.id for q in first}
    rest = [q for q in pool if q.id not in taken]
    rng.shuffle(rest)
    chosen = (first + rest)[:n]
    rng.shuffle(chosen)
    return [shuffle(q, rng) for q in chosen]


def parse_choice(text: str, n_options: int) -> int | None:
    """'A', 'a', 'b.', '1', ' C ' -> option index; None if it is not an answer."""
    t = re.sub(r"[\s.)\]:]+$", "", text.strip()).strip("([ ").upper()
    if len(t) == 1 and t in LETTERS[:n_options]:
        return LETTERS.index(t)
    if t.isdigit() and 1 <= int(t) <= n_options:
        return int(t) - 1
    return None


def score(correct: int, total: int) -> float:
    return round(100.0 * correct / total, 1) if total else 0.0


def reminders(start: datetime, end: datetime, every_days: int, before_end_days: int = 1) -> list[datetime]:
    """Reminder times: every ``every_days`` after the start, and the day before the end."""
    out = []
    t = start + timedelta(days=every_days)
    while every_days > 0 and t < end:
        out.append(t)
        t += timedelta(days=every_days)
    last = end - timedelta(days=before_end_days)
    if last > start and all(abs((last - x).total_seconds()) > 3600 for x in out):
        out.append(last)
    return sorted(out)
