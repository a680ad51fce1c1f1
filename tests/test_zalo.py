"""Our Zalo client and bot against a fake Zalo Bot API server on 127.0.0.1, polling and webhook."""

import asyncio
import socket

import httpx
import pytest

from bot import messages as m
from bot.transports.delivery import Deliverer, RetryPolicy, Worker
from bot.transports.webhooks import server, zalo_route
from bot.transports.zalo import ZaloBot, ZaloClient, parse_updates
from fake_bot_api import FakeZalo

TOKEN = "12345:zalo-test"


@pytest.fixture
def fake():
    with FakeZalo() as server:
        yield server


FAST = RetryPolicy(first_delay=0.05)  # the real policy's shape, at test speed


def zalo_bot(core, fake, policy=FAST):
    return ZaloBot(Deliverer(core, Worker(), policy=policy), ZaloClient(TOKEN, fake.url, poll_timeout=1))


def poll(core, fake, scenario, policy=FAST):
    async def main():
        bot = zalo_bot(core, fake, policy)
        stop = asyncio.Event()
        task = asyncio.create_task(bot.poll(stop))
        try:
            await scenario()
        finally:
            stop.set()
            await task
            await bot.drain()
            await bot.client.aclose()
            bot.deliverer.worker.close()

    asyncio.run(main())


async def wait(fake, n):
    return await asyncio.to_thread(fake.wait_for, n)


def test_link_ask_follow_up_and_feedback_by_typing(core, fake):
    code, _ = core.store.create_code("CB002")

    async def scenario():
        fake.push(fake.message("z1", "ai phê duyệt hủy hồ sơ", "m1"))
        await wait(fake, 1)
        fake.push(fake.message("z1", code, "m2"))
        await wait(fake, 2)
        fake.push(fake.message("z1", "ai phê duyệt hủy hồ sơ hết hạn lưu", "m3"))
        await wait(fake, 3)
        fake.push(fake.message("z1", "1", "m4"))
        fake.push(fake.message("z1", "👍", "m5"))
        fake.push(fake.message("z1", None, "m6", event="message.sticker.received"))
        await wait(fake, 6)

    poll(core, fake, scenario)
    sent = [c["text"] for c in fake.sent()]
    assert fake.sent("deleteWebhook")
    assert sent[0] == m.LINK_INSTRUCTIONS  # no buttons on Zalo, so no phone-sharing hint
    assert "Trần Thị Bình" in sent[1]
    assert "Nguồn: Quy trình kiểm soát hồ sơ (QT-02, lần ban hành 02)" in sent[2] and "Gõ 1" in sent[2]
    assert "<" not in sent[2]
    assert sent[3].startswith("📖 Quy trình kiểm soát hồ sơ")
    assert sent[4:] == [m.FEEDBACK_THANKS, m.NOT_TEXT]
    assert all(c["chat_id"] == "z1" for c in fake.sent())
    assert core.store.db["feedback"].count == 1


def test_long_reply_is_split_to_2000_and_duplicates_answered_once(core, fake):
    code, _ = core.store.create_code("CB001")

    async def scenario():
        fake.push(fake.message("z2", f"/start {code}", "a1"))
        await wait(fake, 1)
        fake.push(fake.message("z2", "ký hiệu trong biểu mẫu một cửa ghi thế nào", "a2"))
        fake.push(fake.message("z2", "ký hiệu trong biểu mẫu một cửa ghi thế nào", "a2"))  # same message again
        await wait(fake, 2)
        fake.push(fake.message("z2", "1", "a3"))
        await asyncio.to_thread(fake.wait_for, 4)

    poll(core, fake, scenario)
    sent = fake.sent()
    assert core.store.db["questions"].count == 1
    parts = sent[2:]
    assert len(parts) >= 2 and all(len(p["text"]) <= 2000 for p in parts)
    assert "<b>Số hồ sơ</b>" in "".join(p["text"] for p in parts)  # plain text: shown as written


