"""The operators' web console: one Starlette app over the same store, banks and index as the chat and the CLI."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import time
from pathlib import Path
from typing import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from indexer.errors import IsobotError

from .. import campaigns
from .. import messages as m
from ..app import open_bank
from ..settings import Settings
from ..storage import ROLES, Store, WebStore
from ..storage.web import sign_in_link
from . import documents, drafts, hr
from .auth import ADMIN, COOKIE, CONSOLE_ROLES, HR, Signer, load_key, may, officer_of, set_session
from .guard import requires
from .indexing import Indexer
from .render import page

SMALL_BODY = 1 << 20  # every route but the uploads
UPLOADS = ("/tai-lieu/tai-len", "/can-bo/xem-truoc")
ACTIONS_VI = {"campaign.create": "Tạo chiến dịch", "campaign.close": "Đóng chiến dịch", "campaign.remind": "Nhắc ngay",
              "roster.import": "Nhập danh sách cán bộ", "officer.deactivate": "Cho cán bộ nghỉ",
              "officer.activate": "Kích hoạt lại cán bộ", "codes.export": "Xuất mã liên kết",
              "document.upload": "Tải lên tài liệu", "document.replace": "Thay bản mới", "document.remove": "Gỡ tài liệu",
              "index.start": "Lập chỉ mục lại", "review.run": "Rà soát tài liệu",
              "question.handle": "Xử lý câu hỏi", "role.change": "Đổi vai trò", "draft.create": "Đề xuất câu hỏi",
              "draft.approve": "Duyệt câu đề xuất", "draft.reject": "Loại câu đề xuất", "sign_in": "Đăng nhập"}
SendLink = Callable[[str, str], Awaitable[bool]]  # (staff_id, text) -> sent to one of their chat accounts


def _login_csrf(signer: Signer, slot: int | None = None) -> str:
    slot = int(time.time() // 3600) if slot is None else slot
    return f"{slot}.{hmac.new(signer.key, f'login:{slot}'.encode(), hashlib.sha256).hexdigest()[:32]}"


async def login_page(request: Request) -> Response:
    if officer_of(request) is not None:
        return RedirectResponse("/", status_code=303)
    return page(request, "login.html", title="Đăng nhập", login_csrf=_login_csrf(request.app.state.signer))


async def login_request(request: Request) -> Response:
    """A link by staff id, sent to that officer's own chat account; the reply never says whether the id exists."""
    s = request.app.state
    form = await request.form()
    sent = str(form.get("csrf", ""))
    slot = sent.partition(".")[0]
    if not slot.isdigit() or int(slot) < time.time() // 3600 - 1 or \
            not hmac.compare_digest(sent, _login_csrf(s.signer, int(slot))):
        return PlainTextResponse("Biểu mẫu đã hết hạn. Hãy tải lại trang đăng nhập.", status_code=403)
    officer = s.store.officer(str(form.get("staff_id", "")).strip()[:40])
    if officer is not None and officer.active and officer.role in CONSOLE_ROLES and s.send_link is not None \
            and s.web.links_allowed(officer.staff_id):
        url = sign_in_link(s.store, s.settings.web_base, officer.staff_id)
        await s.send_link(officer.staff_id, m.WEB_LINK.format(url=url))
    text = ("Nếu mã cán bộ này có quyền dùng bảng điều hành và đã liên kết tài khoản chat, Trợ lý ISO vừa gửi "
            "liên kết đăng nhập cho bạn." if s.send_link is not None else
            "Máy chủ này chưa chạy cùng bot chat: hãy gõ /web cho Trợ lý ISO để nhận liên kết đăng nhập.")
    return page(request, "message.html", title="Đăng nhập", message=text)


async def sign_in(request: Request) -> Response:
    s = request.app.state
    staff_id = s.web.use_link(request.path_params["token"])
    officer = s.store.officer(staff_id) if staff_id else None
    if officer is None or not officer.active or officer.role not in CONSOLE_ROLES:
        return page(request, "message.html", status_code=403, title="Liên kết không dùng được",
                    message="Liên kết đăng nhập đã được dùng, đã hết hạn (sau 10 phút) hoặc không đúng. "
                            "Hãy gõ /web cho Trợ lý ISO để nhận liên kết mới.")
    response = RedirectResponse("/" if may(officer, HR) else "/tai-lieu", status_code=303)
    set_session(response, request, s.web.new_session(officer.staff_id))
    s.web.audit(officer.staff_id, "sign_in", officer.staff_id)
    return response


