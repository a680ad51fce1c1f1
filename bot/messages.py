"""Every Vietnamese string a user sees, in one place, with plain-text and Telegram-HTML renderings."""

from __future__ import annotations

from html import escape as _escape

from indexer.answer import Answer, Citation
from quizzes.report import vi_number as number

HELP = (
    "Cách dùng Trợ lý ISO:\n"
    "• Gõ câu hỏi bằng tiếng Việt, có dấu hoặc không dấu, ví dụ: «hồ sơ đăng ký khai sinh gồm những gì».\n"
    "• Tôi trả lời bằng đoạn trích từ tài liệu hiện hành, kèm mã tài liệu, lần ban hành và mục.\n"
    "• /hoi <câu hỏi> — đặt câu hỏi.\n"
    "• /tailieu — danh sách tài liệu hiện hành.\n"
    "• /toi — thông tin của tôi.\n"
    "• /help — hướng dẫn này."
)
WELCOME = "Xin chào! Tôi là Trợ lý ISO.\n\n" + HELP + "\n• /thoat — thoát."
WELCOME_BACK = "Xin chào {name}! Tôi là Trợ lý ISO."
LINK_INSTRUCTIONS = (
    "Tài khoản chat này chưa được liên kết với hồ sơ cán bộ, nên tôi chưa thể trả lời.\n"
    "Hãy gửi mã liên kết do bộ phận tổ chức cán bộ cấp cho bạn, ví dụ: /start ABCD2345 (hoặc chỉ gõ ABCD2345)."
)
LINK_BY_PHONE = "Hoặc bấm nút «📱 Chia sẻ số điện thoại» bên dưới nếu số điện thoại của bạn đã có trong danh sách cán bộ."
SHARE_PHONE = "📱 Chia sẻ số điện thoại"
LINKED = "✅ Đã liên kết tài khoản với cán bộ {name} ({unit}). Bây giờ bạn có thể đặt câu hỏi."
CODE_UNKNOWN = "Mã liên kết không đúng. Bạn hãy kiểm tra lại mã (8 ký tự) hoặc liên hệ bộ phận tổ chức cán bộ."
CODE_USED = "Mã liên kết này đã được sử dụng. Mỗi mã chỉ dùng được một lần; bạn hãy xin mã mới."
CODE_EXPIRED = "Mã liên kết đã hết hạn. Bạn hãy liên hệ bộ phận tổ chức cán bộ để được cấp mã mới."
CONTACT_NOT_OWN = "Vui lòng chia sẻ số điện thoại của chính bạn bằng nút «📱 Chia sẻ số điện thoại»."
PHONE_NOT_FOUND = "Số điện thoại này chưa có trong danh sách cán bộ. Bạn hãy dùng mã liên kết do bộ phận tổ chức cán bộ cấp."
PHONE_AMBIGUOUS = "Số điện thoại này gắn với nhiều cán bộ trong danh sách. Bạn hãy dùng mã liên kết để liên kết tài khoản."
NOT_FOUND = "Xin lỗi, tôi chưa tìm thấy nội dung đủ tin cậy trong tài liệu của đơn vị để trả lời câu hỏi này."
NOT_FOUND_TIPS = "Bạn có thể hỏi cụ thể hơn (nêu tên quy trình, thủ tục hoặc việc cần làm), hoặc liên hệ thư ký ISO."
NEAREST = "Các mục có thể liên quan:"
RELATED = "Xem thêm:"
SOURCE = "Nguồn"
BUTTON_FULL = "📖 Xem toàn văn mục"
FOLLOW_UPS = "Gõ 1 để xem toàn văn mục{related}; gõ 👍 hoặc «đúng» nếu câu trả lời hữu ích, 👎 hoặc «sai» nếu chưa đúng."
CLARIFY = "Bạn đang hỏi thủ tục nào?"
CLARIFY_NUMBERED = ("Gõ số {first}–{last} để chọn thủ tục: tôi sẽ trả lời lại câu hỏi của bạn theo thủ tục đó; "
                    "gõ 👍 hoặc «đúng» nếu câu trả lời trên đã đúng ý, 👎 hoặc «sai» nếu chưa đúng.")
