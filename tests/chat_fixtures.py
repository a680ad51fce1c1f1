"""Shared pieces for the chat tests: a knowledge base with a long, markup-heavy section, a roster."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, make_docx

ROSTER = """Mã cán bộ,Họ và tên,Đơn vị,Chức vụ,Số điện thoại,Vai trò
CB001,Nguyễn Văn An,Văn phòng,Công chức,0912 345 678,cán bộ
CB002,Trần Thị Bình,Tư pháp - Hộ tịch,Công chức,+84 987 654 321,officer
HR001,Lê Thu Hà,Văn phòng,Phụ trách tổ chức cán bộ,0901000001,hr
AD001,Phạm Quản Trị,Văn phòng,Quản trị hệ thống,0901000002,admin
"""

LONG_DOC = "---\ntitle: Hướng dẫn ghi biểu mẫu một cửa\ncode: HD-01\nrevision: \"01\"\n---\n" \
    "# Hướng dẫn ghi biểu mẫu một cửa\n\n## 3. Ký hiệu trong biểu mẫu\n\n" + "\n\n".join(
        f"Quy tắc {i}: ô <b>Số hồ sơ</b> & ô *Ngày hẹn* ghi theo mẫu _BM-{i:02d}_, không dùng ký tự <script> hoặc &amp; "
        "trong tên người nộp; mỗi biểu mẫu ghi đủ họ tên, địa chỉ, số điện thoại và chữ ký của người nộp hồ sơ."
        for i in range(1, 41))


def chat_knowledge(base: Path) -> Path:
    knowledge = base / "knowledge"
    shutil.copytree(FIXTURES / "kb", knowledge)
    make_docx(knowledge / "quy-trinh" / "qt-05-xem-xet-lanh-dao.docx")
    (knowledge / "hd-01-bieu-mau.md").write_text(LONG_DOC, encoding="utf-8")
    shutil.copytree(FIXTURES / "family", knowledge / "ho-tich")  # a plain procedure and two variants
    return knowledge


def tg(user_id: str, name: str = ""):
    """A private Telegram chat as the core sees it."""
    from bot.replies import Sender
    from bot.transports.telegram import CAPS

    return Sender("telegram", user_id, user_id, name, CAPS)


def zalo(user_id: str, name: str = ""):
    """A private Zalo chat as the core sees it."""
    from bot.replies import Sender
    from bot.transports.zalo import CAPS

    return Sender("zalo", user_id, user_id, name, CAPS)


def say(core, sender, text: str):
    """A typed message through the core as a transport would send it: the replies for the sender's
    chat, with every quiz question marked delivered (as a transport does once it went out)."""
    from bot.replies import Incoming

    replies = [r for o in core.receive(Incoming(sender, "text", text=text)).outgoing for r in o.replies]
    for r in replies:
        if r.quiz is not None:
            core.quiz_sent(r.quiz)
    return replies
