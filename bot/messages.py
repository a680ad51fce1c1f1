"""Every Vietnamese string a user sees, in one place."""

from __future__ import annotations

from indexer.answer import Answer, Citation

WELCOME = (
    "Xin chào! Tôi là Trợ lý ISO. Hãy gõ câu hỏi về quy trình ISO hoặc thủ tục hành chính "
    "(có dấu hoặc không dấu đều được), ví dụ: «hồ sơ đăng ký khai sinh gồm những gì».\n"
    "Gõ /tailieu để xem danh sách tài liệu, /help để xem hướng dẫn, /thoat để thoát."
)
HELP = (
    "Cách dùng Trợ lý ISO:\n"
    "• Gõ câu hỏi bằng tiếng Việt, có dấu hoặc không dấu.\n"
    "• Tôi trả lời bằng đoạn trích từ tài liệu hiện hành, kèm mã tài liệu, lần ban hành và mục.\n"
    "• /tailieu — danh sách tài liệu trong hệ thống.\n"
    "• /help — hướng dẫn này."
)
NOT_FOUND = "Xin lỗi, tôi chưa tìm thấy nội dung đủ tin cậy trong tài liệu của đơn vị để trả lời câu hỏi này."
NOT_FOUND_TIPS = "Bạn có thể hỏi cụ thể hơn (nêu tên quy trình, thủ tục hoặc việc cần làm), hoặc liên hệ thư ký ISO."
NEAREST = "Các mục có thể liên quan:"
RELATED = "Xem thêm:"
SOURCE = "Nguồn"
EMPTY_QUESTION = "Bạn hãy gõ câu hỏi cụ thể, ví dụ: «thời hạn giải quyết đăng ký kết hôn»."
TOO_LONG = "Câu hỏi quá dài ({n} ký tự). Bạn hãy rút gọn dưới {limit} ký tự."
NO_DOCUMENTS = "Chưa có tài liệu nào được đưa vào hệ thống."
DOCUMENTS = "Tài liệu hiện hành ({n}):"
UNKNOWN_COMMAND = "Tôi chưa hiểu lệnh này. Gõ /help để xem các lệnh."
ERROR = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Bạn vui lòng thử lại sau ít phút."
GOODBYE = "Tạm biệt!"


def cite(c: Citation, with_section: bool = True) -> str:
    """'Quy trình kiểm soát tài liệu (QT-01, lần ban hành 03) — mục 5.2 Tiếp nhận'."""
    meta = ", ".join(p for p in (c.code, f"lần ban hành {c.revision}" if c.revision else "") if p)
    text = f"{c.title} ({meta})" if meta else c.title
    if with_section and c.section:
        text += f" — mục {c.section}"
    return text


def document_line(doc: dict) -> str:
    meta = ", ".join(p for p in (doc.get("code"), f"lần ban hành {doc['revision']}" if doc.get("revision") else "") if p)
    return f"• {doc['title']}" + (f" ({meta})" if meta else "")


def answer_text(a: Answer) -> str:
    """Plain-text reply: passage, source, related sections; or not-found with suggestions."""
    if not a.answered:
        lines = [NOT_FOUND, NOT_FOUND_TIPS]
        if a.suggestions:
            lines += [NEAREST] + [f"• {cite(s)}" for s in a.suggestions]
        return "\n".join(lines)
    lines = [a.passage, "", f"📄 {SOURCE}: {cite(a.citation)}"]
    if a.related:
        lines += [RELATED] + [f"• {cite(r)}" for r in a.related]
    return "\n".join(lines)
