"""Legal references in documents, checked against a registry of replaced and repealed texts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import IsobotError

REGISTRY = Path(__file__).with_name("legal_registry.yaml")
KINDS = {"nghị định": "NĐ", "nđ": "NĐ", "thông tư": "TT", "tt": "TT", "quyết định": "QĐ", "qđ": "QĐ",
         "luật": "QH", "nghị quyết": "NQ", "nq": "NQ"}
# "Nghị định số 61/2018/NĐ-CP", "61/2018/NĐ-CP ngày 23/4/2018", "Thông tư 01/2018/TT-VPCP", "Luật … 31/2024/QH15"
FULL = re.compile(r"(?<![\d/])(\d{1,4})/(\d{4})/((?:NĐ|TT|QĐ|NQ|QH)[A-ZĐ0-9]*(?:-[A-ZĐa-z0-9]+)*)(?![\w/])")
# the short forms: "NĐ 61/2018", "Nghị định 61/2018" (no issuer code)
SHORT = re.compile(r"\b(Nghị định|Thông tư|Quyết định|NĐ|TT|QĐ)\s*(?:số\s*)?(\d{1,4})/(\d{4})(?![\w/])", re.I)


@dataclass(frozen=True)
class Citation:
    text: str  # as normalised: "61/2018/NĐ-CP", or "61/2018/NĐ" for a short form
    quote: str  # the words as the document writes them


@dataclass(frozen=True)
class Entry:
    text: str
    kind: str
    subject: str
    replaced_by: tuple[str, ...]
    since: str
    stated_in: str
    verified: bool


def _family(text: str) -> str:
    """"61/2018/NĐ-CP" -> "61/2018/NĐ": what a short form can be matched on."""
    number, year, issuer = text.split("/", 2)
    return f"{int(number)}/{year}/{issuer.split('-')[0]}"


def citations(line: str) -> list[Citation]:
    found = {m.group(0): Citation(f"{int(m.group(1)):02d}/{m.group(2)}/{m.group(3)}", m.group(0))
             for m in FULL.finditer(line)}
    for m in SHORT.finditer(line):
        if line[m.end():m.end() + 1] != "/":
            kind = KINDS[m.group(1).lower()]
            found.setdefault(m.group(0), Citation(f"{int(m.group(2)):02d}/{m.group(3)}/{kind}", m.group(0)))
    return list(found.values())


def load_registry(extra: Path | None = None) -> dict[str, Entry]:
    """The shipped registry, then the unit's own file (its entries win): family -> entry."""
    out: dict[str, Entry] = {}
    for path in [REGISTRY] + ([Path(extra)] if extra else []):
        try:
            rows = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as e:
            raise IsobotError(f"cannot read the legal registry {path}: {e}") from None
        for row in rows:
            if not isinstance(row, dict) or not FULL.fullmatch(str(row.get("text", ""))):
                raise IsobotError(f"{path}: each entry needs 'text' like 61/2018/NĐ-CP (got {row!r:.80})")
            e = Entry(str(row["text"]), str(row.get("kind", "")), str(row.get("subject", "")),
                      tuple(str(t) for t in row.get("replaced_by") or ()), str(row.get("from", "")),
                      str(row.get("stated_in", "")), bool(row.get("verified", False)))
            out[_family(e.text)] = e
    return out


def check(line: str, registry: dict[str, Entry]) -> list[tuple[Citation, Entry]]:
    """The citations in ``line`` of texts the registry says were replaced."""
    return [(c, registry[_family(c.text)]) for c in citations(line)
            if _family(c.text) in registry and registry[_family(c.text)].replaced_by]
