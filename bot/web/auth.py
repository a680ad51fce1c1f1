"""Sign-in and who may do what: signed session cookies, CSRF tokens, a role check on every route."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

COOKIE = "isobot_session"
HR, ISO, ADMIN = ("hr", "admin"), ("iso", "admin"), ("admin",)
CONSOLE_ROLES = ("hr", "iso", "admin")


def load_key(data_dir: Path) -> bytes:
    """The cookie-signing key, made on first start and kept (owner-only) in the data folder."""
    path = Path(data_dir) / "web.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


class Signer:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def _mac(self, purpose: str, value: str) -> str:
        return hmac.new(self.key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:40]

    def sign(self, sid: str) -> str:
        return f"{sid}.{self._mac('session', sid)}"

    def unsign(self, cookie: str | None) -> str | None:
        sid, _, mac = (cookie or "").rpartition(".")
        return sid if sid and hmac.compare_digest(mac, self._mac("session", sid)) else None

    def csrf(self, sid: str) -> str:
        return self._mac("csrf", sid)


def officer_of(request: Request):
    """The signed-in officer (cached on the request), or None."""
    if "officer" not in request.state._state:
        sid = request.app.state.signer.unsign(request.cookies.get(COOKIE))
        request.state.sid = sid
        request.state.officer = request.app.state.web.session_officer(sid) if sid else None
    return request.state.officer


def may(officer, roles: tuple[str, ...]) -> bool:
    return officer is not None and (officer.role in roles or officer.role == "admin")


def requires(roles: tuple[str, ...], api: bool = False):
    """Route decorator: a session of one of ``roles`` (admins pass everywhere); POSTs need the CSRF token."""

    def wrap(endpoint):
        @functools.wraps(endpoint)
        async def check(request: Request) -> Response:
            officer = officer_of(request)
            if officer is None:
                if api:
                    return JSONResponse({"error": "not signed in"}, status_code=401)
                return RedirectResponse("/dang-nhap", status_code=303)
            if not may(officer, roles):
                if api:
                    return JSONResponse({"error": "forbidden"}, status_code=403)
                from .render import page

                return page(request, "message.html", status_code=403, title="Không có quyền",
                            message="Trang này không dành cho vai trò của bạn.")
            if request.method != "POST":
                return await endpoint(request)
            form = request.state.form = await request.form()
            try:
                sent = str(form.get("csrf", ""))
                if not hmac.compare_digest(sent, request.app.state.signer.csrf(request.state.sid)):
                    return Response("Phiên biểu mẫu không hợp lệ (thiếu mã CSRF). Hãy tải lại trang rồi thử lại.",
                                    status_code=403, media_type="text/plain; charset=utf-8")
                return await endpoint(request)
            finally:
                await form.close()  # uploaded files' temporary copies

        return check

    return wrap


def set_session(response: Response, request: Request, sid: str) -> None:
    response.set_cookie(COOKIE, request.app.state.signer.sign(sid), max_age=8 * 3600, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https"
                        or request.headers.get("x-forwarded-proto") == "https")