def test_updates_wrapped_or_bare_single_or_list():
    msg = FakeZalo.message("u", "xin chào", "id1")
    assert parse_updates({"ok": True, "result": msg})[0].text == "xin chào"
    assert parse_updates(msg)[0].sender.chat_id == "u"
    assert len(parse_updates({"ok": True, "result": [msg, msg]})) == 2
    assert parse_updates({"ok": True, "result": {}}) == [] and parse_updates(None) == []


def test_webhook_rejects_a_wrong_secret_and_answers_the_right_one(core, fake):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _ = core.store.create_code("CB001")

    async def main():
        bot = zalo_bot(core, fake)
        web = server([zalo_route("/zalo", "zalo-secret-123", bot)])
        web.listen(port, "127.0.0.1")
        url = f"http://127.0.0.1:{port}/zalo"
        try:
            async with httpx.AsyncClient() as client:
                body = {"ok": True, "result": fake.message("z3", f"/start {code}", "w1")}
                wrong = await client.post(url, json=body, headers={"X-Bot-Api-Secret-Token": "nope"})
                right = await client.post(url, json=body, headers={"X-Bot-Api-Secret-Token": "zalo-secret-123"})
                bare = await client.post(url, json=fake.message("z3", "/toi", "w2"),
                                         headers={"X-Bot-Api-Secret-Token": "zalo-secret-123"})
                junk = await client.post(url, content=b"{not json", headers={"X-Bot-Api-Secret-Token": "zalo-secret-123"})
            assert (wrong.status_code, right.status_code, bare.status_code, junk.status_code) == (403, 200, 200, 400)
            await wait(fake, 2)  # answered in the background, after the 200
        finally:
            web.stop()
            await bot.drain()
            await bot.client.aclose()
            bot.deliverer.worker.close()

    asyncio.run(main())
    sent = [c["text"] for c in fake.sent()]
    assert len(sent) == 2 and "Nguyễn Văn An" in sent[0] and "Mã cán bộ: CB001" in sent[1]


def test_typed_answer_quiz_on_zalo(core, fake):
    code, _ = core.store.create_code("CB002")

    async def scenario():
        fake.push(fake.message("z5", code, "q0"))
        await wait(fake, 1)
        fake.push(fake.message("z5", "/quiz ho-so", "q1"))
        sent = await wait(fake, 3)
        assert sent[1]["text"].startswith("📝 Ôn luyện 8 câu") and "Câu 1/8" in sent[2]["text"]
        for i in range(8):
            fake.push(fake.message("z5", "b" if i % 2 else "2", f"a{i}"))  # letters or numbers
            await wait(fake, 3 + 2 * (i + 1))

    poll(core, fake, scenario)
    texts = [c["text"] for c in fake.sent()]
    assert texts[-1].startswith("🏁 Kết thúc lượt ôn luyện")
    assert core.store.db.execute("select count(*) from answers").fetchone()[0] == 8


def test_an_answer_never_overtakes_the_delivery_of_its_question(core, fake):
    """The officer answers the moment the question shows, before the server's reply to our send came
    back (a slow network): the answer still counts, for that question."""
    code, _ = core.store.create_code("CB002")

    async def scenario():
        fake.push(fake.message("z6", code, "r0"))
        await wait(fake, 1)
        fake.push(fake.message("z6", "/quiz ho-so", "r1"))
        await wait(fake, 3)
        fake.answer_after = 1.0
        fake.push(fake.message("z6", "a", "r2"))
        await wait(fake, 4)  # the feedback; the next question reached the server, its reply is slow
        fake.push(fake.message("z6", "b", "r3"))  # at once
        sent = await wait(fake, 7)
        assert "Câu 3/8" in sent[-1]["text"]

    poll(core, fake, scenario)
    assert core.store.db.execute("select count(*) from answers").fetchone()[0] == 2
