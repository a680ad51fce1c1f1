"""Every supported format, and every way a file can be bad."""

from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, make_docx
from indexer.errors import DocumentError
from indexer.readers import read
from indexer.structure import chunk_document

MINIMAL_PDF_TEXT = "Ma hieu: QT-11 1. Muc dich Kiem tra tai lieu"


def minimal_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with a real text layer, written by hand (standard font, ASCII text)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


def sections_of(path: Path) -> list[str]:
    return [c.section for c in chunk_document(read(path), path.name)]


def test_markdown_front_matter_headings_and_step_table():
    doc = read(FIXTURES / "kb/quy-trinh/qt-02-kiem-soat-ho-so.md")
    assert doc.title == "Quy trình kiểm soát hồ sơ"
    assert doc.meta == {"code": "QT-02", "revision": "02", "effective_date": "2025-06-01"}
    chunks = chunk_document(doc, "qt-02.md")
    by_section = {c.section: c.text for c in chunks}
    table = by_section["5. Nội dung quy trình > 5.2 Thời gian lưu và hủy hồ sơ"]
    assert "Bước: 3; Nội dung công việc: Phê duyệt hủy hồ sơ; Trách nhiệm: Chủ tịch UBND phường" in table
    assert all(c.code == "QT-02" and c.revision == "02" for c in chunks)


def test_text_with_metadata_lines_and_numbered_headings():
    doc = read(FIXTURES / "kb/quy-trinh/qt-07-mot-cua.txt")
    assert doc.title.startswith("QUY TRÌNH TIẾP NHẬN HỒ SƠ")
    assert doc.meta == {"code": "QT-07", "revision": "04", "effective_date": "01/07/2025"}
    assert "5. Nội dung quy trình > 5.2 Xử lý hồ sơ trễ hạn" in sections_of(FIXTURES / "kb/quy-trinh/qt-07-mot-cua.txt")


def test_docx_heading_styles_header_table_and_steps(tmp_path):
    path = make_docx(tmp_path / "qt-05.docx")
    doc = read(path)
    assert doc.title == "Quy trình xem xét của lãnh đạo"
    assert doc.meta["code"] == "QT-05" and doc.meta["revision"] == "02" and doc.meta["effective_date"] == "15/09/2025"
    chunks = chunk_document(doc, "qt-05.docx")
    step = next(c for c in chunks if c.section == "5. Nội dung quy trình > 5.1 Tần suất xem xét")
    assert "ít nhất một lần mỗi năm" in step.text
    assert "Bước: 2; Nội dung: Họp xem xét, kết luận; Trách nhiệm: Chủ tịch UBND phường" in step.text


def test_html_headings_table_entities_and_no_script():
    doc = read(FIXTURES / "kb/quy-trinh/qt-08-phan-anh.html")
    assert doc.title == "Quy trình xử lý phản ánh, kiến nghị"
    assert doc.meta["code"] == "QT-08"
    text = "\n".join(c.text for c in chunk_document(doc, "qt-08.html"))
    assert "người dân & tổ chức" in text
    assert "Bước: 2; Nội dung công việc: Phân loại" in text
    assert "không phải nội dung" not in text


def test_pdf_text_layer(tmp_path):
    doc = read(minimal_pdf(tmp_path / "qt-11.pdf", ["Ma hieu: QT-11", "1. Muc dich", "Kiem tra tai lieu"]))
    assert doc.meta["code"] == "QT-11"
    assert any("Kiem tra tai lieu" in b.text for b in doc.blocks)


def test_sample_knowledge_pdf_reads_vietnamese():
    pdfs = sorted((ROOT / "knowledge").rglob("*.pdf"))
    assert pdfs, "the sample knowledge base must hold a PDF"
    doc = read(pdfs[0])
    assert doc.meta.get("code") and doc.meta.get("revision")
    text = " ".join(b.text for b in doc.blocks)
    assert "Mục đích" in text or "mục đích" in text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.md", b"", "no text"),
        ("blank.txt", b"   \n\n\t\n", "no text"),
        ("latin1.txt", "Quy trình".encode("cp1258", errors="replace") + b"\xff\xfe", "not UTF-8"),
        ("broken.docx", b"PK\x03\x04 this is not a zip", "cannot read"),
        ("broken.pdf", b"%PDF-1.4\n garbage without objects", "PDF"),
        ("bad-front.md", b"---\ntitle: [unclosed\n---\n# X\nbody", "front matter"),
        ("image.png", b"\x89PNG", "unsupported"),
    ],
)
def test_bad_files_raise_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        read(path)


def test_nfd_and_zero_width_text_is_normalised(tmp_path):
    import unicodedata

    path = tmp_path / "nfd.md"
    path.write_text(unicodedata.normalize("NFD", "# Thủ tục chứng thực\n\nNộp\u200b bản sao tại bộ phận một cửa."), encoding="utf-8")
    chunk = chunk_document(read(path), "nfd.md")[0]
    assert chunk.title == "Thủ tục chứng thực"
    assert chunk.text == "Nộp bản sao tại bộ phận một cửa."
