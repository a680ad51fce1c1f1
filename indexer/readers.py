"""Read .md, .txt, .docx, .pdf and .html files into blocks and metadata."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from .documents import Block, RawDocument
from .errors import DocumentError
from .text import clean, fold

SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf", ".html", ".htm")

# Matched on diacritic-folded text, so "Ma hieu: QT-05" counts too.
_META_KEYS = {
    "ma hieu": "code", "ma so": "code", "ma tai lieu": "code", "ky hieu": "code",
    "lan ban hanh": "revision", "lan sua doi": "revision", "phien ban": "revision",
    "ngay hieu luc": "effective_date", "ngay co hieu luc": "effective_date",
    "ngay ban hanh": "effective_date", "ngay ap dung": "effective_date",
}
_META_LINE = re.compile(r"^\s*(" + "|".join(_META_KEYS) + r")\s*[:|]\s*(.+?)\s*$")


def _meta_line(line: str) -> tuple[str, str] | None:
    """('code', 'QT-05') for a line such as 'Mã hiệu: QT-05'."""
    m = _META_LINE.match(fold(line))
    if not m:
        return None
    value = re.split(r"[:|]", line, maxsplit=1)[1]
    return _META_KEYS[m.group(1)], value.strip(" ;.|")


_FRONT_KEYS = {"title": "title", "code": "code", "revision": "revision", "effective_date": "effective_date",
               "ma_hieu": "code", "lan_ban_hanh": "revision", "ngay_hieu_luc": "effective_date"}


def read(path: Path) -> RawDocument:
    """Read one file; raise DocumentError with a reason a person understands."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"unsupported file type {suffix!r}")
    try:
        if suffix == ".docx":
            doc = _read_docx(path)
        elif suffix == ".pdf":
            doc = _read_pdf(path)
        else:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                raise DocumentError(f"not UTF-8 text (byte {e.start})") from None
            if suffix in (".html", ".htm"):
                doc = _read_html(text)
            elif suffix in (".md", ".markdown"):
                doc = _read_markdown(text)
            else:
                doc = RawDocument("", _text_blocks(text))
    except DocumentError:
        raise
    except Exception as e:  # third-party parsers raise anything on corrupt input
        raise DocumentError(f"cannot read: {type(e).__name__}: {e}") from None
    _take_meta_lines(doc)
    if not any(b.text for b in doc.blocks):
        raise DocumentError("no text found (empty file, or a scanned PDF without a text layer)")
    if not doc.title:
        doc.title = _guess_title(doc.blocks) or path.stem
    return doc


def is_meta_line(text: str) -> bool:
    return all(_meta_line(line) for line in text.split("\n"))


def _guess_title(blocks: list[Block]) -> str:
    """The first heading, else the first short line that is not a 'Mã hiệu: …' line."""
    heading = next((b.text for b in blocks if b.kind == "heading"), "")
    if heading:
        return heading
    for b in blocks[:10]:
        if b.kind == "para" and not _meta_line(b.text) and len(b.text) <= 150 and "\n" not in b.text:
            return b.text
    return ""


def _take_meta_lines(doc: RawDocument) -> None:
    """Pick 'Mã hiệu: QT-05' style lines (also table rows) into metadata; front matter wins."""
    for block in doc.blocks[:40]:
        for line in block.text.split("\n"):
            found = _meta_line(line)
            if found:
                doc.meta.setdefault(*found)


def _text_blocks(text: str) -> list[Block]:
    """Plain text: a block per line; structure detection later decides which lines are headings."""
    return [Block("para", line) for line in clean(text).split("\n") if line]


