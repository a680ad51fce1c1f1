"""End to end: python-telegram-bot's own HTTP stack against a fake Bot API server on 127.0.0.1."""

import asyncio
import socket

import httpx
import pytest

from bot import messages as m
from bot.transports.delivery import RetryPolicy
from bot.transports.telegram import build_application
from fake_bot_api import BOT_USERNAME, FakeTelegram

TOKEN = "123456:TEST-token"


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


FAST = RetryPolicy(first_delay=0.05)  # the real policy's shape, at test speed


def run(core, fake, scenario, apps: list | None = None, policy: RetryPolicy = FAST):
    """Start the real Application (long polling), play ``scenario``, stop cleanly.
    ``apps`` receives the Application, for scenarios that send on their own."""

    async def main():
        app = build_application(core, TOKEN, fake.url, policy=policy)
        if apps is not None:
            apps.append(app)
        await app.initialize()
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            await scenario()
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            app.bot_data["deliverer"].worker.close()

    asyncio.run(main())


async def wait(fake, n, method="sendMessage"):
    return await asyncio.to_thread(fake.wait_for, n, method)


def texts(calls):
    return [c["text"] for c in calls]


def buttons(message: dict) -> list[dict]:
    return [b for row in message["reply_markup"]["inline_keyboard"] for b in row]


def test_start_sets_commands_and_remembers_username(core, fake):
    async def scenario():
        fake.push(fake.message(501, "/start"))
        await wait(fake, 1)

    run(core, fake, scenario)
    assert [c["command"] for c in fake.sent("setMyCommands")[0]["commands"]][:2] == ["start", "hoi"]
    assert core.store.get_meta("telegram_username") == BOT_USERNAME


def test_unlinked_user_gets_no_content(core, fake):
    async def scenario():
        fake.push(fake.message(501, "ai phê duyệt hủy hồ sơ"))
        await wait(fake, 1)

    run(core, fake, scenario)
    [reply] = fake.sent()
    assert reply["text"].startswith(m.LINK_INSTRUCTIONS.split("\n")[0])
    assert "QT-02" not in reply["text"]
    assert reply["reply_markup"]["keyboard"][0][0]["request_contact"] is True


def test_link_by_code_then_cited_answer_with_buttons_and_feedback(core, fake):
    code, _ = core.store.create_code("CB001")

    async def scenario():
        fake.push(fake.message(501, f"/start {code}"))
        await wait(fake, 1)
        fake.push(fake.message(501, "ai phê duyệt hủy hồ sơ hết hạn lưu"))
        sent = await wait(fake, 2)
        shown = buttons(sent[-1])
        fake.push(fake.callback(501, next(b["callback_data"] for b in shown if b["text"] == "👍")))
        fake.push(fake.callback(501, next(b["callback_data"] for b in shown if b["text"] == m.BUTTON_FULL)))
        await wait(fake, 4)

    run(core, fake, scenario)
    sent = fake.sent()
    assert "Nguyễn Văn An" in sent[0]["text"] and sent[0]["reply_markup"] == {"remove_keyboard": True}
    answer = sent[1]
    assert answer["parse_mode"] == "HTML"
    assert "📄 Nguồn: <i>Quy trình kiểm soát hồ sơ (QT-02, lần ban hành 02)" in answer["text"]
    assert {texts([s])[0] for s in sent[2:]} >= {m.FEEDBACK_THANKS}
    assert any(s["text"].startswith("📖 <b>Quy trình kiểm soát hồ sơ") for s in sent[2:])
    assert len(fake.sent("answerCallbackQuery")) == 2
    qid = core.store.last_question("CB001")["id"]
    assert core.store.db["feedback"].get(qid)["value"] == 1


def test_link_by_own_contact_and_refuse_a_foreign_one(core, fake):
    async def scenario():
        fake.push(fake.contact(502, "+84987654321", contact_user_id=777001))
        await wait(fake, 1)
        fake.push(fake.contact(502, "+84987654321", contact_user_id=None))
        await wait(fake, 2)
        fake.push(fake.contact(502, "84987654321", contact_user_id=502))
        await wait(fake, 3)

    run(core, fake, scenario)
    assert texts(fake.sent()) == [m.CONTACT_NOT_OWN, m.CONTACT_NOT_OWN,
                                  m.LINKED.format(name="Trần Thị Bình", unit="Tư pháp - Hộ tịch")]
    assert core.store.account_officer("telegram", "502").staff_id == "CB002"


def test_long_section_is_split_and_markup_escaped(core, fake):
    code, _ = core.store.create_code("CB001")

    async def scenario():
        fake.push(fake.message(501, f"/start {code}"))
        await wait(fake, 1)
        fake.push(fake.message(501, "ký hiệu trong biểu mẫu một cửa ghi thế nào"))
        sent = await wait(fake, 2)
        fake.push(fake.callback(501, buttons(sent[-1])[0]["callback_data"]))
        await asyncio.to_thread(fake.wait_for, 4)

    run(core, fake, scenario)
    sent = fake.sent()
    assert "HD-01" in sent[1]["text"]
    parts = sent[2:]
    assert len(parts) >= 2 and all(len(p["text"]) <= 4096 for p in parts)
    body = "".join(p["text"] for p in parts)
    assert "&lt;b&gt;Số hồ sơ&lt;/b&gt; &amp; ô *Ngày hẹn*" in body and "&lt;script&gt;" in body
    assert "<script>" not in body and "Quy tắc 40" in body


def test_duplicate_update_is_answered_once(core, fake):
    code, _ = core.store.create_code("CB001")

    async def scenario():
        fake.push(fake.message(501, f"/start {code}"))
        await wait(fake, 1)
        update = fake.message(501, "thời hạn xử lý phản ánh kiến nghị")
        fake.push(update)
        fake.push(update)
        fake.push(fake.message(501, "/toi"))
        await wait(fake, 3)

    run(core, fake, scenario)
    assert len(fake.sent()) == 3
    assert core.store.db["questions"].count == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webhook_checks_the_secret_token_size_and_shape(core, fake):
    from bot.transports.webhooks import server, telegram_route

    port = free_port()
    url = f"http://127.0.0.1:{port}/tg"
    code, _ = core.store.create_code("CB001")
    apps = []

    async def scenario():
        web = server([telegram_route("/tg", "s3cret-token", apps[0])])
        web.listen(port, "127.0.0.1")
        ok = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        try:
            async with httpx.AsyncClient() as client:
                wrong = await client.post(url, json=fake.message(501, f"/start {code}"),
                                          headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                missing = await client.post(url, json=fake.message(501, f"/start {code}"))
                odd = await client.post(url, json=fake.message(501, "x"),
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-tokén".encode()})
                junk = await client.post(url, content=b"{not json", headers=ok)
                shape = await client.post(url, json={"update_id": "x", "message": 3}, headers=ok)
                try:  # over 1 MiB: tornado answers 400 or closes the connection before reading it
                    huge = (await client.post(url, content=b"{" + b" " * (2 << 20) + b"}", headers=ok)).status_code
                except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                    huge = "closed"
                right = await client.post(url, json=fake.message(501, f"/start {code}"), headers=ok)
            assert [r.status_code for r in (wrong, missing, odd, junk, shape)] == [403, 403, 403, 400, 400]
            assert huge in (400, 413, "closed") and right.status_code == 200
            await wait(fake, 1)
        finally:
            web.stop()

    run(core, fake, scenario, apps)
    assert len(fake.sent()) == 1 and "Nguyễn Văn An" in fake.sent()[0]["text"]
