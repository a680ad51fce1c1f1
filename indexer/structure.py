"""Find a document's structure (headings, legal units, ISO sections) and cut it into chunks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .documents import Block, Chunk, RawDocument
from .readers import is_meta_line

MAX_WORDS = 200  # e5 reads 512 tokens; ~200 Vietnamese syllables stay well inside

_LEGAL = [
    (1, re.compile(r"^(Phần|PHẦN)\s+(thứ\s+|THỨ\s+)?[\wÀ-ỹ]+\b")),
    (2, re.compile(r"^(Chương|CHƯƠNG)\s+[IVXLCDM\d]+\b")),
    (3, re.compile(r"^(Mục|MỤC)\s+\d+\b")),
    (4, re.compile(r"^Điều\s+\d+[a-zđ]?\s*[.:]")),
]
_KHOAN = re.compile(r"^\d+\.\s")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+){0,3})\.?\s+(\S.{1,100})$")
_ISO_NAMES = re.compile(
    r"^(mục đích|phạm vi( áp dụng)?|tài liệu viện dẫn|(thuật ngữ và )?định nghĩa( và (từ )?viết tắt)?|"
    r"(các )?từ viết tắt|nội dung( quy trình)?|lưu đồ|hồ sơ( cần lưu)?|lưu hồ sơ|biểu mẫu( áp dụng)?)$",
    re.IGNORECASE,
)


@dataclass
class Section:
    path: list[str]
    units: list[str] = field(default_factory=list)


def detect_heading(block: Block, in_article: bool, heuristics: bool) -> int:
    """Heading level of a block, 0 if it is body text."""
    if block.kind == "heading":
        return max(block.level, 1)
    if block.kind != "para" or "\n" in block.text or len(block.text) > 200:
        return 0
    text = block.text
    for level, pattern in _LEGAL:
        if pattern.match(text):
            return level
    if not heuristics or in_article:
        return 0
    if _ISO_NAMES.match(text.rstrip(":")):
        return 1
    m = _NUMBERED.match(text)
    if m and len(text) <= 100 and not re.search(r"[.;,:]$", text) and m.group(2)[0].isupper():
        return m.group(1).count(".") + 1
    return 0


def sections(doc: RawDocument) -> list[Section]:
    """Group blocks under their heading path; the document title is not part of the path."""
    explicit = sum(1 for b in doc.blocks if b.kind == "heading" and b.text != doc.title)
    heuristics = explicit < 2
    stack: list[tuple[int, str]] = []
    out = [Section([])]
    in_article = False
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        level = detect_heading(block, in_article, heuristics)
        if block.text == doc.title and not stack:
            i += 1
            continue
        if level:
            text = block.text
            # "Chương I" is usually followed by its name on the next line, in capitals
            if re.match(r"^(Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+((thứ|THỨ)\s+)?\S+$", text) and i + 1 < len(blocks):
                nxt = blocks[i + 1].text
                if blocks[i + 1].kind == "para" and nxt.isupper() and len(nxt) < 150:
                    text, i = f"{text}. {nxt}", i + 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            in_article = text.startswith("Điều ")
            out.append(Section([t for _, t in stack]))
        elif not (len(out) == 1 and is_meta_line(block.text)):  # header lines are metadata, not content
            out[-1].units.append(block.text)
        i += 1
    return [s for s in out if s.units]


def _split_long(unit: str, max_words: int) -> list[str]:
    words = unit.split(" ")
    if len(words) <= max_words:
        return [unit]
    sentences = re.split(r"(?<=[.;:!?])\s+|\n", unit)
    parts, current = [], []
    for sentence in sentences:
        sw = sentence.split(" ")
        while len(sw) > max_words:  # a single run-on sentence: cut by words
            parts.append(" ".join(sw[:max_words]))
            sw = sw[max_words:]
        if current and len(current) + len(sw) > max_words:
            parts.append(" ".join(current))
            current = []
        current += sw
    if current:
        parts.append(" ".join(current))
    return parts


def chunk_document(doc: RawDocument, source: str, max_words: int = MAX_WORDS) -> list[Chunk]:
    """Cut each section into chunks of whole units (paragraphs, table rows, clauses)."""
    chunks = []
    meta = {k: doc.meta.get(k, "") for k in ("code", "revision", "effective_date")}
    for section in sections(doc):
        label = " > ".join(section.path)
        units = [u for unit in section.units for u in _split_long(unit, max_words)]
        group: list[str] = []
        size = 0
        for unit in units:
            n = unit.count(" ") + 1
            if group and size + n > max_words:
                chunks.append(Chunk(source, doc.title, label, "\n".join(group), **meta))
                group, size = [], 0
            group.append(unit)
            size += n
        if group:
            chunks.append(Chunk(source, doc.title, label, "\n".join(group), **meta))
    return chunks
