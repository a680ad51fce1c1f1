"""The fake Bot API servers fail the way the real ones do: 429, 5xx, an nginx 502 page, 403, a hang, a drop."""

from __future__ import annotations

import asyncio
import datetime
import time

import httpx
import pytest
from fake_bot_api import FakeTelegram, FakeZalo

TOKEN = "1:T"


@pytest.fixture(params=[FakeTelegram, FakeZalo], ids=["telegram", "zalo"])
def fake(request):
    with request.param() as server:
        yield server


def client(fake, timeout: float = 2.0) -> httpx.Client:
    return httpx.Client(base_url=f"{fake.url}/bot{TOKEN}/", timeout=timeout)


def send(c: httpx.Client, text: str = "xin chào", chat_id="501") -> httpx.Response:
    return c.post("sendMessage", json={"chat_id": chat_id, "text": text})


def test_429_uses_retry_after_then_calls_succeed_again(fake):
    fake.fail("sendMessage", 429, (429, 7))
    with client(fake) as c:
        first, second, third = send(c, "a"), send(c, "b"), send(c, "c")
    assert first.status_code == 429 and first.json() == {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1}}
    assert second.status_code == 429 and second.json()["parameters"] == {"retry_after": 7}
    assert "retry after 7" in second.json()["description"]
    assert third.status_code == 200 and third.json()["ok"] is True
    assert [p["text"] for p in fake.sent()] == ["c"]  # failed calls are not in calls
    assert [(p["text"], f) for _, p, f in fake.failures] == [("a", 429), ("b", (429, 7))]


def test_retry_after_default_is_settable(fake):
    fake.retry_after = 3
    fake.fail("sendMessage", 429)
    with client(fake) as c:
        assert send(c).json()["parameters"]["retry_after"] == 3


def test_server_errors_json_and_an_nginx_502_page(fake):
    fake.fail("sendMessage", 500, 502, 503, 504)
    with client(fake) as c:
        r500, r502, r503, r504, ok = (send(c, str(i)) for i in range(5))
    assert r500.status_code == 500
    assert r500.json() == {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    assert r502.status_code == 502 and r502.headers["content-type"] == "text/html"
    assert r502.text == "<html><body><h1>502 Bad Gateway</h1></body></html>"
    with pytest.raises(ValueError):
        r502.json()
    assert (r503.status_code, r503.json()["error_code"]) == (503, 503)
    assert (r504.status_code, r504.json()["error_code"]) == (504, 504)
    assert ok.status_code == 200
    assert [p["text"] for p in fake.sent()] == ["4"]
    assert [f for _, _, f in fake.failed("sendMessage")] == [500, 502, 503, 504]


def test_403_blocked_by_the_user(fake):
    fake.fail("sendMessage", 403)
    with client(fake) as c:
        r = send(c)
    assert r.status_code == 403
    assert r.json() == {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    assert fake.sent() == []


def test_faults_are_per_method_and_queued_in_order(fake):
    fake.fail("sendPhoto", 500)
    fake.fail("sendMessage", 503)
    fake.fail("sendMessage", 504)  # appended after the 503
    with client(fake) as c:
        assert c.post("getMe").status_code == 200
        assert [send(c).status_code for _ in range(3)] == [503, 504, 200]
        assert c.post("sendPhoto", json={"chat_id": "501", "photo": "https://x/1.png"}).status_code == 500
    assert [m for m, _ in fake.calls] == ["getMe", "sendMessage"]


def test_unknown_faults_are_refused(fake):
    for bad in (404, "slow", (500, 1), (429,), True):
        with pytest.raises(ValueError):
            fake.fail("sendMessage", bad)
    with pytest.raises(ValueError):
        fake.fail_randomly(1.5)
    assert fake.queued_faults.get("sendMessage", []) == []


def test_drop_closes_the_connection_without_a_response(fake):
    fake.fail("sendMessage", "drop")
    with client(fake) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            send(c, "lost")
        assert send(c, "kept").status_code == 200  # a new connection works
    assert [p["text"] for p in fake.sent()] == ["kept"]
    assert [(m, p["text"], f) for m, p, f in fake.failures] == [("sendMessage", "lost", "drop")]


def test_hang_times_the_client_out_while_other_requests_are_served():
    fake = FakeTelegram().__enter__()
    try:
        fake.hang_seconds = 30.0
        fake.fail("sendMessage", "hang")
        with client(fake, timeout=0.3) as slow, client(fake) as other:
            started = time.monotonic()
            with pytest.raises(httpx.ReadTimeout):
                send(slow, "hung")
            assert time.monotonic() - started < 2
            # the hanging handler still holds its thread; the server answers others meanwhile
            assert other.post("getMe").status_code == 200
            assert send(other, "after").status_code == 200
        assert [p["text"] for p in fake.sent()] == ["after"]
        assert fake.failed() == [("sendMessage", {"chat_id": "501", "text": "hung"}, "hang")]
    finally:
        started = time.monotonic()
        fake.__exit__(None, None, None)
        assert time.monotonic() - started < 1.5  # shutdown does not wait out the hang


def test_hang_ends_by_closing_the_connection(fake):
    fake.hang_seconds = 0.2
    fake.fail("sendMessage", "hang")
    with client(fake, timeout=3) as c:
        started = time.monotonic()
        with pytest.raises(httpx.RemoteProtocolError):
            send(c)
        assert 0.15 < time.monotonic() - started < 2


def outcomes(fake, n: int = 40) -> list:
    out = []
    with client(fake) as c:
        for i in range(n):
            try:
                out.append(send(c, str(i)).status_code)
            except httpx.RemoteProtocolError:
                out.append("drop")
    return out


def test_random_faults_are_deterministic_with_the_seed(fake):
    fake.fail_randomly(0.5, faults=(429, 500, 502, "drop"), seed=7)
    first = outcomes(fake)
    fake.fail_randomly(0.5, faults=(429, 500, 502, "drop"), seed=7)
    assert outcomes(fake) == first
    assert 5 < sum(o != 200 for o in first) < 35 and {429, 500, 502, "drop"} <= set(first)
    fake.fail_randomly(0.5, faults=(429, 500, 502, "drop"), seed=8)
    assert outcomes(fake) != first
    # only successes are calls; each failure is recorded with its fault
    assert len(fake.sent()) == 3 * 40 - len(fake.failures)
    assert {f for _, _, f in fake.failures} == {429, 500, 502, "drop"}


def test_random_faults_only_hit_the_chosen_methods_and_turn_off(fake):
    fake.fail_randomly(1.0, methods=("sendMessage",), faults=(503,))
    with client(fake) as c:
        assert c.post("getMe").status_code == 200
        assert send(c).status_code == 503
        fake.fail_randomly(0)
        assert [send(c).status_code for _ in range(5)] == [200] * 5
    assert len(fake.sent()) == 5 and len(fake.failures) == 1


def test_random_faults_are_thread_safe(fake):
    from concurrent.futures import ThreadPoolExecutor

    fake.fail_randomly(0.3, faults=(429, 500), seed=1)

    def one(i):
        with client(fake) as c:
            return send(c, str(i)).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(40)))
    assert codes.count(200) == len(fake.sent()) and len(codes) - codes.count(200) == len(fake.failures)
    assert {p["text"] for p in fake.sent()} | {p["text"] for _, p, _ in fake.failures} == {str(i) for i in range(40)}


