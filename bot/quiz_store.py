"""Quiz tables: campaigns, assignments, attempts, items, answers, review state, notifications."""

from __future__ import annotations

import json

import sqlite_utils

from .store import Store


def m002_quizzes(db: sqlite_utils.Database) -> None:
    db["campaigns"].create(
        {"id": int, "name": str, "topics": str, "questions": int, "pass_mark": float, "start_at": str,
         "end_at": str, "units": str, "attempts": int, "seconds": int, "remind_every": int, "status": str,
         "created_at": str, "closed_at": str},
        pk="id",
    )
    db["campaigns"].create_index(["name"], unique=True)
    db["assignments"].create({"campaign_id": int, "staff_id": str}, pk=("campaign_id", "staff_id"),
                             foreign_keys=[("campaign_id", "campaigns"), ("staff_id", "officers")])
    db["attempts"].create(
        {"id": int, "staff_id": str, "campaign_id": int, "kind": str, "platform": str, "chat_id": str,
         "total": int, "correct": int, "score": float, "passed": int, "started_at": str, "finished_at": str},
        pk="id", foreign_keys=[("staff_id", "officers"), ("campaign_id", "campaigns")],
    )
    db["attempts"].create_index(["staff_id", "finished_at"])
    db["attempts"].create_index(["campaign_id", "staff_id"])
    db["attempt_items"].create(
        {"attempt_id": int, "position": int, "question_id": str, "topic": str, "option_order": str,
         "correct_pos": int, "sent_at": str, "poll_id": str},
        pk=("attempt_id", "position"), foreign_keys=[("attempt_id", "attempts")],
    )
    db["attempt_items"].create_index(["poll_id"])
    db["answers"].create(
        {"attempt_id": int, "position": int, "staff_id": str, "question_id": str, "chosen": int, "correct": int,
         "seconds": float, "answered_at": str},
        pk=("attempt_id", "position"), foreign_keys=[("attempt_id", "attempts"), ("staff_id", "officers")],
    )
    db["answers"].create_index(["question_id"])
    db["review"].create({"staff_id": str, "question_id": str, "right_streak": int, "missed": int, "updated_at": str},
                        pk=("staff_id", "question_id"))
    db["notifications"].create(
        {"id": int, "campaign_id": int, "staff_id": str, "kind": str, "due_at": str, "sent_at": str},
        pk="id", foreign_keys=[("campaign_id", "campaigns")],
    )
    db["notifications"].create_index(["sent_at", "due_at"])


