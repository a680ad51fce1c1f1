"""Exports are safe whatever a roster holds: no live formula in XLSX/CSV, no crash on control
characters, everything escaped in HTML; numbers stay numbers and Vietnamese text stays intact."""

import csv
import html
import io

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from quizzes import report
from quizzes.cells import clean_text, safe_cell

HYPERLINK = '=HYPERLINK("http://x","y")'
VIET = "Nguyễn Văn An"
NAMES = {"S1": HYPERLINK, "S2": "+1", "S3": "-2+3", "S4": "@SUM(A1)", "S5": "Trần\x07 Thị \x1b[31mBình", "S6": VIET}
UNIT = "=cmd|' /C calc'!A0"  # a unit name that is also a formula
QUESTION = "+SUM(1,2) <b>đúng</b> & sai?"


@pytest.fixture
def data():
    """A campaign report and a yearly summary built by quizzes.report from small real rows."""
    campaigns = [{"id": 1, "name": "-Quý IV", "pass_mark": 80.0}]
    assigned = [{"campaign_id": 1, "staff_id": s, "full_name": n, "unit": UNIT if s in ("S1", "S5") else "Văn phòng"}
                for s, n in NAMES.items()]
    attempts = [
        {"id": 1, "campaign_id": 1, "staff_id": "S1", "kind": "campaign", "finished_at": "2026-12-02T09:00", "score": 100.0, "answered": 2},
        {"id": 2, "campaign_id": 1, "staff_id": "S2", "kind": "campaign", "finished_at": "2026-12-03T09:00", "score": 50.0, "answered": 2},
        {"id": 3, "campaign_id": 1, "staff_id": "S6", "kind": "campaign", "finished_at": "2026-12-04T09:00", "score": -2.0, "answered": 2},
        {"id": 4, "campaign_id": None, "staff_id": "S6", "kind": "practice", "finished_at": "2026-12-05T09:00", "score": 75.0, "answered": 4},
        {"id": 5, "campaign_id": 1, "staff_id": "S5", "kind": "campaign", "finished_at": None, "score": None, "answered": 1},
    ]
    answers = [{"question_id": "q-1", "asked": 2, "wrong": 2}, {"question_id": "q-2", "asked": 2, "wrong": 1}]
    questions = {"q-1": {"question": QUESTION, "topic": "@topic"}, "q-2": {"question": "Hồ sơ lưu ở đâu?", "topic": "ho-so"}}
    data = report.campaign_report(campaigns, assigned, attempts, answers, questions)
    officers = [{"staff_id": r["staff_id"], "full_name": r["full_name"], "unit": r["unit"]} for r in assigned]
    data["year"] = 2026
    data["year_summary"] = report.year_summary(officers, assigned, attempts, {1: campaigns[0]})
    return data


def test_the_report_really_carries_the_hostile_text(data):
    names = {o["staff_id"]: o["full_name"] for o in data["officers"]}
    assert names == NAMES and data["officers"][5]["best_score"] == -2.0
    assert {u["unit"] for u in data["units"]} == {UNIT, "Văn phòng"} and data["missed"][0]["question"] == QUESTION


def test_xlsx_has_no_formula_no_illegal_character_and_keeps_numbers(data, tmp_path):
    path = tmp_path / "r.xlsx"
    report.write_xlsx(data, path)  # used to raise IllegalCharacterError on "\x07"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Theo đơn vị", "Theo cán bộ", "Câu hay trả lời sai", "Tổng hợp năm 2026"]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not ILLEGAL_CHARACTERS_RE.search(cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    people = {r[0].value: r for r in wb["Theo cán bộ"].iter_rows(min_row=2)}
    assert people["S1"][1].value == "'" + HYPERLINK and people["S1"][2].value == "'" + UNIT
    assert [people[s][1].value for s in ("S2", "S3", "S4")] == ["'+1", "'-2+3", "'@SUM(A1)"]
    assert people["S5"][1].value == "Trần Thị [31mBình"
    assert people["S6"][1].value == VIET and people["S6"][2].value == "Văn phòng" and people["S6"][3].value == "'-Quý IV"
    # numbers are numbers, a negative one too
    assert people["S1"][5].value == 100 and people["S1"][5].data_type == "n" and people["S1"][6].value == 1
    assert people["S6"][5].value == -2 and people["S6"][5].data_type == "n"
    units = {r[0].value: [c.value for c in r] for r in wb["Theo đơn vị"].iter_rows(min_row=2)}
    assert units["'" + UNIT] == ["'" + UNIT, 2, 1, 1, 50.0, 50.0, 100]
    missed = [[c.value for c in r] for r in wb["Câu hay trả lời sai"].iter_rows(min_row=2)]
    assert missed[0] == ["q-1", "'" + QUESTION, "'@topic", 2, 2, 100]
    year = {r[0].value: [c.value for c in r] for r in wb["Tổng hợp năm 2026"].iter_rows(min_row=2)}
    assert year["S6"] == ["S6", VIET, "Văn phòng", 1, 0, 1, 6, 36.5]


