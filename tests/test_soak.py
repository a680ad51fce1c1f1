"""Soak: `isobot serve --telegram --zalo` under 20% failed sends and a SIGKILL mid-flight loses nothing.

100 linked officers (50 on Telegram, 50 on Zalo) each ask 4 questions; one sendMessage in five fails at random
on both fakes (429, 500, 502, dropped connection). The first half of the questions goes in, the process is killed
(SIGKILL) while replies are still queued and in flight, the second half goes in, the process starts again on the
same data directory. Every question is answered; the only duplicates are replies sent in the instant before the
kill (sent, not yet recorded); the journal ends with nothing pending; polling still works; no error reaches a user.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from bot import messages as m
from bot.storage import Store
from conftest import FIXTURES, ROOT
from fake_bot_api import FakeTelegram, FakeZalo

PER_TRANSPORT = 50
TG_USERS = [1000 + i for i in range(PER_TRANSPORT)]
ZALO_USERS = [f"z{1000 + i}" for i in range(PER_TRANSPORT)]
# question -> what its citation line names (each answer is one message with "📄 Nguồn:", < 2000 characters)
QUESTIONS = {
    "ai phê duyệt hủy hồ sơ hết hạn lưu": "QT-02",
    "thời hạn xử lý phản ánh kiến nghị": "Điều 32",
    "hồ sơ có nguy cơ trễ hạn thì làm gì": "QT-07",
    "ai chủ trì cuộc họp xem xét của lãnh đạo": "QT-05",
}
FIRST_HALF, SECOND_HALF = list(QUESTIONS)[:2], list(QUESTIONS)[2:]
DEADLINE = 300.0  # seconds for the whole run, both processes
MAX_DUPLICATES = 5  # per transport: replies sent but not yet marked sent when the first process was killed
LEAKS = re.compile(r"Traceback|\b\w*(Error|Exception)\b")


def roster_csv() -> str:
    lines = ["Mã cán bộ,Họ và tên,Đơn vị,Chức vụ,Số điện thoại,Vai trò"]
    for i in range(2 * PER_TRANSPORT):
        lines.append(f"SK{i:03d},Cán bộ Thử {i:03d},Văn phòng,Công chức,0902{i:06d},cán bộ")
    return "\n".join(lines) + "\n"


def citation(text: str) -> str | None:
    """The line naming the source of an answer, or None for any other message."""
    for line in text.splitlines():
        if line.startswith("📄") and "Nguồn" in line:
            return line
    return None


def tally(fake, chats: list[str]) -> tuple[dict[str, Counter], list[str]]:
    """Per chat, how many answers cite each question's source; and every text sent (for leaks)."""
    counts = {c: Counter() for c in chats}
    texts = []
    for p in fake.sent():
        text = str(p.get("text", ""))
        texts.append(text)
        line = citation(text)
        chat = str(p.get("chat_id"))
        if line is None or chat not in counts:
            continue
        keys = [q for q, key in QUESTIONS.items() if key in line]
        assert len(keys) == 1, f"an answer to {chat} cites none or several of the questions' sources: {line}"
        counts[chat][keys[0]] += 1
    return counts, texts


def unanswered(counts: dict[str, Counter], questions: list[str]) -> list[tuple[str, str]]:
    return [(chat, q) for chat, c in counts.items() for q in questions if not c[q]]


