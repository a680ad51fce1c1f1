"""The web console at HR's scale: 10,000 officers, 20 campaigns (3 open), 200,000 answers in a real
SQLite file; dashboard and campaign pages timed through the whole ASGI app (in process, no network),
with nothing cached (the cost of computing every open report), right after a new attempt (that campaign's report
recomputed) and unchanged; the first dashboard after a restart (start-up computes the open reports before
serving); and the XLSX export of one campaign."""

from __future__ import annotations

import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.measure import percentiles
from bot.settings import Settings
from bot.storage import Store, iso
from bot.storage.web import sign_in_link
from quizzes.bank import load_bank

UNITS = [f"Tổ dân phố {i:02d}" for i in range(40)]


def populate(store: Store, bank, officers: int, n_campaigns: int, takers: int, per_attempt: int, rng) -> None:
    db = store.db
    now = datetime.now(timezone.utc)
    questions = list(bank.questions.values())
    db["officers"].insert_all(({"staff_id": f"S{i:05d}", "full_name": f"Cán bộ {i}", "unit": UNITS[i % len(UNITS)],
                                "position": "Công chức", "phone": "", "phone_norm": "", "role": "officer",
                                "status": "active", "created_at": iso(now), "updated_at": iso(now)}
                               for i in range(officers)), batch_size=2000)
    for c in range(n_campaigns):
        is_open = c >= n_campaigns - 3
        start = now - timedelta(days=2 if is_open else 30 * (n_campaigns - c))
        end = now + timedelta(days=10) if is_open else start + timedelta(days=14)
        cid = db["campaigns"].insert({"name": f"Chiến dịch {c + 1}", "topics": ",".join(bank.topics),
                                      "questions": per_attempt, "pass_mark": 70, "start_at": iso(start),
                                      "end_at": iso(end), "units": "all", "attempts": 1, "seconds": 0,
                                      "remind_every": 3, "status": "open" if is_open else "closed",
                                      "created_at": iso(start)}).last_pk
        db["assignments"].insert_all(({"campaign_id": cid, "staff_id": f"S{i:05d}"} for i in range(officers)),
                                     batch_size=5000)
        answers = []
        for t in rng.sample(range(officers), takers):
            right = [rng.random() < 0.8 for _ in range(per_attempt)]
            aid = db["attempts"].insert({"staff_id": f"S{t:05d}", "campaign_id": cid, "kind": "campaign",
                                         "platform": "telegram", "chat_id": str(t), "total": per_attempt,
                                         "correct": sum(right), "score": 100.0 * sum(right) / per_attempt,
                                         "passed": int(sum(right) >= 0.7 * per_attempt), "started_at": iso(start),
                                         "finished_at": iso(start + timedelta(minutes=5))}).last_pk
            answers += [{"attempt_id": aid, "position": p, "staff_id": f"S{t:05d}",
                         "question_id": rng.choice(questions).id, "chosen": 0, "correct": int(ok), "seconds": 9.0,
                         "answered_at": iso(start)} for p, ok in enumerate(right)]
        db["answers"].insert_all(answers, batch_size=5000)


def run(banks: Path, officers: int = 10_000, n_campaigns: int = 20, takers: int = 1_000, per_attempt: int = 10,
        rounds: int = 20) -> dict:
    from starlette.testclient import TestClient

    from bot.web.app import create_app

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(knowledge_dir=Path(tmp) / "knowledge", data_dir=Path(tmp) / "data", banks_dir=banks)
        store = Store(settings.db_path)
        bank = load_bank(banks)
        started = time.perf_counter()
        populate(store, bank, officers, n_campaigns, takers, per_attempt, rng)
        store.db["officers"].insert({"staff_id": "HR", "full_name": "Tổ chức cán bộ", "unit": "Văn phòng",
                                     "role": "hr", "status": "active"})
        built = time.perf_counter() - started
        answers = store.db.execute("select count(*) from answers").fetchone()[0]
        app = create_app(settings, store)
        client = TestClient(app, base_url="http://127.0.0.1:8080")
        client.get(sign_in_link(store, "http://127.0.0.1:8080", "HR").removeprefix("http://127.0.0.1:8080"))
        open_id = store.db.execute("select max(id) from campaigns").fetchone()[0]
        out = {"officers": officers, "campaigns": n_campaigns, "open_campaigns": 3, "answers": answers,
               "populate_s": round(built, 1)}
        for name, path in (("dashboard", "/"), ("campaign_page", f"/chien-dich/{open_id}")):
            for state in ("nothing_cached", "after_a_new_answer", "unchanged"):
                times = []
                for i in range(rounds):
                    if state == "after_a_new_answer":  # an officer starts the quiz: every open report changes
                        store.db["attempts"].insert({"staff_id": f"S{i:05d}", "campaign_id": open_id, "kind": "campaign",
                                                     "total": 10, "correct": 0, "started_at": iso(datetime.now(timezone.utc))})
                    if state == "nothing_cached":  # every open campaign's report computed (a fresh start)
                        app.state.reports.clear()
                    t = time.perf_counter()
                    r = client.get(path)
                    times.append(1000 * (time.perf_counter() - t))
                    assert r.status_code == 200, (path, r.status_code)
                out[f"{name}_ms_{state}"] = {**percentiles(times), "bytes": len(r.content)}
        starts, firsts = [], []
        for _ in range(max(3, rounds // 4)):  # a restart: start-up computes the open reports, then serves
            fresh = create_app(settings, store)
            t = time.perf_counter()
            with TestClient(fresh, base_url="http://127.0.0.1:8080") as c:
                starts.append(1000 * (time.perf_counter() - t))
                c.get(sign_in_link(store, "http://127.0.0.1:8080", "HR").removeprefix("http://127.0.0.1:8080"))
                t = time.perf_counter()
                assert c.get("/").status_code == 200
                firsts.append(1000 * (time.perf_counter() - t))
        out["start_up_ms"] = percentiles(starts)
        out["dashboard_ms_first_after_start"] = percentiles(firsts)
        t = time.perf_counter()
        r = client.get(f"/chien-dich/{open_id}/bao-cao.xlsx")
        out["campaign_xlsx_s"] = round(time.perf_counter() - t, 2)
        out["campaign_xlsx_bytes"] = len(r.content)
        client.close()
        return out


if __name__ == "__main__":
    import json
    import sys

    root = Path(__file__).resolve().parents[1]
    print(json.dumps(run(root / "quizzes" / "banks", rounds=int(sys.argv[1]) if len(sys.argv) > 1 else 20), indent=1))
