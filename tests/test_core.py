"""The conversation core without any transport: who may ask, what gets stored."""

import pytest

from chat_fixtures import tg, zalo

from bot import messages as m

TG = tg("501", "An")
ZALO = zalo("z-9", "Bình")


def link(core, sender, staff_id="CB001"):
    code, _ = core.store.create_code(staff_id)
    assert core.text(sender, f"/start {code}").linked


def test_unlinked_user_gets_only_instructions(core):
    reply = core.text(TG, "ai phê duyệt hủy hồ sơ")
    assert reply.text.startswith(m.LINK_INSTRUCTIONS) and reply.answer is None and reply.ask_contact
    assert core.text(ZALO, "/tailieu").text == m.LINK_INSTRUCTIONS
    assert core.store.db["questions"].count == 0


def test_code_links_once_then_is_used(core):
    code, _ = core.store.create_code("CB001")
    assert "Nguyễn Văn An" in core.text(TG, code.lower()).text  # typed alone, any case
    assert core.store.account_officer("telegram", "501").staff_id == "CB001"
    assert core.text(ZALO, f"/start {code}").text == m.CODE_USED
    assert core.text(ZALO, "/start ZZZZ9999").text == m.CODE_UNKNOWN


def test_expired_code_is_refused(core):
    from datetime import timedelta

    code, _ = core.store.create_code("CB002", days=1)
    later = core.store.clock() + timedelta(days=2)
    core.store.clock = lambda: later
    assert core.text(ZALO, f"/start {code}").text == m.CODE_EXPIRED


def test_contact_links_by_normalised_phone_and_refuses_a_foreign_contact(core):
    assert core.contact(TG, "999", "84912345678").text == m.CONTACT_NOT_OWN
    assert core.store.account_officer("telegram", "501") is None
    assert core.contact(TG, "501", "0900 000 000").text == m.PHONE_NOT_FOUND
    reply = core.contact(TG, "501", "+84912345678")
    assert reply.linked and core.store.account_officer("telegram", "501").staff_id == "CB001"


def test_question_is_answered_cited_and_logged_per_officer(core):
    link(core, TG)
    reply = core.text(TG, "ai phê duyệt hủy hồ sơ hết hạn lưu")
    assert reply.answer.answered and "QT-02" in reply.text and "lần ban hành 02" in reply.text
    assert [b.data.split(":")[0] for row in reply.buttons for b in row][0] == "full"
    row = core.store.last_question("CB001")
    assert (row["answered"], row["code"], row["platform"]) == (1, "QT-02", "telegram")
    fb = [b.data for r in reply.buttons for b in r if b.label == "👍"][0]
    assert core.button(TG, fb).text == m.FEEDBACK_THANKS
    assert core.store.db["feedback"].get(row["id"])["value"] == 1


def test_zalo_gets_numbered_follow_ups_instead_of_buttons(core):
    link(core, ZALO, "CB002")
    reply = core.text(ZALO, "thời hạn xử lý phản ánh kiến nghị")
    assert reply.buttons == [] and "Gõ 1 để xem toàn văn mục" in reply.text
    full = core.text(ZALO, "1")
    assert full.text.startswith("📖") and "10 ngày làm việc" in full.text
    assert core.text(ZALO, "sai").text == m.FEEDBACK_THANKS
    assert core.store.db["feedback"].get(core.store.last_question("CB002")["id"])["value"] == -1


def test_not_found_is_logged_for_the_iso_secretary(core):
    link(core, TG)
    reply = core.text(TG, "giá vàng hôm nay")
    assert not reply.answer.answered and reply.text.startswith(m.NOT_FOUND)
    rows = list(core.store.unanswered())
    assert [(r["question"], r["full_name"]) for r in rows] == [("giá vàng hôm nay", "Nguyễn Văn An")]


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "x" * 5000, "<script>alert(1)</script>", "😀" * 10,
                                  "h\u0323\u0302o\u0302\u0300 so\u031b"])
def test_odd_input_gets_a_clear_reply(core, text):
    link(core, TG)
    reply = core.text(TG, text)
    assert reply.text
    if len(text) > 1000:
        assert reply.text == m.TOO_LONG.format(n=5000, limit=1000)


def test_admin_commands_are_refused_to_officers(core):
    link(core, TG)
    assert core.text(TG, "/reload").text == m.ADMIN_ONLY
    assert core.text(TG, "/huylienket CB002").text == m.ADMIN_ONLY
    admin = tg("900")
    link(core, admin, "AD001")
    assert core.text(admin, "/reload").text.startswith("Đã nạp chỉ mục mới nhất")
    assert "1 liên kết" in core.text(admin, "/huylienket CB001").text
    assert core.store.account_officer("telegram", "501") is None


def test_profile_and_documents(core):
    link(core, TG)
    assert "Mã cán bộ: CB001" in core.text(TG, "/toi").text
    docs = core.text(TG, "/tailieu").text
    assert "QT-02, lần ban hành 02" in docs and "HD-01" in docs


def test_another_officers_question_cannot_be_opened(core):
    link(core, TG)
    core.text(TG, "ai phê duyệt hủy hồ sơ")
    qid = core.store.last_question("CB001")["id"]
    link(core, ZALO, "CB002")
    assert core.button(ZALO, f"full:{qid}").text == m.FOLLOW_UP_GONE


def test_reload_serves_a_document_indexed_after_start(core, chat_index, embedder, tmp_path):
    import shutil

    from indexer.build import build_index

    knowledge, data = chat_index
    admin = tg("900")
    link(core, admin, "AD001")
    question = "quy định về trang phục của công chức bộ phận một cửa"
    assert "QĐ-12" not in core.text(admin, question).text
    kb, fresh = tmp_path / "kb", tmp_path / "data"
    shutil.copytree(knowledge, kb)
    shutil.copytree(data, fresh, symlinks=True)
    (kb / "qd-trang-phuc.md").write_text(
        "---\ntitle: Quy định trang phục công chức bộ phận một cửa\ncode: QĐ-12\n---\n# Quy định trang phục\n\n"
        "## 1. Trang phục\n\nCông chức bộ phận một cửa mặc áo sơ mi trắng, đeo thẻ công chức khi tiếp dân.\n",
        encoding="utf-8")
    build_index(kb, fresh, embedder)
    core.knowledge.settings = core.knowledge.settings.replace(data_dir=fresh)
    assert core.text(admin, "/reload").text.startswith("Đã nạp chỉ mục mới nhất")
    reply = core.text(admin, question)
    assert reply.answer.answered and "QĐ-12" in reply.text
