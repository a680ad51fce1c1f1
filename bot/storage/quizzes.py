"""Quiz tables: campaigns, assignments, attempts, items, answers, review state, notifications."""

from __future__ import annotations

import json


class QuizStore:
    """Quiz persistence on the same database as ``Store``; every write commits before returning."""

    def __init__(self, store) -> None:
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
            self.db.execute("update notifications set sent_at = ?, status = 'skipped' where campaign_id = ? "
                            "and sent_at is null and kind != 'summary'", [self.now(), cid])
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
        """The question reached the officer: its clock starts at the first delivery, never again."""
        with self.db.conn:
            self.db.execute("update attempt_items set sent_at = coalesce(sent_at, ?), poll_id = coalesce(?, poll_id) "
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

    def mark_notified(self, nid: int, status: str = "sent", error: str = "") -> None:
        """Done with a notification: ``sent``, ``skipped`` (nobody to tell, or too late) or ``failed``."""
        with self.db.conn:
            self.db.execute("update notifications set sent_at = ?, status = ?, error = nullif(?, '') where id = ?",
                            [self.now(), status, error, nid])

    def sends(self, nid: int) -> dict[tuple[str, str], dict]:
        """Per-account delivery state of a notification: (platform, chat_id) -> row."""
        return {(r["platform"], r["chat_id"]): r for r in self.db["notification_sends"].rows_where(
            "notification_id = ?", [nid])}

    def record_send(self, nid: int, platform: str, chat_id: str, status: str, error: str = "") -> None:
        """One account's delivery of a notification: ``sent``, ``retry`` (failed for now) or ``failed``."""
        with self.db.conn:
            self.db.execute(
                "insert into notification_sends (notification_id, platform, chat_id, status, tries, error, updated_at) "
                "values (?, ?, ?, ?, 1, nullif(?, ''), ?) on conflict (notification_id, platform, chat_id) do update "
                "set status = excluded.status, tries = notification_sends.tries + 1, error = excluded.error, "
                "updated_at = excluded.updated_at", [nid, platform, str(chat_id), status, error[:500], self.now()])

    def finished_campaign(self, cid: int, staff_id: str) -> bool:
        """True when the officer passed, or used every attempt."""
        c = self.campaign(cid)
        row = self.db.execute("select count(*), max(passed) from attempts where campaign_id = ? and staff_id = ? "
                              "and finished_at is not null", [cid, staff_id]).fetchone()
        return bool(row[1]) or row[0] >= (c["attempts"] or 1)

    # report rows ------------------------------------------------------------------------------
    def report_rows(self, campaign_ids: list[int], unit: str | None) -> tuple[list, list, list, list]:
        """(campaigns, assigned officers, attempts, answers counted per question) of those campaigns,
        optionally one unit."""
        if not campaign_ids:
            return [], [], [], []
        marks = ",".join("?" * len(campaign_ids))
        unit_sql, unit_args = (" and o.unit = ?", [unit]) if unit else ("", [])
        campaigns = list(self.db.query(f"select * from campaigns where id in ({marks}) order by start_at", campaign_ids))
        assigned = self._rows(
            f"select a.campaign_id, o.staff_id, o.full_name, o.unit, o.status as officer_status from assignments a join officers o using (staff_id) "
            f"where a.campaign_id in ({marks}){unit_sql} order by o.unit, o.staff_id", campaign_ids + unit_args)
        attempts = list(self.db.query(
            f"select t.* from attempts t join officers o using (staff_id) where t.campaign_id in ({marks}){unit_sql}",
            campaign_ids + unit_args))
        answers = list(self.db.query(
            f"select s.question_id, count(*) as asked, sum(s.correct = 0) as wrong from answers s "
            f"join attempts t on t.id = s.attempt_id join officers o on o.staff_id = t.staff_id "
            f"where t.campaign_id in ({marks}){unit_sql} group by s.question_id", campaign_ids + unit_args))
        return campaigns, assigned, attempts, answers

    def _rows(self, sql: str, args: list) -> list[dict]:
        """Rows as dicts, built in one go (sqlite-utils' row generator costs twice as much at 10,000 rows)."""
        cursor = self.db.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

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