def test_wait_for_counts_only_what_a_user_saw(fake):
    fake.fail("sendMessage", 500, "drop")
    with client(fake) as c:
        send(c, "x")
        with pytest.raises(httpx.RemoteProtocolError):
            send(c, "y")
        send(c, "z")
    assert [p["text"] for p in fake.wait_for(1, timeout=1)] == ["z"]
    with pytest.raises(AssertionError):
        fake.wait_for(2, timeout=0.2)
    assert [f for _, _, f in fake.wait_for_failures(2, "sendMessage", timeout=1)] == [500, "drop"]


def test_zalo_keeps_its_own_answers():
    with FakeZalo() as fake, client(fake) as c:
        fake.push(FakeZalo.message("z1", "xin chào", "m1"))
        assert c.post("getUpdates", json={"timeout": "1"}).json()["result"]["message"]["text"] == "xin chào"
        assert c.post("getUpdates", json={"timeout": "1"}).json()["error_code"] == 408
        too_long = send(c, "x" * 2001)
        assert too_long.status_code == 400 and too_long.json()["description"] == "text too long"


def test_telegram_updates_still_flow_while_sends_fail():
    with FakeTelegram() as fake, client(fake) as c:
        fake.fail("sendMessage", 502)
        fake.push(fake.message(501, "/start"))
        result = c.post("getUpdates", json={"timeout": 0}).json()["result"]
        assert result[0]["message"]["text"] == "/start"
        assert send(c).status_code == 502


# python-telegram-bot's own HTTP stack sees real Telegram errors ---------------------------------------

