"""Schema changes, applied once each in order at start-up (sqlite-utils ``Migrations``, as llm does)."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("isobot")


@migrations()
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


@migrations()
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


@migrations()
def m003_delivery(db: sqlite_utils.Database) -> None:
    """The message journal (at-least-once delivery), officers' status, per-delivery notification state."""
    db["journal"].create(
        {"platform": str, "update_id": str, "chat_id": str, "payload": str, "status": str, "outgoing": str,
         "sent": int, "tries": int, "error": str, "received_at": str, "updated_at": str},
        pk=("platform", "update_id"), defaults={"status": "received", "sent": 0, "tries": 0},
    )
    db["journal"].create_index(["status", "platform"])
    db["journal"].create_index(["received_at"])
    db["officers"].add_column("status", str, not_null_default="active")
    db["officers"].add_column("deactivated_at", str)
    db["notification_sends"].create(
        {"notification_id": int, "platform": str, "chat_id": str, "status": str, "tries": int, "error": str,
         "updated_at": str},
        pk=("notification_id", "platform", "chat_id"), foreign_keys=[("notification_id", "notifications")],
    )
    db["notifications"].add_column("status", str)  # sent | skipped | failed (null: pending)
    db["notifications"].add_column("error", str)
    db["meta"].insert({"key": "schema", "value": "3"}, replace=True)


@migrations()
def m004_clarify(db: sqlite_utils.Database) -> None:
    """The procedures an answer offered to choose from ("Bạn đang hỏi thủ tục nào?"), as JSON."""
    db["questions"].add_column("clarify", str)
    db["meta"].insert({"key": "schema", "value": "4"}, replace=True)


@migrations()
def m005_web(db: sqlite_utils.Database) -> None:
    """The web console: one-time sign-in links, sessions, the audit log, the handled-questions queue,
    background indexing jobs."""
    db["web_links"].create({"token_hash": str, "staff_id": str, "created_at": str, "expires_at": str,
                            "used_at": str}, pk="token_hash", foreign_keys=[("staff_id", "officers")])
    db["web_sessions"].create({"id": str, "staff_id": str, "created_at": str, "expires_at": str, "ended_at": str},
                              pk="id", foreign_keys=[("staff_id", "officers")])
    db["web_sessions"].create_index(["staff_id"])
    db["audit"].create({"id": int, "at": str, "staff_id": str, "action": str, "target": str, "before": str,
                        "after": str}, pk="id")
    db["audit"].create_index(["at"])
    db["questions"].add_column("handled_at", str)
    db["questions"].add_column("handled_by", str)
    db["questions"].add_column("handled_note", str)
    db["questions"].add_column("should_source", str)
    db["index_jobs"].create({"id": int, "staff_id": str, "started_at": str, "finished_at": str, "status": str,
                             "done": int, "total": int, "report": str, "error": str}, pk="id")
    db["meta"].insert({"key": "schema", "value": "5"}, replace=True)


def migrate(db: sqlite_utils.Database) -> None:
    """Apply pending migrations. Databases made before ``Migrations`` recorded theirs in ``_migrations``."""
    if "_migrations" in db.table_names() and "_sqlite_migrations" not in db.table_names():
        migrations.ensure_migrations_table(db)
        with db.atomic():
            for row in db["_migrations"].rows:
                migrations._record_applied(db, row["name"])
            db["_migrations"].drop()
    migrations.apply(db)
