"""HR's pages: the dashboard, campaigns, the yearly summary, the roster. Numbers come from the same
functions as `isobot report`; every change goes to the audit log."""

from __future__ import annotations

import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from indexer.errors import IsobotError
from quizzes import report as rep

from .. import campaigns, roster
from ..storage import QuizStore
from .auth import HR
from .guard import requires
from .render import ROLE_VI, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_ROWS = 100  # officers per page of a campaign


def _fingerprint(store, bank, cid: int) -> tuple:
    """What a campaign report depends on, read cheaply: a report is recomputed only when one changed."""
    return tuple(store.db.execute(
        "select (select status || ifnull(closed_at, '') from campaigns where id = ?1), "
        "(select count(*) || ':' || ifnull(max(id), 0) || ':' || count(finished_at) from attempts where campaign_id = ?1), "
        "(select count(*) from answers s join attempts t on t.id = s.attempt_id where t.campaign_id = ?1), "
        "(select count(*) || ':' || ifnull(max(updated_at), '') from officers), "
        "(select count(*) from assignments where campaign_id = ?1)", [cid]).fetchone()) + (len(bank.questions),)


def report_for(state, c: dict, unit: str | None = None) -> dict:
    """``campaigns.report_data`` for one campaign, kept until what it depends on changes."""
    store, bank, cache = state.store, state.bank(), state.reports
    key, mark = (c["id"], unit), _fingerprint(store, bank, c["id"])
    if key not in cache or cache[key][0] != mark:
        if len(cache) > 200:
            cache.clear()
        cache[key] = (mark, campaigns.report_data(store, bank, c["name"], unit)[0])
    return cache[key][1]


def report_of(request: Request, c: dict, unit: str | None = None) -> dict:
    return report_for(request.app.state, c, unit)


def open_campaigns(store) -> list[dict]:
    now = store.now()
    return [c for c in QuizStore(store).campaigns() if c["status"] == "open" and c["end_at"] >= now]


def warm_reports(state) -> int:
    """Compute the open campaigns' reports before the console serves (a few hundred ms at 10,000
    officers each), so that the first dashboard after a start is not the one that waits."""
    found = open_campaigns(state.store)
    try:
        for c in found:
            report_for(state, c)
    except IsobotError:  # a bank that does not load: the pages say so when asked
        return 0
    return len(found)


def _xlsx(data: dict, filename: str) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.xlsx"
        rep.write_xlsx(data, path)
        body = path.read_bytes()
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _ctx(request: Request):
    s = request.app.state
    return s.store, s.bank(), QuizStore(s.store)


@requires(HR)
async def dashboard(request: Request) -> Response:
    rows = []
    for c in open_campaigns(request.app.state.store):
        data = report_of(request, c)
        waiting = [o for o in data["officers"] if o["status"] == "not_started"]
        rows.append({"c": c, "data": data, "waiting": waiting[:20], "waiting_n": len(waiting),
                     "chart": rep.unit_charts(data["units"], f" — {c['name']}")})
    return page(request, "dashboard.html", title="Tổng quan", open_campaigns=rows)


@requires(HR)
async def campaign_list(request: Request) -> Response:
    _, bank, qs = _ctx(request)
    return page(request, "campaigns.html", title="Chiến dịch", campaigns=qs.campaigns(),
                notice=request.query_params.get("ok", ""))


def _form_context(request: Request, values: dict | None = None, error: str = "") -> dict:
    store, bank, _ = _ctx(request)
    units = sorted({o.unit for o in store.officers(active_only=True) if o.unit})
    today = date.today()
    defaults = {"questions": "10", "pass_mark": "80", "start": today.isoformat(), "end": today.isoformat(),
                "attempts": "1", "seconds": "0", "remind_every": "3", "topics": [], "units": []}
    return {"title": "Tạo chiến dịch", "units": units, "banks": bank.topics, "v": {**defaults, **(values or {})},
            "error": error}


@requires(HR)
async def campaign_new(request: Request) -> Response:
    return page(request, "campaign_new.html", **_form_context(request))


