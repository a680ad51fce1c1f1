"""A review of the whole knowledge base, as a careful ISO secretary would do it: replaced legal texts,
contradictions between procedures, document control (TCVN ISO 9001:2015 clause 7.5). Reads the index;
knows nothing of chat."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ..store import IndexData
from . import conflicts, control, legal


@dataclass(frozen=True)
class Finding:
    kind: str  # legal_reference | contradiction | missing_field | duplicate_code | review_overdue | dangling_reference | missing_section
    documents: list[str]  # source paths, relative to the knowledge folder
    sections: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    message: str = ""  # Vietnamese, for the ISO secretary
    suggestion: str = ""

    def as_json(self) -> dict:
        return asdict(self)

    @property
    def key(self) -> str:
        """Stable identity, to tell a new finding from one already reported."""
        return "|".join([self.kind, *self.documents, *self.sections, *self.quotes])


@dataclass(frozen=True)
class Options:
    review_months: int = 12  # QT-01 § 5.8 of the sample base: every document reviewed at least yearly
    required_sections: tuple[str, ...] = control.REQUIRED_SECTIONS  # the layout QT-01 § 5.1 sets for a procedure
    procedure_prefix: str = "QT"  # documents whose code starts so are procedures
    registry: Path | None = None  # the unit's own legal registry, on top of the shipped one
    today: date | None = None


def review(index: IndexData, options: Options = Options()) -> list[Finding]:
    registry = legal.load_registry(options.registry)
    findings = [Finding(**f) for f in _legal(index, registry)]
    findings += [Finding(**f) for f in control.findings(index, options)]
    findings += [Finding(**f) for f in conflicts.findings(index)]
    return findings


def _around(line: str, quote: str, width: int = 120) -> str:
    """The words around ``quote`` in a long line (a flattened table can run to thousands of characters)."""
    at = max(0, line.find(quote))
    start, end = max(0, at - width), min(len(line), at + len(quote) + width // 2)
    return ("…" if start else "") + line[start:end].strip() + ("…" if end < len(line) else "")


def _legal(index: IndexData, registry) -> list[dict]:
    out, seen = [], set()
    for c in index.chunks:
        for line in c.text.split("\n"):
            for citation, entry in legal.check(line, registry):
                key = (c.source, entry.text)
                if key in seen:
                    continue
                seen.add(key)
                since = date.fromisoformat(entry.since).strftime("%d/%m/%Y") if entry.since else ""
                new = ", ".join(entry.replaced_by)
                out.append({"kind": "legal_reference", "documents": [c.source], "sections": [c.section],
                            "quotes": [_around(line, citation.quote)],
                            "message": f"Trích dẫn {entry.kind} {entry.text} ({entry.subject}) đã được thay thế bởi {new}"
                                       + (f" từ ngày {since}" if since else "")
                                       + (f" ({entry.stated_in})" if entry.stated_in else "")
                                       + ("" if entry.verified else "; thông tin thay thế chưa được xác minh, cần kiểm tra lại") + ".",
                            "suggestion": f"Thay «{citation.quote}» bằng văn bản hiện hành ({new}) và rà soát nội dung dựa trên văn bản cũ."})
    return out
