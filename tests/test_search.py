"""Retrieval and answers with the real model over the fixture documents."""

import unicodedata

import numpy as np
import pytest

from indexer import store
from indexer.answer import answer, trim
from indexer.build import build_index
from indexer.embedder import HashingEmbedder
from indexer.search import Searcher
from indexer.text import fold

CASES = [
    ("hết thời hạn lưu thì hủy hồ sơ như thế nào", "quy-trinh/qt-02-kiem-soat-ho-so.md", "5.2"),
    ("trả kết quả trễ hẹn thì phải làm gì", "quy-trinh/qt-07-mot-cua.txt", "5.2"),
    ("bao lâu họp xem xét của lãnh đạo một lần", "quy-trinh/qt-05-xem-xet-lanh-dao.docx", "5.1"),
    ("thời hạn xử lý phản ánh kiến nghị", "phap-luat/nghi-dinh-mau.txt", "Điều 32"),
    ("ai phê duyệt hủy hồ sơ hết hạn lưu", "quy-trinh/qt-02-kiem-soat-ho-so.md", "5.2"),
]


@pytest.mark.parametrize("question, source, section", CASES)
@pytest.mark.parametrize("variant", ["as typed", "no diacritics", "NFD"])
def test_right_section_first_in_every_spelling(real_index, question, source, section, variant):
    _, _, searcher = real_index
    q = {"as typed": question, "no diacritics": fold(question), "NFD": unicodedata.normalize("NFD", question)}[variant]
    top = searcher.search(q, k=3)[0].chunk
    assert top.source == source and section in top.section


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_every_mode_finds_an_exact_question(real_index, mode):
    _, _, searcher = real_index
    assert searcher.search("Phiếu xin lỗi và hẹn lại ngày trả kết quả", k=1, mode=mode)[0].chunk.source == "quy-trinh/qt-07-mot-cua.txt"


def test_answer_cites_code_revision_and_section(real_index):
    _, _, searcher = real_index
    a = answer("hồ sơ chất lượng phải lưu tối thiểu bao lâu", searcher)
    assert a.answered
    assert "03 năm" in a.passage
    assert (a.citation.code, a.citation.revision) == ("QT-02", "02")
    assert a.citation.section == "5. Nội dung quy trình > 5.2 Thời gian lưu và hủy hồ sơ"
    assert len(a.related) <= 3


@pytest.mark.parametrize("question", ["giá vàng hôm nay", "thoi tiet ha noi ngay mai", "cách nấu phở bò ngon",
                                      "tỷ số trận Việt Nam Thái Lan", "asdfgh qwerty", "👍👍👍"])
def test_off_topic_questions_get_not_found_with_suggestions(real_index, question):
    _, _, searcher = real_index
    a = answer(question, searcher)
    assert not a.answered and a.passage == "" and a.citation is None


def test_empty_and_markup_questions_do_not_break(real_index):
    _, _, searcher = real_index
    assert searcher.search("   \u200b ", k=3) == []
    assert not answer("", searcher).answered
    a = answer("<b>hồ sơ</b> & *lưu* _bao lâu_?", searcher)
    assert a.citation is None or a.citation.source.endswith(".md")


def test_trim_keeps_the_lines_that_answer():
    text = "\n".join([f"Dòng {i} về việc khác hoàn toàn." for i in range(40)] + ["Thời hạn lưu hồ sơ là 05 năm."])
    out = trim(text, "thời hạn lưu hồ sơ", max_chars=200)
    assert "05 năm" in out and len(out) <= 210 and out.startswith("…")


def test_novelty_compares_accented_questions_with_their_diacritics(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "qt.md").write_text("# Quy trình một cửa\n\nSơ đồ quy trình tiếp nhận hồ sơ lần đầu.\n", encoding="utf-8")
    build_index(kb, tmp_path / "data", HashingEmbedder())
    searcher = Searcher(store.load(tmp_path / "data"), HashingEmbedder())
    assert searcher.novelty("sơ đồ quy trình tiếp nhận hồ sơ") == 0.0
    assert searcher.novelty("so do quy trinh tiep nhan ho so") == 0.0  # typed without diacritics: folded pairs
    assert searcher.novelty("làm sổ đỏ lần đầu") == pytest.approx(2 / 3)  # "sổ đỏ" (land title) is not "sơ đồ"


