"""HR's roster in and link codes out: CSV or XLSX, Vietnamese or English headers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import IsobotError
from indexer.text import clean as _clean
from indexer.text import fold
from quizzes.cells import clean_text, safe_cell

from .storage import ROLES, Officer, Store, normalise_phone, vn_time

HEADERS = {
    "staff_id": ("staff_id", "ma can bo", "ma cb", "ma nhan vien", "ma so"),
    "full_name": ("full_name", "ho va ten", "ho ten", "name"),
    "unit": ("unit", "don vi", "phong ban"),
    "position": ("position", "chuc vu"),
    "phone": ("phone", "so dien thoai", "dien thoai", "sdt"),
    "role": ("role", "vai tro"),
}
ROLE_WORDS = {"officer": "officer", "can bo": "officer", "cong chuc": "officer", "hr": "hr", "nhan su": "hr",
              "to chuc can bo": "hr", "iso": "iso", "thu ky iso": "iso", "thu ky": "iso", "admin": "admin", "quan tri": "admin", "quan tri vien": "admin"}
CODE_COLUMNS = ["Mã cán bộ", "Họ và tên", "Đơn vị", "Mã liên kết", "Hết hạn", "Liên kết Telegram"]


def clean(value: str) -> str:
    """A roster cell as text: normalised, without control or zero-width characters."""
    return clean_text(_clean(value))


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)  # {"line", "error"}
    deactivated: list[str] = field(default_factory=list)  # staff ids missing from the file (--deactivate-missing)

    def as_json(self) -> dict:
        return {"added": self.added, "updated": self.updated, "deactivated": self.deactivated, "errors": self.errors}


def read_table(path: Path) -> list[list[str]]:
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            rows = [["" if v is None else str(v) for v in row] for row in wb.worksheets[0].iter_rows(values_only=True)]
            wb.close()
            return rows
        if suffix == ".csv":
            text = path.read_bytes().decode("utf-8-sig")
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
            return list(csv.reader(io.StringIO(text), dialect))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise IsobotError(f"cannot read {path}: {e}") from None
    except Exception as e:  # openpyxl raises many types on a corrupt file
        raise IsobotError(f"cannot read {path}: not a valid XLSX file ({type(e).__name__})") from None
    raise IsobotError(f"{path}: use a .csv or .xlsx file")


def _columns(header: list[str]) -> dict[str, int]:
    folded = [fold(clean(h)).strip(" *:") for h in header]
    found = {}
    for name, aliases in HEADERS.items():
        for i, h in enumerate(folded):
            if h in aliases:
                found[name] = i
                break
    missing = [n for n in ("staff_id", "full_name") if n not in found]
    if missing:
        raise IsobotError(f"the header row needs columns {', '.join(missing)} (or 'Mã cán bộ', 'Họ và tên')")
    return found


# (English for the CLI, Vietnamese for the web console's preview)
PROBLEMS = {
    "no_id": ("missing staff_id", "thiếu mã cán bộ"),
    "no_name": ("missing full_name", "thiếu họ và tên"),
    "twice": ("staff_id {v} appears twice in the file", "mã cán bộ {v} xuất hiện hai lần trong tệp"),
    "role": ("unknown role {v!r} (officer, hr, iso, admin)",
             "vai trò «{v}» không hợp lệ (cán bộ, nhân sự, thư ký ISO, quản trị)"),
    "phone": ("phone {v!r} is not a Vietnamese phone number", "số điện thoại «{v}» không phải số Việt Nam"),
}


@dataclass
class RowCheck:
    line: int
    officer: Officer | None  # None when the row is rejected
    problem: str = ""  # a PROBLEMS key
    value: str = ""
    action: str = ""  # "add" | "update" (a valid row)

    @property
    def error(self) -> str:
        return PROBLEMS[self.problem][0].format(v=self.value) if self.problem else ""

    @property
    def error_vi(self) -> str:
        return PROBLEMS[self.problem][1].format(v=self.value) if self.problem else ""


def check_rows(store: Store, path: Path) -> list[RowCheck]:
    """Every non-empty row of a roster file, valid (with what importing it would do) or not; saves nothing."""
    rows = read_table(path)
    if not rows:
        raise IsobotError(f"{path} is empty")
    cols = _columns(rows[0])
    out: list[RowCheck] = []
    seen: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(clean(c) for c in row):
            continue
        values = {name: clean(row[i]) if i < len(row) else "" for name, i in cols.items()}
        get = values.get
        staff_id, name, role = get("staff_id"), get("full_name"), fold(get("role", "")) or "officer"
        problem = value = ""
        if not staff_id:
            problem = "no_id"
        elif not name:
            problem = "no_name"
        elif staff_id in seen:
            problem, value = "twice", staff_id
        elif ROLE_WORDS.get(role) not in ROLES:
            problem, value = "role", get("role", "")
        elif get("phone") and len(normalise_phone(get("phone"))) not in (10, 11):
            problem, value = "phone", get("phone")
        if problem:
            out.append(RowCheck(line, None, problem, value))
            continue
        seen.add(staff_id)
        officer = Officer(staff_id, name, get("unit", ""), get("position", ""), get("phone", ""), ROLE_WORDS[role])
        out.append(RowCheck(line, officer, action="update" if store.officer(staff_id) else "add"))
    return out


def import_officers(store: Store, path: Path, deactivate_missing: bool = False) -> ImportReport:
    """Add or update officers from the file; with ``deactivate_missing``, active officers absent from
    it are deactivated (only when the file had no rejected rows, so a typo deactivates nobody)."""
    report = ImportReport()
    checked = check_rows(store, path)
    for row in checked:
        if row.officer is None:
            report.errors.append({"line": row.line, "error": row.error})
        elif store.upsert_officer(row.officer):
            report.added += 1
        else:
            report.updated += 1
    if deactivate_missing:
        if report.errors:
            raise IsobotError(f"{len(report.errors)} rows rejected: nobody was deactivated; fix the file and import again")
        seen = {row.officer.staff_id for row in checked if row.officer}
        for o in store.officers(active_only=True):
            if o.staff_id not in seen:
                store.deactivate(o.staff_id)
                report.deactivated.append(o.staff_id)
    return report


def deep_link(bot_username: str | None, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}" if bot_username else ""


def export_codes(store: Store, out: Path, unit: str | None, days: int, bot_username: str | None) -> int:
    """Write new link codes for a unit (or everyone) to a CSV/XLSX file, then save them in one
    transaction: a bad file name or a failed write leaves every code already handed out valid."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise IsobotError(f"{out}: use a .csv or .xlsx file name")
    officers = store.officers(unit, active_only=True)
    if not officers:
        raise IsobotError(f"no officers{' in unit ' + unit if unit else ''}: import the roster first")
    codes = [store.new_code(o.staff_id, days) for o in officers]
    rows = [[safe_cell(v) for v in (o.staff_id, o.full_name, o.unit, c["code"], vn_time(c["expires_at"]),
                                     deep_link(bot_username, c["code"]))] for o, c in zip(officers, codes)]
    try:
        if suffix == ".xlsx":
            import openpyxl

            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "Mã liên kết"
            ws.append(CODE_COLUMNS)
            for r in rows:
                ws.append(r)
            for letter, width in zip("ABCDEF", (12, 28, 24, 14, 22, 48)):
                ws.column_dimensions[letter].width = width
            wb.save(out)
        else:
            with open(out, "w", newline="", encoding="utf-8-sig") as f:
                csv.writer(f).writerows([CODE_COLUMNS, *rows])
    except OSError as e:
        raise IsobotError(f"cannot write {out}: {e.strerror or e}") from None
    store.save_codes(codes)
    return len(rows)
