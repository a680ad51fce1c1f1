"""Read .md, .txt, .docx, .pdf and .html files into blocks and metadata, within ``Limits``."""

from __future__ import annotations

import datetime
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from time import monotonic

from .documents import Block, RawDocument
from .errors import DocumentError
from .tables import read_back
from .text import clean, fold

SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost; a file over a limit is skipped with a reason."""

    max_bytes: int = 50 * 2**20  # on disk; for a .docx also its XML once unzipped
    max_blocks: int = 200_000  # paragraphs, lines, table cells, HTML tags and PDF pages
    seconds: float = 60.0  # reading time
    max_front_matter: int = 64 * 2**10  # Markdown YAML front matter, in characters


LIMITS = Limits()
MAX_TITLE = 500  # characters; longer titles are cut
MAX_META = 100  # characters of a code, revision or effective date


class _Budget:
    """Counts what a reader walks through and the time it takes; raises once over a limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.units, self.deadline = limits, 0, monotonic() + limits.seconds

    def tick(self, units: int = 1) -> None:
        self.units += units
        if self.units > self.limits.max_blocks:
            raise DocumentError(f"more than {self.limits.max_blocks} paragraphs, lines or table cells: not read")
        if monotonic() > self.deadline:
            raise DocumentError(f"reading took longer than {self.limits.seconds:g} s: abandoned")

    def each(self, items, units: int = 1):  # items one at a time, each counted and the time checked
        for item in items:
            self.tick(units)
            yield item


def check_size(path: Path, limits: Limits = LIMITS) -> None:  # before reading or even hashing a file
    size = Path(path).stat().st_size
    if size > limits.max_bytes:
        raise DocumentError(f"file too large ({size / 2**20:.1f} MiB, the limit is {limits.max_bytes / 2**20:g} MiB)")


# Matched on diacritic-folded text, so "Ma hieu: QT-05" counts too.
_META_KEYS = {
    "ma hieu": "code", "ma so": "code", "ma tai lieu": "code", "ky hieu": "code",
    "lan ban hanh": "revision", "lan sua doi": "revision", "phien ban": "revision",
    "ngay hieu luc": "effective_date", "ngay co hieu luc": "effective_date",
    "ngay ban hanh": "effective_date", "ngay ap dung": "effective_date", "ngay ra soat": "reviewed",
}
_META_LINE = re.compile(r"^\s*(" + "|".join(_META_KEYS) + r")\s*[:|](.+)$")  # not (.+?)\s*$: quadratic


def _meta_line(line: str) -> tuple[str, str] | None:
    """('code', 'QT-05') for a line such as 'Mã hiệu: QT-05'."""
    m = _META_LINE.match(fold(line))
    if not m:
        return None
    value = re.split(r"[:|]", line, maxsplit=1)[1]
    return _META_KEYS[m.group(1)], value.strip(" ;.|")


_FRONT_KEYS = {"title": "title", "code": "code", "revision": "revision", "effective_date": "effective_date",
               "ma_hieu": "code", "lan_ban_hanh": "revision", "ngay_hieu_luc": "effective_date", "reviewed": "reviewed"}


