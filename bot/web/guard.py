"""The check every route makes: a live session of an allowed role, and on a POST the CSRF token."""

from __future__ import annotations

import functools
import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from .auth import may, officer_of
from .render import page


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