def test_a_loaded_index_reads_its_lexicon_and_ranks_as_one_built_in_memory(real_index, embedder, monkeypatch):
    """Start-up tokenises nothing: BM25, the restorer and the section kinds come from lexicon.sqlite,
    and rank exactly as the same tables computed from the chunks."""
    from indexer import lexicon

    _, data, _ = real_index
    assert (store.current_link(data) / lexicon.FILE).is_file()
    monkeypatch.setattr(lexicon.Lexicon, "build", lambda chunks: pytest.fail("chunks tokenised at start-up"))
    loaded = Searcher(store.load(data, embedder.id), embedder)
    monkeypatch.undo()
    index = store.load(data, embedder.id)
    index._lexicon = lexicon.Lexicon.build(index.chunks)
    fresh = Searcher(index, embedder)
    for q in ["thời gian lưu hồ sơ", "thoi han giai quyet bao lau", "le phi bao nhieu", "ai phê duyệt tài liệu",
              "trang phục công sở"]:
        assert fresh.restorer.restore(q) == loaded.restorer.restore(q)
        assert fresh.novelty(q) == loaded.novelty(q)
        assert [(h.chunk, round(h.score, 5)) for h in fresh.search(q, k=5)] == \
            [(h.chunk, round(h.score, 5)) for h in loaded.search(q, k=5)], q


def test_a_damaged_lexicon_is_rebuilt_from_the_chunks(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "qt.md").write_text("# Quy trình một cửa\n\nThời hạn lưu hồ sơ là 05 năm.\n", encoding="utf-8")
    build_index(kb, tmp_path / "data", HashingEmbedder())
    from indexer import lexicon

    path = store.current_link(tmp_path / "data") / lexicon.FILE
    path.write_bytes(b"not a database" * 100)
    searcher = Searcher(store.load(tmp_path / "data"), HashingEmbedder())
    assert searcher.search("luu ho so bao lau", k=1)[0].chunk.source == "qt.md"
    path.unlink()  # an index written before lexicons were kept
    assert Searcher(store.load(tmp_path / "data"), HashingEmbedder()).search("lưu hồ sơ", k=1)


def test_an_older_lexicon_is_rewritten_at_the_next_index_without_re_embedding(tmp_path):
    import sqlite3

    from indexer import lexicon

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "qt.md").write_text("# Quy trình một cửa\n\nThời hạn lưu hồ sơ là 05 năm.\n", encoding="utf-8")
    build_index(kb, tmp_path / "data", HashingEmbedder())
    before = store.current_link(tmp_path / "data").resolve()
    db = sqlite3.connect(before / lexicon.FILE)
    with db:
        db.execute("update meta set value = ? where key = 'version'", [lexicon.VERSION - 1])
    db.close()
    assert not lexicon.Lexicon.current(before)
    said = []
    report = build_index(kb, tmp_path / "data", HashingEmbedder(), log=said.append)
    after = store.current_link(tmp_path / "data").resolve()
    assert after != before and lexicon.Lexicon.current(after)
    assert report.unchanged == 1 and "older version" in report.notice
    assert not any(line.startswith("embedding") for line in said)  # the vectors were kept
    said.clear()
    assert build_index(kb, tmp_path / "data", HashingEmbedder(), log=said.append).notice == "" and not said


def test_document_vectors_are_the_normalised_means_of_their_chunks(real_index):
    _, _, searcher = real_index
    index = searcher.index
    for row, doc in enumerate(index.documents.values()):
        lo, hi = doc["chunks"]
        mean = np.asarray(index.vectors[lo:hi], np.float64).mean(axis=0)
        assert np.allclose(searcher.centroids[row], mean / np.linalg.norm(mean), atol=1e-5)
    # the whole document's match only adds to the rank mode: the other modes are as they were
    plain = Searcher(index, searcher.embedder, document=0.0)
    question = "trả kết quả trễ hẹn thì phải làm gì"
    for mode in ("dense", "bm25", "hybrid"):
        assert [h.chunk for h in plain.search(question, mode=mode)] == [h.chunk for h in searcher.search(question, mode=mode)]
