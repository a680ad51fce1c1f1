"""Hostile or broken files in the knowledge folder: refused with a reason, quickly, the rest indexed."""

import errno
import itertools
import os
import time
import zipfile
from pathlib import Path

import pytest

from conftest import make_docx
from indexer import build, readers, store
from indexer.build import build_index
from indexer.embedder import HashingEmbedder
from indexer.errors import DocumentError, IsobotError
from indexer.readers import read

# ~350 bytes of YAML; yaml.safe_load shares the nested lists, but str() of the title spells out 9**6 "lol"s
ALIAS_BOMB = "---\n" + "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n" for prev, name in zip("abcd", "bcde")
) + "title: [" + ",".join(["*e"] * 9) + "]\n---\n# Quy trình giả\n\nNội dung.\n"

PARAGRAPH = "<w:p><w:r><w:t>Quy trình kiểm soát tài liệu</w:t></w:r></w:p>"


def docx_with_body(path: Path, body: str) -> Path:
    """A .docx made by python-docx, its body XML then replaced by hand (millions of <w:p/> zip to a few KB)."""
    import docx

    base = path.with_name("base-" + path.name)
    docx.Document().save(str(base))
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode()
                start = xml.index("<w:body>") + len("<w:body>")
                data = (xml[:start] + body + xml[start:]).encode()
            zout.writestr(item, data)
    base.unlink()
    return path


def test_the_alias_bomb_really_expands():
    import yaml

    assert len(ALIAS_BOMB) < 400
    assert len(str(yaml.safe_load(ALIAS_BOMB.split("---")[1])["title"])) > 3_000_000


def test_yaml_alias_bomb_is_refused_and_the_rest_indexed(kb, tmp_path):
    (kb / "bom.md").write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.monotonic()
    report = build_index(kb, tmp_path / "data", HashingEmbedder())
    assert time.monotonic() - started < 10
    assert report.documents == 5
    [failure] = report.failed
    assert failure["path"] == "bom.md" and "aliases" in failure["error"] and "\n" not in failure["error"]


