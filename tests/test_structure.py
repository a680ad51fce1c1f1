"""Legal structure (Phần, Chương, Mục, Điều, Khoản) and ISO procedure sections."""

from conftest import FIXTURES
from indexer.documents import Block, RawDocument
from indexer.readers import read
from indexer.structure import chunk_document, sections


def test_legal_structure_in_plain_text():
    doc = read(FIXTURES / "kb/phap-luat/nghi-dinh-mau.txt")
    paths = [" > ".join(s.path) for s in sections(doc)]
    assert "Chương I. NHỮNG QUY ĐỊNH CHUNG > Điều 2. Giải thích từ ngữ" in paths
    assert "Chương II. TIẾP NHẬN VÀ XỬ LÝ > Mục 1. TIẾP NHẬN > Điều 3. Hình thức tiếp nhận" in paths
    # the numbered clauses (khoản) of an article stay inside it, they are not headings
    article = next(s for s in sections(doc) if s.path[-1].startswith("Điều 2."))
    assert article.units[0].startswith("1. Phản ánh") and article.units[1].startswith("2. Kiến nghị")


def test_legal_structure_with_parts_in_any_format():
    blocks = [Block("heading", "Luật mẫu", 1), Block("para", "Phần thứ nhất"), Block("para", "QUY ĐỊNH CHUNG"),
              Block("para", "Chương I"), Block("para", "PHẠM VI"), Block("para", "Điều 1. Phạm vi"),
              Block("para", "Luật này quy định...")]
    [section] = sections(RawDocument("Luật mẫu", blocks))
    assert section.path == ["Phần thứ nhất. QUY ĐỊNH CHUNG", "Chương I. PHẠM VI", "Điều 1. Phạm vi"]


def test_iso_section_names_without_numbers_and_list_items_are_not_headings():
    blocks = [Block("para", t) for t in [
        "QUY TRÌNH ĐÁNH GIÁ NỘI BỘ", "Mục đích", "Đánh giá định kỳ hệ thống.", "Nội dung quy trình",
        "1. Lập kế hoạch đánh giá;", "2. Thực hiện đánh giá.", "Hồ sơ cần lưu", "Báo cáo đánh giá: lưu 3 năm.",
    ]]
    doc = RawDocument("QUY TRÌNH ĐÁNH GIÁ NỘI BỘ", blocks)
    got = {" > ".join(s.path): s.units for s in sections(doc)}
    assert got == {
        "Mục đích": ["Đánh giá định kỳ hệ thống."],
        "Nội dung quy trình": ["1. Lập kế hoạch đánh giá;", "2. Thực hiện đánh giá."],
        "Hồ sơ cần lưu": ["Báo cáo đánh giá: lưu 3 năm."],
    }


def test_long_sections_are_cut_at_unit_boundaries():
    units = [Block("para", f"{i}. " + "nội dung " * 45) for i in range(1, 6)]
    doc = RawDocument("T", [Block("para", "Điều 7. Quy định dài")] + units)
    chunks = chunk_document(doc, "t.txt", max_words=200)
    assert len(chunks) == 3
    assert all(c.section == "Điều 7. Quy định dài" for c in chunks)
    assert all(len(c.text.split()) <= 200 for c in chunks)
    assert chunks[1].text.startswith("3. ")
