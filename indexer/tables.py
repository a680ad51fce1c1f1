"""Read back tables that were flattened into one string.

The national portal (and documents copied from it) glue the channel / time limit / fee table into a
single run of text without separators:

    Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày làm việcLệ phí: 8.000 đồngDịch vụ bưu chính…

``unflatten`` turns such a string into one line per channel, so the answer can show the row an
officer asks about ("Trực tiếp: thời hạn: 15 Ngày làm việc; Lệ phí: 8.000 đồng"), and states once what every
row repeats. The papers table is glued the same way, each row ending with its number of copies:

    * Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Tờ khai đăng ký khai tử theo mẫu;1 bản chính- Giấy báo tử…

``unflatten_papers`` gives one line per paper, its form file apart ("- Tờ khai … (mẫu: Mau-01.docx): 1 bản chính").
"""

from __future__ import annotations

import re

from .documents import Block

CHANNELS = ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính")
_HEADER = re.compile(r"Hình thức nộp\s*Thời gian\s*Phí,\s*lệ phí\s*(?:Mô tả)?\s*")
# A row starts with a channel name, glued to what follows: a number, or the fee when no time is given.
_ROW = re.compile(r"(?P<channel>" + "|".join(CHANNELS) + r")(?=\s*(?:\d|Không|Trong|Miễn|Lệ phí|Phí|Theo))")
_TIME = re.compile(r"\s*(?P<time>\d+(?:[.,]\d+)?(?:\s*(?:Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm))?"
                   r"|Trong ngày|Không quy định|Không có thông tin)(?!\s*(?:VNĐ|Đồng|đồng|đ/))", re.IGNORECASE)
_MONEY = r"[\d.,]+\s*(?:VNĐ|(?:Việt Nam\s*)?Đồng)"
_FEE = re.compile(r"\s*(?P<fee>Miễn phí|Không có thông tin|Không phải trả[^(]*?(?=\(|$)|"
                  rf"(?:Lệ phí|Phí)\s*:?\s*(?:{_MONEY})?|{_MONEY})", re.IGNORECASE)
EMPTY = "Không có thông tin"


HEADER = "Tên giấy tờ (mẫu đơn, tờ khai): số lượng"
_PAPERS = re.compile(r"Tên giấy tờ\s*Mẫu đơn,\s*tờ khai\s*Số lượng\s*")
_COPIES = re.compile(r"\d+\s*bản\s*(?:chính|sao|gốc)(?:\s*,\s*\d+\s*bản\s*(?:chính|sao|gốc))*")
_FORM_FILE = re.compile(r"\.(?:docx?|pdf|xlsx?)$", re.IGNORECASE)
_GROUP = re.compile(r"(?:^|\s*)\*\s*(?=[^*]*?:)")  # "* Giấy tờ phải xuất trình:" opens a group


# a line ``unflatten_papers`` writes for a paper: its name, then its copies ("- Tờ khai …: 1 bản chính")
PAPER_ROW = re.compile(r"\s*[-+]\s(?P<name>.+?)(?P<copies>:\s*" + _COPIES.pattern + r")$")


def read_back(block: Block) -> list[Block]:
    """A table flattened into one paragraph becomes its rows; any other block stays as it is."""
    lines = (unflatten(block.text) or unflatten_papers(block.text)) if block.kind == "para" else None
    return [Block("row", line) for line in lines] if lines else [block]


def unflatten_papers(text: str) -> list[str] | None:
    """Lines of flattened papers tables in ``text`` (one a paper, with its copies), or None."""
    parts = _PAPERS.split(text)
    if len(parts) < 2:
        return None
    lines = _plain(parts[0])
    for part in parts[1:]:
        lines.append(HEADER)  # the table's own header, in the rows' shape: it names what the section lists
        at = 0
        for copies in _COPIES.finditer(part):
            name = part[at:copies.start()].strip()
            at = copies.end()
            if not name:
                continue
            sub = name.startswith("+")
            name = name.lstrip("-+• ").strip()
            name, form = _form_apart(name.rstrip(" .;,"))
            if form:
                name = f"{name} (mẫu: {form})"
            kept = [c.strip() for c in copies.group(0).split(",") if not re.match(r"0\s", c.strip())]
            lines.append(("  + " if sub else "- ") + name + (f": {', '.join(kept)}" if kept else ""))
        lines += _plain(part[at:])
    return lines


def _form_apart(name: str) -> tuple[str, str | None]:
    """A form file glued after a paper's name starts where a capital follows a small letter or a
    bracket without a space: "…Luật Quản lý thuếMẫu 02 KK TNCN.docx", "…Bộ Công an)Mẫu DC01….doc"."""
    end = _FORM_FILE.search(name)
    if end is None:
        return name, None
    for i in range(max(name.rfind("("), name.rfind(")"), 0) + 1, end.start()):
        if name[i].isupper() and (name[i - 1].islower() or name[i - 1] in ").;:,"):
            return name[:i].rstrip(" .;,"), name[i:]
    return name, None


def _plain(text: str) -> list[str]:
    """Text around the tables, one line a group heading ("* Giấy tờ phải nộp:") or note."""
    return [piece.strip() for piece in _GROUP.split(text) if piece.strip()]


def unflatten(text: str) -> list[str] | None:
    """Lines of a flattened channel table in ``text``, or None when ``text`` holds none."""
    header = _HEADER.search(text)
    if header is None:
        return None
    body = text[header.end():]
    starts = list(_ROW.finditer(body))
    if not starts or starts[0].start() > 0:
        return None
    rows = []
    for m, nxt in zip(starts, starts[1:] + [None]):
        rest = body[m.end(): nxt.start() if nxt else len(body)]
        time = _TIME.match(rest)
        rest = rest[time.end():] if time else rest
        fee = _FEE.match(rest)
        rest = rest[fee.end():] if fee else rest
        rows.append((m["channel"], time["time"].strip() if time else "", fee["fee"].strip() if fee else "",
                     _unwrap(rest)))
    lines = [text[: header.start()].strip()] if text[: header.start()].strip() else []
    notes = [note for *_, note in rows if note]
    shared = notes[0] if len(notes) > 1 and len(set(notes)) == 1 else ""  # said once, not on every row
    for channel, time, fee, note in rows:
        fee = re.sub(r"\s+:\s*", ": ", fee)
        fee = fee if re.match(r"(Lệ phí|Phí)\b", fee) else f"phí, lệ phí: {fee}" if fee and fee != EMPTY else ""
        cells = [f"thời hạn: {time}" if time and time != EMPTY else "", fee, "" if shared else note]
        lines.append(f"{channel}: " + ("; ".join(c for c in cells if c) or "không có thông tin"))
    if shared:
        lines.append(f"Ghi chú (mọi hình thức nộp): {shared}")
    return lines


def _unwrap(note: str) -> str:
    """'(Theo quy định …)' -> 'Theo quy định …'; a note of only 'Không có thông tin' is empty."""
    note = note.strip()
    while note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip()
    return "" if note in ("", EMPTY) else note