def test_yaml_anchor_alone_is_refused_too(tmp_path):
    path = tmp_path / "neo.md"
    path.write_text("---\ntitle: &t Quy trình\n---\n# X\n\nNội dung.\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="anchors or aliases"):
        read(path)


def test_front_matter_over_64_kib_is_refused(tmp_path):
    path = tmp_path / "dai.md"
    path.write_text("---\ntitle: Quy trình\n# " + "x" * 70_000 + "\n---\n# Quy trình\n\nNội dung.\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="front matter longer than 64 KiB"):
        read(path)


@pytest.mark.parametrize(
    "name, content",
    [
        ("front.md", '---\ntitle: "Quy trình ' + "rất dài " * 1000 + '"\n---\nNội dung.\n'),
        ("heading.md", "# Quy trình " + "rất dài " * 1000 + "\n\nNội dung.\n"),
        ("title.html", "<title>Quy trình\n" + "rất dài " * 1000 + "</title><p>Nội dung.</p>"),
    ],
)
def test_titles_are_one_short_line(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc = read(path)
    assert doc.title.startswith("Quy trình rất dài") and len(doc.title) <= 500 and "\n" not in doc.title


def test_front_matter_code_must_be_plain_text(tmp_path):
    path = tmp_path / "ma.md"
    path.write_text("---\ntitle: Quy trình\ncode: {so: 5, nam: 2025}\n---\nNội dung.\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="'code' must be plain text"):
        read(path)


def test_long_metadata_line_is_cut(tmp_path):
    path = tmp_path / "qt.txt"
    path.write_text("QUY TRÌNH\nMã hiệu: QT-01 " + "x" * 5000 + "\nNội dung.\n", encoding="utf-8")
    assert len(read(path).meta["code"]) <= 100


def test_file_over_the_size_limit_is_refused_without_being_read(kb, tmp_path, monkeypatch):
    (kb / "lon.txt").write_text("Dòng văn bản.\n" * 100_000, encoding="utf-8")  # 1.7 MiB
    hashed = []
    real_sha256 = build._sha256
    monkeypatch.setattr(build, "_sha256", lambda path: hashed.append(path.name) or real_sha256(path))
    report = build_index(kb, tmp_path / "data", HashingEmbedder(), limits=readers.Limits(max_bytes=2**20))
    assert report.documents == 5 and "lon.txt" not in hashed
    [failure] = report.failed
    assert failure == {"path": "lon.txt", "error": "file too large (1.7 MiB, the limit is 1 MiB)"}


def test_docx_that_unzips_too_large_is_refused(tmp_path):
    path = docx_with_body(tmp_path / "nen.docx", "<!--" + " " * 3 * 2**20 + "-->" + PARAGRAPH)
    assert path.stat().st_size < 2**20
    with pytest.raises(DocumentError, match="unzips to more than 2 MiB of XML"):
        read(path, readers.Limits(max_bytes=2 * 2**20))


def test_docx_with_millions_of_empty_paragraphs_stops_early(tmp_path):
    path = docx_with_body(tmp_path / "rong.docx", "<w:p/>" * 1_700_000 + PARAGRAPH)
    assert path.stat().st_size < 200 * 1024
    started = time.monotonic()
    with pytest.raises(DocumentError, match="more than 200000 paragraphs"):
        read(path)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "name, content",
    [
        ("dong.txt", "Dòng.\n" * 5000),
        ("trong.md", "# Tiêu đề\n" + "\n" * 5000 + "Nội dung.\n"),
        ("the.html", "<p>Đoạn.</p>" * 5000),
        ("doan.docx", "<w:p/>" * 5000 + PARAGRAPH),
        ("o.docx", "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"100000000\"/></w:tcPr>" + PARAGRAPH + "</w:tc></w:tr></w:tbl>"),
    ],
)
def test_block_limit_stops_every_format(tmp_path, name, content):
    path = tmp_path / name
    if name.endswith(".docx"):
        docx_with_body(path, content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match="more than 1000 paragraphs"):
        read(path, readers.Limits(max_blocks=1000))


@pytest.mark.parametrize("name", ["cham.md", "cham.docx"])
def test_a_slow_read_is_abandoned(tmp_path, monkeypatch, name):
    path = tmp_path / name
    if name.endswith(".docx"):
        make_docx(path)
    else:
        path.write_text("# Tiêu đề\n\n" + "Một dòng.\n" * 100, encoding="utf-8")
    clock = itertools.count(0, 10.0)  # each look at the clock is ten seconds later
    monkeypatch.setattr(readers, "monotonic", lambda: next(clock))
    with pytest.raises(DocumentError, match="reading took longer than 60 s"):
        read(path)


@pytest.mark.parametrize(
    "name, content",
    [
        ("thang.md", "# Quy trình " + "#" * 40_000 + "x\n\nNội dung.\n"),
        ("khoang.txt", "Mã hiệu: QT-01" + "\x0c" * 40_000 + "x\nNội dung.\n"),
    ],
)
def test_long_runs_in_a_line_are_read_in_linear_time(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    started = time.monotonic()
    read(path)
    assert time.monotonic() - started < 1


def test_symbolic_links_are_skipped_and_reported(kb, tmp_path):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi-mat.md").write_text("# Bí mật\n\nMật khẩu máy chủ là 271828.\n", encoding="utf-8")
    (kb / "lien-ket.md").symlink_to(outside / "bi-mat.md")
    (kb / "quy-trinh" / "thu-muc-ngoai").symlink_to(outside, target_is_directory=True)
    report = build_index(kb, tmp_path / "data", HashingEmbedder())
    assert report.documents == 5
    assert report.failed == [
        {"path": "lien-ket.md", "error": "symbolic link skipped"},
        {"path": "quy-trinh/thu-muc-ngoai", "error": "symbolic link skipped"},
    ]
    assert not any("271828" in c.text for c in store.load(tmp_path / "data").chunks)


def test_stale_partial_folder_is_removed_even_when_nothing_changed(kb, tmp_path):
    data = tmp_path / "data"
    build_index(kb, data, HashingEmbedder())
    current = os.readlink(data / "index")
    stale = data / "indexes" / "000099-4242.partial"
    stale.mkdir()
    (stale / "vectors.npy").write_bytes(b"half written")
    (data / ".index-4242").symlink_to(Path("indexes") / stale.name)
    report = build_index(kb, data, HashingEmbedder())
    assert report.unchanged == 5 and not report.added
    assert [p.name for p in (data / "indexes").iterdir()] == [current.split("/")[-1]]
    assert not (data / ".index-4242").is_symlink() and os.readlink(data / "index") == current


@pytest.mark.parametrize(
    "target, code, reason",
    [
        ("numpy.save", errno.ENOSPC, "No space left on device"),  # while writing the new folder
        ("os.replace", errno.EACCES, "Permission denied"),  # when swapping the link, after the rename
    ],
)
def test_disk_error_keeps_the_old_index_and_leaves_no_partial_folder(kb, tmp_path, monkeypatch, target, code, reason):
    data = tmp_path / "data"
    build_index(kb, data, HashingEmbedder())
    before = store.load(data)
    (kb / "qt-09-moi.md").write_text("# Quy trình mới\n\nNội dung mới.\n", encoding="utf-8")

    def fail(*args, **kwargs):
        raise OSError(code, reason)

    monkeypatch.setattr(target, fail)
    with pytest.raises(IsobotError) as error:
        build_index(kb, data, HashingEmbedder())
    monkeypatch.undo()
    assert str(error.value) == f"cannot write the index in {data / 'indexes'}: {reason}"
    after = store.load(data)
    assert after.folder == before.folder and after.chunks == before.chunks
    assert [p.name for p in (data / "indexes").iterdir()] == [before.folder.name]
    assert not list(data.glob(".index-*"))
