"""The ISO secretary's pages: documents (upload, replace, remove, re-index) and the queue of unanswered
and disliked questions."""

from __future__ import annotations

import asyncio
import json
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

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


def document_path(knowledge: Path, source: str) -> Path | None:
    """The file of an indexed document named by its path in the knowledge folder ("quy-trinh/qt-07.txt"),
    subfolders kept; None for a path that would leave the folder, hide a file or has an unknown type."""
    parts = unicodedata.normalize("NFC", source or "").replace("\\", "/").split("/")
    if any(not p or p.startswith(".") or re.search(r"[\x00-\x1f\x7f]", p) for p in parts):
        return None
    if Path(parts[-1]).suffix.lower() not in SUFFIXES:
        return None
    return _inside(knowledge, "/".join(parts))


def _save(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.uploading"
    tmp.write_bytes(body)
    os.replace(tmp, target)


def _back(ok: str = "", error: str = "") -> RedirectResponse:
    """Back to the documents page with its messages (a file name may hold "&" or "#")."""
    return RedirectResponse("/tai-lieu?" + urlencode({"ok": ok, "loi": error}), status_code=303)


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
        return _back(error="Hãy chọn ít nhất một tệp.")
    knowledge = s.settings.knowledge_dir
    if replace:  # a new revision of one document, kept where it is (its subfolder included)
        target = document_path(knowledge, replace)
        if target is None or not target.is_file():
            return _back(error=f"Không có tài liệu {replace}.")
        if len(files) > 1:
            return _back(error="Mỗi lần chỉ thay được một tài liệu bằng một tệp.")
        if Path(files[0].filename).suffix.lower() != target.suffix.lower():
            return _back(error=f"Bản mới của {replace} phải là tệp {target.suffix}.")
        targets = [(files[0], target)]
    else:
        targets = []
        for f in files:
            name = safe_name(f.filename)
            targets.append((f, _inside(knowledge, name) if name else None))
    saved, refused, seen = [], [], set()
    for f, target in targets:
        if target is None or target in seen:  # two files of one name: the first is kept
            refused.append(f.filename)
            continue
        seen.add(target)
        name = target.relative_to(knowledge.resolve()).as_posix()
        before = target.exists()
        _save(target, await f.read())
        saved.append(name)
        s.web.audit(request.state.officer.staff_id, "document.replace" if before else "document.upload", name,
                    {"existed": True} if before else None, {"bytes": f.size})
    if saved:
        s.indexer.start(request.state.officer.staff_id)
    msg = f"Đã lưu {len(saved)} tệp; đang lập chỉ mục." if saved else ""
    err = (f"Không nhận: {', '.join(refused)} (chỉ nhận .md, .txt, .docx, .pdf, .html; mỗi tên một lần)."
           if refused else "")
    return _back(msg, err)


@requires(ISO)
async def remove(request: Request) -> Response:
    s = request.app.state
    source = str(request.state.form.get("source", "")).strip()
    target = document_path(s.settings.knowledge_dir, source)
    if target is None or not target.is_file():
        return _back(error="Không có tài liệu này.")
    name = target.relative_to(s.settings.knowledge_dir.resolve()).as_posix()
    target.unlink()
    s.web.audit(request.state.officer.staff_id, "document.remove", name, {"existed": True}, None)
    s.indexer.start(request.state.officer.staff_id)
    return _back(f"Đã gỡ {name}; đang lập chỉ mục lại.")


@requires(ISO)
async def reindex(request: Request) -> Response:
    request.app.state.indexer.start(request.state.officer.staff_id)
    request.app.state.web.audit(request.state.officer.staff_id, "index.start", "knowledge", None, None)
    return _back("Đang lập chỉ mục.")


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
    request.app.state.web.audit(request.state.officer.staff_id, "review.run", "knowledge", None, {"findings": len(found)})
    return RedirectResponse(f"/ra-soat?ok=Đã rà soát: {len(found)} phát hiện.", status_code=303)


@requires(ISO)
async def propose_change(request: Request) -> Response:
    """Draft questions on what a document's last revision changed, to approve on the banks page."""
    from ..changes import propose

    s = request.app.state
    try:
        out = propose(s.settings, str(request.state.form.get("source", "")))
    except IsobotError:
        return _back(error="Không có thay đổi nào được ghi nhận cho tài liệu này.")
    s.web.audit(request.state.officer.staff_id, "draft.create", out["file"].rsplit("/", 1)[-1], None, out)
    if not out["questions"]:
        return _back(error="Phần thay đổi không có bảng các bước hoặc hồ sơ để tự đề xuất câu hỏi; "
                           "hãy soạn câu hỏi thủ công.")
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
