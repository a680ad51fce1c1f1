"""Training records for HR: per unit, per officer, the questions most often missed; written as
JSON, CSV, XLSX (one sheet a view, Vietnamese headers) or one self-contained HTML page with charts."""

from __future__ import annotations

import csv
import html
import io
import json
from collections import defaultdict
from pathlib import Path

from .cells import clean_text, safe_cell

STATUS_VI = {"not_started": "Chưa làm", "in_progress": "Đang làm", "passed": "Đạt", "failed": "Chưa đạt",
             "inactive": "Đã nghỉ"}
UNIT_COLUMNS = [("unit", "Đơn vị"), ("assigned", "Được giao"), ("completed", "Đã hoàn thành"), ("passed", "Đạt"),
                ("completion_rate", "Tỷ lệ hoàn thành"), ("pass_rate", "Tỷ lệ đạt"), ("average_score", "Điểm trung bình")]
ROSTER_COLUMNS = [("staff_id", "Mã cán bộ"), ("full_name", "Họ và tên"), ("unit", "Đơn vị"), ("position", "Chức vụ"),
                  ("phone", "Số điện thoại"), ("role", "Vai trò"), ("status", "Trạng thái")]
OFFICER_COLUMNS = [("staff_id", "Mã cán bộ"), ("full_name", "Họ và tên"), ("unit", "Đơn vị"), ("campaign", "Chiến dịch"),
                   ("status", "Trạng thái"), ("best_score", "Điểm cao nhất"), ("attempts", "Số lần làm"),
                   ("completed_at", "Thời điểm hoàn thành")]
MISSED_COLUMNS = [("question_id", "Mã câu hỏi"), ("question", "Câu hỏi"), ("topic", "Chủ đề"), ("wrong", "Số lần sai"),
                  ("asked", "Số lần hỏi"), ("wrong_rate", "Tỷ lệ sai")]
YEAR_COLUMNS = [("staff_id", "Mã cán bộ"), ("full_name", "Họ và tên"), ("unit", "Đơn vị"),
                ("campaigns_assigned", "Chiến dịch được giao"), ("campaigns_passed", "Chiến dịch đạt"),
                ("practice_sessions", "Lượt ôn luyện"), ("questions_answered", "Số câu đã trả lời"),
                ("average_score", "Điểm trung bình")]


NOT_STARTED = {"status": "not_started", "best_score": None, "attempts": 0, "completed_at": None}


def officer_status(attempts: list[dict], pass_mark: float) -> dict:
    if not attempts:
        return NOT_STARTED
    finished = [a for a in attempts if a["finished_at"]]
    passed = [a for a in finished if a["score"] is not None and a["score"] >= pass_mark]
    if passed:
        status = "passed"
    elif any(not a["finished_at"] for a in attempts):
        status = "in_progress"
    elif finished:
        status = "failed"
    else:
        status = "not_started"
    best = max((a["score"] or 0 for a in finished), default=None)
    done = min((a["finished_at"] for a in passed), default=None) or max((a["finished_at"] for a in finished), default=None)
    return {"status": status, "best_score": best, "attempts": len(attempts), "completed_at": done}


def campaign_report(campaigns: list[dict], assigned: list[dict], attempts: list[dict], answers: list[dict],
                    questions: dict[str, dict]) -> dict:
    """``assigned``: rows (campaign_id, staff_id, full_name, unit); ``attempts`` of those campaigns;
    ``answers``: their answers counted per question (see ``missed_questions``); ``questions``: id -> {"question", "topic"}."""
    by_campaign = {c["id"]: c for c in campaigns}
    tries: dict[tuple, list[dict]] = defaultdict(list)
    for a in attempts:
        tries[(a["campaign_id"], a["staff_id"])].append(a)
    officers = []
    units: dict[str, dict] = {}
    for row in assigned:  # one pass: 10,000 officers a campaign is the scale HR works at
        c = by_campaign[row["campaign_id"]]
        status = officer_status(tries.get((c["id"], row["staff_id"]), ()), c["pass_mark"])
        result, unit = status["status"], row["unit"] or ""
        officer = {"staff_id": row["staff_id"], "full_name": row["full_name"], "unit": unit, "campaign": c["name"],
                   **status}
        if row.get("officer_status") == "inactive":  # left the unit: shown as such, results still counted
            officer["status"] = "inactive"
        officers.append(officer)
        u = units.get(unit)
        if u is None:
            u = units[unit] = {"unit": unit, "assigned": 0, "completed": 0, "passed": 0, "_scores": []}
        u["assigned"] += 1
        if result in ("passed", "failed"):
            u["completed"] += 1
            u["_scores"].append(status["best_score"])
            u["passed"] += result == "passed"
    unit_rows = []
    for u in sorted(units.values(), key=lambda x: x["unit"]):
        scores = u.pop("_scores")
        u["completion_rate"] = round(100.0 * u["completed"] / u["assigned"], 1) if u["assigned"] else 0.0
        u["pass_rate"] = round(100.0 * u["passed"] / u["assigned"], 1) if u["assigned"] else 0.0
        u["average_score"] = round(sum(scores) / len(scores), 1) if scores else None
        unit_rows.append(u)
    total = {"assigned": len(officers), "completed": sum(u["completed"] for u in unit_rows),
             "passed": sum(u["passed"] for u in unit_rows)}
    total["completion_rate"] = round(100.0 * total["completed"] / total["assigned"], 1) if officers else 0.0
    total["pass_rate"] = round(100.0 * total["passed"] / total["assigned"], 1) if officers else 0.0
    return {"campaigns": [c["name"] for c in campaigns], "total": total, "units": unit_rows,
            "officers": officers, "missed": missed_questions(answers, questions)}


