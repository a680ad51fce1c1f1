"""The SQLite store (sqlite-utils, WAL): officers, chat accounts, link codes, questions, feedback.

Schema changes are functions ``m00N_…`` applied once, in order, at start-up.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

Clock = Callable[[], datetime]
ROLES = ("officer", "hr", "admin")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_phone(phone: str) -> str:
    """'+84 912-345-678', '84912345678' and '0912345678' all become '0912345678'."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    elif digits and not digits.startswith("0") and len(digits) == 9:
        digits = "0" + digits
    return digits


@dataclass(frozen=True)
class Officer:
    staff_id: str
    full_name: str
    unit: str = ""
    position: str = ""
    phone: str = ""
    role: str = "officer"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def m001_initial(db: sqlite_utils.Database) -> None:
    db["officers"].create(
        {"staff_id": str, "full_name": str, "unit": str, "position": str, "phone": str, "phone_norm": str,
         "role": str, "created_at": str, "updated_at": str},
        pk="staff_id",
    )
    db["officers"].create_index(["phone_norm"])
    db["officers"].create_index(["unit"])
    db["accounts"].create(
        {"platform": str, "user_id": str, "chat_id": str, "staff_id": str, "linked_at": str, "linked_by": str},
        pk=("platform", "user_id"), foreign_keys=[("staff_id", "officers")],
    )
    db["accounts"].create_index(["staff_id"])
    db["link_codes"].create(
        {"code": str, "staff_id": str, "created_at": str, "expires_at": str, "used_at": str, "used_by": str},
        pk="code", foreign_keys=[("staff_id", "officers")],
    )
    db["updates"].create({"platform": str, "update_id": str, "received_at": str}, pk=("platform", "update_id"))
    db["questions"].create(
        {"id": int, "staff_id": str, "platform": str, "user_id": str, "question": str, "answered": int,
         "answer": str, "source": str, "title": str, "section": str, "code": str, "revision": str,
         "related": str, "confidence": float, "created_at": str},
        pk="id", foreign_keys=[("staff_id", "officers")],
    )
    db["questions"].create_index(["staff_id", "created_at"])
    db["questions"].create_index(["answered", "created_at"])
    db["feedback"].create(
        {"question_id": int, "staff_id": str, "value": int, "created_at": str},
        pk="question_id", foreign_keys=[("question_id", "questions"), ("staff_id", "officers")],
    )
    db["meta"].create({"key": str, "value": str}, pk="key")


def migrations() -> list:
    from .quiz_store import m002_quizzes

    return [m001_initial, m002_quizzes]


def migrate(db: sqlite_utils.Database) -> None:
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    for step in migrations():
        if step.__name__ not in done:
            with db.conn:
                step(db)
                db["_migrations"].insert({"name": step.__name__, "applied_at": iso(utcnow())})


