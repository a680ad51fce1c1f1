"""SQLite storage: one connection, migrations, one module per aggregate.

``Store`` gathers the officer, journal and question methods on one connection; quiz tables have
their own ``QuizStore`` on the same store.
"""

from __future__ import annotations

from pathlib import Path

from .db import VN, Clock, connect, iso, parse_time, utcnow, vn_time
from .journal import Entry, Journal
from .officers import ROLES, Officer, Officers, normalise_phone
from .questions import Questions
from .quizzes import QuizStore
from .web import WebStore

__all__ = ["VN", "Clock", "Entry", "Officer", "QuizStore", "ROLES", "Store", "iso", "normalise_phone", "parse_time",
           "WebStore", "utcnow", "vn_time"]


class Store(Officers, Journal, Questions):
    def __init__(self, path: Path | str | None = None, clock: Clock = utcnow) -> None:
        self.db = connect(path)
        self.clock = clock

    def now(self) -> str:
        return iso(self.clock())