class QuizStore:
    """Quiz persistence on the same database as ``Store``; every write commits before returning."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def now(self) -> str:
        return self.store.now()

    # campaigns -------------------------------------------------------------------------------
    def create_campaign(self, row: dict, staff_ids: list[str], notify_at: list[tuple[str, str]]) -> int:
        """Insert the campaign, its assignments and its scheduled notifications in one transaction."""
        with self.db.conn:
            cid = self.db["campaigns"].insert({**row, "status": "open", "created_at": self.now()}).last_pk
            self.db["assignments"].insert_all([{"campaign_id": cid, "staff_id": s} for s in staff_ids])
            self.db["notifications"].insert_all(
                [{"campaign_id": cid, "staff_id": s, "kind": kind, "due_at": due}
                 for kind, due in notify_at for s in (staff_ids if kind != "summary" else [""])])
        return cid

    def campaign(self, key: str | int) -> dict | None:
        col = "id" if isinstance(key, int) or str(key).isdigit() else "name"
        rows = list(self.db["campaigns"].rows_where(f"{col} = ?", [key]))
        return rows[0] if rows else None

    def campaigns(self) -> list[dict]:
        return list(self.db["campaigns"].rows_where(order_by="start_at desc"))

    def close_campaign(self, cid: int) -> None:
        with self.db.conn:
            self.db["campaigns"].update(cid, {"status": "closed", "closed_at": self.now()})
            self.db.execute("update notifications set sent_at = ? where campaign_id = ? and sent_at is null "
                            "and kind != 'summary'", [self.now(), cid])
            self.db.execute("update notifications set due_at = ? where campaign_id = ? and sent_at is null "
                            "and kind = 'summary'", [self.now(), cid])

    def assigned(self, cid: int, staff_id: str) -> bool:
        return bool(list(self.db["assignments"].rows_where("campaign_id = ? and staff_id = ?", [cid, staff_id])))

    def open_campaigns_for(self, staff_id: str, now: str) -> list[dict]:
        return list(self.db.query(
            "select c.* from campaigns c join assignments a on a.campaign_id = c.id where a.staff_id = ? "
            "and c.status = 'open' and c.start_at <= ? order by c.end_at", [staff_id, now]))

    # attempts ---------------------------------------------------------------------------------
    def start_attempt(self, staff_id: str, campaign_id: int | None, kind: str, platform: str, chat_id: str,
                      items: list[dict]) -> int:
        with self.db.conn:
            aid = self.db["attempts"].insert({
                "staff_id": staff_id, "campaign_id": campaign_id, "kind": kind, "platform": platform,
                "chat_id": chat_id, "total": len(items), "correct": 0, "started_at": self.now()}).last_pk
            self.db["attempt_items"].insert_all([{**item, "attempt_id": aid} for item in items])
        return aid

    def attempt(self, aid: int) -> dict | None:
        rows = list(self.db["attempts"].rows_where("id = ?", [aid]))
        return rows[0] if rows else None

    def active_attempt(self, staff_id: str) -> dict | None:
        rows = list(self.db["attempts"].rows_where("staff_id = ? and finished_at is null", [staff_id],
                                                   order_by="id desc", limit=1))
        return rows[0] if rows else None

    def abandon(self, aid: int) -> None:
        """Close an unfinished practice attempt (a new practice replaces it)."""
        with self.db.conn:
            self.db.execute("update attempts set finished_at = ? where id = ? and finished_at is null", [self.now(), aid])

    def attempts_used(self, cid: int, staff_id: str) -> int:
        return self.db.execute("select count(*) from attempts where campaign_id = ? and staff_id = ?",
                               [cid, staff_id]).fetchone()[0]

    def item(self, aid: int, position: int) -> dict | None:
        rows = list(self.db["attempt_items"].rows_where("attempt_id = ? and position = ?", [aid, position]))
        if not rows:
            return None
        row = rows[0]
        row["option_order"] = json.loads(row["option_order"])
        return row

    def next_position(self, aid: int) -> int:
        """The first position without an answer (== total when all are answered)."""
        return self.db.execute("select count(*) from answers where attempt_id = ?", [aid]).fetchone()[0]

    def mark_sent(self, aid: int, position: int, poll_id: str | None = None) -> None:
        with self.db.conn:
            self.db.execute("update attempt_items set sent_at = ?, poll_id = coalesce(?, poll_id) "
                            "where attempt_id = ? and position = ?", [self.now(), poll_id, aid, position])

    def item_by_poll(self, poll_id: str) -> dict | None:
        rows = list(self.db["attempt_items"].rows_where("poll_id = ?", [str(poll_id)]))
        return rows[0] if rows else None

    def record_answer(self, attempt: dict, position: int, question_id: str, chosen: int, correct: bool,
                      seconds: float | None) -> bool:
        """Store one answer and the review state; False if that position was already answered."""
        with self.db.conn:
            cur = self.db.execute(
                "insert or ignore into answers (attempt_id, position, staff_id, question_id, chosen, correct, seconds, "
                "answered_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [attempt["id"], position, attempt["staff_id"], question_id, chosen, int(correct), seconds, self.now()])
            if cur.rowcount == 0:
                return False
            self.db.execute("update attempts set correct = correct + ? where id = ?", [int(correct), attempt["id"]])
            self.db.execute(
                "insert into review (staff_id, question_id, right_streak, missed, updated_at) values (?, ?, ?, ?, ?) "
                "on conflict (staff_id, question_id) do update set "
                "right_streak = case when excluded.missed = 1 then 0 else review.right_streak + 1 end, "
                "missed = review.missed + excluded.missed, updated_at = excluded.updated_at",
                [attempt["staff_id"], question_id, int(correct), int(not correct), self.now()])
        return True

    def finish(self, aid: int, score: float, passed: bool | None) -> None:
        with self.db.conn:
            self.db.execute("update attempts set finished_at = ?, score = ?, passed = ? where id = ? and finished_at is null",
                            [self.now(), score, None if passed is None else int(passed), aid])

    def review_due(self, staff_id: str, right_twice: int) -> list[str]:
        """Questions this officer missed and has not yet answered right ``right_twice`` times since."""
        return [r["question_id"] for r in self.db.query(
            "select question_id from review where staff_id = ? and missed > 0 and right_streak < ? "
            "order by updated_at", [staff_id, right_twice])]

    def results(self, staff_id: str) -> list[dict]:
        return list(self.db.query(
            "select a.*, c.name as campaign from attempts a left join campaigns c on c.id = a.campaign_id "
            "where a.staff_id = ? and a.finished_at is not null order by a.finished_at desc limit 10", [staff_id]))

    # notifications ----------------------------------------------------------------------------
    def due_notifications(self, now: str) -> list[dict]:
        return list(self.db.query(
            "select n.*, c.name, c.end_at, c.status from notifications n join campaigns c on c.id = n.campaign_id "
            "where n.sent_at is null and n.due_at <= ? order by n.due_at, n.id", [now]))

    def mark_notified(self, nid: int) -> None:
        with self.db.conn:
            self.db.execute("update notifications set sent_at = ? where id = ?", [self.now(), nid])

    def finished_campaign(self, cid: int, staff_id: str) -> bool:
        """True when the officer passed, or used every attempt."""
        c = self.campaign(cid)
        row = self.db.execute("select count(*), max(passed) from attempts where campaign_id = ? and staff_id = ? "
                              "and finished_at is not null", [cid, staff_id]).fetchone()
        return bool(row[1]) or row[0] >= (c["attempts"] or 1)

    # report rows ------------------------------------------------------------------------------
    def report_rows(self, campaign_ids: list[int], unit: str | None) -> tuple[list, list, list, list]:
        """(campaigns, assigned officers, attempts, answers) of those campaigns, optionally one unit."""
        if not campaign_ids:
            return [], [], [], []
        marks = ",".join("?" * len(campaign_ids))
        unit_sql, unit_args = (" and o.unit = ?", [unit]) if unit else ("", [])
        campaigns = list(self.db.query(f"select * from campaigns where id in ({marks}) order by start_at", campaign_ids))
        assigned = list(self.db.query(
            f"select a.campaign_id, o.staff_id, o.full_name, o.unit from assignments a join officers o using (staff_id) "
            f"where a.campaign_id in ({marks}){unit_sql} order by o.unit, o.staff_id", campaign_ids + unit_args))
        attempts = list(self.db.query(
            f"select t.* from attempts t join officers o using (staff_id) where t.campaign_id in ({marks}){unit_sql}",
            campaign_ids + unit_args))
        answers = list(self.db.query(
            f"select s.* from answers s join attempts t on t.id = s.attempt_id join officers o on o.staff_id = t.staff_id "
            f"where t.campaign_id in ({marks}){unit_sql}", campaign_ids + unit_args))
        return campaigns, assigned, attempts, answers

    def year_rows(self, year: int, unit: str | None) -> tuple[list, list, list, dict]:
        start, end = f"{year}-01-01", f"{year + 1}-01-01"
        unit_sql, unit_args = (" where unit = ?", [unit]) if unit else ("", [])
        officers = list(self.db.query(f"select * from officers{unit_sql} order by unit, staff_id", unit_args))
        campaigns = {c["id"]: c for c in self.db.query(
            "select * from campaigns where start_at < ? and end_at >= ?", [end, start])}
        assigned = [r for r in self.db.query("select * from assignments") if r["campaign_id"] in campaigns]
        attempts = list(self.db.query(
            "select t.*, (select count(*) from answers s where s.attempt_id = t.id) as answered from attempts t "
            "where t.started_at >= ? and t.started_at < ?", [start, end]))
        return officers, assigned, attempts, campaigns
