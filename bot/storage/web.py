"""The web console's tables: one-time sign-in links, sessions, the audit log, indexing jobs, the queue
of unanswered and disliked questions."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from .db import iso

LINK_MINUTES = 10
LINKS_PER_WINDOW = 3  # links one officer may be sent from the sign-in form within LINK_MINUTES
SESSION_HOURS = 8


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class WebStore:
    """Web console persistence on the same database as ``Store``; every write commits before returning."""

    def __init__(self, store) -> None:
        self.store = store
        self.db = store.db

    # sign-in ----------------------------------------------------------------------------------
    def new_link(self, staff_id: str, minutes: int = LINK_MINUTES) -> str:
        """A one-time sign-in token (only its hash is kept)."""
        token = secrets.token_urlsafe(24)
        now = self.store.clock()
        with self.db.conn:
            self.db["web_links"].insert({"token_hash": _hash(token), "staff_id": staff_id, "created_at": iso(now),
                                         "expires_at": iso(now + timedelta(minutes=minutes))})
        return token

    def links_allowed(self, staff_id: str) -> bool:
        """Whether the sign-in form may send ``staff_id`` another link: at most LINKS_PER_WINDOW in
        LINK_MINUTES, so nobody can flood an officer's chat by typing their staff id."""
        since = iso(self.store.clock() - timedelta(minutes=LINK_MINUTES))
        sent = self.db.execute("select count(*) from web_links where staff_id = ? and created_at > ?",
                               [staff_id, since]).fetchone()[0]
        return sent < LINKS_PER_WINDOW

    def use_link(self, token: str) -> str | None:
        """The staff id the token signs in, once, before it expires; else None."""
        now = self.store.now()
        with self.db.conn:
            cur = self.db.execute("update web_links set used_at = ? where token_hash = ? and used_at is null "
                                  "and expires_at > ? returning staff_id", [now, _hash(token), now])
            row = cur.fetchone()
        return row[0] if row else None

    def new_session(self, staff_id: str, hours: int = SESSION_HOURS) -> str:
        sid = secrets.token_urlsafe(24)
        now = self.store.clock()
        with self.db.conn:
            self.db["web_sessions"].insert({"id": _hash(sid), "staff_id": staff_id, "created_at": iso(now),
                                            "expires_at": iso(now + timedelta(hours=hours))})
        return sid

    def session_officer(self, sid: str):
        """The active officer of a live session, or None (expired, signed out, or the officer left)."""
        rows = list(self.db.query(
            "select staff_id from web_sessions where id = ? and ended_at is null and expires_at > ?",
            [_hash(sid), self.store.now()]))
        officer = self.store.officer(rows[0]["staff_id"]) if rows else None
        return officer if officer is not None and officer.active else None

    def end_session(self, sid: str) -> None:
        with self.db.conn:
            self.db.execute("update web_sessions set ended_at = ? where id = ?", [self.store.now(), _hash(sid)])

    def end_sessions(self, staff_id: str) -> None:
        with self.db.conn:
            self.db.execute("update web_sessions set ended_at = ? where staff_id = ? and ended_at is null",
                            [self.store.now(), staff_id])

    # audit ------------------------------------------------------------------------------------
    def audit(self, staff_id: str, action: str, target: str, before=None, after=None) -> None:
        def dump(value):
            return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

        with self.db.conn:
            self.db["audit"].insert({"at": self.store.now(), "staff_id": staff_id, "action": action,
                                     "target": target, "before": dump(before), "after": dump(after)})

    def audit_log(self, limit: int = 200) -> list[dict]:
        return list(self.db.query(
            "select a.*, o.full_name from audit a left join officers o using (staff_id) order by a.id desc limit ?",
            [limit]))

    # the queue --------------------------------------------------------------------------------
    def queue(self, handled: bool = False, limit: int = 200) -> list[dict]:
        """Unanswered questions and answers marked 👎, newest first."""
        state = "is not null" if handled else "is null"
        return list(self.db.query(
            "select q.id, q.created_at, q.question, q.answered, q.answer, q.title, q.section, q.code, q.platform, "
            "q.handled_at, q.handled_note, q.should_source, o.full_name, o.unit, f.value as feedback "
            "from questions q left join officers o using (staff_id) left join feedback f on f.question_id = q.id "
            f"where (q.answered = 0 or f.value < 0) and q.handled_at {state} order by q.id desc limit ?", [limit]))

    def handle(self, question_id: int, staff_id: str, note: str, should_source: str) -> dict | None:
        before = self.store.question(question_id)
        if before is None:
            return None
        with self.db.conn:
            self.db["questions"].update(question_id, {"handled_at": self.store.now(), "handled_by": staff_id,
                                                      "handled_note": note, "should_source": should_source})
        return before

    # indexing jobs ----------------------------------------------------------------------------
    def start_job(self, staff_id: str) -> int:
        with self.db.conn:
            return self.db["index_jobs"].insert({"staff_id": staff_id, "started_at": self.store.now(),
                                                 "status": "running", "done": 0, "total": 0}).last_pk

    def update_job(self, job_id: int, **values) -> None:
        if values.get("status") in ("done", "failed"):
            values["finished_at"] = self.store.now()
        with self.db.conn:
            self.db["index_jobs"].update(job_id, values)

    def job(self, job_id: int | None = None) -> dict | None:
        """One job, or the newest."""
        where, args = ("id = ?", [job_id]) if job_id else (None, [])
        rows = list(self.db["index_jobs"].rows_where(where, args, order_by="id desc", limit=1))
        return rows[0] if rows else None

    def fail_stale_jobs(self) -> None:
        """Jobs left running by a process that stopped: they will not finish."""
        with self.db.conn:
            self.db.execute("update index_jobs set status = 'failed', error = 'interrupted', finished_at = ? "
                            "where status = 'running'", [self.store.now()])



def sign_in_link(store, base_url: str, staff_id: str) -> str:
    """An absolute one-time sign-in URL for the web console."""
    return f"{base_url.rstrip('/')}/dang-nhap/{WebStore(store).new_link(staff_id)}"
