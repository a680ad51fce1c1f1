"""The indexer's and the bank checker's English messages, as the console shows them: in Vietnamese."""

from __future__ import annotations

import re

PROBLEMS_VI = [
    (r"cannot read: (.*)", r"không đọc được tệp: \1"),
    (r"not valid YAML: (.*)", r"không phải YAML hợp lệ: \1"),
    (r"a bank needs .*", "một ngân hàng cần có «topic», «title» và danh sách «questions»"),
    (r"topic (.*) differs from the file name (.*)", r"mã chủ đề \1 khác tên tệp \2"),
    (r"a question must be a mapping.*", "mỗi câu hỏi cần có id, question, options, answer"),
    (r"missing id", "thiếu id"),
    (r"(.*): missing question text", r"\1: thiếu nội dung câu hỏi"),
    (r"(.*): needs 2 to 6 options", r"\1: cần từ 2 đến 6 phương án"),
    (r"(.*): 'answer' must be one letter among (.*)", r"\1: đáp án phải là một chữ cái trong \2"),
    (r"(.*): two options are the same", r"\1: có hai phương án trùng nhau"),
    (r"(.*): question has (\d+) characters \(Telegram allows (\d+)\)", r"\1: câu hỏi dài \2 ký tự (Telegram cho phép \3)"),
    (r"(.*): option (.) is empty", r"\1: phương án \2 để trống"),
    (r"(.*): option (.) has (\d+) characters \(Telegram allows (\d+)\)",
     r"\1: phương án \2 dài \3 ký tự (Telegram cho phép \4)"),
    (r"(.*): explanation has (\d+) characters \(Telegram allows (\d+)\)",
     r"\1: lời giải thích dài \2 ký tự (Telegram cho phép \3)"),
    (r"(.*): missing source\.document.*", r"\1: thiếu tài liệu làm căn cứ cho đáp án (source.document)"),
    (r"(.*): id already used in (.*)", r"\1: id đã được dùng ở \2"),
]


READING_VI = [
    (r"more than (\d+) paragraphs, lines or table cells: not read", r"hơn \1 đoạn, dòng hoặc ô bảng: không đọc"),
    (r"reading took longer than (.*) s: abandoned", r"đọc lâu hơn \1 giây: đã dừng"),
    (r"file too large \((.*) MiB, the limit is (.*) MiB\)", r"tệp quá lớn (\1 MiB, giới hạn \2 MiB)"),
    (r"unsupported file type (.*)", r"loại tệp \1 không được hỗ trợ"),
    (r"not UTF-8 text \(byte (\d+)\)", r"không phải văn bản UTF-8 (byte \1)"),
    (r"cannot read: (.*)", r"không đọc được: \1"),
    (r"no text found.*", "không có chữ (tệp rỗng, hoặc PDF quét không có lớp chữ)"),
    (r"front matter (.*)", r"phần thông tin đầu tệp (front matter) không hợp lệ: \1"),
    (r"the \.docx unzips to more than (.*) MiB of XML", r"tệp .docx giải nén ra hơn \1 MiB XML"),
    (r"the PDF is password-protected", "PDF có mật khẩu"),
    (r"corrupt PDF: (.*)", r"PDF hỏng: \1"),
    (r"symbolic link skipped", "liên kết tượng trưng (symlink): bỏ qua"),
    (r"(?:isobot: )?another `isobot index` is running.*", "một lần lập chỉ mục khác đang chạy"),
    (r"interrupted", "bị gián đoạn (máy chủ đã khởi động lại)"),
    (r"(?:isobot: )?cannot load (.*) \((.*)\): delete it and run `isobot model` to write it again",
     r"không nạp được tệp mô hình \1; quản trị viên cần xóa tệp này rồi chạy «isobot model» trên máy chủ để tạo lại"),
    (r"(?:isobot: )?ONNX Runtime cannot be loaded .*",
     "không nạp được ONNX Runtime; quản trị viên cần đặt ISOBOT_PRECISION=fp32 hoặc bf16"),
]


def _translate(table: list, message: str) -> str:
    for pattern, template in table:
        if re.fullmatch(pattern, message, flags=re.S):
            return re.sub(pattern, template, message, flags=re.S)
    return message


def problem_vi(message: str) -> str:
    """A question-bank problem (quizzes.bank)."""
    return _translate(PROBLEMS_VI, message)


def reading_vi(message: str) -> str:
    """Why a document could not be indexed (indexer.readers), or why an indexing job failed."""
    return _translate(READING_VI, message)