def read(path: Path, limits: Limits = LIMITS) -> RawDocument:
    """Read one file; raise DocumentError with a reason a person understands."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(f"unsupported file type {suffix!r}")
    budget = _Budget(limits)
    try:
        check_size(path, limits)
        if suffix == ".docx":
            doc = _read_docx(path, budget)
        elif suffix == ".pdf":
            doc = _read_pdf(path, budget)
        else:
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError as e:
                raise DocumentError(f"not UTF-8 text (byte {e.start})") from None
            if suffix in (".html", ".htm"):
                doc = _read_html(text, budget)
            elif suffix in (".md", ".markdown"):
                doc = _read_markdown(text, budget)
            else:
                doc = RawDocument("", _text_blocks(text, budget))
    except DocumentError:
        raise
    except Exception as e:  # third-party parsers raise anything on corrupt input
        raise DocumentError(f"cannot read: {type(e).__name__}: {_short(str(e), 300)}") from None
    _take_meta_lines(doc)
    doc.blocks = [row for block in doc.blocks for row in read_back(block)]
    if not any(b.text for b in doc.blocks):
        raise DocumentError("no text found (empty file, or a scanned PDF without a text layer)")
    doc.title = _short(doc.title or _guess_title(doc.blocks) or path.stem, MAX_TITLE)
    doc.meta = {key: _short(value, MAX_META) for key, value in doc.meta.items()}
    return doc


def _short(text: str, limit: int) -> str:  # one line of at most ``limit`` characters
    return " ".join(text.split())[:limit].rstrip()


def is_meta_line(text: str) -> bool:
    return all(_meta_line(line) for line in text.split("\n"))


def _guess_title(blocks: list[Block]) -> str:
    """The first heading, else the first short line that is not a 'Mã hiệu: …' line."""
    heading = next((b.text for b in blocks if b.kind == "heading"), "")
    lines = (b.text for b in blocks[:10] if b.kind == "para" and len(b.text) <= 150 and "\n" not in b.text)
    return heading or next((line for line in lines if not _meta_line(line)), "")


def _take_meta_lines(doc: RawDocument) -> None:
    """Pick 'Mã hiệu: QT-05' style lines (also table rows) into metadata; front matter wins."""
    for block in doc.blocks[:40]:
        for line in block.text.split("\n"):
            if found := _meta_line(line):
                doc.meta.setdefault(*found)


def _lines(text: str, budget: _Budget):  # cleaned lines one at a time, so a huge file stops at the limit
    return (clean(line) for line in budget.each(io.StringIO(text, newline=None)))  # universal newlines


def _text_blocks(text: str, budget: _Budget) -> list[Block]:
    """Plain text: a block per line; structure detection later decides which lines are headings."""
    return [Block("para", line) for line in _lines(text, budget) if line]


def _front_matter(source: str, limits: Limits) -> dict[str, str]:
    """Title, code, revision and date from YAML front matter; anchors and aliases are refused."""
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            event = self.peek_event()  # a few hundred bytes of aliases can expand to gigabytes
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise DocumentError("front matter uses YAML anchors or aliases (& or *), which are not allowed")
            return super().compose_node(parent, index)

    if len(source) > limits.max_front_matter:
        raise DocumentError(f"front matter longer than {limits.max_front_matter // 1024} KiB")
    try:
        front = yaml.load(source, Loader=Loader) or {}
    except yaml.YAMLError as e:
        raise DocumentError(f"front matter is not valid YAML: {str(e).splitlines()[0]}") from None
    meta: dict[str, str] = {}
    for key, value in front.items() if isinstance(front, dict) else []:
        name = _FRONT_KEYS.get(str(key).lower())
        if name and value is not None:
            if not isinstance(value, (str, int, float, datetime.date)):
                raise DocumentError(f"front matter {name!r} must be plain text, not a {type(value).__name__}")
            meta[name] = clean(str(value))
    return meta


def _read_markdown(text: str, budget: _Budget) -> RawDocument:
    meta: dict[str, str] = {}
    text = text.lstrip("\ufeff")
    if text.startswith("---"):
        end = re.search(r"^(---|\.\.\.)\s*$", text[3:], re.MULTILINE)
        if end:
            meta = _front_matter(text[3 : 3 + end.start()], budget.limits)
            text = text[3 + end.end() :]
    blocks: list[Block] = []
    para: list[str] = []
    header: list[str] | None = None

    def flush() -> None:
        if para:
            blocks.append(Block("para", "\n".join(para)))
            para.clear()

    for line in _lines(text, budget):
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)  # closing #s stripped below: a regex would be quadratic
        if heading:
            flush()
            header = None
            blocks.append(Block("heading", heading.group(2).rstrip("#").rstrip().strip("*_ "), len(heading.group(1))))
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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _precount_docx(path: Path, budget: _Budget) -> None:
    """Count paragraphs and cells in a streaming pass: refuse a huge body before python-docx parses it."""
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        parts = [i for i in z.infolist() if i.filename.endswith((".xml", ".rels"))]
        if sum(i.file_size for i in parts) > budget.limits.max_bytes:
            raise DocumentError(f"the .docx unzips to more than {budget.limits.max_bytes / 2**20:g} MiB of XML")
        for info in parts:
            with z.open(info) as f:
                for _, el in etree.iterparse(f, resolve_entities=False, no_network=True):
                    if el.tag in (_W + "p", _W + "tc"):
                        budget.tick()
                    elif el.tag == _W + "gridSpan":  # python-docx repeats a spanned cell once per column
                        budget.tick(max(0, int(el.get(_W + "val", "1")) - 1))
                    el.clear()  # keep memory flat: drop what has been counted
                    while el.getprevious() is not None:
                        del el.getparent()[0]


def _read_docx(path: Path, budget: _Budget) -> RawDocument:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _precount_docx(path, budget)
    document = docx.Document(str(path))
    blocks: list[Block] = []
    title = clean(document.core_properties.title or "")
    for element in budget.each(document.element.body.iterchildren(), 0):  # counted already: time only
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
            rows = [[clean(c.text) for c in row.cells] for row in budget.each(Table(element, document).rows, 0)]
            blocks += _table_blocks(rows)
    return RawDocument(title, blocks)


def _table_blocks(rows: list[list[str]]) -> list[Block]:
    """Two-column tables are key/value (a header table); wider ones have a header row."""
    # merged cells repeat their text in python-docx: keep each run once
    rows = [[c for i, c in enumerate(r) if not i or c != r[i - 1]] for r in rows if any(r)]
    if not rows:
        return []
    if max(len(r) for r in rows) <= 2:
        return [Block("row", ": ".join(c for c in r if c)) for r in rows]
    header, body = rows[0], rows[1:]
    return [Block("row", _row_text(header, r)) for r in body]


def _read_pdf(path: Path, budget: _Budget) -> RawDocument:
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError("the PDF is password-protected")
        pages = [page.extract_text() or "" for page in budget.each(reader.pages)]
    except pypdf.errors.PyPdfError as e:
        raise DocumentError(f"corrupt PDF: {e}") from None
    title = clean(str((reader.metadata or {}).get("/Title") or ""))
    return RawDocument(title, _text_blocks("\n".join(pages), budget))


class _HTMLBlocks(HTMLParser):
    BLOCK = {"p", "li", "div", "br", "dd", "dt", "pre", "blockquote"}

    def __init__(self, budget: _Budget) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.blocks: list[Block] = []
        self.title = ""
        self.buf: list[str] = []
        self.level = self.skip = 0
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
        self.budget.tick()
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


def _read_html(text: str, budget: _Budget) -> RawDocument:
    parser = _HTMLBlocks(budget)
    for start in budget.each(range(0, len(text), 2**20), 0):  # in pieces, to check the time in between
        parser.feed(text[start : start + 2**20])
    parser.close()
    parser.flush()
    return RawDocument(clean(parser.title), parser.blocks)
