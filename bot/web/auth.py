"""Who is signed in: the cookie-signing key, signed session cookies, CSRF tokens, the roles."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

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
    try:
        return request.state.officer
    except AttributeError:
        sid = request.app.state.signer.unsign(request.cookies.get(COOKIE))
        request.state.sid = sid
        request.state.officer = request.app.state.web.session_officer(sid) if sid else None
        return request.state.officer


def may(officer, roles: tuple[str, ...]) -> bool:
    return officer is not None and (officer.role in roles or officer.role == "admin")


def set_session(response: Response, request: Request, sid: str) -> None:
    response.set_cookie(COOKIE, request.app.state.signer.sign(sid), max_age=8 * 3600, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https"
                        or request.headers.get("x-forwarded-proto") == "https")
