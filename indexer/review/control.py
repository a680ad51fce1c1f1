"""Document control (clause 7.5): code, revision and effective date; duplicate codes; periodic review;
references to procedures and forms that no document defines; the sections every procedure must have."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime

from ..text import fold

REQUIRED_SECTIONS = ("Mục đích", "Phạm vi áp dụng", "Tài liệu viện dẫn", "Định nghĩa", "Nội dung",
                     "Hồ sơ cần lưu", "Biểu mẫu")
FIELDS_VI = {"code": "mã hiệu", "revision": "lần ban hành", "effective_date": "ngày hiệu lực"}
CODE_REF = re.compile(r"\b(QT-(?:[A-Z]{2}-)?\d{2})\b")
FORM_REF = re.compile(r"\b(BM\.\d{2}\.\d{2})\b")


def parse_day(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(str(text).strip(), fmt).date()
        except ValueError:
            continue
    return None


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + y, month=m + 1, day=min(day.day, 28))


def findings(index, options) -> list[dict]:
    docs = index.documents
    today = options.today or date.today()
    out: list[dict] = []
    by_code: dict[str, list[str]] = defaultdict(list)
    for source, d in docs.items():
        code = (d.get("code") or "").strip()
        if code:
            by_code[code.upper()].append(source)
        # a controlled document of the unit: a procedure code, or a revision or date of its own (a
        # procedure copied from the portal carries only the portal's code)
        controlled = code.upper().startswith(options.procedure_prefix.upper()) or d.get("revision") or d.get("effective_date")
        missing = [FIELDS_VI[k] for k in FIELDS_VI if controlled and not str(d.get(k) or "").strip()]
        if missing:
            out.append({"kind": "missing_field", "documents": [source], "quotes": [d.get("title", "")],
                        "message": f"Tài liệu «{d.get('title', source)}» thiếu {', '.join(missing)}.",
                        "suggestion": "Bổ sung phần đầu tài liệu theo quy định kiểm soát tài liệu (mã hiệu, lần ban hành, ngày hiệu lực)."})
        last = max(filter(None, (parse_day(d.get("effective_date", "")), parse_day(d.get("reviewed", "")))), default=None)
        if code and last and _add_months(last, options.review_months) < today:
            out.append({"kind": "review_overdue", "documents": [source], "quotes": [d.get("effective_date", "")],
                        "message": f"{code} «{d.get('title', source)}» chưa được rà soát từ {last:%d/%m/%Y}: quá hạn rà soát "
                                   f"định kỳ {options.review_months} tháng.",
                        "suggestion": "Rà soát tài liệu; ghi ngày rà soát (reviewed) hoặc ban hành lần sửa đổi mới."})
    for code, sources in by_code.items():
        if len(sources) > 1:
            out.append({"kind": "duplicate_code", "documents": sorted(sources), "quotes": [code],
                        "message": f"Mã hiệu {code} được dùng cho {len(sources)} tài liệu.",
                        "suggestion": "Mỗi tài liệu cần một mã hiệu riêng; đổi mã của tài liệu ban hành sau."})
    out += _dangling(index, set(by_code))
    out += _sections(index, options)
    return out


def _dangling(index, codes: set[str]) -> list[dict]:
    """Procedure codes and form numbers cited but defined by no document (a form is defined where a
    document lists it under its forms section, or as a document's own code)."""
    forms: set[str] = set()
    for c in index.chunks:
        if "bieu mau" in fold(c.section.split(" > ")[0]):
            forms.update(FORM_REF.findall(c.text))
    forms |= {code for code in codes if FORM_REF.fullmatch(code)}
    out, seen = [], set()
    for c in index.chunks:
        for line in c.text.split("\n"):
            for ref, known, what in [(r, codes, "quy trình") for r in CODE_REF.findall(line)] + \
                                    [(r, forms, "biểu mẫu") for r in FORM_REF.findall(line)]:
                if ref.upper() in known or (c.source, ref) in seen or ref.upper() == (c.code or "").upper():
                    continue
                seen.add((c.source, ref))
                out.append({"kind": "dangling_reference", "documents": [c.source], "sections": [c.section],
                            "quotes": [line.strip()[:300]],
                            "message": f"Viện dẫn {what} {ref} nhưng không tài liệu nào trong hệ thống định nghĩa {ref}.",
                            "suggestion": f"Sửa mã viện dẫn, hoặc bổ sung {ref} vào danh mục ({'mục Biểu mẫu áp dụng' if what == 'biểu mẫu' else 'tài liệu của hệ thống'})."})
    return out


def _sections(index, options) -> list[dict]:
    tops: dict[str, set[str]] = defaultdict(set)
    for c in index.chunks:
        tops[c.source].add(fold(c.section.split(" > ")[0]))
    out = []
    for source, d in index.documents.items():
        if not str(d.get("code") or "").upper().startswith(options.procedure_prefix.upper()):
            continue
        missing = [s for s in options.required_sections if not any(fold(s) in t for t in tops[source])]
        if missing:
            out.append({"kind": "missing_section", "documents": [source], "quotes": missing,
                        "message": f"{d.get('code')} «{d.get('title', source)}» thiếu mục: {', '.join(missing)} "
                                   "(bố cục quy trình theo quy định kiểm soát tài liệu).",
                        "suggestion": "Bổ sung các mục còn thiếu theo bố cục thống nhất của quy trình."})
    return out