def test_csv_cells_that_would_be_formulas_start_with_an_apostrophe(data):
    rows = list(csv.reader(io.StringIO(report.to_csv(data))))
    assert rows[0] == [vi for _, vi in report.OFFICER_COLUMNS]
    names = {r[0]: r[1] for r in rows[1:]}
    assert names == {"S1": "'" + HYPERLINK, "S2": "'+1", "S3": "'-2+3", "S4": "'@SUM(A1)", "S5": "Trần Thị [31mBình", "S6": VIET}
    s6 = next(r for r in rows if r[0] == "S6")
    assert s6[2:] == ["Văn phòng", "'-Quý IV", "Chưa đạt", "-2.0", "1", "2026-12-04T09:00"]  # a number is not quoted
    for r in rows:
        for value in r:
            assert not ILLEGAL_CHARACTERS_RE.search(value)
            if value != "-2.0":  # the negative score, a plain number
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    year = list(csv.reader(io.StringIO(report.to_csv({"year": 2026, "year_summary": data["year_summary"]}))))
    assert year[0][:2] == ["Mã cán bộ", "Họ và tên"] and year[1][1] == "'" + HYPERLINK and year[1][2] == "'" + UNIT


def test_csv_file_written_by_write_is_read_back_intact(data, tmp_path):
    out = tmp_path / "r.csv"
    assert report.write(data, "csv", out, "t") is None
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r[1] for r in rows if r[0] in ("S1", "S6")] == ["'" + HYPERLINK, VIET]


def test_html_escapes_everything(data):
    page = report.to_html(data, 'Báo cáo <script>alert(1)</script> "Quý IV"')
    assert "<script" not in page and "<b>đúng</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Quý IV&quot;" in page
    assert "<td>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</td>" in page  # shown as it is, no apostrophe
    assert "<td>=cmd|&#x27; /C calc&#x27;!A0</td>" in page and f">{html.escape(UNIT)}</text>" in page  # table and chart
    assert "<td>+SUM(1,2) &lt;b&gt;đúng&lt;/b&gt; &amp; sai?</td>" in page
    assert f"<td>{VIET}</td>" in page and "<td>Trần Thị [31mBình</td>" in page
    assert "\x07" not in page and "\x1b" not in page
    assert "<td class='n'>-2</td>" in page


# safe_cell and clean_text --------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    (HYPERLINK, "'" + HYPERLINK), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("-5", "'-5"),
    ("\x07=1+1", "'=1+1"),  # a control character in front does not hide the formula
    ("a=b", "a=b"), ("Đạt", "Đạt"), (VIET, VIET), ("Phòng Tổ chức – Hành chính", "Phòng Tổ chức – Hành chính"),
    ("", ""), ("'=already", "'=already"), ("dòng 1\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),
    ("a\x00b\x08c\x0bd\x0ce\x1bf\x1fg", "abcdefg"), ("x\ufffey\uffff\ud800z", "xyz"),
])
def test_safe_cell_strings(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", [-2, -2.5, 0, 3, 66.7, None, True])
def test_safe_cell_leaves_non_strings_alone(value):
    assert safe_cell(value) is value


def test_safe_cell_removes_exactly_what_openpyxl_refuses_and_openpyxl_writes_text(tmp_path):
    for code in range(0x80):
        ch = chr(code)
        assert bool(ILLEGAL_CHARACTERS_RE.match(ch)) == (ch not in safe_cell("x" + ch)), repr(ch)
    wb = openpyxl.Workbook()
    values = [safe_cell(v) for v in (HYPERLINK, "-1", "\x1b[0m", -1, 2.5)]
    wb.active.append(values)
    wb.save(tmp_path / "x.xlsx")
    row = next(openpyxl.load_workbook(tmp_path / "x.xlsx").active.iter_rows())
    assert [c.value for c in row] == ["'" + HYPERLINK, "'-1", "[0m", -1, 2.5]
    assert [c.data_type for c in row] == ["s", "s", "s", "n", "n"]


@pytest.mark.parametrize("value, expected", [
    ("Trần\x07 Thị \x1b[31mBình", "Trần Thị [31mBình"),
    ("Nguyễn\u200b Văn\u200d An\ufeff", VIET), ("\u2060Lê\u200c Hoa", "Lê Hoa"),
    ("Phạm\u202e nirtraM\u202c", "Phạm nirtraM"), ("a\x00b\x7fc\x85d\x9fe", "abcde"),
    ("dòng 1\r\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),
    (VIET, VIET), ("=HYPERLINK(1)", "=HYPERLINK(1)"),  # formulas are safe_cell's business, not clean_text's
    ("", ""),
])
def test_clean_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize("value", [None, 5, -1.5])
def test_clean_text_leaves_non_strings_alone(value):
    assert clean_text(value) is value
