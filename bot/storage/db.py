"""The SQLite connection: WAL, foreign keys, a busy timeout, migrations applied at open; time as UTC text."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import sqlite_utils

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


VN = timezone(timedelta(hours=7))  # what users read is Hà Nội time


def vn_time(value: str | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """UTC text from the store as Hà Nội time ("" for none; text that is not a stored time as it is)."""
    if not value:
        return ""
    try:
        return parse_time(value).astimezone(VN).strftime(fmt)
    except ValueError:
        return value


def connect(path: Path | str | None = None) -> sqlite_utils.Database:
    """A database with every migration applied; ``None`` is an in-memory one (tests, scripts).

    The connection may be used from the bot's worker thread as well as the event loop's; callers
    serialise their use of it (one worker thread does the writes)."""
    if path is None:
        db = sqlite_utils.Database(sqlite3.connect(":memory:", check_same_thread=False))
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(sqlite3.connect(str(path), check_same_thread=False))
        db.enable_wal()
        # WAL + NORMAL: a commit survives a crash of the bot; only a power cut may lose the last one
        db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    from .migrations import migrate

    migrate(db)
    return db
