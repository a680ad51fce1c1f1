"""Quizzes end to end through python-telegram-bot and the fake Bot API server: a campaign is created,
officers are notified, answer quiz polls (right, wrong, duplicated, across a restart), HR gets the
chart and the spreadsheet, an officer's /baocao is refused."""

import io

import openpyxl

from bot import campaigns
from bot import messages as m
from bot.transports.notify import dispatch_due
from fake_bot_api import FakeTelegram
from test_telegram import run, wait

OFFICERS = {"CB001": 501, "CB002": 502, "HR001": 700}


def link_all(core):
    for staff_id, user in OFFICERS.items():
        core.store.link("telegram", str(user), str(user), staff_id, "code")


def test_campaign_over_quiz_polls(core):
    link_all(core)
    campaigns.create(core.store, core.quizzes.bank, "Tháng 12", ["ho-so", "mot-cua"], 4, 75, "2026-12-01",
                     "2026-12-10", None, attempts=1, seconds=45)

    def answer(fake, user, poll, right):
        option = poll["correct"] if right else (poll["correct"] + 1) % poll["options"]
        update = fake.poll_answer(user, poll["poll_id"], option)
        fake.push(update)
        return update

    with FakeTelegram() as fake:
        async def first_half():
            sent = await dispatch_due(core, apps[0].bot_data["deliverer"])
            assert sent == 3  # three linked officers of four assigned
            notices = await wait(fake, 3)
            assert all(n["text"].startswith("📣 Chiến dịch tìm hiểu ISO «Tháng 12»") for n in notices)
            fake.push(fake.message(501, "/kiemtra"))
            polls = await wait(fake, 1, "sendPoll")
            assert polls[0]["type"] == "quiz" and polls[0]["is_anonymous"] in (False, "False", "false")
            assert int(polls[0]["open_period"]) == 45
            answer(fake, 501, fake.polls()[0], right=True)
            await wait(fake, 2, "sendPoll")
            dup = answer(fake, 501, fake.polls()[1], right=False)
            fake.push(dup)  # the same poll answer delivered twice
            await wait(fake, 3, "sendPoll")

        apps = []
        run(core, fake, first_half, apps)

        # restart: a new Application on the same database; the quiz resumes at question 3
        async def second_half():
            answer(fake, 501, fake.polls()[2], right=True)
            await wait(fake, 4, "sendPoll")
            answer(fake, 501, fake.polls()[3], right=True)
            finished = await wait(fake, 3 + 6)
            assert "ĐẠT" in finished[-1]["text"] and "3/4" in finished[-1]["text"]
            fake.push(fake.message(502, "/baocao"))
            refused = await wait(fake, 10)
            assert refused[-1]["text"] == m.HR_ONLY
            fake.push(fake.message(700, "/baocao Tháng 12"))
            await wait(fake, 1, "sendDocument")

        run(core, fake, second_half)
        from PIL import Image

        assert fake.sent("sendPhoto")
        Image.open(io.BytesIO(fake.files["photo"])).verify()  # the uploaded chart is a whole PNG
        wb = openpyxl.load_workbook(io.BytesIO(fake.files["document"]))

    officers = {row[0]: row for row in wb["Theo cán bộ"].iter_rows(min_row=2, values_only=True)}
    assert officers["CB001"][4:7] == ("Đạt", 75, 1)
    assert officers["CB002"][4] == "Chưa làm" and officers["HR001"][4] == "Chưa làm"
    units = {row[0]: row for row in wb["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units["Văn phòng"][1:5] == (3, 1, 1, 33.3)
    missed = list(wb["Câu hay trả lời sai"].iter_rows(min_row=2, values_only=True))
    assert len(missed) == 1 and missed[0][3] == 1
    assert core.store.db.execute("select count(*), sum(correct) from answers").fetchone() == (4, 3)