CREATE_ERRORS_VI = {
    "already exists": "Đã có chiến dịch mang tên này.",
    "unknown topic": "Ngân hàng câu hỏi không tồn tại.",
    "--questions must be": "Số câu hỏi phải từ 1 đến {n} (số câu trong các ngân hàng đã chọn).",
    "--pass-mark": "Điểm đạt là phần trăm từ 1 đến 100.",
    "--seconds-per-question": "Thời gian mỗi câu phải từ 5 đến 600 giây (0 là không giới hạn).",
    "dates must be": "Ngày bắt đầu hoặc ngày kết thúc không phải là một ngày hợp lệ.",
    "--end is before": "Ngày kết thúc trước ngày bắt đầu.",
    "no officers in unit": "Đơn vị đã chọn không có cán bộ nào đang làm việc.",
    "no officers to assign": "Chưa có cán bộ nào: hãy nhập danh sách cán bộ trước.",
}


def _vi(error: IsobotError, **values) -> str:
    text = str(error)
    for key, vi in CREATE_ERRORS_VI.items():
        if key in text:
            return vi.format(**values)
    return text


@requires(HR)
async def campaign_create(request: Request) -> Response:
    form = request.state.form
    store, bank, qs = _ctx(request)
    values = {k: str(form.get(k, "")).strip() for k in ("name", "questions", "pass_mark", "start", "end",
                                                         "attempts", "seconds", "remind_every")}
    values["topics"], values["units"] = form.getlist("topics"), form.getlist("units")
    error = ""
    try:
        if not values["name"]:
            raise IsobotError("Hãy đặt tên cho chiến dịch.")
        if not values["topics"]:
            raise IsobotError("Hãy chọn ít nhất một ngân hàng câu hỏi.")
        numbers = {k: float(values[k]) if k == "pass_mark" else int(values[k])
                   for k in ("questions", "pass_mark", "attempts", "seconds", "remind_every")}
        if numbers["attempts"] < 1 or numbers["remind_every"] < 1:
            raise IsobotError("Số lần làm và số ngày giữa hai lần nhắc phải từ 1 trở lên.")
        row = campaigns.create(store, bank, values["name"], values["topics"], numbers["questions"],
                               numbers["pass_mark"], values["start"], values["end"], values["units"] or None,
                               numbers["attempts"], numbers["seconds"], numbers["remind_every"])
    except ValueError:
        error = "Các ô số phải là số (điểm đạt có thể có phần thập phân)."
    except IsobotError as e:
        error = _vi(e, n=len(bank.select(values["topics"])) if set(values["topics"]) <= set(bank.topics) else 0)
    if error:
        return page(request, "campaign_new.html", status_code=400, **_form_context(request, values, error))
    request.app.state.web.audit(request.state.officer.staff_id, "campaign.create", row["name"], None,
                                {k: row[k] for k in ("id", "name", "topics", "questions", "pass_mark", "start_at",
                                                     "end_at", "units", "assigned")})
    return RedirectResponse(f"/chien-dich/{row['id']}", status_code=303)


def _campaign(request: Request):
    _, _, qs = _ctx(request)
    return qs.campaign(int(request.path_params["cid"]))