class Store:
    def __init__(self, path: Path | str | None = None, clock: Clock = utcnow) -> None:
        if path is None:
            self.db = sqlite_utils.Database(memory=True)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(str(path))
            self.db.enable_wal()
            # WAL + NORMAL: a commit survives a crash of the bot; only a power cut may lose the last one
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.clock = clock
        migrate(self.db)

    def now(self) -> str:
        return iso(self.clock())

    # officers ------------------------------------------------------------------------------
    def upsert_officer(self, officer: Officer) -> bool:
        """Insert or update by staff_id; True when the officer is new."""
        existing = self.officer(officer.staff_id)
        row = {**officer.__dict__, "phone_norm": normalise_phone(officer.phone), "updated_at": self.now()}
        if existing is None:
            self.db["officers"].insert({**row, "created_at": self.now()})
        else:
            self.db["officers"].update(officer.staff_id, row)
        return existing is None

    def officer(self, staff_id: str) -> Officer | None:
        rows = list(self.db["officers"].rows_where("staff_id = ?", [staff_id]))
        return _officer(rows[0]) if rows else None

    def officers(self, unit: str | None = None) -> list[Officer]:
        where, args = ("unit = ?", [unit]) if unit else (None, None)
        return [_officer(r) for r in self.db["officers"].rows_where(where, args, order_by="unit, staff_id")]

    def officers_by_phone(self, phone: str) -> list[Officer]:
        norm = normalise_phone(phone)
        return [_officer(r) for r in self.db["officers"].rows_where("phone_norm = ?", [norm])] if norm else []

    # accounts and link codes -----------------------------------------------------------
    def account_officer(self, platform: str, user_id: str) -> Officer | None:
        rows = list(self.db.query(
            "select o.* from accounts a join officers o using (staff_id) where a.platform = ? and a.user_id = ?",
            [platform, str(user_id)]))
        return _officer(rows[0]) if rows else None

    def accounts(self, staff_id: str) -> list[dict]:
        return list(self.db["accounts"].rows_where("staff_id = ?", [staff_id]))

    def link(self, platform: str, user_id: str, chat_id: str, staff_id: str, how: str) -> None:
        self.db["accounts"].upsert(
            {"platform": platform, "user_id": str(user_id), "chat_id": str(chat_id), "staff_id": staff_id,
             "linked_at": self.now(), "linked_by": how},
            pk=("platform", "user_id"),
        )

    def unlink(self, staff_id: str) -> int:
        with self.db.conn:
            return self.db.execute("delete from accounts where staff_id = ?", [staff_id]).rowcount

    def create_code(self, staff_id: str, days: int = 7) -> tuple[str, str]:
        """A new one-time code for ``staff_id``; earlier unused codes of that officer stop working."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        now = self.clock()
        with self.db.conn:
            self.db.execute("delete from link_codes where staff_id = ? and used_at is null", [staff_id])
            self.db["link_codes"].insert({"code": code, "staff_id": staff_id, "created_at": iso(now),
                                          "expires_at": iso(now + timedelta(days=days))})
        return code, iso(now + timedelta(days=days))

    def redeem_code(self, code: str, platform: str, user_id: str, chat_id: str) -> tuple[Officer | None, str]:
        """Link the account if the code is valid: (officer, "") or (None, "unknown" | "used" | "expired")."""
        code = re.sub(r"[\s-]", "", code).upper()
        with self.db.conn:
            rows = list(self.db["link_codes"].rows_where("code = ?", [code]))
            if not rows:
                return None, "unknown"
            row = rows[0]
            if row["used_at"]:
                return None, "used"
            if row["expires_at"] < self.now():
                return None, "expired"
            self.db.execute("update link_codes set used_at = ?, used_by = ? where code = ?",
                            [self.now(), f"{platform}:{user_id}", code])
        self.link(platform, user_id, chat_id, row["staff_id"], "code")
        return self.officer(row["staff_id"]), ""

    # updates, questions, feedback ------------------------------------------------------
    def first_delivery(self, platform: str, update_id: str) -> bool:
        """Record an update id; False when it was seen before (a duplicate delivery)."""
        with self.db.conn:
            cur = self.db.execute("insert or ignore into updates (platform, update_id, received_at) values (?, ?, ?)",
                                  [platform, str(update_id), self.now()])
        return cur.rowcount == 1

    def log_question(self, **row) -> int:
        return self.db["questions"].insert({**row, "created_at": self.now()}).last_pk

    def question(self, question_id: int) -> dict | None:
        rows = list(self.db["questions"].rows_where("id = ?", [question_id]))
        return rows[0] if rows else None

    def last_question(self, staff_id: str, platform: str = "", user_id: str = "") -> dict | None:
        """An officer's last question; for the console operator (no staff_id), that terminal's."""
        where, args = ("staff_id = ?", [staff_id]) if staff_id else \
            ("staff_id is null and platform = ? and user_id = ?", [platform, user_id])
        rows = list(self.db["questions"].rows_where(where, args, order_by="id desc", limit=1))
        return rows[0] if rows else None

    def set_feedback(self, question_id: int, staff_id: str, value: int) -> None:
        self.db["feedback"].upsert({"question_id": question_id, "staff_id": staff_id, "value": value,
                                    "created_at": self.now()}, pk="question_id")

    def unanswered(self, since: str | None = None) -> Iterator[dict]:
        sql = ("select q.created_at, q.question, q.staff_id, o.full_name, o.unit, q.platform from questions q "
               "left join officers o using (staff_id) where q.answered = 0")
        args: list = []
        if since:
            sql += " and q.created_at >= ?"
            args.append(since)
        return self.db.query(sql + " order by q.created_at", args)

    def get_meta(self, key: str) -> str | None:
        rows = list(self.db["meta"].rows_where("key = ?", [key]))
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")


def _officer(row: dict) -> Officer:
    return Officer(row["staff_id"], row["full_name"], row["unit"] or "", row["position"] or "",
                   row["phone"] or "", row["role"] or "officer")