@requires(CONSOLE_ROLES)
async def sign_out(request: Request) -> Response:
    request.app.state.web.end_session(request.state.sid)
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(COOKIE)
    return response


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


@requires(HR, api=True)
async def api_report(request: Request) -> Response:
    """Exactly `isobot report --format json` (with --campaign NAME when given)."""
    s = request.app.state
    try:
        data, _ = campaigns.report_data(s.store, s.bank(), request.query_params.get("campaign") or None)
    except IsobotError as e:  # no campaign of that name
        return JSONResponse({"error": str(e)}, status_code=404)
    return JSONResponse(data)


@requires(ADMIN)
async def roles(request: Request) -> Response:
    return page(request, "admin.html", title="Phân quyền", officers=request.app.state.store.officers(active_only=True),
                roles=ROLES, notice=request.query_params.get("ok", ""))


@requires(ADMIN)
async def set_role(request: Request) -> Response:
    s = request.app.state
    officer = s.store.officer(request.path_params["staff_id"])
    role = str(request.state.form.get("role", ""))
    if officer is None or role not in ROLES:
        return RedirectResponse("/quan-tri", status_code=303)
    with s.store.db.conn:
        s.store.db["officers"].update(officer.staff_id, {"role": role, "updated_at": s.store.now()})
    if role not in CONSOLE_ROLES:
        s.web.end_sessions(officer.staff_id)
    s.web.audit(request.state.officer.staff_id, "role.change", officer.staff_id, {"role": officer.role}, {"role": role})
    return RedirectResponse(f"/quan-tri?ok=Đã đổi vai trò của {officer.staff_id}.", status_code=303)


@requires(ADMIN)
async def audit(request: Request) -> Response:
    return page(request, "audit.html", title="Nhật ký thay đổi", rows=request.app.state.web.audit_log(),
                actions=ACTIONS_VI)


class BankFiles:
    """The question banks, read again when a file in the folder changed (an edit shows at the next page)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.seen: tuple | None = None
        self.bank = None

    def __call__(self):
        folder = self.settings.banks_dir
        files = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.y*ml")))
        if files != self.seen:
            self.bank, self.seen = open_bank(self.settings), files
        return self.bank


class BodyLimit:
    """Refuse a body over the limit before reading it: 1 MiB, uploads ``upload_mb``."""

    def __init__(self, app, upload_mb: int) -> None:
        self.app = app
        self.upload = upload_mb << 20

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            limit = self.upload if scope["path"] in UPLOADS else SMALL_BODY
            length = dict(scope["headers"]).get(b"content-length")
            if length is None or not length.isdigit() or int(length) > limit:
                mb = limit >> 20
                text = (f"Tệp quá lớn: mỗi lần tải lên tối đa {mb} MB." if length and length.isdigit()
                        else "Yêu cầu cần có độ dài nội dung (Content-Length).")
                await PlainTextResponse(text, status_code=413 if length else 411)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings, store: Store | None = None, send_link: SendLink | None = None,
               on_indexed: Callable[[dict], None] | None = None) -> Starlette:
    """The console. ``send_link`` delivers a sign-in link by chat (the bots in this process);
    ``on_indexed`` runs after a re-index (the bot in this process reloads its index)."""
    store = store or Store(settings.db_path)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        hr.warm_reports(app.state)
        yield

    app = Starlette(lifespan=lifespan, routes=[
        Route("/healthz", healthz),
        Route("/dang-nhap", login_page),
        Route("/dang-nhap", login_request, methods=["POST"]),
        Route("/dang-nhap/{token}", sign_in),
        Route("/dang-xuat", sign_out, methods=["POST"]),
        Route("/api/report", api_report),
        Route("/quan-tri", roles),
        Route("/quan-tri/{staff_id}", set_role, methods=["POST"]),
        Route("/nhat-ky", audit),
        *hr.routes, *documents.routes, *drafts.routes,
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ])
    web = WebStore(store)
    state = app.state
    state.settings, state.store, state.web, state.send_link = settings, store, web, send_link
    state.signer = Signer(load_key(settings.data_dir))
    state.bank = BankFiles(settings)
    state.indexer = Indexer(settings, web, on_indexed)
    state.reports = {}  # (campaign id, unit) -> (fingerprint, report): see hr.report_for
    app.add_middleware(BodyLimit, upload_mb=settings.web_max_upload_mb)
    return app
