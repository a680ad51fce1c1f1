"""Pages: Jinja2 templates with Vietnamese dates and numbers, the signed-in officer and the CSRF token."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from quizzes.report import STATUS_VI, vi_number

from ..storage import VN, vn_time
from .auth import ADMIN, HR, ISO, may, officer_of
from .vi import reading_vi

ROLE_VI = {"officer": "Cán bộ", "hr": "Tổ chức cán bộ", "iso": "Thư ký ISO", "admin": "Quản trị viên"}


def vn_day(value: str | None) -> str:
    """A date as documents and manifests write it (2025-06-01, 15/09/2025, an ISO timestamp) as dd/mm/yyyy
    (with HH:MM in Hà Nội time when it has a time)."""
    text = str(value or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.strptime(text, "%Y-%m-%d").strftime("%d/%m/%Y")
        if "T" in text:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").astimezone(VN).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        pass
    return text


def percent(value) -> str:
    return "" if value is None else f"{vi_number(value)} %"


env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=True, trim_blocks=True, lstrip_blocks=True)
env.filters.update(vn_stamp=lambda t: datetime.fromtimestamp(t, VN).strftime("%d/%m/%Y %H:%M") if t else "",
                   vn_time=vn_time, vn_date=lambda v: vn_time(v, "%d/%m/%Y"), num=vi_number, percent=percent, vn_day=vn_day, reading=reading_vi,
                   status=lambda s: STATUS_VI.get(s, s), role=lambda r: ROLE_VI.get(r, r))


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    officer = officer_of(request)
    sid = getattr(request.state, "sid", None)
    nav = []
    if may(officer, HR):
        nav += [("/", "Tổng quan"), ("/chien-dich", "Chiến dịch"), ("/tong-hop", "Tổng hợp năm"), ("/can-bo", "Cán bộ")]
    if may(officer, ISO):
        nav += [("/tai-lieu", "Tài liệu"), ("/ra-soat", "Rà soát"), ("/cau-hoi", "Câu hỏi chưa trả lời"),
                ("/ngan-hang", "Ngân hàng câu hỏi")]
    if may(officer, ADMIN):
        nav += [("/quan-tri", "Phân quyền"), ("/nhat-ky", "Nhật ký")]
    html = env.get_template(template).render(
        request=request, officer=officer, nav=nav, path=request.url.path,
        csrf=request.app.state.signer.csrf(sid) if sid and officer else "", **context)
    return HTMLResponse(html, status_code=status_code)