def missed_questions(answers: list[dict], questions: dict[str, dict], top: int = 10) -> list[dict]:
    """``answers``: per question, {"question_id", "asked", "wrong"} (``QuizStore.report_rows`` counts them)."""
    rows = [{"question_id": a["question_id"], "question": questions.get(a["question_id"], {}).get("question", a["question_id"]),
             "topic": questions.get(a["question_id"], {}).get("topic", ""), "wrong": a["wrong"], "asked": a["asked"],
             "wrong_rate": round(100.0 * a["wrong"] / a["asked"], 1)}
            for a in answers if a["wrong"]]
    return sorted(rows, key=lambda r: (-r["wrong"], -r["wrong_rate"], r["question_id"]))[:top]


def year_summary(officers: list[dict], assigned: list[dict], attempts: list[dict], campaigns: dict[int, dict]) -> list[dict]:
    """Each officer's training in one year, for emulation and reward scoring."""
    out = []
    for o in officers:
        mine = [a for a in attempts if a["staff_id"] == o["staff_id"]]
        done = [a for a in mine if a["finished_at"]]
        passed = {a["campaign_id"] for a in done if a["campaign_id"] and a["score"] is not None
                  and a["score"] >= campaigns[a["campaign_id"]]["pass_mark"]}
        scores = [a["score"] for a in done if a["score"] is not None]
        out.append({"staff_id": o["staff_id"], "full_name": o["full_name"], "unit": o["unit"] or "",
                    "campaigns_assigned": sum(1 for r in assigned if r["staff_id"] == o["staff_id"]),
                    "campaigns_passed": len(passed),
                    "practice_sessions": sum(1 for a in done if a["kind"] == "practice"),
                    "questions_answered": sum(a["answered"] for a in mine),
                    "average_score": round(sum(scores) / len(scores), 1) if scores else None})
    return out


# writers ------------------------------------------------------------------------------------------
def _views(report: dict) -> list[tuple[str, list[tuple[str, str]], list[dict]]]:
    views = []
    if "units" in report:
        views += [("Theo đơn vị", UNIT_COLUMNS, report["units"]), ("Theo cán bộ", OFFICER_COLUMNS, report["officers"]),
                  ("Câu hay trả lời sai", MISSED_COLUMNS, report["missed"])]
    if "year_summary" in report:
        views.append((f"Tổng hợp năm {report['year']}", YEAR_COLUMNS, report["year_summary"]))
    if "roster" in report:
        views.append(("Danh sách cán bộ", ROSTER_COLUMNS, report["roster"]))
    return views


def _cell(key: str, value):
    if key == "status":
        return STATUS_VI.get(value, value)
    return "" if value is None else value


def _sheet_cell(key: str, value):
    """What a CSV or XLSX cell holds: no formula, nothing XLSX cannot store; numbers stay numbers."""
    return safe_cell(_cell(key, value))


def _html(value) -> str:
    return html.escape(clean_text(str(value)))


def to_csv(report: dict) -> str:
    """The officers view (or the yearly summary): the table HR filters and sorts."""
    name, columns, rows = _views(report)[1 if "units" in report else 0]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(vi) for _, vi in columns])
    writer.writerows([[_sheet_cell(k, r.get(k)) for k, _ in columns] for r in rows])
    return buf.getvalue()


