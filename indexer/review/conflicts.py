"""Contradictions between procedures of one QMS: the same form created within different time limits,
the same action on it done by different people, the same record kept for different periods.

Two documents are compared only when they are linked: one cites the other's code, or both use the
same form. Facts come from the documents' own tables (a step's responsible, time and output; a
record's retention) and from sentences naming an action on a form."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..text import fold
from .control import CODE_REF, FORM_REF

DURATION = re.compile(r"\b(\d{1,3})\s*(ngày làm việc|ngày|tháng|năm|giờ)", re.I)
# who closes or approves a form: one person in one QMS (who writes one depends on where it was found)
ACTIONS = ("dong", "phe duyet")


@dataclass(frozen=True)
class Fact:
    source: str
    section: str
    quote: str
    form: str  # BM.xx.yy, or the record's name
    what: str  # "create" | an action verb | "keep"
    value: frozenset  # durations or responsible roles
    table: bool = True  # from a table row (else from a sentence)


def _fields(line: str) -> dict[str, str]:
    out = {}
    for part in line.split("; "):
        key, sep, value = part.partition(": ")
        if sep:
            out[fold(key.strip())] = value.strip()
    return out


def _pick(fields: dict[str, str], *names: str) -> str:
    return next((v for k, v in fields.items() if any(n in k for n in names)), "")


def durations(text: str) -> frozenset:
    return frozenset((int(n), fold(unit)) for n, unit in DURATION.findall(text))


def _roles(index) -> list[str]:
    """Who can be responsible, as the base's own step tables name them (folded, longest first)."""
    names = set()
    for c in index.chunks:
        for line in c.text.split("\n"):
            for part in re.split(r",| hoặc | và |;", _pick(_fields(line), "trach nhiem")):
                words = fold(part).split()
                if words:
                    names.add(" ".join(words[:2]))
    return sorted(names, key=len, reverse=True)


def facts(index) -> tuple[list[Fact], dict[str, set[str]]]:
    roles = _roles(index)
    out: list[Fact] = []
    links: dict[str, set[str]] = defaultdict(set)  # document -> codes and forms it cites
    created: set[tuple[str, str]] = set()
    for c in index.chunks:
        for line in c.text.split("\n"):
            links[c.source].update(CODE_REF.findall(line))
            forms = FORM_REF.findall(line)
            links[c.source].update(forms)
            f = _fields(line)
            task, who, when = _pick(f, "noi dung"), _pick(f, "trach nhiem"), _pick(f, "thoi gian", "thoi han")
            output = _pick(f, "bieu mau", "ket qua", "ho so")
            record, keep = _pick(f, "ten ho so"), _pick(f, "thoi gian luu")
            if record and keep:
                key = (FORM_REF.findall(record) or [fold(re.sub(r"\(.*?\)", "", record)).strip()])[0]
                if durations(keep):
                    out.append(Fact(c.source, c.section, line, key, "keep", durations(keep)))
                continue
            if task and output:  # a step row: the first step whose output is a form creates it
                for form in FORM_REF.findall(output):
                    if (c.source, form) not in created and durations(when):
                        created.add((c.source, form))
                        out.append(Fact(c.source, c.section, line, form, "create", durations(when)))
            text = fold(task or line)
            subject = fold(line).lstrip("-•* ")
            for verb in ACTIONS:
                m = re.search(rf"\b{verb} (phieu|{'|'.join(re.escape(fold(x)) for x in forms) or 'phieu'})\b", text)
                if m:
                    # the responsible column of a step; in a sentence, the role it begins with
                    people = frozenset(r for r in roles if r in fold(who)) if who else \
                        frozenset(r for r in roles if subject.startswith(r))
                    if people:
                        target = "phiếu" if m.group(1) == "phieu" else m.group(1).upper()
                        out.append(Fact(c.source, c.section, line, target, verb, people, table=bool(who)))
    return out, links


def _linked(a: str, b: str, links: dict[str, set[str]], codes: dict[str, str], by_form: bool = True) -> bool:
    """One document cites the other's code; or (``by_form``) both use the same form."""
    forms = {x for x in links[a] if FORM_REF.fullmatch(x)} & {x for x in links[b] if FORM_REF.fullmatch(x)}
    return bool(codes.get(b) in links[a] or codes.get(a) in links[b] or (by_form and forms))


WHAT_VI = {"create": "thời hạn lập", "keep": "thời gian lưu", "dong": "người đóng", "phe duyet": "người phê duyệt"}


def findings(index) -> list[dict]:
    found, links = facts(index)
    codes = {s: (d.get("code") or "").upper() for s, d in index.documents.items()}
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in found:
        groups[(f.form, f.what)].append(f)
    for key, group in groups.items():  # a document's table says it better than its sentences
        tabled = {f.source for f in group if f.table}
        groups[key] = [f for f in group if f.table or f.source not in tabled]
    out, seen = [], set()
    for (form, what), group in groups.items():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.source == b.source or a.value & b.value or not _linked(a.source, b.source, links, codes,
                                                                            by_form=form != "phiếu"):
                    continue
                pair = (what, form, *sorted((a.source, b.source)))
                if pair in seen:
                    continue
                seen.add(pair)
                label = WHAT_VI[what]
                out.append({"kind": "contradiction", "documents": [a.source, b.source], "sections": [a.section, b.section],
                            "quotes": [a.quote[:300], b.quote[:300]],
                            "message": f"{codes.get(a.source) or a.source} và {codes.get(b.source) or b.source} quy định khác nhau về "
                                       f"{label} {form if form != 'phiếu' else 'phiếu'}.",
                            "suggestion": "Thống nhất một quy định và sửa tài liệu còn lại (hoặc dẫn chiếu sang tài liệu gốc)."})
    return out