@requires(HR)
async def campaign_show(request: Request) -> Response:
    c = _campaign(request)
    if c is None:
        return page(request, "message.html", status_code=404, title="Không tìm thấy", message="Không có chiến dịch này.")
    q = request.query_params
    unit, status = q.get("don-vi") or None, q.get("trang-thai") or None
    data = report_of(request, c, unit)
    officers = [o for o in data["officers"] if status is None or o["status"] == status]
    pages = max(1, -(-len(officers) // PAGE_ROWS))
    number = min(pages, max(1, int(q["trang"]) if q.get("trang", "").isdigit() else 1))
    chart = rep.unit_charts(data["units"])
    return page(request, "campaign.html", title=f"Chiến dịch «{c['name']}»", c=c, data=data, unit=unit,
                status=status, statuses=rep.STATUS_VI, chart=chart, notice=q.get("ok", ""),
                officers=officers[(number - 1) * PAGE_ROWS:number * PAGE_ROWS], shown=len(officers),
                number=number, pages=pages)


@requires(HR)
async def campaign_close(request: Request) -> Response:
    c = _campaign(request)
    if c is None or c["status"] != "open":
        return RedirectResponse("/chien-dich", status_code=303)
    QuizStore(request.app.state.store).close_campaign(c["id"])
    request.app.state.web.audit(request.state.officer.staff_id, "campaign.close", c["name"],
                                {"status": c["status"]}, {"status": "closed"})
    return RedirectResponse(f"/chien-dich/{c['id']}?ok=Đã đóng chiến dịch.", status_code=303)


@requires(HR)
async def campaign_remind(request: Request) -> Response:
    c = _campaign(request)
    if c is None:
        return RedirectResponse("/chien-dich", status_code=303)
    try:
        n = campaigns.remind_now(request.app.state.store, c["id"])
    except IsobotError:
        return RedirectResponse(f"/chien-dich/{c['id']}?ok=Chiến dịch đã đóng: không nhắc nữa.", status_code=303)
    request.app.state.web.audit(request.state.officer.staff_id, "campaign.remind", c["name"], None, {"officers": n})
    return RedirectResponse(f"/chien-dich/{c['id']}?ok=Đã xếp lịch nhắc {n} cán bộ chưa hoàn thành.", status_code=303)


@requires(HR)
async def campaign_xlsx(request: Request) -> Response:
    c = _campaign(request)
    if c is None:
        return Response("Không có chiến dịch này.", status_code=404)
    data = report_of(request, c, request.query_params.get("don-vi") or None)
    return _xlsx(data, f"bao-cao-chien-dich-{c['id']}.xlsx")


def _year(request: Request) -> int:
    try:
        return int(request.query_params.get("nam", ""))
    except ValueError:
        return date.today().year


@requires(HR)
async def summary(request: Request) -> Response:
    store, bank, _ = _ctx(request)
    year = _year(request)
    data, _ = campaigns.report_data(store, bank, year=year)
    return page(request, "summary.html", title=f"Tổng hợp năm {year}", year=year, rows=data["year_summary"])


@requires(HR)
async def summary_xlsx(request: Request) -> Response:
    store, bank, _ = _ctx(request)
    year = _year(request)
    data, _ = campaigns.report_data(store, bank, year=year)
    return _xlsx({"year": year, "year_summary": data["year_summary"]}, f"tong-hop-nam-{year}.xlsx")


# the roster --------------------------------------------------------------------------------------
def _uploads(request: Request) -> Path:
    """Where a roster waits between its preview and its import; previews older than a day are dropped."""
    folder = request.app.state.settings.data_dir / "web" / "roster"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if time.time() - old.stat().st_mtime > 86400:
            old.unlink(missing_ok=True)
    return folder


@requires(HR)
async def officers(request: Request) -> Response:
    store = request.app.state.store
    unit = request.query_params.get("don-vi") or None
    units = sorted({o.unit for o in store.officers() if o.unit})
    return page(request, "officers.html", title="Cán bộ", officers=store.officers(unit), units=units, unit=unit,
                notice=request.query_params.get("ok", ""))


@requires(HR)
async def roster_preview(request: Request) -> Response:
    upload = request.state.form.get("file")
    suffix = Path(getattr(upload, "filename", "") or "").suffix.lower()
    if not hasattr(upload, "read") or suffix not in (".csv", ".xlsx"):
        return page(request, "message.html", status_code=400, title="Nhập danh sách cán bộ",
                    message="Hãy chọn một tệp .xlsx hoặc .csv.")
    token = secrets.token_hex(8)
    path = _uploads(request) / f"{token}{suffix}"
    path.write_bytes(await upload.read())
    try:
        rows = roster.check_rows(request.app.state.store, path)
    except IsobotError:
        path.unlink(missing_ok=True)
        return page(request, "message.html", status_code=400, title="Nhập danh sách cán bộ",
                    message="Không đọc được tệp: cần một bảng có dòng tiêu đề với cột «Mã cán bộ» và «Họ và tên».")
    return page(request, "roster_preview.html", title="Xem trước danh sách cán bộ", rows=rows, token=path.name,
                bad=sum(1 for r in rows if r.officer is None), filename=upload.filename)


@requires(HR)
async def roster_import(request: Request) -> Response:
    name = Path(str(request.state.form.get("token", ""))).name
    path = _uploads(request) / name
    if not name or not path.is_file():
        return RedirectResponse("/can-bo?ok=Tệp xem trước đã hết hạn: hãy tải lên lại.", status_code=303)
    report = roster.import_officers(request.app.state.store, path)
    path.unlink(missing_ok=True)
    request.app.state.web.audit(request.state.officer.staff_id, "roster.import", name, None, report.as_json())
    msg = f"Đã thêm {report.added}, cập nhật {report.updated} cán bộ; bỏ qua {len(report.errors)} dòng lỗi."
    return RedirectResponse(f"/can-bo?ok={msg}", status_code=303)


@requires(HR)
async def officer_status(request: Request) -> Response:
    store, web = request.app.state.store, request.app.state.web
    staff_id, action = request.path_params["staff_id"], request.path_params["action"]
    officer = store.officer(staff_id)
    if officer is None or action not in ("nghi", "kich-hoat"):
        return RedirectResponse("/can-bo", status_code=303)
    if action == "nghi":
        store.deactivate(staff_id)
    else:
        store.activate(staff_id)
    web.audit(request.state.officer.staff_id, "officer." + ("deactivate" if action == "nghi" else "activate"),
              staff_id, {"status": officer.status}, {"status": "inactive" if action == "nghi" else "active"})
    return RedirectResponse(f"/can-bo?ok=Đã cập nhật {staff_id}.", status_code=303)


@requires(HR)
async def roster_xlsx(request: Request) -> Response:
    """The roster as shown (one unit or all), with each officer's role and whether they still work here."""
    unit = request.query_params.get("don-vi") or None
    rows = [{**o.__dict__, "role": ROLE_VI.get(o.role, o.role), "status": "Đang công tác" if o.active else "Đã nghỉ"}
            for o in request.app.state.store.officers(unit)]
    return _xlsx({"roster": rows}, "danh-sach-can-bo.xlsx")


@requires(HR)
async def codes_xlsx(request: Request) -> Response:
    settings, store = request.app.state.settings, request.app.state.store
    unit = request.query_params.get("don-vi") or None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "codes.xlsx"
        try:
            n = roster.export_codes(store, path, unit, settings.link_code_days, settings.telegram_username or None)
        except IsobotError:
            return page(request, "message.html", status_code=400, title="Mã liên kết",
                        message="Đơn vị này chưa có cán bộ nào đang làm việc.")
        body = path.read_bytes()
    request.app.state.web.audit(request.state.officer.staff_id, "codes.export", unit or "all", None, {"codes": n})
    return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="ma-lien-ket.xlsx"'})


routes = [
    Route("/", dashboard),
    Route("/chien-dich", campaign_list),
    Route("/chien-dich/moi", campaign_new),
    Route("/chien-dich", campaign_create, methods=["POST"]),
    Route("/chien-dich/{cid:int}", campaign_show),
    Route("/chien-dich/{cid:int}/dong", campaign_close, methods=["POST"]),
    Route("/chien-dich/{cid:int}/nhac", campaign_remind, methods=["POST"]),
    Route("/chien-dich/{cid:int}/bao-cao.xlsx", campaign_xlsx),
    Route("/tong-hop", summary),
    Route("/tong-hop.xlsx", summary_xlsx),
    Route("/can-bo", officers),
    Route("/can-bo/xem-truoc", roster_preview, methods=["POST"]),
    Route("/can-bo/nhap", roster_import, methods=["POST"]),
    Route("/can-bo/{staff_id}/{action}", officer_status, methods=["POST"]),
    Route("/can-bo/ma-lien-ket.xlsx", codes_xlsx),
    Route("/can-bo/danh-sach.xlsx", roster_xlsx),
]
