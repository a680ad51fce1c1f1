"""The SQLite store: migrations with sqlite-utils, and a database made by an earlier version."""

import sqlite3

import sqlite_utils

from bot.storage import Store
from bot.storage.migrations import m001_initial, m002_quizzes, migrations


def test_a_new_database_gets_every_migration_once(tmp_path):
    Store(tmp_path / "a.db")
    store = Store(tmp_path / "a.db")  # opening again applies nothing twice
    applied = [m.name for m in migrations.applied(store.db)]
    assert applied == ["m001_initial", "m002_quizzes", "m003_delivery", "m004_clarify", "m005_web"]
    assert {"journal", "notification_sends"} <= set(store.db.table_names())


def test_a_database_of_the_previous_version_is_carried_over(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(sqlite3.connect(path))
    m001_initial(db)
    m002_quizzes(db)
    db["_migrations"].insert_all([{"name": "m001_initial", "applied_at": "2026-11-01T00:00:00Z"},
                                  {"name": "m002_quizzes", "applied_at": "2026-11-01T00:00:00Z"}], pk="name")
    db["officers"].insert({"staff_id": "CB001", "full_name": "Nguyễn Văn An", "role": "officer"})
    db.conn.commit()
    db.conn.close()
    store = Store(path)
    assert store.officer("CB001").status == "active"
    assert [m.name for m in migrations.applied(store.db)][-1] == "m005_web"
    assert "clarify" in store.db["questions"].columns_dict
    assert "_migrations" not in store.db.table_names()