@pytest.mark.slow
def test_soak_random_send_failures_and_a_sigkill_lose_nothing(chat_index, model_dir, tmp_path):
    knowledge, data = chat_index
    (tmp_path / "index").symlink_to(data / "index")
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_csv(), encoding="utf-8")
    from bot.roster import import_officers

    store = Store(tmp_path / "isobot.db")
    assert import_officers(store, roster).errors == []
    for i, uid in enumerate(TG_USERS):
        store.link("telegram", str(uid), str(uid), f"SK{i:03d}", "code")
    for i, uid in enumerate(ZALO_USERS):
        store.link("zalo", uid, uid, f"SK{PER_TRANSPORT + i:03d}", "code")
    store.db.conn.close()
    tg_chats, zalo_chats = [str(u) for u in TG_USERS], list(ZALO_USERS)
    n_questions = len(QUESTIONS) * (len(TG_USERS) + len(ZALO_USERS))

    with FakeTelegram() as tg, FakeZalo() as zalo:
        tg.fail_randomly(0.2, methods=("sendMessage",), faults=(429, 500, 502, "drop"), seed=1)
        zalo.fail_randomly(0.2, methods=("sendMessage",), faults=(429, 500, 502, "drop"), seed=2)
        env = {**os.environ, "ISOBOT_DATA_DIR": str(tmp_path), "ISOBOT_KNOWLEDGE_DIR": str(knowledge),
               "ISOBOT_EMBED_MODEL": str(model_dir), "ISOBOT_BANKS_DIR": str(FIXTURES / "banks"),
               "ISOBOT_RETRY_DELAY": "0.05", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "TELEGRAM_BOT_TOKEN": "1:T", "TELEGRAM_API_BASE_URL": tg.url,
               "ZALO_BOT_TOKEN": "2:Z", "ZALO_API_BASE_URL": zalo.url, "PYTHONPATH": str(ROOT)}
        logs = [tmp_path / "serve-1.log", tmp_path / "serve-2.log"]

        handles = []

        def start(log) -> subprocess.Popen:
            handles.append(log.open("w"))
            return subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--telegram", "--zalo"], cwd=ROOT,
                                    env=env, stdout=subprocess.DEVNULL, stderr=handles[-1], text=True)

        def push(questions: list[str], half: int) -> None:
            for q_index, q in enumerate(questions):
                for uid in TG_USERS:
                    tg.push(tg.message(uid, q))
                for uid in ZALO_USERS:
                    zalo.push(zalo.message(uid, q, f"m{uid}-{half}-{q_index}"))

        t0 = time.monotonic()
        deadline = t0 + DEADLINE
        proc = start(logs[0])
        try:
            push(FIRST_HALF, 1)
            # kill once some replies went out on both transports, while most are still queued or in flight
            while len(tg.sent()) < 30 or len(zalo.sent()) < 30:
                assert proc.poll() is None, logs[0].read_text()[-3000:]
                assert time.monotonic() < deadline, (len(tg.sent()), len(zalo.sent()))
                time.sleep(0.02)
            proc.kill()
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        t_kill = time.monotonic() - t0
        at_kill = {"telegram": len(tg.sent()), "zalo": len(zalo.sent())}
        conn = sqlite3.connect(f"file:{tmp_path / 'isobot.db'}?mode=ro", uri=True)
        journal_at_kill = dict(conn.execute("select status, count(*) from journal group by status").fetchall())
        conn.close()

        push(SECOND_HALF, 2)
        lost_in_transit: list = []
        proc = start(logs[1])
        try:
            while True:
                tg_counts, _ = tally(tg, tg_chats)
                zalo_counts, _ = tally(zalo, zalo_chats)
                missing = unanswered(tg_counts, list(QUESTIONS)) + unanswered(zalo_counts, list(QUESTIONS))
                if not missing:
                    break
                # Zalo's getUpdates has no offset to confirm: an update whose response was being read at the
                # SIGKILL never reached us (no journal row) and cannot be asked for again. Count, don't wait.
                never = [x for x in missing if x[0] in zalo_chats and journal_rows(tmp_path, [x])[0][2] == "none"]
                if never and len(never) == len(missing) and time.monotonic() - t0 > 60:
                    lost_in_transit.extend(never)
                    break
                assert proc.poll() is None, logs[1].read_text()[-3000:]
                assert time.monotonic() < deadline, (
                    f"{len(missing)} questions unanswered after {DEADLINE:.0f} s, e.g. {missing[:10]}; "
                    f"journal: {journal_rows(tmp_path, missing[:10])}\n{logs[1].read_text()[-3000:]}")
                time.sleep(0.1)
            t_all = time.monotonic() - t0
            # polling still alive on both transports: one more question each is answered
            tg_before, zalo_before = len(tg.sent()), len(zalo.sent())
            tg.push(tg.message(TG_USERS[0], "thời hạn xử lý phản ánh kiến nghị"))
            zalo.push(zalo.message(ZALO_USERS[0], "thời hạn xử lý phản ánh kiến nghị", "m-alive"))
            assert "Điều 32" in (citation(tg.wait_for(tg_before + 1, timeout=30)[-1]["text"]) or "")
            assert "Điều 32" in (citation(zalo.wait_for(zalo_before + 1, timeout=30)[-1]["text"]) or "")
            time.sleep(1.0)  # anything still going out (a late duplicate) is counted below
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        for f in handles:
            f.close()
        err = logs[1].read_text()
        assert proc.returncode == 0, err[-3000:]
        seconds = time.monotonic() - t0

        tg_counts, tg_texts = tally(tg, tg_chats)
        zalo_counts, zalo_texts = tally(zalo, zalo_chats)
        tg_counts[str(TG_USERS[0])]["thời hạn xử lý phản ánh kiến nghị"] -= 1  # the liveness question
        zalo_counts[ZALO_USERS[0]]["thời hạn xử lý phản ánh kiến nghị"] -= 1
        dup = {name: sum(max(0, n - 1) for c in counts.values() for n in c.values())
               for name, counts in (("telegram", tg_counts), ("zalo", zalo_counts))}
        dup_chats = {name: sorted((chat, q, n) for chat, c in counts.items() for q, n in c.items() if n > 1)
                     for name, counts in (("telegram", tg_counts), ("zalo", zalo_counts))}
        failures = {"telegram": len(tg.failures), "zalo": len(zalo.failures)}
        sends = {"telegram": len(tg.sent()) + len(tg.failed("sendMessage")),
                 "zalo": len(zalo.sent()) + len(zalo.failed("sendMessage"))}
        faults = {"telegram": Counter(str(f) for _, _, f in tg.failures),
                  "zalo": Counter(str(f) for _, _, f in zalo.failures)}
        conn = sqlite3.connect(f"file:{tmp_path / 'isobot.db'}?mode=ro", uri=True)
        journal = dict(conn.execute("select status, count(*) from journal group by status").fetchall())
        retried = conn.execute("select count(*) from journal where tries > 0").fetchone()[0]
        conn.close()
        print(f"\nsoak: {n_questions} questions ({len(TG_USERS)} Telegram + {len(ZALO_USERS)} Zalo officers x "
              f"{len(QUESTIONS)}), sendMessage attempts {sends}, failures injected {failures} {dict(faults)}")
        print(f"soak: killed at {t_kill:.1f} s with replies sent {at_kill}, journal then {journal_at_kill}")
        print(f"soak: all answered at {t_all:.1f} s, total {seconds:.1f} s; duplicates {dup} {dup_chats}")
        print(f"soak: journal at the end {journal}; messages that needed a later retry: {retried}")
        print(f"soak: stderr warnings: first run {logs[0].read_text().count('WARNING')}, "
              f"second run {err.count('WARNING')}; errors {err.count('ERROR')}")

        print(f"soak: Zalo updates lost in transit at the kill (never received): {lost_in_transit}")
        assert not unanswered(tg_counts, list(QUESTIONS))
        assert sorted(unanswered(zalo_counts, list(QUESTIONS))) == sorted(lost_in_transit) and len(lost_in_transit) <= 1
        assert dup["telegram"] <= MAX_DUPLICATES and dup["zalo"] <= MAX_DUPLICATES, dup_chats
        assert set(journal) <= {"answered", "ignored"}, journal
        assert sum(journal.values()) == n_questions + 2 - len(lost_in_transit), journal  # every question once, plus the liveness two
        for text in tg_texts + zalo_texts:
            assert not LEAKS.search(text), text
            assert m.ERROR not in text, text
        assert failures["telegram"] > 0 and failures["zalo"] > 0


def journal_rows(tmp_path, chats_questions: list[tuple[str, str]]) -> list[tuple]:
    """The journal rows of some unanswered (chat, question) pairs, for the failure message."""
    conn = sqlite3.connect(f"file:{tmp_path / 'isobot.db'}?mode=ro", uri=True)
    try:
        rows = []
        for chat, q in chats_questions:
            rows += conn.execute("select platform, update_id, status, sent, tries, error from journal "
                                 "where chat_id = ? and payload like ?", [chat, f"%{q}%"]).fetchall() or [(chat, q, "none")]
        return rows
    finally:
        conn.close()