def test_python_telegram_bot_raises_its_usual_errors(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # else RetryAfter warns (an error here): retry_after becomes a timedelta
    from telegram import Bot
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
    from telegram.request import HTTPXRequest

    async def run(fake):
        request = HTTPXRequest(read_timeout=0.3, connect_timeout=1, write_timeout=1, pool_timeout=1)
        async with Bot(TOKEN, base_url=f"{fake.url}/bot", request=request) as bot:
            fake.fail("sendMessage", (429, 4), 502, 500, 403, "drop", "hang")
            with pytest.raises(RetryAfter) as retry:
                await bot.send_message(501, "a")
            assert retry.value.retry_after == datetime.timedelta(seconds=4)
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.send_message(501, "b")
            with pytest.raises(NetworkError):
                await bot.send_message(501, "c")
            with pytest.raises(Forbidden, match="blocked"):
                await bot.send_message(501, "d")
            with pytest.raises(NetworkError):
                await bot.send_message(501, "e")
            with pytest.raises(TimedOut):
                await bot.send_message(501, "f")
            sent = await bot.send_message(-100501, "g")
            assert sent.chat.type == "supergroup" and sent.text == "g"
            assert not isinstance(retry.value, BadRequest)

    with FakeTelegram() as fake:
        fake.hang_seconds = 5
        asyncio.run(run(fake))
        assert [p["text"] for p in fake.sent()] == ["g"]
        assert len(fake.failures) == 6


# update shapes -------------------------------------------------------------------------------------

def test_telegram_group_edited_and_channel_updates_parse_with_ptb():
    from telegram import Update

    fake = FakeTelegram()  # never started: only its update builders are used
    fake.server.server_close()
    private = Update.de_json(fake.message(501, "hi"), None)
    assert private.effective_chat.type == "private" and private.effective_chat.id == 501

    group = fake.message(501, "/hoi@isobot_test_bot", chat_type="group")
    assert group["message"]["chat"] == {"id": -100501, "type": "group", "title": "Nhóm -100501"}
    parsed = Update.de_json(group, None)
    assert parsed.effective_user.id == 501 and parsed.effective_chat.title
    sup = Update.de_json(fake.message(501, "x", chat_type="supergroup", chat_id=-1001234), None)
    assert (sup.effective_chat.type, sup.effective_chat.id, sup.effective_user.id) == ("supergroup", -1001234, 501)

    edited = fake.edited(501, "sửa lại", message_id=77)
    assert "message" not in edited and edited["edited_message"]["edit_date"] >= edited["edited_message"]["date"]
    parsed = Update.de_json(edited, None)
    assert parsed.edited_message.message_id == 77 and parsed.edited_message.text == "sửa lại"
    assert parsed.message is None and parsed.effective_user.id == 501

    post = fake.channel_post(-1009999, "thông báo")
    assert "from" not in post["channel_post"] and post["channel_post"]["chat"]["type"] == "channel"
    parsed = Update.de_json(post, None)
    assert parsed.channel_post.text == "thông báo" and parsed.effective_user is None
    assert parsed.effective_chat.type == "channel" and parsed.message is None
    ids = [u["update_id"] for u in (group, edited, post)]
    assert len(set(ids)) == 3


def test_zalo_update_shapes():
    private = FakeZalo.message("z1", "xin chào", "m1")
    assert private == {"event_name": "message.text.received", "message": {
        "chat": {"id": "z1", "chat_type": "PRIVATE"}, "message_id": "m1", "date": private["message"]["date"],
        "from": {"id": "z1", "display_name": "Cán bộ Zalo", "is_bot": False}, "text": "xin chào"}}

    group = FakeZalo.message("z1", "hỏi", "m2", chat_type="GROUP")["message"]
    assert group["chat"] == {"id": "g-z1", "chat_type": "GROUP"} and group["from"]["id"] == "z1"
    other = FakeZalo.message("z1", "hỏi", "m3", chat_type="GROUP", chat_id="grp9", is_bot=True)["message"]
    assert other["chat"]["id"] == "grp9" and other["from"]["is_bot"] is True

    image = FakeZalo.image("z1", "m4", caption="ảnh hồ sơ")
    assert image["event_name"] == "message.image.received"
    assert "text" not in image["message"] and image["message"]["photo_url"].startswith("https://")
    assert image["message"]["caption"] == "ảnh hồ sơ"
    sticker = FakeZalo.sticker("z1", "m5", chat_type="GROUP")
    assert sticker["event_name"] == "message.sticker.received" and sticker["message"]["sticker"]
    assert sticker["message"]["chat"]["id"] == "g-z1"
    voice = FakeZalo.unsupported("z1", "m6")
    assert voice["event_name"] == "message.unsupported.received" and "text" not in voice["message"]
    assert FakeZalo.message("z1", None, "m7", event="message.sticker.received")["message"].get("text") is None
