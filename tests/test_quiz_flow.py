"""Quizzes through the conversation core: practice, campaigns, restarts, reports."""

from chat_fixtures import tg, zalo, say

import io

import openpyxl

from bot import campaigns
from bot import messages as m
from bot.core import Core
from bot.storage import QuizStore

ZALO = zalo("z1")
TG_HR = tg("700")


def link(core, sender, staff_id):
    code, _ = core.store.create_code(staff_id)
    assert core.text(sender, code).linked


def answer_all(core, sender, right: bool, n: int):
    """Answer the next ``n`` questions right or wrong by typing letters; return the last replies."""
    qs = QuizStore(core.store)
    replies = []
    for _ in range(n):
        officer = core.officer(sender)
        attempt = qs.active_attempt(officer.staff_id)
        item = qs.item(attempt["id"], qs.next_position(attempt["id"]))
        choice = item["correct_pos"] if right else (item["correct_pos"] + 1) % len(item["option_order"])
        replies = say(core, sender, "ABCDEF"[choice].lower())
    return replies


def test_practice_by_typing_with_feedback_and_spaced_repetition(core):
    link(core, ZALO, "CB002")
    first = say(core, ZALO, "/quiz")
    assert first[0].text.startswith("📝 Ôn luyện 10 câu") and first[1].quiz is not None
    assert "Câu 1/10" in first[1].text and "A. " in first[1].text and "Gõ A, B, C" in first[1].text
    replies = answer_all(core, ZALO, right=False, n=1)
    assert replies[0].text.startswith("❌ Chưa đúng") and "📖 Xem quy định" in replies[0].text
    assert "«" in replies[0].text.split("Đáp án đúng là")[1]  # the right option's text, not only its letter
    assert replies[1].quiz.position == 1
    replies = answer_all(core, ZALO, right=True, n=9)
    assert replies[-1].text.startswith("🏁 Kết thúc lượt ôn luyện: đúng 9/10")
    qs = QuizStore(core.store)
    missed = qs.review_due("CB002", 2)
    assert len(missed) == 1
    # the missed question comes back until answered right twice
    for _ in range(2):
        say(core, ZALO, "/quiz")
        attempt = qs.active_attempt("CB002")
        ids = [qs.item(attempt["id"], i)["question_id"] for i in range(attempt["total"])]
        assert missed[0] in ids
        answer_all(core, ZALO, right=True, n=10)
    assert qs.review_due("CB002", 2) == []
    assert "Ôn luyện: 10/10" in say(core, ZALO, "/ketqua")[0].text


def test_unknown_topic_lists_the_topics_and_unlinked_users_get_no_quiz(core):
    link(core, ZALO, "CB002")
    assert "ho-so — Kiểm soát hồ sơ" in say(core, ZALO, "/quiz khong-co")[0].text
    stranger = zalo("zz")
    assert say(core, stranger, "/quiz")[0].text == m.LINK_INSTRUCTIONS


def make_campaign(core, **kw):
    args = dict(name="Tháng 12", topics=["ho-so", "mot-cua"], questions=5, pass_mark=80, start="2026-12-01",
                end="2026-12-10", units=None, attempts=2, seconds=0, remind_every=3)
    args.update(kw)
    return campaigns.create(core.store, core.quizzes.bank, **args)


def test_campaign_notifications_attempts_late_answers_and_report(core):
    link(core, ZALO, "CB002")
    link(core, TG_HR, "HR001")
    c = make_campaign(core)
    assert c["assigned"] == 4 and c["notifications"] == 5  # start, 3 reminders (4th, 7th, 9th), summary
    due = campaigns.deliveries(core.store, core.quizzes)
    assert {(d.platform, d.chat_id) for d in due} == {("zalo", "z1"), ("telegram", "700")}
    assert all(d.replies[0].startswith("📣 Chiến dịch") for d in due)
    qs = QuizStore(core.store)
    for d in due:
        qs.mark_notified(d.notification_id)
    assert campaigns.deliveries(core.store, core.quizzes) == []  # two officers never linked: skipped, marked
    # CB002 fails once, then passes at the second attempt
    assert say(core, ZALO, "/kiemtra")[0].text.startswith("📋 Bắt đầu bài kiểm tra «Tháng 12»: 5 câu")
    last = answer_all(core, ZALO, right=False, n=5)
    assert "CHƯA ĐẠT" in last[-1].text and "còn 1 lượt" in last[-1].text
    say(core, ZALO, "/kiemtra")
    last = answer_all(core, ZALO, right=True, n=5)
    assert "ĐẠT" in last[-1].text and "100%, yêu cầu" in last[-1].text
    assert say(core, ZALO, "/kiemtra")[0].text == m.CAMPAIGN_DONE.format(name="Tháng 12")
    # reminders skip those who finished; the HR officer (assigned too) still gets one
    core.store.clock.advance(days=3, hours=1)
    due = campaigns.deliveries(core.store, core.quizzes)
    assert [(d.platform, d.replies[0][:12]) for d in due] == [("telegram", "⏳ Nhắc việc:")]
    # HR starts, then the campaign ends mid-quiz: the late answer is refused, nothing recorded
    say(core, TG_HR, "/kiemtra")
    core.store.clock.advance(days=20)
    assert say(core, TG_HR, "a")[0].text == m.CAMPAIGN_ENDED.format(name="Tháng 12")
    report = core.quizzes.campaign_report(qs.campaign("Tháng 12"))
    officers = {o["staff_id"]: o for o in report["officers"]}
    assert officers["CB002"]["status"] == "passed" and officers["CB002"]["attempts"] == 2
    assert officers["CB002"]["best_score"] == 100.0
    assert officers["HR001"]["status"] == "in_progress" and officers["CB001"]["status"] == "not_started"
    assert report["total"] == {"assigned": 4, "completed": 1, "passed": 1, "completion_rate": 25.0, "pass_rate": 25.0}
    assert sum(q["wrong"] for q in report["missed"]) == 5
    # the summary goes to HR at the end
    summary = [d for d in campaigns.deliveries(core.store, core.quizzes) if d.replies[0].startswith("📊")]
    assert [(d.platform, d.chat_id) for d in summary] == [("telegram", "700")]


