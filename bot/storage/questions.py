"""Questions officers asked, their feedback, and small key-value settings (``meta``)."""

from __future__ import annotations

from typing import Iterator


class Questions:
    """Methods of ``Store`` for the question log."""

    def log_question(self, **row) -> int:
        with self.db.conn:
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

    def questions_asked(self, staff_id: str) -> int:
        return self.db.execute("select count(*) from questions where staff_id = ?", [staff_id]).fetchone()[0]

    def set_feedback(self, question_id: int, staff_id: str, value: int) -> None:
        with self.db.conn:
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
        with self.db.conn:
            self.db["meta"].upsert({"key": key, "value": value}, pk="key")
