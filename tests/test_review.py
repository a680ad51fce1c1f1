"""`isobot review` on documents with known flaws (copies of the sample base's QT-03, QT-04 and QT-07 as
they were before the 2026 rewrite, and small procedures written to break one rule each), through a real
index; and on the sample base, where it must find nothing false."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from bot.cli import main
from conftest import FIXTURES, ROOT
from indexer import store
from indexer.build import build_index
from indexer.review import Options, review
from indexer.review.legal import citations, load_registry

LAYOUT = ("## 1. Mục đích\n\nMẫu.\n\n## 2. Phạm vi áp dụng\n\nMẫu.\n\n## 3. Tài liệu viện dẫn\n\nQT-01.\n\n"
          "## 4. Định nghĩa và từ viết tắt\n\nKhông.\n\n")
NO_REVISION = ("---\ntitle: Quy trình tiếp nhận góp ý nội bộ\ncode: QT-11\neffective_date: 2026-10-01\n---\n"
               "# Quy trình tiếp nhận góp ý nội bộ\n\n" + LAYOUT + "## 5. Nội dung quy trình\n\n"
               "Công chức ghi góp ý vào BM.11.09 Sổ góp ý và chuyển theo QT-99.\n\n## 6. Hồ sơ cần lưu\n\nSổ góp ý.\n")
SAME_CODE = ("---\ntitle: Quy trình cấp bản sao trích lục\ncode: QT-04\nrevision: \"01\"\neffective_date: 2026-11-01\n"
             "reviewed: 2026-11-20\n---\n# Quy trình cấp bản sao trích lục\n\n" + LAYOUT +
             "## 5. Nội dung quy trình\n\nTheo quy định.\n\n## 6. Hồ sơ cần lưu\n\nSổ cấp bản sao.\n\n"
             "## 7. Biểu mẫu áp dụng\n\n- BM.04.09 Sổ cấp bản sao.\n")


@pytest.fixture(scope="module")
def flawed(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("review")
    kb = base / "knowledge"
    kb.mkdir()
    for p in (FIXTURES / "review").glob("*.md"):
        shutil.copy(p, kb / p.name)
    shutil.copy(ROOT / "knowledge" / "quy-trinh-iso" / "qt-01-kiem-soat-tai-lieu.md", kb)
    (kb / "qt-11-gop-y.md").write_text(NO_REVISION, encoding="utf-8")
    (kb / "qt-12-ban-sao.md").write_text(SAME_CODE, encoding="utf-8")
    build_index(kb, base / "data", embedder)
    return base, review(store.load(base / "data"), Options(today=date(2026, 12, 3)))


def of(findings, kind):
    return [f for f in findings if f.kind == kind]


def test_the_replaced_one_stop_decrees_are_flagged_with_their_replacement(flawed):
    _, findings = flawed
    legal = of(findings, "legal_reference")
    assert {f.documents[0] for f in legal} == {"qt-07-tiep-nhan-va-tra-ket-qua-mot-cua.md"}
    by_text = {f.message.split(" (")[0].split()[-1]: f for f in legal}
    assert set(by_text) == {"61/2018/NĐ-CP", "107/2021/NĐ-CP", "01/2018/TT-VPCP"}
    assert all("118/2025/NĐ-CP" in f.message and "01/07/2025" in f.message for f in legal)
    assert "chưa được xác minh" in by_text["01/2018/TT-VPCP"].message  # marked unverified in the registry
    assert "61/2018/NĐ-CP" in by_text["61/2018/NĐ-CP"].quotes[0] and legal[0].sections[0].startswith("3.")


def test_the_qt03_qt04_contradiction_names_both_documents(flawed):
    _, findings = flawed
    found = {f.message.split("về ")[-1]: f for f in of(findings, "contradiction")}
    assert set(found) == {"thời hạn lập BM.04.01.", "người đóng phiếu."}
    for f in found.values():
        assert f.documents == ["qt-03-danh-gia-noi-bo.md", "qt-04-khong-phu-hop-va-hanh-dong-khac-phuc.md"]
    quotes = found["thời hạn lập BM.04.01."].quotes
    assert "02 ngày làm việc" in quotes[0] and "01 ngày làm việc" in quotes[1]
    assert "Chuyên gia" in found["người đóng phiếu."].quotes[0] and "Thư ký ISO" in found["người đóng phiếu."].quotes[1]


def test_document_control_findings(flawed):
    _, findings = flawed
    assert [(f.documents, f.message) for f in of(findings, "missing_field")] == [
        (["qt-11-gop-y.md"], "Tài liệu «Quy trình tiếp nhận góp ý nội bộ» thiếu lần ban hành.")]
    [dup] = of(findings, "duplicate_code")
    assert dup.documents == ["qt-04-khong-phu-hop-va-hanh-dong-khac-phuc.md", "qt-12-ban-sao.md"]
    dangling = {f.message.split()[4]: f.documents for f in of(findings, "dangling_reference")}
    assert dangling["BM.11.09"] == dangling["QT-99"] == ["qt-11-gop-y.md"]
    assert "BM.04.01" not in dangling and "QT-04" not in dangling  # defined in this base
    missing = {f.documents[0]: f.quotes for f in of(findings, "missing_section")}
    assert missing == {"qt-11-gop-y.md": ["Biểu mẫu"]}
    overdue = {f.documents[0] for f in of(findings, "review_overdue")}
    assert "qt-07-tiep-nhan-va-tra-ket-qua-mot-cua.md" in overdue  # effective 15/09/2025, yearly review
    assert "qt-12-ban-sao.md" not in overdue and "qt-11-gop-y.md" not in overdue


def test_citations_in_the_forms_documents_use():
    line = ("Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018, NĐ 107/2021 và Thông tư 01/2018/TT-VPCP; "
            "Luật Đất đai số 31/2024/QH15; Quyết định 19/2014/QĐ-TTg.")
    assert [c.text for c in citations(line)] == ["61/2018/NĐ-CP", "01/2018/TT-VPCP", "31/2024/QH15", "19/2014/QĐ-TTg",
                                                 "107/2021/NĐ"]
    registry = load_registry()
    assert registry["107/2021/NĐ"].replaced_by == ("118/2025/NĐ-CP",)
    assert not [c for c in citations("ngày 23/4/2018 và số 2018/10") if c]


def test_the_unit_extends_the_registry(tmp_path):
    own = tmp_path / "van-ban.yaml"
    own.write_text("- text: 19/2014/QĐ-TTg\n  kind: Quyết định\n  subject: áp dụng ISO\n  replaced_by: [99/2026/QĐ-TTg]\n"
                   "  from: 2026-01-01\n", encoding="utf-8")
    assert load_registry(own)["19/2014/QĐ"].replaced_by == ("99/2026/QĐ-TTg",)
    bad = tmp_path / "hong.yaml"
    bad.write_text("- text: Nghị định gì đó\n", encoding="utf-8")
    with pytest.raises(Exception, match="each entry needs 'text'"):
        load_registry(bad)


def test_review_from_the_command_line(flawed, capsys):
    base, _ = flawed
    assert main(["--data", str(base / "data"), "review", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    kinds = {f["kind"] for f in out["findings"]}
    assert {"legal_reference", "contradiction", "missing_field", "duplicate_code", "dangling_reference",
            "missing_section", "review_overdue"} <= kinds
    assert set(out["findings"][0]) == {"kind", "documents", "sections", "quotes", "message", "suggestion"}
    assert json.loads((base / "data" / "review.json").read_text(encoding="utf-8")) == out


def test_what_is_new_in_a_review_is_told_once(flawed, tmp_path):
    from bot.reviews import news, run_review
    from bot.settings import Settings
    from bot.storage import Store

    base, _ = flawed
    settings = Settings(data_dir=base / "data", web_url="https://iso.phuong.example")
    store = Store(tmp_path / "isobot.db")
    found = run_review(settings)
    store.set_meta("review_seen", "[]")
    text = news(store, settings)
    assert text.startswith(f"🔎 Rà soát tài liệu ISO: có {len(found)} phát hiện mới.")
    assert "https://iso.phuong.example/ra-soat" in text and f"… và {len(found) - 5} phát hiện khác." in text
    assert news(store, settings) is None  # told once


def test_the_review_page_lists_the_findings(flawed, tmp_path):
    from starlette.testclient import TestClient

    from bot.roster import import_officers
    from bot.settings import Settings
    from bot.storage import Store
    from bot.storage.web import sign_in_link
    from bot.web.app import create_app
    from test_web import ROSTER_ISO

    base, _ = flawed
    settings = Settings(data_dir=base / "data", banks_dir=FIXTURES / "banks")
    store = Store(tmp_path / "isobot.db")
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    import_officers(store, tmp_path / "roster.csv")
    app = create_app(settings.replace(data_dir=base / "data"), store)
    c = TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False)
    c.get(sign_in_link(store, "http://127.0.0.1:8080", "IS001").removeprefix("http://127.0.0.1:8080"))
    page = c.get("/ra-soat").text
    assert "Văn bản pháp luật đã được thay thế" in page and "Mâu thuẫn giữa các tài liệu (2)" in page
    assert "118/2025/NĐ-CP" in page


def test_the_sample_base_has_nothing_to_report(tmp_path, embedder):
    """The 2026 sample base was rewritten to fix every finding above: nothing false is reported on it."""
    build_index(ROOT / "knowledge", tmp_path / "data", embedder)
    assert [(f.kind, f.documents, f.message) for f in review(store.load(tmp_path / "data"),
                                                              Options(today=date(2026, 12, 3)))] == []


def test_the_admins_hear_of_new_findings_once_through_the_bot(core):
    from bot.reviews import run_review
    from bot.transports.notify import dispatch_review
    from fake_bot_api import FakeTelegram
    from test_telegram import run, wait

    found = run_review(core.knowledge.settings)  # the chat base: its own findings, whatever they are
    core.store.link("telegram", "800", "800", "AD001", "code")
    core.store.link("telegram", "501", "501", "CB001", "code")  # an officer: not told
    with FakeTelegram() as fake:
        async def scenario():
            deliverer = apps[0].bot_data["deliverer"]
            sent = await dispatch_review(core, deliverer)
            assert sent == (1 if found else 0)
            if found:
                [notice] = await wait(fake, 1)
                assert str(notice["chat_id"]) == "800" and notice["text"].startswith("🔎 Rà soát tài liệu ISO")
            assert await dispatch_review(core, deliverer) == 0  # told once

        apps = []
        run(core, fake, scenario, apps)
    assert found, "the chat base has findings to tell (an undefined form, an overdue review…)"
