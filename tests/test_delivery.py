"""Nothing lost, nobody left in: each finding of the delivery review, against fakes that fail for real."""

import asyncio

from bot import messages as m
from bot.replies import Incoming
from chat_fixtures import zalo
from fake_bot_api import FakeTelegram, FakeZalo
from test_telegram import FAST, run, wait
from test_zalo import poll

QUESTION = "thời hạn xử lý phản ánh kiến nghị"
CITATION = "📄 Nguồn:"


def answers(fake, chat) -> list[str]:
    return [c["text"] for c in fake.sent() if str(c["chat_id"]) == str(chat) and CITATION in c["text"]]


def test_zalo_keeps_answering_after_failed_sends_429_502_500_drop(core):
    core.store.link("zalo", "z1", "z1", "CB001", "code")
    with FakeZalo() as fake:
        fake.fail("sendMessage", 429, 502, 500, "drop")

        async def scenario():
            for i in range(4):
                fake.push(fake.message("z1", QUESTION, f"q{i}"))
            await asyncio.to_thread(fake.wait_for, 4)
            fake.push(fake.message("z1", "/toi", "q5"))  # polling is still alive
            await asyncio.to_thread(fake.wait_for, 5)

        poll(core, fake, scenario)
        assert len(fake.failures) == 4
    assert len(answers(fake, "z1")) == 4 and "Mã cán bộ: CB001" in fake.sent()[-1]["text"]
    assert {r["status"] for r in core.store.db["journal"].rows} == {"answered"}


def test_telegram_keeps_answering_after_failed_sends_429_502_500_drop(core):
    core.store.link("telegram", "501", "501", "CB001", "code")
    with FakeTelegram() as fake:
        fake.fail("sendMessage", 429, 502, 500, "drop")

        async def scenario():
            for _ in range(4):
                fake.push(fake.message(501, QUESTION))
            await wait(fake, 4)

        run(core, fake, scenario)
        assert len(fake.failures) == 4
    assert len(answers(fake, 501)) == 4
    assert core.store.db["questions"].count == 4


def test_a_message_journalled_before_a_crash_is_answered_at_start_up(core):
    """Received (journalled) but the process died before answering: the next start answers it."""
    core.store.link("zalo", "z1", "z1", "CB001", "code")
    core.journal(Incoming(zalo("z1"), "text", "lost-1", text=QUESTION))
    with FakeZalo() as fake:
        async def main():
            from bot.transports.delivery import Deliverer, Worker
            from bot.transports.zalo import ZaloBot, ZaloClient

            bot = ZaloBot(Deliverer(core, Worker(), policy=FAST), ZaloClient("1:z", fake.url))
            assert await bot.deliverer.replay("zalo") == 1
            assert await bot.deliverer.replay("zalo") == 0  # answered: never again
            await bot.client.aclose()
            bot.deliverer.worker.close()

        asyncio.run(main())
    assert len(answers(fake, "z1")) == 1
    assert core.store.journal_entry("zalo", "lost-1").status == "answered"


def test_a_send_that_keeps_failing_stays_pending_and_is_sent_once_later(core):
    core.store.link("zalo", "z1", "z1", "CB001", "code")
    with FakeZalo() as fake:
        fake.fail("sendMessage", *[500] * FAST.attempts)  # every attempt of the first round fails

        async def main():
            from bot.transports.delivery import Deliverer, Worker
            from bot.transports.zalo import ZaloBot, ZaloClient

            bot = ZaloBot(Deliverer(core, Worker(), policy=FAST), ZaloClient("1:z", fake.url))
            await bot.receive(fake.message("z1", QUESTION, "p1"))
            entry = core.store.journal_entry("zalo", "p1")
            assert entry.status == "processed" and entry.tries == 1 and "Internal Server Error" in core.store.db["journal"].get(
                ("zalo", "p1"))["error"]
            assert await bot.deliverer.replay("zalo") == 1
            await bot.receive(fake.message("z1", QUESTION, "p1"))  # Zalo redelivers it: ignored
            await bot.client.aclose()
            bot.deliverer.worker.close()

        asyncio.run(main())
    assert len(answers(fake, "z1")) == 1 and core.store.db["questions"].count == 1


