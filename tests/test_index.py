"""Incremental indexing, the atomic swap, model identity; FAISS checked against NumPy."""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from indexer import store
from indexer.build import build_index
from indexer.embedder import HashingEmbedder
from indexer.errors import IndexMismatch, IndexMissing
from indexer.search import Searcher


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting what it is asked to embed."""

    def __init__(self, dimension: int = 64) -> None:
        super().__init__(dimension)
        self.embedded: list[str] = []

    def embed(self, texts, kind="passage", progress=False):
        self.embedded += list(texts)
        return super().embed(texts, kind, progress)


def test_first_build_then_nothing_to_do(kb, tmp_path):
    emb = CountingEmbedder()
    first = build_index(kb, tmp_path / "data", emb)
    assert first.documents == 5 and len(first.added) == 5 and first.failed == []
    assert first.chunks + first.documents == len(emb.embedded)  # chunks and one title per document
    assert first.chunks > 10
    emb.embedded.clear()
    again = build_index(kb, tmp_path / "data", emb)
    assert (again.unchanged, again.added, again.updated, again.removed) == (5, [], [], [])
    assert emb.embedded == []


def test_changed_file_is_re_embedded_alone_and_deleted_file_dropped(kb, tmp_path):
    emb = CountingEmbedder()
    data = tmp_path / "data"
    build_index(kb, data, emb)
    emb.embedded.clear()
    html = kb / "quy-trinh/qt-08-phan-anh.html"
    html.write_text(html.read_text(encoding="utf-8").replace("đường dây nóng", "đường dây nóng 1022"), encoding="utf-8")
    (kb / "phap-luat/nghi-dinh-mau.txt").unlink()
    report = build_index(kb, data, emb)
    assert report.updated == ["quy-trinh/qt-08-phan-anh.html"]
    assert report.removed == ["phap-luat/nghi-dinh-mau.txt"]
    assert report.unchanged == 3
    assert emb.embedded and all("Quy trình xử lý phản ánh" in t for t in emb.embedded)
    index = store.load(data)
    assert {c.source for c in index.chunks} == set(index.documents) and "phap-luat/nghi-dinh-mau.txt" not in index.documents
    assert any("1022" in c.text for c in index.chunks)


def test_incremental_index_equals_full_rebuild(kb, tmp_path):
    emb = HashingEmbedder()
    build_index(kb, tmp_path / "inc", emb)
    (kb / "quy-trinh/qt-07-mot-cua.txt").write_text("QUY TRÌNH MỚI\nMã hiệu: QT-07\n1. Mục đích\nNội dung mới.\n", encoding="utf-8")
    (kb / "quy-trinh/qt-09-moi.md").write_text("# Quy trình đo lường sự hài lòng\n\nKhảo sát mỗi quý.\n", encoding="utf-8")
    build_index(kb, tmp_path / "inc", emb)
    build_index(kb, tmp_path / "full", emb)
    inc, full = store.load(tmp_path / "inc"), store.load(tmp_path / "full")
    key = lambda pair: (pair[0].source, pair[0].section, pair[0].text)  # noqa: E731
    a = sorted(zip(inc.chunks, inc.vectors.tolist()), key=key)
    b = sorted(zip(full.chunks, full.vectors.tolist()), key=key)
    assert [x[0] for x in a] == [x[0] for x in b]
    assert np.allclose([x[1] for x in a], [x[1] for x in b])


def test_corrupt_file_is_reported_and_the_rest_indexed(kb, tmp_path):
    (kb / "hong.docx").write_bytes(b"PK\x03\x04 broken")
    (kb / "rong.md").write_text("", encoding="utf-8")
    report = build_index(kb, tmp_path / "data", HashingEmbedder())
    assert report.documents == 5
    assert {f["path"] for f in report.failed} == {"hong.docx", "rong.md"}
    assert all(f["error"] for f in report.failed)


def test_faiss_candidates_equal_numpy_brute_force(kb, tmp_path):
    """The FAISS index keeps the vectors in fp16 to pick candidates; search scores them in fp32."""
    emb = HashingEmbedder(32)
    build_index(kb, tmp_path / "data", emb)
    index = store.load(tmp_path / "data")
    q = emb.embed(["thời gian lưu hồ sơ"], kind="query")
    scores, ids = index.faiss_index().search(q, 5)
    brute = index.vectors @ q[0]
    assert np.allclose(scores[0], np.sort(brute)[::-1][:5], atol=2e-3)
    assert set(ids[0]) <= set(np.flatnonzero(brute >= scores[0][-1] - 2e-3))


def test_model_mismatch_is_refused_on_load_and_rebuilt_on_index(kb, tmp_path):
    data = tmp_path / "data"
    build_index(kb, data, HashingEmbedder(64))
    with pytest.raises(IndexMismatch, match="isobot index"):
        store.load(data, model="hashing-32")
    notes = []
    report = build_index(kb, data, CountingEmbedder(32), log=notes.append)
    assert len(report.added) == 5 and report.unchanged == 0
    assert notes and "hashing-64 -> hashing-32" in notes[0]
    assert store.load(data, model="hashing-32").vectors.shape[1] == 32


def test_an_index_made_by_older_readers_is_read_again(kb, tmp_path, monkeypatch):
    """Upgrading isobot may read the same files into other chunks (a table read back into rows): the
    unchanged files are then re-read, not kept as they were chunked before."""
    from indexer import build

    data = tmp_path / "data"
    build_index(kb, data, HashingEmbedder())
    monkeypatch.setattr(build, "READERS", build.READERS + 1)
    notes = []
    report = build_index(kb, data, HashingEmbedder(), log=notes.append)
    assert report.unchanged == 0 and len(report.added) == 5 and "chunking changed" in notes[0]
    assert f"'readers': {build.READERS}}}" in notes[0]  # says what changed, not "model or chunking"


def test_missing_index_says_what_to_do(tmp_path):
    with pytest.raises(IndexMissing, match="isobot index"):
        store.load(tmp_path)


def test_stale_partial_folder_from_a_crash_is_ignored_then_removed(kb, tmp_path):
    data = tmp_path / "data"
    build_index(kb, data, HashingEmbedder())
    stale = data / "indexes" / "999999-1.partial"
    stale.mkdir()
    (stale / "manifest.json").write_text("{ half written", encoding="utf-8")
    assert len(store.load(data).chunks) > 0
    (kb / "quy-trinh/qt-09.md").write_text("# Quy trình mới\n\nNội dung.\n", encoding="utf-8")
    build_index(kb, data, HashingEmbedder())
    assert [p.name for p in (data / "indexes").iterdir()] == [os.readlink(data / "index").split("/")[-1]]


CRASH_SCRIPT = """
import sys
from pathlib import Path
from indexer.build import build_index
from indexer.embedder import SentenceTransformerEmbedder
emb = SentenceTransformerEmbedder(Path(sys.argv[3]))
build_index(Path(sys.argv[1]), Path(sys.argv[2]), emb, log=lambda m: print(m, flush=True))
"""


@pytest.mark.slow
def test_killed_mid_index_leaves_the_old_index_answering(kb, tmp_path, embedder, model_dir):
    data = tmp_path / "data"
    build_index(kb, data, embedder)
    before = Searcher(store.load(data, embedder.id), embedder).search("thời gian lưu hồ sơ", k=3)
    for i in range(60):  # enough new text that embedding takes seconds
        (kb / f"bo-sung-{i}.md").write_text(f"# Văn bản bổ sung {i}\n\n" + "Nội dung hướng dẫn nghiệp vụ một cửa. " * 40, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", CRASH_SCRIPT, str(kb), str(data), str(model_dir)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline()  # "embedding N chunks…": the build is under way
    assert line.startswith("embedding"), line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    index = store.load(data, embedder.id)
    assert not any(c.source.startswith("bo-sung") for c in index.chunks)
    after = Searcher(index, embedder).search("thời gian lưu hồ sơ", k=3)
    assert [h.chunk for h in after] == [h.chunk for h in before]
    report = build_index(kb, data, embedder)
    assert len(report.added) == 60 and report.unchanged == 5
    assert len(list((data / "indexes").iterdir())) == 1