ANSWERING = "đang trả lời"
QUIZ_STILL_OPEN = "(Bài trắc nghiệm của bạn vẫn đang chờ: trả lời câu hỏi trắc nghiệm bằng chữ A, B, C, D.)"
EMPTY_QUESTION = "Bạn hãy gõ câu hỏi cụ thể, ví dụ: «thời hạn giải quyết đăng ký kết hôn»."
TOO_LONG = "Câu hỏi quá dài ({n} ký tự). Bạn hãy rút gọn dưới {limit} ký tự."
NO_DOCUMENTS = "Chưa có tài liệu nào được đưa vào hệ thống."
DOCUMENTS = "Tài liệu hiện hành ({n}):"
UNKNOWN_COMMAND = "Tôi chưa hiểu lệnh này. Gõ /help để xem các lệnh."
ADMIN_ONLY = "Lệnh này chỉ dành cho quản trị viên."
RELOADED = "Đã nạp chỉ mục mới nhất: {n} tài liệu ({name})."
UNLINK_USAGE = "Cách dùng: /huylienket <mã cán bộ>"
UNLINKED = "Đã hủy {n} liên kết tài khoản chat của cán bộ {staff_id}."
FEEDBACK_THANKS = "Cảm ơn bạn đã đánh giá! Ý kiến của bạn giúp thư ký ISO hoàn thiện tài liệu."
FOLLOW_UP_GONE = "Tôi không tìm thấy câu hỏi trước đó của bạn. Bạn hãy đặt lại câu hỏi."
SECTION_GONE = "Mục này không còn trong tài liệu hiện hành (tài liệu có thể vừa được cập nhật). Bạn hãy hỏi lại."
ERROR = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Bạn vui lòng thử lại sau ít phút."
NOT_TEXT = "Hiện tôi chỉ đọc được tin nhắn văn bản. Bạn hãy gõ câu hỏi."
GROUP_POINTER = "Trợ lý ISO chỉ trả lời trong cuộc trò chuyện riêng: bạn hãy nhắn riêng cho tôi."
GOODBYE = "Tạm biệt!"
ADMIN_ERROR = "⚠️ Trợ lý ISO gặp lỗi khi xử lý một tin nhắn: {error}"
COMMANDS = [("start", "Bắt đầu / liên kết tài khoản"), ("hoi", "Đặt câu hỏi"), ("tailieu", "Danh sách tài liệu"),
            ("toi", "Thông tin của tôi"), ("help", "Hướng dẫn")]
ROLE_NAMES = {"officer": "cán bộ", "hr": "tổ chức cán bộ", "admin": "quản trị viên"}
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}


def escape(text: str) -> str:
    """Escape for Telegram HTML (quotes need no escaping there)."""
    return _escape(text, quote=False)


def cite(c: Citation, with_section: bool = True) -> str:
    """'Quy trình kiểm soát tài liệu (QT-01, lần ban hành 03) — mục 5.2 Tiếp nhận'."""
    meta = ", ".join(p for p in (c.code, f"lần ban hành {c.revision}" if c.revision else "") if p)
    text = f"{c.title} ({meta})" if meta else c.title
    if with_section and c.section:
        text += f" — mục {c.section}"
    return text


def procedure_label(c: Citation, limit: int = 64) -> str:
    """A button label for a procedure to choose: its title without the leading "Thủ tục"."""
    label = c.title[8:] if c.title.lower().startswith("thủ tục ") else c.title
    label = label[:1].upper() + label[1:]
    return label if len(label) <= limit else label[: limit - 1] + "…"


def short(c: Citation, limit: int = 60) -> str:
    """A button label: the last part of the section path, or the title."""
    label = (c.section.split(" > ")[-1] if c.section else c.title) or c.title
    label = f"{c.code} · {label}" if c.code else label
    return label if len(label) <= limit else label[: limit - 1] + "…"


def document_line(doc: dict) -> str:
    meta = ", ".join(p for p in (doc.get("code"), f"lần ban hành {doc['revision']}" if doc.get("revision") else "") if p)
    return f"• {doc['title']}" + (f" ({meta})" if meta else "")