def test_a_blocked_user_is_given_up_and_does_not_block_the_others(core):
    core.store.link("zalo", "z1", "z1", "CB001", "code")
    core.store.link("zalo", "z2", "z2", "CB002", "code")
    with FakeZalo() as fake:
        fake.fail("sendMessage", 403)

        async def scenario():
            fake.push(fake.message("z1", QUESTION, "b1"))
            fake.push(fake.message("z2", QUESTION, "b2"))
            await asyncio.to_thread(fake.wait_for, 1)

        poll(core, fake, scenario)
    assert answers(fake, "z2") and not answers(fake, "z1")
    assert core.store.journal_entry("zalo", "b1").status == "failed"
    assert core.store.journal_pending("zalo") == []


def test_groups_edits_channel_posts_and_bots_get_no_content(core):
    core.store.link("telegram", "700", "700", "HR001", "code")
    with FakeTelegram() as fake:
        async def scenario():
            fake.push(fake.message(700, QUESTION, chat_type="group"))
            fake.push(fake.message(700, "/baocao", chat_type="group"))  # HR's report never goes to a group
            fake.push(fake.edited(700, QUESTION))
            fake.push(fake.channel_post(-1009, QUESTION))
            fake.push(fake.message(700, "/toi"))
            await wait(fake, 2)
            await asyncio.sleep(0.5)

        run(core, fake, scenario)
    group, private = sorted(fake.sent(), key=lambda s: int(s["chat_id"]))  # exactly two, in either order
    assert group["text"] == m.GROUP_POINTER and int(group["chat_id"]) < 0
    assert "Mã cán bộ: HR001" in private["text"]
    assert not fake.sent("sendDocument") and core.store.db["questions"].count == 0

    with FakeZalo() as zfake:
        core.store.link("zalo", "z1", "z1", "CB001", "code")

        async def zscenario():
            zfake.push(zfake.message("z1", QUESTION, "g1", chat_type="GROUP"))
            zfake.push(zfake.message("zb", QUESTION, "g2", is_bot=True))
            zfake.push(zfake.message("z1", None, "g3", event="message.reaction.received"))
            zfake.push(zfake.sticker("z1", "g4"))
            await asyncio.to_thread(zfake.wait_for, 2)
            await asyncio.sleep(0.5)

        poll(core, zfake, zscenario)
    assert [c["text"] for c in zfake.sent()] == [m.GROUP_POINTER, m.NOT_TEXT]
    assert not zfake.sent("sendChatAction")


def test_unlinked_accounts_hear_from_us_once_a_minute(core):
    out = []
    for i in range(150):
        sender = zalo(f"stranger{i % 5}")
        out += core.receive(Incoming(sender, "text", f"u{i}", text="xin chào")).outgoing
    assert len(out) == 5
    core.store.clock.advance(seconds=61)
    later = core.receive(Incoming(zalo("stranger0"), "text", "u-later", text="xin chào")).outgoing
    assert len(later) == 1 and later[0].replies[0].text == m.LINK_INSTRUCTIONS


def test_journal_rows_older_than_30_days_are_pruned(core):
    core.store.link("zalo", "z1", "z1", "CB001", "code")
    outbox = core.receive(Incoming(zalo("z1"), "text", "old", text="/toi"))
    core.answered(outbox)
    core.store.clock.advance(days=31)
    core.receive(Incoming(zalo("z1"), "text", "new", text="/toi"))
    assert core.store.prune() == 1
    assert core.store.journal_entry("zalo", "old") is None and core.store.journal_entry("zalo", "new")


def test_an_error_is_an_apology_to_the_user_and_one_alert_to_the_admins(core, monkeypatch):
    core.store.link("zalo", "z1", "z1", "CB001", "code")
    core.store.link("zalo", "zadmin", "zadmin", "AD001", "code")
    monkeypatch.setattr(core, "ask", lambda *a: 1 / 0)
    out = core.receive(Incoming(zalo("z1"), "text", "e1", text=QUESTION)).outgoing
    assert [(o.chat_id, o.replies[0].text) for o in out] == [
        ("z1", m.ERROR), ("zadmin", m.ADMIN_ERROR.format(error="ZeroDivisionError: division by zero"))]
    assert core.receive(Incoming(zalo("z1"), "text", "e1", text=QUESTION)).outgoing  # not answered yet: resent
    core.answered(core.receive(Incoming(zalo("z1"), "text", "e1", text=QUESTION)))
    assert core.receive(Incoming(zalo("z1"), "text", "e1", text=QUESTION)).outgoing == []
