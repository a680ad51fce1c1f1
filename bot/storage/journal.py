"""The message journal: every incoming message from received to answered (at-least-once delivery).

status: ``received`` (journalled, not yet handled), ``processed`` (replies computed and kept in
``outgoing``; ``sent`` of their parts went out), ``answered`` (every part sent), ``failed`` (a send
was refused for good, e.g. the user blocked the bot), ``ignored`` (nothing to answer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from .db import iso

KEEP_DAYS = 30


@dataclass(frozen=True)
class Entry:
    platform: str
    update_id: str
    payload: dict
    status: str
    outgoing: list | None  # JSON of the computed replies, once processed
    sent: int
    tries: int


def _entry(row: dict) -> Entry:
    return Entry(row["platform"], row["update_id"], json.loads(row["payload"] or "{}"), row["status"],
                 json.loads(row["outgoing"]) if row["outgoing"] else None, row["sent"] or 0, row["tries"] or 0)


class Journal:
    """Methods of ``Store`` for the journal."""

    def journal_add(self, platform: str, update_id: str, payload: dict, chat_id: str = "") -> bool:
        """Journal a message as received; False when it was journalled before (a redelivery)."""
        with self.db.conn:
            cur = self.db.execute(
                "insert or ignore into journal (platform, update_id, chat_id, payload, status, sent, tries, "
                "received_at, updated_at) values (?, ?, ?, ?, 'received', 0, 0, ?, ?)",
                [platform, str(update_id), str(chat_id), json.dumps(payload, ensure_ascii=False), self.now(), self.now()])
        return cur.rowcount == 1

    def journal_entry(self, platform: str, update_id: str) -> Entry | None:
        rows = list(self.db["journal"].rows_where("platform = ? and update_id = ?", [platform, str(update_id)]))
        return _entry(rows[0]) if rows else None

    def journal_processed(self, platform: str, update_id: str, outgoing: list) -> None:
        status = "processed" if outgoing else "ignored"
        with self.db.conn:
            self.db.execute("update journal set status = ?, outgoing = ?, updated_at = ? where platform = ? "
                            "and update_id = ? and status = 'received'",
                            [status, json.dumps(outgoing, ensure_ascii=False), self.now(), platform, str(update_id)])

    def journal_progress(self, platform: str, update_id: str, sent: int) -> None:
        with self.db.conn:
            self.db.execute("update journal set sent = ?, updated_at = ? where platform = ? and update_id = ?",
                            [sent, self.now(), platform, str(update_id)])

    def journal_done(self, platform: str, update_id: str, status: str = "answered", error: str = "") -> None:
        with self.db.conn:
            self.db.execute("update journal set status = ?, error = nullif(?, ''), updated_at = ? "
                            "where platform = ? and update_id = ?", [status, error, self.now(), platform, str(update_id)])

    def journal_retry_later(self, platform: str, update_id: str, error: str) -> None:
        """A send failed for now: count the try, keep the error; the message stays pending."""
        with self.db.conn:
            self.db.execute("update journal set tries = tries + 1, error = ?, updated_at = ? where platform = ? "
                            "and update_id = ?", [error[:500], self.now(), platform, str(update_id)])

    def journal_pending(self, platform: str) -> list[Entry]:
        """Messages received or processed but not yet answered, oldest first."""
        return [_entry(r) for r in self.db["journal"].rows_where(
            "platform = ? and status in ('received', 'processed')", [platform], order_by="received_at, rowid")]

    def prune(self, days: int = KEEP_DAYS) -> int:
        """Forget journal rows and delivery ids older than ``days`` (the question log is kept)."""
        cutoff = iso(self.clock() - timedelta(days=days))
        with self.db.conn:
            n = self.db.execute("delete from journal where received_at < ? and status in ('answered', 'failed', "
                                "'ignored')", [cutoff]).rowcount
            n += self.db.execute("delete from updates where received_at < ?", [cutoff]).rowcount
        return n
