"""Question banks in the console: their problems in Vietnamese, and `quiz draft` proposals that a person
approves (edited or not) into a bank, or rejects; nothing is published unreviewed."""

from __future__ import annotations

import os
import random
from datetime import date
from pathlib import Path

import yaml
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from indexer import store as index_store
from indexer.errors import IsobotError
from quizzes.bank import LETTERS, check_question
from quizzes.draft import draft

from .auth import ISO
from .guard import requires
from .render import page
from .vi import problem_vi

APPROVED = "bo-sung"  # the bank approved proposals go to
APPROVED_TITLE = "Câu hỏi bổ sung (đã duyệt)"
def _drafts_dir(request: Request) -> Path:
    return request.app.state.settings.banks_dir.parent / "drafts"


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data.get("questions"), list) else {"questions": []}


def _dump(path: Path, data: dict, header: str = "") -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    os.replace(tmp, path)


@requires(ISO)
async def banks(request: Request) -> Response:
    bank = request.app.state.bank()
    proposals = []
    folder = _drafts_dir(request)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            proposals += [{"file": path.name, **q} for q in _load(path)["questions"] if isinstance(q, dict)]
        except (OSError, yaml.YAMLError):
            continue
    return page(request, "banks.html", title="Ngân hàng câu hỏi", topics=bank.topics.values(),
                problems=[(p.file, p.line, problem_vi(p.message)) for p in bank.problems], proposals=proposals,
                letters=LETTERS, notice=request.query_params.get("ok", ""), error=request.query_params.get("loi", ""))


@requires(ISO)
async def propose(request: Request) -> Response:
    """`isobot quiz draft --from knowledge`, from the page: a new proposals file."""
    s = request.app.state
    try:
        chunks = index_store.load(s.settings.data_dir).chunks
    except IsobotError:
        return RedirectResponse("/ngan-hang?loi=Chưa có chỉ mục tài liệu.", status_code=303)
    questions = draft(chunks, random.Random(), 40)
    folder = _drafts_dir(request)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"draft-{date.today():%Y%m%d}.yaml"
    _dump(path, {"topic": "de-xuat", "title": "Câu hỏi đề xuất (chờ duyệt)", "status": "draft", "questions": questions},
          "# BẢN ĐỀ XUẤT — chưa được dùng: duyệt hoặc loại từng câu trên trang Ngân hàng câu hỏi.\n")
    s.web.audit(request.state.officer.staff_id, "draft.create", path.name, None, {"questions": len(questions)})
    return RedirectResponse(f"/ngan-hang?ok=Đã đề xuất {len(questions)} câu hỏi, chờ duyệt.", status_code=303)


def _take(request: Request, file: str, qid: str) -> dict | None:
    """Remove one proposal from its file; the proposal, or None."""
    path = _drafts_dir(request) / Path(file).name
    if not path.is_file():
        return None
    data = _load(path)
    found = next((q for q in data["questions"] if isinstance(q, dict) and str(q.get("id")) == qid), None)
    if found is not None:
        data["questions"].remove(found)
        _dump(path, data)
    return found


@requires(ISO)
async def decide(request: Request) -> Response:
    s, form = request.app.state, request.state.form
    file, qid, action = str(form.get("file", "")), str(form.get("id", "")), str(form.get("action", ""))
    if action == "reject":
        found = _take(request, file, qid)
        if found is not None:
            s.web.audit(request.state.officer.staff_id, "draft.reject", qid, found, None)
        return RedirectResponse("/ngan-hang?ok=Đã loại câu đề xuất.", status_code=303)
    bank_path = s.settings.banks_dir / f"{APPROVED}.yaml"
    bank = _load(bank_path) if bank_path.is_file() else {"topic": APPROVED, "title": APPROVED_TITLE, "questions": []}
    used = {str(q.get("id")) for q in bank["questions"] if isinstance(q, dict)}
    new_id = next(f"{APPROVED}-{n:03d}" for n in range(1, 10_000) if f"{APPROVED}-{n:03d}" not in used)
    raw = {"id": new_id, "question": str(form.get("question", "")).strip(),
           "options": [str(o).strip() for o in form.getlist("options") if str(o).strip()],
           "answer": str(form.get("answer", "")).strip(), "explanation": str(form.get("explanation", "")).strip(),
           "source": {"document": str(form.get("document", "")).strip(), "section": str(form.get("section", "")).strip()}}
    _, errors = check_question(raw, APPROVED)
    if errors:
        return RedirectResponse("/ngan-hang?loi=" + "; ".join(problem_vi(e) for e in errors), status_code=303)
    if _take(request, file, qid) is None:
        return RedirectResponse("/ngan-hang?loi=Câu đề xuất này không còn nữa.", status_code=303)
    bank.setdefault("topic", APPROVED)
    bank.setdefault("title", APPROVED_TITLE)
    bank["questions"].append(raw)
    _dump(bank_path, bank)
    s.web.audit(request.state.officer.staff_id, "draft.approve", new_id, {"draft": qid}, raw)
    return RedirectResponse(f"/ngan-hang?ok=Đã duyệt vào ngân hàng «{APPROVED_TITLE}» ({new_id}).", status_code=303)


routes = [
    Route("/ngan-hang", banks),
    Route("/ngan-hang/de-xuat", propose, methods=["POST"]),
    Route("/ngan-hang/duyet", decide, methods=["POST"]),
]