def _follow_ups(a: Answer) -> str:
    related = f", gõ 2–{len(a.related) + 1} để xem mục liên quan" if a.related else ""
    return FOLLOW_UPS.format(related=related)


def _choices(a: Answer, numbered: bool) -> list[str]:
    """The "Bạn đang hỏi thủ tục nào?" block: the procedures to choose from, the answered one first."""
    out = [CLARIFY]
    for i, c in enumerate(a.clarify):
        label = cite(c, with_section=False) + (f" ({ANSWERING})" if i == 0 else "")
        out.append(f"{i + 1}. {label}" if numbered else f"• {label}")
    return out


def _numbered_hint(a: Answer, quiz_open: bool) -> str:
    hint = CLARIFY_NUMBERED.format(first=1, last=len(a.clarify)) if a.clarify else _follow_ups(a)
    return f"{hint}\n{QUIZ_STILL_OPEN}" if quiz_open else hint


def answer_text(a: Answer, numbered: bool = False, quiz_open: bool = False) -> str:
    """Plain text: passage, source, related sections; or not-found with suggestions."""
    if not a.answered:
        lines = [NOT_FOUND, NOT_FOUND_TIPS]
        if a.suggestions:
            lines += [NEAREST] + [f"• {cite(s)}" for s in a.suggestions]
        return "\n".join(lines)
    lines = [a.passage, "", f"📄 {SOURCE}: {cite(a.citation)}"]
    if a.related:
        lines += [RELATED] + [f"{i + 2}. {cite(r)}" if numbered else f"• {cite(r)}" for i, r in enumerate(a.related)]
    if a.clarify:
        lines += [""] + _choices(a, numbered)
    if numbered:
        lines += ["", _numbered_hint(a, quiz_open)]
    return "\n".join(lines)


def answer_html(a: Answer, numbered: bool = False, quiz_open: bool = False) -> str:
    """Telegram HTML: every piece of document text escaped (it may hold <, &, *, _)."""
    if not a.answered:
        lines = [escape(NOT_FOUND), escape(NOT_FOUND_TIPS)]
        if a.suggestions:
            lines += [f"<b>{escape(NEAREST)}</b>"] + [f"• {escape(cite(s))}" for s in a.suggestions]
        return "\n".join(lines)
    lines = [escape(a.passage), "", f"📄 {SOURCE}: <i>{escape(cite(a.citation))}</i>"]  # the line scripts look for
    if a.related:
        lines += [f"<b>{escape(RELATED)}</b>"] + [
            f"{i + 2}. {escape(cite(r))}" if numbered else f"• {escape(cite(r))}" for i, r in enumerate(a.related)]
    if a.clarify:
        head, *choices = _choices(a, numbered)
        lines += ["", f"<b>{escape(head)}</b>"] + [escape(c) for c in choices]
    if numbered:
        lines += ["", escape(_numbered_hint(a, quiz_open))]
    return "\n".join(lines)


def section_text(body: str, c: Citation) -> str:
    return f"📖 {cite(c)}\n\n{body}"


def section_html(body: str, c: Citation) -> str:
    return f"📖 <b>{escape(cite(c))}</b>\n\n{escape(body)}"


def profile(officer, platforms: list[str], asked: int) -> str:
    linked = ", ".join(PLATFORM_NAMES.get(p, p) for p in platforms) or "—"
    return (
        f"👤 {officer.full_name}\nMã cán bộ: {officer.staff_id or '—'}\nĐơn vị: {officer.unit or '—'}\n"
        f"Chức vụ: {officer.position or '—'}\nVai trò: {ROLE_NAMES.get(officer.role, officer.role)}\n"
        f"Tài khoản đã liên kết: {linked}\nSố câu đã hỏi: {asked}"
    )