def test_restart_mid_quiz_resumes_at_the_next_unanswered_question(core, chat_index, embedder):
    link(core, ZALO, "CB002")
    make_campaign(core)
    say(core, ZALO, "/kiemtra")
    answer_all(core, ZALO, right=True, n=2)
    # a new core on the same database file: a restarted bot
    from bot.knowledge import Knowledge
    from bot.settings import Settings
    from bot.storage import Store

    store = Store(core.store.db.conn.execute("pragma database_list").fetchone()[2], clock=core.store.clock)
    again = Core(Knowledge(Settings(data_dir=chat_index[1]), embedder), store, bank=core.quizzes.bank)
    resumed = say(again, ZALO, "/kiemtra")
    assert resumed[0].quiz.position == 2
    last = answer_all(again, ZALO, right=True, n=3)
    assert "5/5" in last[-1].text


def test_duplicate_answer_counts_once(core):
    link(core, ZALO, "CB002")
    make_campaign(core)
    say(core, ZALO, "/kiemtra")
    qs = QuizStore(core.store)
    attempt = qs.active_attempt("CB002")
    first = core.quizzes.answer(attempt, 0, 0)
    lost = core.quizzes.answer(attempt, 0, 0)  # the next question never went out: it is shown again
    assert lost == [first[-1]]
    core.quiz_sent(first[-1])
    again = core.quizzes.answer(attempt, 0, 0)
    assert first and again == []
    assert core.store.db.execute("select count(*) from answers").fetchone()[0] == 1


def test_timed_question_answered_too_late_counts_wrong(core):
    link(core, ZALO, "CB002")
    make_campaign(core, seconds=30)
    prompt = say(core, ZALO, "/kiemtra")[1]
    assert "Thời gian trả lời: 30 giây." in prompt.text
    core.store.clock.advance(seconds=60)
    reply = answer_all(core, ZALO, right=True, n=1)
    assert reply[0].text.startswith("⏰ Hết thời gian")


def test_hr_report_in_chat_and_officers_refused(core):
    link(core, ZALO, "CB002")
    link(core, TG_HR, "HR001")
    make_campaign(core)
    assert say(core, ZALO, "/baocao")[0].text == m.HR_ONLY
    summary, chart, sheet = say(core, TG_HR, "/baocao Tháng 12")
    assert "Được giao: 4" in summary.text
    from PIL import Image

    png = Image.open(io.BytesIO(chart.attachment.data))
    png.verify()  # a whole, decodable PNG, not just its signature
    assert png.format == "PNG" and png.size[0] >= 400
    wb = openpyxl.load_workbook(io.BytesIO(sheet.attachment.data))
    assert wb.sheetnames == ["Theo đơn vị", "Theo cán bộ", "Câu hay trả lời sai"]
    assert [c.value for c in wb["Theo đơn vị"][1]] == ["Đơn vị", "Được giao", "Đã hoàn thành", "Đạt",
                                                      "Tỷ lệ hoàn thành", "Tỷ lệ đạt", "Điểm trung bình"]


def test_an_ended_campaign_does_not_hide_the_current_one(core):
    link(core, ZALO, "CB002")
    make_campaign(core, name="Cũ", start="2026-11-01", end="2026-11-05")
    assert say(core, ZALO, "/kiemtra")[0].text == m.CAMPAIGN_ENDED.format(name="Cũ")
    make_campaign(core, name="Mới")
    assert "«Mới»" in say(core, ZALO, "/kiemtra")[0].text


def test_an_attempt_left_open_at_the_end_is_closed_and_practice_works(core):
    link(core, ZALO, "CB002")
    make_campaign(core, end="2026-12-02")
    say(core, ZALO, "/kiemtra")
    answer_all(core, ZALO, right=True, n=2)
    core.store.clock.advance(days=3)
    assert say(core, ZALO, "/quiz")[0].text.startswith("📝 Ôn luyện")
    report = core.quizzes.campaign_report(QuizStore(core.store).campaign("Tháng 12"))
    cb002 = next(o for o in report["officers"] if o["staff_id"] == "CB002")
    assert (cb002["status"], cb002["best_score"]) == ("failed", 40.0)
