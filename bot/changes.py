"""A document's new revision, turned into draft quiz questions on what changed, for a person to approve."""

from __future__ import annotations

import random
from datetime import date

import yaml

from indexer import changes, store
from indexer.errors import IsobotError
from quizzes.draft import draft

from .settings import Settings


def propose(settings: Settings, document: str, limit: int = 10) -> dict:
    """Draft questions from the sections the last recorded change of ``document`` (a path or a code)
    added or rewrote, written to ``quizzes/drafts/`` (never to a bank)."""
    found = changes.history(settings.data_dir, document)
    if not found:
        raise IsobotError(f"no recorded change of {document}: a change is recorded when `isobot index` "
                          "reads a new version of a document")
    last = found[-1]
    wanted = set(last["added"]) | set(last["changed"])
    document = [c for c in store.load(settings.data_dir).chunks if c.source == last["source"]]
    questions = draft([c for c in document if c.section in wanted], random.Random(), limit)
    folder = settings.banks_dir.parent / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"thay-doi-{(last['code'] or 'tai-lieu').lower()}-{date.today():%Y%m%d}.yaml"
    header = (f"# BẢN ĐỀ XUẤT — câu hỏi về các mục thay đổi của {last['code']} «{last['title']}» "
              f"(lần ban hành {last['old_revision'] or '?'} → {last['new_revision'] or '?'}).\n"
              "# Chưa được dùng: duyệt hoặc loại từng câu trên trang Ngân hàng câu hỏi của bảng điều hành.\n")
    body = yaml.safe_dump({"topic": "de-xuat", "title": "Câu hỏi về tài liệu sửa đổi (chờ duyệt)", "status": "draft",
                           "questions": questions}, allow_unicode=True, sort_keys=False, width=120)
    (folder / name).write_text(header + body, encoding="utf-8")
    return {"source": last["source"], "code": last["code"], "sections": sorted(wanted), "questions": len(questions),
            "file": str(folder / name), "units": concerned_units(settings, document)}


def concerned_units(settings: Settings, chunks: list) -> list[str]:
    """The roster's units a document names (its scope, its responsibilities): who a quiz on it is for."""
    from indexer.text import fold

    from .storage import Store

    text = fold(" ".join(c.text for c in chunks))
    units = {o.unit for o in Store(settings.db_path).officers(active_only=True) if o.unit}
    return sorted(u for u in units if fold(u) in text)
