"""Fixtures are tiny real things: Vietnamese documents, tmp folders, the real model and index."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"


def make_docx(path: Path) -> Path:
    """A procedure as an officer would write it in Word: header table, heading styles, step table."""
    import docx

    d = docx.Document()
    d.add_heading("Quy trình xem xét của lãnh đạo", level=1)
    t = d.add_table(rows=3, cols=2)
    for row, (k, v) in zip(t.rows, [("Mã hiệu", "QT-05"), ("Lần ban hành", "02"), ("Ngày hiệu lực", "15/09/2025")]):
        row.cells[0].text, row.cells[1].text = k, v
    d.add_heading("1. Mục đích", level=2)
    d.add_paragraph("Lãnh đạo xem xét hệ thống quản lý chất lượng để bảo đảm luôn phù hợp, thỏa đáng và có hiệu lực.")
    d.add_heading("5. Nội dung quy trình", level=2)
    d.add_heading("5.1 Tần suất xem xét", level=3)
    d.add_paragraph("Cuộc họp xem xét của lãnh đạo được tổ chức ít nhất một lần mỗi năm, do Chủ tịch UBND phường chủ trì.")
    steps = d.add_table(rows=3, cols=3)
    for row, cells in zip(steps.rows, [("Bước", "Nội dung", "Trách nhiệm"),
                                       ("1", "Chuẩn bị báo cáo đầu vào", "Thư ký ISO"),
                                       ("2", "Họp xem xét, kết luận", "Chủ tịch UBND phường")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    d.save(str(path))
    return path


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A copy of the fixture knowledge folder plus a .docx, free to modify."""
    dest = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "kb", dest)
    make_docx(dest / "quy-trinh" / "qt-05-xem-xet-lanh-dao.docx")
    return dest


@pytest.fixture(scope="session")
def model_dir() -> Path:
    from indexer.models import default_model_dir, prepare_default

    configured = os.environ.get("ISOBOT_EMBED_MODEL")
    if configured:
        return Path(configured)
    return prepare_default(default_model_dir(ROOT / "data"))


@pytest.fixture(scope="session")
def embedder(model_dir: Path):
    """The real embedding model, loaded once per session."""
    from indexer.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model_dir)


@pytest.fixture(scope="session")
def fp32_embedder(model_dir: Path, embedder):
    """The converted folder in fp32: the session's embedder encodes in bf16 where the CPU has it."""
    from indexer.embedder import SentenceTransformerEmbedder

    return embedder if embedder.precision == "fp32" else SentenceTransformerEmbedder(model_dir, precision="fp32")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, embedder):
    """The fixture knowledge folder indexed with the real model: (knowledge dir, data dir, searcher)."""
    from indexer import store
    from indexer.build import build_index
    from indexer.search import Searcher

    base = tmp_path_factory.mktemp("real")
    knowledge = base / "knowledge"
    shutil.copytree(FIXTURES / "kb", knowledge)
    make_docx(knowledge / "quy-trinh" / "qt-05-xem-xet-lanh-dao.docx")
    data = base / "data"
    build_index(knowledge, data, embedder)
    return knowledge, data, Searcher(store.load(data, embedder.id), embedder)


@pytest.fixture(scope="session")
def chat_index(tmp_path_factory, embedder):
    """Knowledge for the chat tests, indexed once: (knowledge dir, data dir)."""
    from chat_fixtures import chat_knowledge
    from indexer.build import build_index

    base = tmp_path_factory.mktemp("chat")
    knowledge = chat_knowledge(base)
    build_index(knowledge, base / "data", embedder)
    return knowledge, base / "data"


@pytest.fixture
def core(chat_index, embedder, tmp_path):
    """The real conversation core: real index, real model, a fresh SQLite file with the roster imported."""
    from bot.knowledge import Knowledge
    from bot.core import Core
    from bot.roster import import_officers
    from bot.settings import Settings
    from bot.storage import Store
    from chat_fixtures import ROSTER

    import random

    from quizzes.bank import load_bank

    knowledge, data = chat_index
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    store = Store(tmp_path / "isobot.db", clock=Clock())
    assert import_officers(store, roster).errors == []
    return Core(Knowledge(Settings(knowledge_dir=knowledge, data_dir=data), embedder), store,
                bank=load_bank(FIXTURES / "banks"), rng=random.Random(7))


class Clock:
    """An injected clock: tests move time forward instead of sleeping."""

    def __init__(self, start: str = "2026-12-01T08:00:00+07:00") -> None:
        from datetime import datetime

        self.now = datetime.fromisoformat(start)

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)