def _read_markdown(text: str) -> RawDocument:
    meta: dict[str, str] = {}
    text = text.lstrip("\ufeff")
    if text.startswith("---"):
        end = re.search(r"^(---|\.\.\.)\s*$", text[3:], re.MULTILINE)
        if end:
            import yaml

            try:
                front = yaml.safe_load(text[3 : 3 + end.start()]) or {}
            except yaml.YAMLError as e:
                raise DocumentError(f"front matter is not valid YAML: {str(e).splitlines()[0]}") from None
            if isinstance(front, dict):
                for key, value in front.items():
                    if str(key).lower() in _FRONT_KEYS and value is not None:
                        meta[_FRONT_KEYS[str(key).lower()]] = clean(str(value))
            text = text[3 + end.end() :]
    blocks: list[Block] = []
    para: list[str] = []
    header: list[str] | None = None

    def flush() -> None:
        if para:
            blocks.append(Block("para", "\n".join(para)))
            para.clear()

    for line in clean(text).split("\n"):
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", line)
        if heading:
            flush()
            header = None
            blocks.append(Block("heading", heading.group(2).strip("*_ "), len(heading.group(1))))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if header is None:
                header = cells
            else:
                blocks.append(Block("row", _row_text(header, cells)))
        elif not line:
            flush()
            header = None
        else:
            header = None
            para.append(line)
    flush()
    return RawDocument(meta.pop("title", ""), blocks, meta)


def _row_text(header: list[str], cells: list[str]) -> str:
    """'Bước: 2; Trách nhiệm: Công chức một cửa; …' so a row reads on its own."""
    pairs = []
    for i, cell in enumerate(cells):
        cell = re.sub(r"<br\s*/?>", "; ", cell).strip()
        if not cell:
            continue
        name = header[i].strip("* ") if i < len(header) else ""
        pairs.append(f"{name}: {cell}" if name and name != cell else cell)
    return "; ".join(pairs)


def _read_docx(path: Path) -> RawDocument:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    blocks: list[Block] = []
    title = clean(document.core_properties.title or "")
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(element, document)
            text = clean(para.text)
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = re.match(r"(?:Heading|Tiêu đề)\s*(\d)", style)
            if style == "Title":
                title = title or text
                blocks.append(Block("heading", text, 1))
            elif level:
                blocks.append(Block("heading", text, int(level.group(1))))
            else:
                blocks.append(Block("para", text))
        elif tag == "tbl":
            rows = [[clean(c.text) for c in row.cells] for row in Table(element, document).rows]
            blocks += _table_blocks(rows)
    return RawDocument(title, blocks)


def _table_blocks(rows: list[list[str]]) -> list[Block]:
    """Two-column tables are key/value (a header table); wider ones have a header row."""
    rows = [_dedupe_merged(r) for r in rows if any(r)]
    if not rows:
        return []
    if max(len(r) for r in rows) <= 2:
        return [Block("row", ": ".join(c for c in r if c)) for r in rows]
    header, body = rows[0], rows[1:]
    return [Block("row", _row_text(header, r)) for r in body]


def _dedupe_merged(cells: list[str]) -> list[str]:
    """Merged cells repeat their text in python-docx; keep each run once."""
    out: list[str] = []
    for c in cells:
        if not out or c != out[-1]:
            out.append(c)
    return out


def _read_pdf(path: Path) -> RawDocument:
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError("the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except pypdf.errors.PyPdfError as e:
        raise DocumentError(f"corrupt PDF: {e}") from None
    title = clean(str((reader.metadata or {}).get("/Title") or ""))
    return RawDocument(title, _text_blocks("\n".join(pages)))


class _HTMLBlocks(HTMLParser):
    BLOCK = {"p", "li", "div", "br", "dd", "dt", "pre", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self.buf: list[str] = []
        self.level = 0
        self.skip = 0
        self.in_title = False
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.header: list[str] | None = None

    def flush(self) -> None:
        text = clean("".join(self.buf))
        self.buf = []
        if text:
            kind = "heading" if self.level else "para"
            self.blocks += [Block(kind, line, self.level) for line in text.split("\n") if line]

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.level = int(tag[1])
        elif tag == "table":
            self.flush()
            self.header = None
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in self.BLOCK:
            self.flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.level = 0
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(clean(" ".join("".join(self.cell).split())))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            row, self.row = self.row, None
            if not any(row):
                return
            if len(row) <= 2:
                self.blocks.append(Block("row", ": ".join(c for c in row if c)))
            elif self.header is None:
                self.header = row
            else:
                self.blocks.append(Block("row", _row_text(self.header, row)))
        elif tag in self.BLOCK:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_title:
            self.title += data
        elif self.cell is not None:
            self.cell.append(data)
        else:
            self.buf.append(data)


def _read_html(text: str) -> RawDocument:
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    parser.flush()
    return RawDocument(clean(parser.title), parser.blocks)
