"""The right section and the right sibling first, or a question back: "Bạn đang hỏi thủ tục nào?"."""

import shutil
from pathlib import Path

import pytest

from bot import messages as m
from chat_fixtures import say, tg, zalo
from conftest import FIXTURES
from indexer import intents
from indexer.answer import trim
from indexer.readers import read
from indexer.structure import chunk_document

ROOT = Path(__file__).resolve().parents[1]
TG = tg("501", "An")
ZALO = zalo("z-9", "Bình")
PLAIN = "đăng ký khai sinh cho cháu cần giấy tờ gì"


def link(core, sender, staff_id="CB001"):
    code, _ = core.store.create_code(staff_id)
    assert core.text(sender, f"/start {code}").linked


def sections_of(folder: Path) -> list[tuple[str, str, str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".md", ".txt", ".html", ".docx", ".pdf"):
            for c in chunk_document(read(path), str(path)):
                out.setdefault((c.source, c.section), []).append(c.text)
    return [(src, sec, "\n".join(t)) for (src, sec), t in out.items()]


def portal_section(section: str):
    """The chunk of the portal fixture's ``section``, as ingestion reads it."""
    chunks = chunk_document(read(FIXTURES / "portal" / "9.000001.md"), "9.000001.md")
    return next(c for c in chunks if c.section == section)


def test_flattened_portal_table_is_read_back_into_rows():
    table = portal_section("Cách thức thực hiện")
    assert table.text.split("\n") == [
        "Trực tiếp: thời hạn: 3 Ngày làm việc; Lệ phí: 5.000 Đồng",
        "Trực tuyến: thời hạn: 2 Ngày làm việc; phí, lệ phí: Miễn phí",
        "Dịch vụ bưu chính: thời hạn: 3 Ngày làm việc; Lệ phí: 5.000 Đồng",
        "Ghi chú (mọi hình thức nộp): Miễn lệ phí cho người thuộc hộ nghèo",
    ]
    # the short answer shows the row of the channel asked about first
    assert trim(table.text, "nộp online thì mấy ngày", max_chars=70).startswith("… Trực tuyến: thời hạn: 2")


def test_a_flattened_papers_table_is_read_back_one_paper_a_line():
    papers = portal_section("Thành phần hồ sơ")
    assert papers.text.split("\n") == [
        "Giấy tờ phải nộp:",
        "Tên giấy tờ (mẫu đơn, tờ khai): số lượng",
        "- Tờ khai đăng ký giám hộ theo mẫu (Mẫu TP/HT-GH ban hành kèm theo Thông tư) (mẫu: Mau TK giam ho.docx): 1 bản chính",
        "- Văn bản cử người giám hộ: 1 bản chính, 1 bản sao",
        "- Giấy tờ chứng minh điều kiện của người giám hộ gồm:",  # 0 copies: the heading of what follows
        "  + Giấy xác nhận năng lực hành vi dân sự: 1 bản sao",
        "Giấy tờ phải xuất trình:",
        "Tên giấy tờ (mẫu đơn, tờ khai): số lượng",
        "- Giấy tờ tùy thân của người đi đăng ký: 1 bản chính",
        "Trường hợp gửi hồ sơ qua bưu chính thì gửi kèm bản sao có chứng thực các giấy tờ phải xuất trình.",
    ]
    from indexer.tables import unflatten_papers

    assert unflatten_papers("Tờ khai theo mẫu; văn bản cử người giám hộ.") is None  # no table: left as written
    # a form glued after a name with no bracket before it, and one that cannot be told apart
    assert unflatten_papers("Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai quyết toán thuếMẫu 02 KK.docx1 bản chính")[1:] == [
        "- Tờ khai quyết toán thuế (mẫu: Mẫu 02 KK.docx): 1 bản chính"]
    assert unflatten_papers("Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn theo Mẫu số 01 NĐ-CPMau01.docx1 bản chính")[1:] == [
        "- Đơn theo Mẫu số 01 NĐ-CPMau01.docx: 1 bản chính"]


def test_a_papers_question_gets_the_papers_by_name_without_the_notes_between_them():
    from indexer.answer import papers_digest

    assert papers_digest(portal_section("Thành phần hồ sơ").text).split("\n") == [
        "Giấy tờ phải nộp:",
        "- Tờ khai đăng ký giám hộ theo mẫu (Mẫu TP/HT-GH ban hành kèm theo Thông tư) (mẫu: Mau TK giam ho.docx): 1 bản chính",
        "- Văn bản cử người giám hộ: 1 bản chính, 1 bản sao",
        "- Giấy tờ chứng minh điều kiện của người giám hộ gồm:",
        "  + Giấy xác nhận năng lực hành vi dân sự: 1 bản sao",
        "Giấy tờ phải xuất trình:",
        "- Giấy tờ tùy thân của người đi đăng ký: 1 bản chính",
    ]
    note = "- Trường hợp các thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư thì không phải nộp. " * 3
    section = "\n".join([
        "Giấy tờ phải xuất trình:",
        "Tên giấy tờ (mẫu đơn, tờ khai): số lượng",
        note, "- Giấy tờ tùy thân. " + "Trường hợp giấy tờ tùy thân là hộ chiếu thì chỉ cần số hộ chiếu. " * 4 + ": 1 bản chính",
        note,
        "Giấy tờ phải nộp:",
        "Tên giấy tờ (mẫu đơn, tờ khai): số lượng",
        "- Văn bản ủy quyền trong trường hợp ủy quyền: 1 bản chính",
        "--",  # the portal's group without a name, which here holds the form itself
        "Tên giấy tờ (mẫu đơn, tờ khai): số lượng",
        "- Mẫu hộ tịch điện tử tương tác đăng ký giám hộ: 1 bản chính",
        "- Tờ khai đăng ký giám hộ theo mẫu: 1 bản chính",
    ])
    short = trim(section, "ông nội làm giám hộ cho cháu thì hồ sơ gồm những gì")
    assert short.split("\n") == [
        "Giấy tờ phải xuất trình:",
        "- Giấy tờ tùy thân: 1 bản chính",  # its name's first sentence
        "Giấy tờ phải nộp:",
        "- Văn bản ủy quyền trong trường hợp ủy quyền: 1 bản chính",
        "",  # set apart from the group before
        "- Mẫu hộ tịch điện tử tương tác đăng ký giám hộ: 1 bản chính",
        "- Tờ khai đăng ký giám hộ theo mẫu: 1 bản chính",
    ]
    # cut short, the paper the question names stays, and the gap says so
    cut = trim(section, "giám hộ thì dùng tờ khai nào", max_chars=150)
    assert "- Tờ khai đăng ký giám hộ theo mẫu: 1 bản chính" in cut and "…" in cut and len(cut) <= 150
    # a question about a note is still answered from that note
    assert "Cơ sở dữ liệu quốc gia" in trim(section, "giấy tờ đã có trong cơ sở dữ liệu quốc gia về dân cư thì có phải nộp không")


def test_the_demos_first_question_shows_the_papers_from_the_first():
    """A newcomer's first question: the list from its first paper, however it is typed ("hồ sơ" folded is
    also "họ số", which a later line holds)."""
    path = ROOT / "knowledge" / "thu-tuc-hanh-chinh" / "qt-ht-01-dang-ky-khai-sinh.md"
    chunks = chunk_document(read(path), path.name)
    papers = "\n".join(c.text for c in chunks if c.section.endswith("5.2 Thành phần hồ sơ"))
    assert len(papers) > 700  # long enough to be trimmed
    for question in ("ho so dang ky khai sinh gom nhung gi", "hồ sơ đăng ký khai sinh gồm những gì",
                     "đăng ký khai sinh cần giấy tờ gì", "làm khai sinh cho con cần mang những gì"):
        short = trim(papers, question)
        assert short.startswith("Giấy tờ phải nộp:\n- Tờ khai đăng ký khai sinh"), (question, short[:80])


def test_a_table_row_without_a_time_keeps_its_fee_and_the_note_is_said_once():
    from indexer.tables import unflatten

    note = "(- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định. - Lệ phí có thể nộp trực tiếp tại bộ phận một cửa.)"
    flat = ("Hình thức nộpThời gianPhí, lệ phíMô tả" + f"Trực tuyếnKhông có thông tin150,000 Việt Nam Đồng{note}"
            + f"Trực tiếpKhông có thông tin50,000 VNĐ{note}" + "Dịch vụ bưu chínhKhông có thông tinKhông có thông tin")
    rows = unflatten(flat)
    assert rows[:2] == ["Trực tuyến: phí, lệ phí: 150,000 Việt Nam Đồng", "Trực tiếp: phí, lệ phí: 50,000 VNĐ"]
    assert rows[2].startswith("Dịch vụ bưu chính: ") and rows[2] != "Dịch vụ bưu chính: "
    short = trim("\n".join(rows), "đăng ký hộ kinh doanh nộp trực tiếp ở phường thì lệ phí bao nhiêu", max_chars=60)
    assert "Trực tiếp: phí, lệ phí: 50,000 VNĐ" in short


def test_a_labelled_value_holds_its_kind_a_passing_mention_does_not():
    column = {k: i for i, k in enumerate(intents.NAMES)}
    row = intents.labelled("Trực tiếp: thời hạn: 3 Ngày làm việc; Lệ phí: 5.000 Đồng")
    assert row[column["time"]] and row[column["fee"]] and not row[column["documents"]]
    assert not intents.labelled("Người yêu cầu nộp lệ phí nếu thuộc trường hợp phải nộp lệ phí.").any()


def test_the_short_answer_keeps_the_line_that_gives_the_asked_value():
    # each row repeats a long note that shares more words with the question than the row itself
    note = ("(- Người nộp hồ sơ đăng ký hộ kinh doanh nộp lệ phí đăng ký hộ kinh doanh tại thời điểm nộp hồ sơ; "
            "lệ phí có thể nộp trực tiếp tại bộ phận tiếp nhận hồ sơ đăng ký hộ kinh doanh ở phường.)")
    section = "\n".join(f"{channel}: {fee}{note}" for channel, fee in
                        (("Trực tuyến", "150,000 Việt Nam Đồng"), ("Trực tiếp", "50,000 VNĐ")))
    short = trim(section, "đăng ký hộ kinh doanh nộp trực tiếp ở phường thì lệ phí bao nhiêu", max_chars=120)
    assert "Trực tiếp: 50,000 VNĐ" in short
    assert intents.gives_value("Trực tiếp: 50,000 VNĐ", ["fee"])
    assert intents.gives_value("trong thời hạn 07 ngày làm việc", ["time"])
    assert not intents.gives_value("Lệ phí có thể nộp trực tiếp tại bộ phận tiếp nhận", ["fee"])


def test_kinds_learned_on_the_sample_base_hold_on_a_portal_document():
    learned = intents.SectionKinds().learn(sections_of(ROOT / "knowledge"))
    scorer = intents.KindScorer(learned)
    portal = {sec: scorer.affinity(sec, body) for _, sec, body in sections_of(FIXTURES / "portal")}
    column = {k: i for i, k in enumerate(intents.NAMES)}
    # nobody labelled "Cách thức thực hiện" as holding time limits and fees: its body says so
    for kind in ("time", "fee"):
        best = max(portal, key=lambda sec: portal[sec][column[kind]])
        assert best == "Cách thức thực hiện", kind
    assert max(portal, key=lambda sec: portal[sec][column["documents"]]) == "Thành phần hồ sơ"
    assert intents.asked("dang ky ket hon mat bao lau, le phi bao nhieu") == ["time", "fee"]
    # "thu / mất / tốn … bao nhiêu" asks a price, unless a unit follows
    assert intents.asked("nộp trực tiếp ở công an phường thì đăng ký thường trú thu bao nhiêu") == ["fee"]
    assert intents.asked("chung thuc chu ky nguoi dich mat bao nhieu") == ["fee"]
    assert intents.asked("làm khai tử mất bao nhiêu ngày") == ["time"]
    assert intents.asked("làm mất bao nhiêu lâu") == ["time"]
    assert "fee" not in intents.asked("phải nộp bao nhiêu bản tờ khai")


def test_how_long_it_takes_and_how_long_one_has_are_different_sections(embedder, tmp_path):
    """"Mất bao lâu" asks the time the procedure takes; "mấy ngày phải đi" the deadline a family must keep."""
    from indexer import store
    from indexer.build import build_index
    from indexer.search import Searcher
    from indexer.text import fold

    assert intents.named("1. Thời hạn đi khai tử và người đi khai tử") == "deadline"  # not "time" too
    assert intents.named("3. Thời hạn giải quyết") == "time"
    assert intents.named("Thời hạn và lệ phí") is None
    assert intents.asked("sinh con bao lâu thì phải đi khai sinh") == ["deadline"]
    assert intents.asked("phải mất bao lâu mới có giấy") == ["time"]
    assert "deadline" not in intents.asked("giấy tờ chưa rõ, phải xác minh thì mất bao lâu")
    assert intents.asked("hồ sơ phải nộp những gì") == ["documents"]
    # the sample base's civil-status procedures, which have both sections
    shutil.copytree(ROOT / "knowledge" / "thu-tuc-hanh-chinh", tmp_path / "kb")
    build_index(tmp_path / "kb", tmp_path / "data", embedder)
    searcher = Searcher(store.load(tmp_path / "data", embedder.id), embedder)
    for question, section in [("đăng ký khai tử mất bao lâu", "5.3 Thời hạn giải quyết"),
                              ("làm khai tử mấy ngày thì có giấy", "5.3 Thời hạn giải quyết"),
                              ("mấy ngày phải đi khai tử", "5.1 Thời hạn đi khai tử"),
                              ("người nhà mất thì chậm nhất bao lâu phải đi khai tử", "5.1 Thời hạn đi khai tử"),
                              ("đăng ký khai sinh mất bao lâu", "5.3 Thời hạn giải quyết"),
                              ("sinh con bao lâu thì phải đi khai sinh", "5.1 Thời hạn đi đăng ký")]:
        for q in (question, fold(question)):
            top = searcher.search(q, k=1)[0].chunk
            assert section in top.section and ("khai-tu" in top.source) == ("khai tử" in question), q


def test_plain_question_finds_the_plain_procedure_and_offers_the_variants(core):
    searcher = core.knowledge.searcher
    from indexer.answer import answer

    a = answer(PLAIN, searcher)
    assert a.answered and a.citation.source == "ho-tich/ks-01-dang-ky-khai-sinh.md"
    assert a.citation.section == "Thành phần hồ sơ"
    assert [c.source for c in a.clarify][0] == a.citation.source and len(a.clarify) >= 2
    assert {c.source for c in a.clarify} <= {f"ho-tich/{p.name}" for p in (FIXTURES / "family").iterdir()}


@pytest.mark.parametrize("question, source, section", [
    ("khai sinh lưu động cho cụ già không đi lại được thì mấy ngày có giấy", "ks-02-dang-ky-khai-sinh-luu-dong.md",
     "Thời hạn giải quyết"),
    ("khai sinh cho con có yếu tố nước ngoài, bố là người Hàn Quốc, lệ phí bao nhiêu",
     "ks-03-dang-ky-khai-sinh-nuoc-ngoai.md", "Lệ phí"),
    # the feature in the question's own words: the variant's text, as a whole, is nearer than the plain one's
    ("đăng ký khai sinh cho con, bố là người Hàn Quốc, lệ phí bao nhiêu",
     "ks-03-dang-ky-khai-sinh-nuoc-ngoai.md", "Lệ phí"),
])
def test_a_question_naming_the_variant_gets_the_variant(core, question, source, section):
    from indexer.answer import answer

    a = answer(question, core.knowledge.searcher)
    assert a.answered and a.citation.source == f"ho-tich/{source}" and a.citation.section == section


def test_clarify_by_number_on_zalo_answers_the_original_question_from_the_chosen_procedure(core):
    link(core, ZALO, "CB002")
    first = say(core, ZALO, PLAIN)[0]
    assert m.CLARIFY in first.text and "📄 Nguồn: Thủ tục đăng ký khai sinh (TTHC-HT-01" in first.text
    assert first.buttons == [] and "Gõ số 1–" in first.text
    chosen = first.answer.clarify[1]
    picked = say(core, ZALO, "2")[0]
    assert picked.answer.citation.source == chosen.source
    assert picked.answer.citation.section == "Thành phần hồ sơ"  # the original question, the chosen procedure
    assert f"📄 Nguồn: {chosen.title}" in picked.text and not picked.answer.clarify


def test_clarify_on_the_console_chat_is_numbered(core):
    from bot.replies import Sender
    from bot.transports.console import CAPS

    console = Sender("console", "cli", "cli", "", CAPS)
    reply = core.text(console, PLAIN)
    assert m.CLARIFY in reply.text and "\n1. Thủ tục đăng ký khai sinh (TTHC-HT-01, lần ban hành 01) (đang trả lời)" in reply.text
    assert core.text(console, "3").answer.citation.source == reply.answer.clarify[2].source


def test_a_number_after_an_answer_in_the_middle_of_a_quiz_means_the_answer(core):
    link(core, ZALO, "CB002")
    quiz = say(core, ZALO, "/quiz")
    assert any(r.quiz for r in quiz)
    reply = say(core, ZALO, "thời hạn xử lý phản ánh kiến nghị")[0]
    assert m.QUIZ_STILL_OPEN in reply.text and "Gõ 1 để xem toàn văn mục" in reply.text
    full = say(core, ZALO, "1")[0]
    assert full.text.startswith("📖")  # the full section, not answer A of the quiz
    attempt = core.quizzes.qs.active_attempt("CB002")
    assert core.quizzes.qs.next_position(attempt["id"]) == 0  # nothing recorded for the quiz
    assert say(core, ZALO, "A")[0].text != full.text  # a letter still answers the quiz
    assert core.quizzes.qs.next_position(attempt["id"]) == 1


def test_clarify_buttons_on_telegram_through_the_bot_api(core):
    from fake_bot_api import FakeTelegram
    from test_telegram import buttons, run, wait

    link(core, TG)
    with FakeTelegram() as fake:
        async def scenario():
            fake.push(fake.message(501, PLAIN))
            sent = await wait(fake, 1)
            shown = buttons(sent[-1])
            picks = [b for b in shown if b["callback_data"].startswith("pick:")]
            assert len(picks) >= 2 and picks[0]["text"] == "Đăng ký khai sinh"
            fake.push(fake.callback(501, picks[1]["callback_data"]))
            await wait(fake, 2)

        run(core, fake, scenario)
        first, second = fake.sent()[:2]
    assert "<b>Bạn đang hỏi thủ tục nào?</b>" in first["text"] and "📄 Nguồn: <i>Thủ tục đăng ký khai sinh" in first["text"]
    assert "📄 Nguồn: <i>Thủ tục đăng ký khai sinh " in second["text"] and "Thành phần hồ sơ" in second["text"]
    assert "TTHC-HT-01" not in second["text"]


def test_a_channel_named_beside_another_kind_qualifies_it():
    assert intents.asked("nộp online thì mấy ngày có kết quả") == ["time"]
    assert intents.asked("thông tin trên VNeID sai quê quán, điều chỉnh thì bao lâu") == ["time"]
    assert "place" in intents.asked("nộp hồ sơ ở đâu, có nộp online được không")
    assert intents.asked("có nộp qua dịch vụ công được không") == ["place"]


def test_a_papers_question_is_answered_from_the_first_paper_of_the_list():
    section = "\n".join([
        "Giấy tờ phải nộp:",
        "Tên giấy tờ (mẫu đơn, tờ khai): số lượng",
        "- Tờ khai đăng ký khai tử theo mẫu: 1 bản chính",
        "- Giấy báo tử hoặc giấy tờ thay Giấy báo tử: 1 bản chính",
        "- Văn bản ủy quyền trong trường hợp ủy quyền đăng ký khai tử; người được ủy quyền đăng ký khai tử là "
        "ông, bà, cha, mẹ, con thì văn bản ủy quyền đăng ký khai tử không phải chứng thực: 1 bản chính",
        "Giấy tờ phải xuất trình:",
        "- " + "Giấy tờ tùy thân của người đi đăng ký khai tử còn giá trị sử dụng. " * 6 + ": 1 bản chính",
    ])
    short = trim(section, "làm khai tử cho bố cần mang giấy tờ gì", max_chars=330)
    assert short.startswith("Giấy tờ phải nộp:") and "- Tờ khai đăng ký khai tử theo mẫu" in short
    assert not short.rstrip(" …").endswith(":")  # no heading left without its lines
    # a question about one paper still gets that paper's line
    assert "ủy quyền" in trim(section, "ủy quyền cho con đi đăng ký khai tử thì văn bản ủy quyền có phải chứng thực không",
                              max_chars=200)
