"""Many linked officers asking at once through the Telegram path (python-telegram-bot against the
fake Bot API server on 127.0.0.1): every reply counted, latency from delivery to reply."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.measure import percentiles
from bot.knowledge import Knowledge
from bot.core import Core
from bot.replies import Sender
from bot.settings import Settings
from bot.storage import Officer, Store
from bot.transports.telegram import CAPS, build_application
from fake_bot_api import FakeTelegram
from indexer.evaluate import load_items

TOKEN = "123456:LOAD"


def run(data: Path, knowledge: Path, embedder, officers: int = 200) -> dict:
    questions = [it["question"] for it in load_items(Path(__file__).parent / "data" / "devset.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "load.db")
        core = Core(Knowledge(Settings(knowledge_dir=knowledge, data_dir=data), embedder), store)
        for i in range(officers):
            store.upsert_officer(Officer(f"L{i:04d}", f"Cán bộ {i}", f"Đơn vị {i % 12}"))
            store.link("telegram", str(10_000 + i), str(10_000 + i), f"L{i:04d}", "code")
        bare = []
        for i in range(40):  # the bare core call, no transport
            t = time.perf_counter()
            core.text(Sender("telegram", str(10_000 + i), str(10_000 + i), caps=CAPS), questions[i % len(questions)])
            bare.append((time.perf_counter() - t) * 1000)
        asked_before = store.db["questions"].count
        with FakeTelegram() as fake:
            sent_at, elapsed = asyncio.run(_burst(core, fake, officers, questions))
            replies = [(p, s) for (m, p), s in zip(fake.calls, fake.stamps) if m == "sendMessage"]
        per_chat = Counter(int(p["chat_id"]) for p, _ in replies)
        latency = [(s - sent_at[int(p["chat_id"])]) * 1000 for p, s in replies]
        return {
            "officers": officers, "replies": len(replies),
            "lost": sum(1 for c in sent_at if per_chat[c] == 0), "duplicated": sum(1 for c in per_chat.values() if c > 1),
            "questions_logged": store.db["questions"].count - asked_before,
            "reply_latency_ms": percentiles(latency), "bare_ask_ms": percentiles(bare),
            "wall_seconds": round(elapsed, 2),
            "note": "replies pass python-telegram-bot's AIORateLimiter (Telegram's ~30 messages/s overall limit)",
        }


async def _burst(core: Core, fake: FakeTelegram, officers: int, questions: list[str]):
    app = build_application(core, TOKEN, fake.url)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    sent_at = {}
    try:
        t0 = time.perf_counter()
        for i in range(officers):
            chat = 10_000 + i
            sent_at[chat] = time.monotonic()
            fake.push(fake.message(chat, questions[i % len(questions)]))
        await asyncio.to_thread(fake.wait_for, officers, "sendMessage", 600)
        elapsed = time.perf_counter() - t0
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        app.bot_data["deliverer"].worker.close()
    return sent_at, elapsed
