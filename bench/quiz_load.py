"""1,000 officers answering a 10-question campaign at once through the Telegram path (quiz polls,
python-telegram-bot against the fake Bot API server on 127.0.0.1); then `isobot report` on
1,000 officers × 4 campaigns."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.measure import percentiles
from bot import campaigns
from bot.knowledge import Knowledge
from bot.core import Core
from bot.storage import QuizStore
from bot.settings import Settings
from bot.storage import Officer, Store
from bot.transports.telegram import build_application
from fake_bot_api import FakeTelegram
from quizzes.bank import load_bank

TOKEN = "123456:QUIZLOAD"
UNITS = [f"Phòng {i:02d}" for i in range(20)]


def run(data: Path, knowledge: Path, banks: Path, embedder, officers: int = 1000, duplicate_share: float = 0.05) -> dict:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "quiz-load.db")
        core = Core(Knowledge(Settings(knowledge_dir=knowledge, data_dir=data), embedder), store, bank=load_bank(banks),
                    rng=random.Random(1))
        for i in range(officers):
            store.upsert_officer(Officer(f"Q{i:04d}", f"Cán bộ {i}", UNITS[i % len(UNITS)]))
            store.link("telegram", str(20_000 + i), str(20_000 + i), f"Q{i:04d}", "code")
        # campaign days are Hà Nội days, opening at the start of office hours: from yesterday, it is open now
        today = datetime.now(campaigns.VN).date()
        campaigns.create(store, core.quizzes.bank, "Tải thử", list(core.quizzes.bank.topics), 10, 70,
                         (today - timedelta(days=1)).isoformat(), today.isoformat(), None)
        with FakeTelegram() as fake:
            out = asyncio.run(_drive(core, fake, officers, rng, duplicate_share))
        qs = QuizStore(store)
        answers, right = store.db.execute("select count(*), sum(correct) from answers").fetchone()
        finished = store.db.execute("select count(*) from attempts where finished_at is not null").fetchone()[0]
        out.update({"officers": officers, "answers_stored": answers, "answers_expected": officers * 10,
                    "right_stored": right, "right_sent": out.pop("_right"), "attempts_finished": finished,
                    "note": "rate limiter off: the fake server has no flood limits; latency is our handling"})
        t = time.perf_counter()
        data_ = core.quizzes.campaign_report(qs.campaign("Tải thử"))
        out["report_one_campaign_seconds"] = round(time.perf_counter() - t, 3)
        assert data_["total"]["assigned"] == officers
    out["report_4_campaigns"] = report_timing(officers)
    return out


async def _drive(core: Core, fake: FakeTelegram, officers: int, rng: random.Random, dup: float) -> dict:
    app = build_application(core, TOKEN, fake.url, rate_limit=False)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    latencies, answered, right = [], set(), 0
    pushed_at: dict[int, float] = {}
    try:
        t0 = time.perf_counter()
        for i in range(officers):
            fake.push(fake.message(20_000 + i, "/kiemtra"))
        seen = 0
        deadline = time.monotonic() + 900
        while len(answered) < officers * 10 and time.monotonic() < deadline:
            polls = await asyncio.to_thread(fake.wait_for, min(seen + 1, officers * 10), "sendPoll", 120)
            with fake.cond:
                stamps = [s for (m, _), s in zip(fake.calls, fake.stamps) if m == "sendPoll"]
            for k, poll in enumerate(fake.polls()[seen:len(polls)], start=seen):
                if poll["chat_id"] in pushed_at:
                    latencies.append((stamps[k] - pushed_at.pop(poll["chat_id"])) * 1000)
                ok = rng.random() < 0.8
                right += ok
                option = poll["correct"] if ok else (poll["correct"] + 1) % poll["options"]
                update = fake.poll_answer(poll["chat_id"], poll["poll_id"], option)
                pushed_at[poll["chat_id"]] = time.monotonic()
                fake.push(update)
                if rng.random() < dup:
                    fake.push(update)  # the same delivery twice
                answered.add(poll["poll_id"])
            seen = len(polls)
            if seen == officers * 10:
                break
        finals = await asyncio.to_thread(fake.wait_for, officers * 10 + officers * 2, "sendMessage", 300)
        elapsed = time.perf_counter() - t0
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        app.bot_data["deliverer"].worker.close()
    return {"polls_sent": len(fake.polls()), "answers_sent": len(answered), "handling_latency_ms": percentiles(latencies),
            "wall_seconds": round(elapsed, 1), "messages": len(finals), "_right": right}


def report_timing(officers: int) -> dict:
    """`isobot report` on a database with ``officers`` × 4 finished campaigns of 10 questions."""
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "isobot.db")
        db = store.db
        with db.conn:
            db["officers"].insert_all([{"staff_id": f"R{i:04d}", "full_name": f"Cán bộ {i}", "unit": UNITS[i % 20],
                                        "role": "officer"} for i in range(officers)])
            for c in range(4):
                cid = db["campaigns"].insert({"name": f"Đợt {c + 1}", "topics": "x", "questions": 10, "pass_mark": 70,
                                              "start_at": f"2026-0{c + 1}-01T00:00:00Z", "end_at": f"2026-0{c + 1}-20T00:00:00Z",
                                              "units": "all", "attempts": 1, "seconds": 0, "status": "closed"}).last_pk
                db["assignments"].insert_all([{"campaign_id": cid, "staff_id": f"R{i:04d}"} for i in range(officers)])
                for i in range(officers):
                    right = (i * 7 + c) % 11
                    aid = db["attempts"].insert({"staff_id": f"R{i:04d}", "campaign_id": cid, "kind": "campaign",
                                                 "total": 10, "correct": min(right, 10), "score": min(right, 10) * 10.0,
                                                 "passed": int(right >= 7), "started_at": f"2026-0{c + 1}-02T00:00:00Z",
                                                 "finished_at": f"2026-0{c + 1}-02T00:10:00Z"}).last_pk
                    db["answers"].insert_all([{"attempt_id": aid, "position": p, "staff_id": f"R{i:04d}",
                                               "question_id": f"q{(p + i) % 40}", "chosen": 0, "correct": int(p < right),
                                               "answered_at": "2026-01-02T00:05:00Z"} for p in range(10)])
        root = Path(__file__).resolve().parents[1]
        timings = {}
        for fmt in ("json", "xlsx", "html"):
            out = Path(tmp) / f"r.{fmt}"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bot.cli", "--data", tmp, "report", "--year", "2026", "--format", fmt,
                            "--out", str(out)], cwd=root, check=True, capture_output=True)
            timings[f"{fmt}_seconds"] = round(time.perf_counter() - t, 2)
    return {"officers": officers, "campaigns": 4, "answers": officers * 40, **timings,
            "note": "whole `isobot report --year` command, process start included"}
