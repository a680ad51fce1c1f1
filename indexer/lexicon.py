"""What search computes from the chunks' words, computed once when an index is written and kept in
its folder (``lexicon.sqlite``): the BM25 postings, the restorer's spellings and spelling pairs, and how
much each chunk's section holds each kind of fact. A loaded index reads only the rows a question
needs, so start-up tokenises nothing and memory does not grow with the base's vocabulary."""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from . import intents
from .documents import Chunk
from .lexical import BM25, Postings
from .restore import FORMS, Restorer
from .text import terms

FILE = "lexicon.sqlite"
VERSION = 2  # of the tables below and of intents.NAMES; a lexicon of another version is rebuilt in memory
SCHEMA = """
create table meta (key text primary key, value) without rowid;
create table arrays (name text primary key, dtype text, shape text, data blob) without rowid;
create table postings (term text primary key, ids blob, tfs blob) without rowid;
create table spellings (folded text, rank integer, form text, n integer, primary key (folded, rank)) without rowid;
create table pairs (a text, b text, n integer, primary key (a, b)) without rowid;
"""


def chunk_text(chunk: Chunk) -> str:
    return f"{chunk.title}\n{chunk.section}\n{chunk.text}"


class Lexicon:
    """The chunk-level BM25, the restorer, and the chunks × kinds arrays (``intents.NAMES``)."""

    def __init__(self, bm25: BM25, restorer: Restorer, affinity: np.ndarray, labelled: np.ndarray) -> None:
        self.bm25, self.restorer, self.affinity, self.labelled = bm25, restorer, affinity, labelled

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> "Lexicon":
        texts = [chunk_text(c) for c in chunks]
        affinity, labelled = kinds(chunks)
        return cls(BM25.build(terms(t) for t in texts), Restorer.build(texts), affinity, labelled)

    @classmethod
    def load(cls, folder: Path, chunks: Sequence[Chunk]) -> "Lexicon":
        """The lexicon kept in ``folder``; built from ``chunks`` when there is none (an index written
        before lexicons were kept) or it does not match them."""
        path = Path(folder) / FILE
        if path.exists():
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
                meta = dict(db.execute("select key, value from meta"))
                if meta.get("version") == VERSION and meta.get("chunks") == len(chunks):
                    return _open(db)
                db.close()
            except sqlite3.DatabaseError:
                pass
        return cls.build(chunks)

    @staticmethod
    def current(folder: Path | None) -> bool:
        """Whether ``folder`` keeps a lexicon of this version (an index that does not is rewritten at
        its next build, without re-embedding anything)."""
        try:
            db = sqlite3.connect(f"file:{Path(folder) / FILE}?mode=ro&immutable=1", uri=True)
            try:
                return dict(db.execute("select key, value from meta")).get("version") == VERSION
            finally:
                db.close()
        except (sqlite3.DatabaseError, TypeError):
            return False

    def save(self, folder: Path) -> None:
        """Write this lexicon (built in memory) into ``folder``."""
        forms, pairs = self.restorer.counts
        db = sqlite3.connect(Path(folder) / FILE)
        with db:
            db.executescript(SCHEMA)
            db.executemany("insert into meta values (?, ?)", [("version", VERSION), ("chunks", self.bm25.n)])
            db.executemany("insert into arrays values (?, ?, ?, ?)", [
                (name, a.dtype.str, ",".join(map(str, a.shape)), a.tobytes())
                for name, a in (("lengths", self.bm25.lengths), ("affinity", self.affinity),
                                ("labelled", self.labelled))])
            db.executemany("insert into postings values (?, ?, ?)",
                           ((t, ids.tobytes(), tfs.tobytes()) for t, (ids, tfs) in self.bm25.items()))
            db.executemany("insert into spellings values (?, ?, ?, ?)",
                           ((folded, rank, form, n) for folded, spellings in forms.items()
                            for rank, (form, n) in enumerate(spellings.most_common(FORMS))))
            db.executemany("insert into pairs values (?, ?, ?)", ((a, b, n) for (a, b), n in pairs.items()))
        db.close()


def kinds(chunks: Sequence[Chunk]) -> tuple[np.ndarray, np.ndarray]:
    """chunks × kinds: how much each chunk's section holds each kind of fact (learned from this base's
    own sections), and whether it labels a value with it."""
    bodies: dict[tuple[str, str], list[str]] = {}
    for c in chunks:
        bodies.setdefault((c.source, c.section), []).append(c.text)
    sections = [(src, sec, "\n".join(texts)) for (src, sec), texts in bodies.items()]
    scorer = intents.KindScorer(intents.SectionKinds().learn(sections))
    per_section = {(src, sec): scorer.affinity(sec, body) for src, sec, body in sections}
    values = {(src, sec): intents.labelled(body) for src, sec, body in sections}
    keys = [(c.source, c.section) for c in chunks]
    shape = (0, len(intents.NAMES))
    if not keys:
        return np.zeros(shape, np.float32), np.zeros(shape, bool)
    return np.stack([per_section[k] for k in keys]), np.stack([values[k] for k in keys])


def _open(db: sqlite3.Connection) -> Lexicon:
    arrays = {name: np.frombuffer(data, np.dtype(dtype)).reshape([int(n) for n in shape.split(",") if n])
              for name, dtype, shape, data in db.execute("select * from arrays")}

    def postings(term: str) -> Postings | None:
        row = db.execute("select ids, tfs from postings where term = ?", [term]).fetchone()
        return (np.frombuffer(row[0], np.int32), np.frombuffer(row[1], np.float32)) if row else None

    @lru_cache(maxsize=4096)
    def forms(folded: str) -> dict[str, int]:
        return dict(db.execute("select form, n from spellings where folded = ? order by rank", [folded]))

    def pairs(a: list[str], b: list[str]) -> dict[tuple[str, str], int]:
        sql = (f"select a, b, n from pairs where a in ({','.join('?' * len(a))}) "
               f"and b in ({','.join('?' * len(b))})")
        return {(x, y): n for x, y, n in db.execute(sql, a + b)} if a and b else {}

    return Lexicon(BM25(arrays["lengths"], postings), Restorer(forms, pairs), arrays["affinity"], arrays["labelled"])