def write_xlsx(report: dict, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, columns, rows in _views(report):
        ws = wb.create_sheet(title[:31])
        ws.append([safe_cell(vi) for _, vi in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row_no, r in enumerate(rows, 2):  # (ws.max_row is computed over every cell: never in a loop)
            values = [_sheet_cell(k, r.get(k)) for k, _ in columns]
            ws.append(values)
            for col, value in enumerate(values, 1):
                if isinstance(value, str):
                    ws.cell(row_no, col).data_type = "s"  # text, never a formula
        for i, (key, vi) in enumerate(columns, 1):
            letter = get_column_letter(i)
            longest = max([len(str(vi))] + [len(str(_sheet_cell(key, r.get(key)))) for r in rows])
            ws.column_dimensions[letter].width = min(60, max(10, longest + 2))
            fmt = "0.0" if key in ("completion_rate", "pass_rate", "average_score", "best_score", "wrong_rate") else None
            for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if fmt:
                    row[0].number_format = fmt
                if key == "question":
                    row[0].alignment = Alignment(wrap_text=True)
        ws.freeze_panes = "A2"
    wb.save(path)


def vi_number(value: float | int | None) -> str:
    """A figure as Vietnamese writes it: 66.7 -> "66,7", 80.0 -> "80"."""
    return "—" if value is None else f"{value:g}".replace(".", ",")


def unit_charts(units: list[dict], suffix: str = "") -> str:
    """Completion and pass rate by unit, two SVG bar charts (titles end with ``suffix``)."""
    return (svg_bars(units, "unit", "completion_rate", "Tỷ lệ hoàn thành theo đơn vị" + suffix)
            + svg_bars(units, "unit", "pass_rate", "Tỷ lệ đạt theo đơn vị" + suffix))


def svg_bars(rows: list[dict], label: str, value: str, title: str) -> str:
    # narrow enough to stay legible on a phone (a 360 px screen shows it at ~0.85 scale)
    width, bar_h, left = 420, 26, 170
    height = 40 + bar_h * max(1, len(rows))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{_html(title)}">',
             f'<text x="0" y="18" font-size="15" font-weight="bold">{_html(title)}</text>']
    for i, r in enumerate(rows):
        v = float(r.get(value) or 0)
        y = 30 + i * bar_h
        w = (width - left - 60) * v / 100
        name = str(r.get(label) or "—")
        short = name if len(name) <= 22 else name[:21] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 17}" font-size="13" text-anchor="end"><title>{_html(name)}</title>'
                     f'{_html(short)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{bar_h - 8}" fill="#2E75B6"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 17}" font-size="13">{vi_number(round(v, 1))}%</text>')
    return "".join(parts) + "</svg>"


def to_html(report: dict, title: str) -> str:
    """One self-contained page: inline CSS and SVG charts, no script, no external file."""
    out = [f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{_html(title)}</title>",
           "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
           "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left}th{background:#1F4E79;color:#fff}"
           "td.n{text-align:right}</style></head><body>", f"<h1>{_html(title)}</h1>"]
    if "total" in report:
        t = report["total"]
        out.append(f"<p>Được giao: <b>{_html(t['assigned'])}</b> · Đã hoàn thành: <b>{_html(t['completed'])}</b> "
                   f"· Đạt: <b>{_html(t['passed'])}</b> "
                   f"· Tỷ lệ hoàn thành: <b>{_html(vi_number(t['completion_rate']))}%</b></p>")
        out.append(unit_charts(report["units"]))
        if report["missed"]:
            out.append(svg_bars(report["missed"][:8], "question_id", "wrong_rate", "Câu hay trả lời sai (tỷ lệ sai)"))
    for name, columns, rows in _views(report):
        out.append(f"<h2>{_html(name)}</h2><table><tr>" + "".join(f"<th>{_html(vi)}</th>" for _, vi in columns) + "</tr>")
        for r in rows:
            cells = []
            for k, _ in columns:
                v = _cell(k, r.get(k))
                cls = " class='n'" if isinstance(v, (int, float)) else ""
                shown = vi_number(v) if isinstance(v, float) else str(v)
                cells.append(f"<td{cls}>{_html(shown)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
    return "\n".join(out) + "</body></html>"


def chart_png(report: dict, title: str) -> bytes:
    """Completion rate by unit as a PNG bar chart."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    units = report["units"] or [{"unit": "—", "completion_rate": 0}]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(units) + 1.5), dpi=100)
    names = [u["unit"] or "—" for u in units]
    values = [u["completion_rate"] for u in units]
    ax.barh(names, values, color="#2E75B6")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Tỷ lệ hoàn thành (%)")
    ax.set_title(title)
    ax.invert_yaxis()
    for y, v in enumerate(values):
        ax.text(v + 1, y, f"{v:.0f}%", va="center")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def write(report: dict, fmt: str, out: Path | None, title: str) -> str | None:
    """Write ``report`` in ``fmt``; returns the text for stdout when there is no file (json, csv, html)."""
    if fmt == "xlsx":
        if out is None:
            raise ValueError("--format xlsx needs --out FILE")
        write_xlsx(report, out)
        return None
    text = {"json": lambda: json.dumps(report, ensure_ascii=False, indent=1), "csv": lambda: to_csv(report),
            "html": lambda: to_html(report, title)}[fmt]()
    if out is not None:
        Path(out).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        return None
    return text