def split(text: str, limit: int) -> list[str]:
    """Cut a message into parts of at most ``limit`` characters, at line breaks, then spaces.

    HTML tags and entities never span a line or a space here, so they are never cut."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [p for p in parts if p.strip()]


# quizzes ------------------------------------------------------------------------------------------
ALL_TOPICS = "tất cả chủ đề"
PRACTICE_START = "📝 Ôn luyện {n} câu — {topic}. Trả lời bằng cách chọn đáp án (gõ A, B, C, D hoặc 1, 2, 3, 4)."
QUIZ_TOPICS = "Các chủ đề ôn luyện (gõ /quiz <mã chủ đề>):"
QUIZ_UNKNOWN_TOPIC = "Không có chủ đề «{topic}»."
QUIZ_EMPTY_BANK = "Chưa có câu hỏi ôn luyện nào. Bạn hãy báo thư ký ISO."
QUIZ_FINISH_FIRST = "Bạn đang làm bài kiểm tra của chiến dịch; hãy hoàn thành bài đó trước."
QUIZ_RIGHT = "✅ Chính xác! {explanation}"
QUIZ_WRONG = "❌ Chưa đúng. Đáp án đúng là {letter}: «{answer}». {explanation}"
QUIZ_LATE = "⏰ Hết thời gian trả lời câu này (tính là chưa đúng). Đáp án đúng là {letter}: «{answer}». {explanation}"
SEE_RULE = "📖 Xem quy định — {source}:\n{excerpt}"
PRACTICE_DONE = "🏁 Kết thúc lượt ôn luyện: đúng {right}/{n} câu ({score}%). Những câu sai sẽ được hỏi lại ở lượt sau. Gõ /quiz để ôn tiếp."
NO_CAMPAIGN = "Hiện bạn không có chiến dịch kiểm tra nào đang mở. Gõ /quiz để ôn luyện."
CAMPAIGN_START = "📋 Bắt đầu bài kiểm tra «{name}»: {n} câu, đạt khi đúng từ {mark}%."
CAMPAIGN_ENDED = "Chiến dịch «{name}» đã kết thúc, nên câu trả lời này không được ghi nhận. Cảm ơn bạn!"
CAMPAIGN_DONE = "Bạn đã hoàn thành chiến dịch «{name}». Gõ /ketqua để xem kết quả."
CAMPAIGN_PASSED = "🎉 Bạn đã ĐẠT bài kiểm tra «{name}»: đúng {right}/{n} câu ({score}%, yêu cầu {mark}%)."
CAMPAIGN_FAILED_RETRY = ("Bạn CHƯA ĐẠT bài kiểm tra «{name}»: đúng {right}/{n} câu ({score}%, yêu cầu {mark}%). "
                         "Bạn còn {left} lượt làm lại: gõ /kiemtra khi sẵn sàng.")
CAMPAIGN_FAILED = "Bạn CHƯA ĐẠT bài kiểm tra «{name}»: đúng {right}/{n} câu ({score}%, yêu cầu {mark}%). Bạn đã dùng hết lượt làm bài."
CAMPAIGN_NOTICE = ("📣 Chiến dịch tìm hiểu ISO «{name}» đã bắt đầu: {n} câu hỏi, đạt khi đúng từ {mark}%, "
                   "hạn cuối {end}. Gõ /kiemtra để làm bài.")
CAMPAIGN_REMINDER = "⏳ Nhắc việc: bạn chưa hoàn thành chiến dịch «{name}» (hạn cuối {end}). Gõ /kiemtra để làm bài."
CAMPAIGN_SUMMARY = "📊 Chiến dịch «{name}» đã kết thúc."
QUIZ_CONSOLE = ("Bài ôn luyện và kiểm tra được ghi theo từng cán bộ: hãy dùng tài khoản đã liên kết trên Telegram "
                "hoặc Zalo, hoặc chạy «isobot chat --as <mã cán bộ>» trên máy chủ.")
ATTACHMENT_ELSEWHERE = ("(Tệp «{name}» chỉ gửi được qua Telegram; tại đây, bạn hãy nhờ bộ phận tổ chức cán bộ "
                        "xuất báo cáo bằng lệnh isobot report.)")
RESULTS_NONE = "Bạn chưa có kết quả nào. Gõ /quiz để ôn luyện hoặc /kiemtra để làm bài kiểm tra."
RESULTS = "Kết quả gần đây của bạn:"
HR_ONLY = "Lệnh /baocao chỉ dành cho cán bộ phụ trách tổ chức cán bộ và quản trị viên."
NO_CAMPAIGNS = "Chưa có chiến dịch nào."
NO_CAMPAIGN_NAMED = "Không có chiến dịch «{name}»."
REPORT_TITLE = "Tỷ lệ hoàn thành — {name}"
QUESTION_OF = "Câu {i}/{n}: {question}"
ANSWER_HINT = "Gõ A, B, C… (hoặc 1, 2, 3…) để trả lời."
TIME_LIMIT = "Thời gian trả lời: {s} giây."
COMMANDS += [("quiz", "Ôn luyện ISO"), ("kiemtra", "Làm bài kiểm tra của chiến dịch"), ("ketqua", "Kết quả của tôi"),
             ("baocao", "Báo cáo (tổ chức cán bộ)")]
HELP += ("\n• /quiz [chủ đề] — ôn luyện 10 câu hỏi ISO.\n• /kiemtra — làm bài kiểm tra của chiến dịch đang mở."
         "\n• /ketqua — kết quả của tôi.")


def quiz_topics(topics: dict, unknown: str = "") -> str:
    lines = ([QUIZ_UNKNOWN_TOPIC.format(topic=unknown)] if unknown else []) + [QUIZ_TOPICS]
    lines += [f"• {t.id} — {t.title} ({len(t.questions)} câu)" for t in topics.values()]
    return "\n".join(lines)


def quiz_text(p) -> str:
    """A quiz question for chats without polls: numbered question, lettered options."""
    lines = [QUESTION_OF.format(i=p.position + 1, n=p.total, question=p.question)]
    lines += [f"{'ABCDEF'[i]}. {o}" for i, o in enumerate(p.options)]
    if p.open_period:
        lines.append(TIME_LIMIT.format(s=p.open_period))
    lines.append(ANSWER_HINT)
    return "\n".join(lines)


def results(rows: list[dict]) -> str:
    if not rows:
        return RESULTS_NONE
    lines = [RESULTS]
    for r in rows:
        what = f"Chiến dịch «{r['campaign']}»" if r["campaign"] else "Ôn luyện"
        verdict = "" if r["passed"] is None else (" — Đạt" if r["passed"] else " — Chưa đạt")
        lines.append(f"• {r['finished_at'][:10]}: {what}: {r['correct']}/{r['total']} câu ({number(r['score'])}%){verdict}")
    return "\n".join(lines)


def report_summary(campaign: dict, data: dict) -> str:
    t = data["total"]
    lines = [f"📊 Báo cáo chiến dịch «{campaign['name']}» ({campaign['start_at'][:10]} – {campaign['end_at'][:10]})",
             f"Được giao: {t['assigned']} · Đã hoàn thành: {t['completed']} ({number(t['completion_rate'])}%) · Đạt: {t['passed']}"]
    lines += [f"• {u['unit'] or '—'}: {u['completed']}/{u['assigned']} hoàn thành, {u['passed']} đạt"
              + (f", điểm TB {number(u['average_score'])}" if u["average_score"] is not None else "") for u in data["units"]]
    if data["missed"]:
        lines.append("Câu hay trả lời sai: " + ", ".join(f"{q['question_id']} ({q['wrong']} lần)" for q in data["missed"][:5]))
    return "\n".join(lines)

WEB_LINK = ("🔐 Liên kết đăng nhập bảng điều hành Trợ lý ISO (dùng được một lần, hết hạn sau 10 phút; "
            "đừng chuyển cho người khác):\n{url}")
WEB_NOT_ALLOWED = ("Bảng điều hành chỉ dành cho cán bộ tổ chức cán bộ, thư ký ISO và quản trị viên. "
                   "Nếu bạn cần quyền này, hãy liên hệ quản trị viên.")
REVIEW_NEWS = "🔎 Rà soát tài liệu ISO: có {n} phát hiện mới."
REVIEW_MORE = "… và {n} phát hiện khác."
REVIEW_WHERE = "Xem chi tiết và đề xuất sửa trên bảng điều hành: {url}"
