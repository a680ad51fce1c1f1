"""The ISO secretary's pages: documents (upload, replace, remove, re-index) and the queue of unanswered
and disliked questions."""

from __future__ import annotations

import asyncio
import json
import os
import re
import unicodedata
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from indexer import changes
from indexer import store as index_store
from indexer.errors import IsobotError
from indexer.readers import SUFFIXES

from ..reviews import last_findings, run_review
from .auth import ISO
from .guard import requires
from .render import page


KINDS_VI = {"legal_reference": "Văn bản pháp luật đã được thay thế", "contradiction": "Mâu thuẫn giữa các tài liệu",
            "missing_field": "Thiếu thông tin kiểm soát", "duplicate_code": "Trùng mã hiệu",
            "review_overdue": "Quá hạn rà soát định kỳ", "dangling_reference": "Viện dẫn không tồn tại",
            "missing_section": "Thiếu mục bắt buộc"}


def safe_name(filename: str) -> str | None:
    """A file name to keep inside the knowledge folder: no folders, no control characters, a known type."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    if not name or Path(name).suffix.lower() not in SUFFIXES or len(name.encode()) > 200:
        return None
    return name


def _inside(folder: Path, name: str) -> Path | None:
    path = (folder / name).resolve()
    return path if path.parent == folder.resolve() or folder.resolve() in path.parents else None


def _save(folder: Path, name: str, body: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.uploading"
    tmp.write_bytes(body)
    os.replace(tmp, folder / name)


@requires(ISO)
async def documents(request: Request) -> Response:
    s = request.app.state
    manifest = index_store.manifest(s.settings.data_dir) or {"documents": {}, "failed": []}
    docs = [{"source": src, **d, "chunks": d["chunks"][1] - d["chunks"][0]} for src, d in manifest["documents"].items()]
    job = s.web.job()
    report = json.loads(job["report"]) if job and job.get("report") else None
    history = changes.history(s.settings.data_dir)[-20:][::-1]
    return page(request, "documents.html", title="Tài liệu", docs=docs, failed=manifest.get("failed", []), history=history,
                built=manifest.get("created_at", ""), job=job, report=report,
                max_mb=s.settings.web_max_upload_mb, notice=request.query_params.get("ok", ""),
                error=request.query_params.get("loi", ""))


@requires(ISO)
async def upload(request: Request) -> Response:
    s = request.app.state
    form = request.state.form
    replace = str(form.get("replace", "")).strip()
    files = [f for f in form.getlist("files") if hasattr(f, "read") and f.filename]
    if not files:
        return RedirectResponse("/tai-lieu?loi=Hãy chọn ít nhất một tệp.", status_code=303)
    knowledge = s.settings.knowledge_dir
    saved, refused = [], []
    for f in files:
        name = safe_name(replace) if replace else safe_name(f.filename)
        if replace and Path(f.filename).suffix.lower() != Path(replace).suffix.lower():
            name = None
        target = _inside(knowledge, name) if name else None
        if target is None:
            refused.append(f.filename)
            continue
        before = target.exists()
        _save(knowledge, name, await f.read())
        saved.append(name)
        s.web.audit(request.state.officer.staff_id, "document.replace" if before else "document.upload", name,
                    {"existed": True} if before else None, {"bytes": f.size})
    if saved:
        s.indexer.start(request.state.officer.staff_id)
    msg = f"Đã lưu {len(saved)} tệp; đang lập chỉ mục." if saved else ""
    err = f"Không nhận: {', '.join(refused)} (chỉ nhận .md, .txt, .docx, .pdf, .html)." if refused else ""
    return RedirectResponse(f"/tai-lieu?ok={msg}&loi={err}", status_code=303)


@requires(ISO)
async def remove(request: Request) -> Response:
    s = request.app.state
    name = safe_name(str(request.state.form.get("source", "")))
    target = _inside(s.settings.knowledge_dir, name) if name else None
    if target is None or not target.is_file():
        return RedirectResponse("/tai-lieu?loi=Không có tài liệu này.", status_code=303)
    target.unlink()
    s.web.audit(request.state.officer.staff_id, "document.remove", name, {"existed": True}, None)
    s.indexer.start(request.state.officer.staff_id)
    return RedirectResponse(f"/tai-lieu?ok=Đã gỡ {name}; đang lập chỉ mục lại.", status_code=303)


@requires(ISO)
async def reindex(request: Request) -> Response:
    request.app.state.indexer.start(request.state.officer.staff_id)
    return RedirectResponse("/tai-lieu?ok=Đang lập chỉ mục.", status_code=303)


@requires(ISO, api=True)
async def progress(request: Request) -> Response:
    job = request.app.state.web.job()
    return JSONResponse({k: job[k] for k in ("id", "status", "done", "total", "error")} if job else {})


@requires(ISO)
async def queue(request: Request) -> Response:
    s = request.app.state
    handled = request.query_params.get("da-xu-ly") == "1"
    manifest = index_store.manifest(s.settings.data_dir) or {"documents": {}}
    sources = {src: d.get("title", src) for src, d in manifest["documents"].items()}
    return page(request, "queue.html", title="Câu hỏi chưa được trả lời tốt", rows=s.web.queue(handled),
                handled=handled, sources=sources, notice=request.query_params.get("ok", ""))


@requires(ISO)
async def handle(request: Request) -> Response:
    s = request.app.state
    form = request.state.form
    qid = request.path_params["qid"]
    note, source = str(form.get("note", "")).strip()[:1000], str(form.get("source", "")).strip()[:300]
    before = s.web.handle(qid, request.state.officer.staff_id, note, source)
    if before is None:
        return RedirectResponse("/cau-hoi", status_code=303)
    s.web.audit(request.state.officer.staff_id, "question.handle", str(qid),
                {"handled_at": before.get("handled_at")}, {"note": note, "source": source})
    return RedirectResponse("/cau-hoi?ok=Đã đánh dấu là đã xử lý.", status_code=303)


@requires(ISO)
async def findings(request: Request) -> Response:
    """The last review (after each re-index, or on demand), grouped by kind."""
    s = request.app.state
    rows = last_findings(s.settings)
    when = s.settings.review_path.stat().st_mtime if s.settings.review_path.exists() else None
    groups: dict[str, list] = {}
    for f in rows:
        groups.setdefault(f["kind"], []).append(f)
    return page(request, "review.html", title="Rà soát tài liệu", groups=groups, kinds=KINDS_VI, total=len(rows),
                when=when, notice=request.query_params.get("ok", ""), error=request.query_params.get("loi", ""))


@requires(ISO)
async def review_now(request: Request) -> Response:
    try:
        found = await asyncio.to_thread(run_review, request.app.state.settings)
    except IsobotError:
        return RedirectResponse("/ra-soat?loi=Chưa có chỉ mục tài liệu: hãy lập chỉ mục trước.", status_code=303)
    return RedirectResponse(f"/ra-soat?ok=Đã rà soát: {len(found)} phát hiện.", status_code=303)


@requires(ISO)
async def propose_change(request: Request) -> Response:
    """Draft questions on what a document's last revision changed, to approve on the banks page."""
    from ..changes import propose

    s = request.app.state
    try:
        out = propose(s.settings, str(request.state.form.get("source", "")))
    except IsobotError:
        return RedirectResponse("/tai-lieu?loi=Không có thay đổi nào được ghi nhận cho tài liệu này.", status_code=303)
    s.web.audit(request.state.officer.staff_id, "draft.create", out["file"].rsplit("/", 1)[-1], None, out)
    if not out["questions"]:
        return RedirectResponse("/tai-lieu?loi=Phần thay đổi không có bảng các bước hoặc hồ sơ để tự đề xuất câu hỏi; "
                                "hãy soạn câu hỏi thủ công.", status_code=303)
    return RedirectResponse(f"/ngan-hang?ok=Đã đề xuất {out['questions']} câu hỏi về phần thay đổi, chờ duyệt.",
                            status_code=303)


routes = [
    Route("/tai-lieu", documents),
    Route("/tai-lieu/tai-len", upload, methods=["POST"]),
    Route("/tai-lieu/go", remove, methods=["POST"]),
    Route("/tai-lieu/lap-chi-muc", reindex, methods=["POST"]),
    Route("/tai-lieu/tien-do", progress),
    Route("/tai-lieu/de-xuat-thay-doi", propose_change, methods=["POST"]),
    Route("/ra-soat", findings),
    Route("/ra-soat", review_now, methods=["POST"]),
    Route("/cau-hoi", queue),
    Route("/cau-hoi/{qid:int}/xu-ly", handle, methods=["POST"]),
]
