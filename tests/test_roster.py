"""HR's roster in (CSV, XLSX, Vietnamese or English headers) and link codes out."""

import csv
import json
import re

import openpyxl
import pytest

from chat_fixtures import tg
from click.testing import CliRunner

from bot.cli import cli
from bot.roster import import_officers
from bot.storage import Store, normalise_phone
from chat_fixtures import ROSTER
from indexer.errors import IsobotError


@pytest.mark.parametrize("raw, norm", [("+84 912-345-678", "0912345678"), ("84912345678", "0912345678"),
                                       ("0912.345.678", "0912345678"), ("912345678", "0912345678"), ("", "")])
def test_phone_numbers_are_compared_normalised(raw, norm):
    assert normalise_phone(raw) == norm


def test_csv_import_then_reimport_updates_without_duplicates(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    store = Store(tmp_path / "db.sqlite")
    assert import_officers(store, path).as_json() == {"added": 4, "updated": 0, "deactivated": [], "errors": []}
    path.write_text(ROSTER.replace("Nguyễn Văn An,Văn phòng", "Nguyễn Văn An,Địa chính"), encoding="utf-8")
    assert import_officers(store, path).as_json() == {"added": 0, "updated": 4, "deactivated": [], "errors": []}
    assert store.db["officers"].count == 4
    assert store.officer("CB001").unit == "Địa chính" and store.officer("HR001").role == "hr"


def test_xlsx_with_english_headers_and_bad_rows_reported_by_line(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["staff_id", "full_name", "unit", "position", "phone", "role"])
    ws.append(["CB010", "Đỗ Minh", "Văn hóa", None, "0911111111", None])
    ws.append([None, "Không mã", "X", None, None, None])
    ws.append(["CB011", "Sai vai trò", "X", None, None, "boss"])
    ws.append(["CB012", "Sai số", "X", None, "12345", None])
    ws.append(["CB010", "Trùng mã", "X", None, None, None])
    ws.append([None, None, None, None, None, None])
    ws.append([12013, "Số làm mã", "X", None, None, "admin"])
    wb.save(tmp_path / "r.xlsx")
    store = Store(tmp_path / "db.sqlite")
    report = import_officers(store, tmp_path / "r.xlsx")
    assert report.added == 2
    assert [e["line"] for e in report.errors] == [3, 4, 5, 6]
    assert store.officer("12013").role == "admin"


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    ("Tên,Tuổi\nA,1\n".encode(), "header row needs"),
    (b"\xff\xfe\x00garbage", "cannot read"),
])
def test_unusable_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(IsobotError, match=message):
        import_officers(Store(), path)


def test_corrupt_xlsx(tmp_path):
    (tmp_path / "r.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(IsobotError, match="not a valid XLSX"):
        import_officers(Store(), tmp_path / "r.xlsx")


def test_cli_import_code_and_codes_export(tmp_path, monkeypatch):
    monkeypatch.setenv("ISOBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "isobot_hm_bot")
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER + "CB099,,Văn phòng,,,\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["officers", "import", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"added": 4, "updated": 0, "deactivated": [], "errors": [{"line": 6, "error": "missing full_name"}]}
    assert "roster.csv:6: missing full_name" in result.stderr
    out = json.loads(runner.invoke(cli, ["officers", "code", "CB001", "--json"]).stdout)
    assert set(out) == {"staff_id", "code", "expires_at", "link"}
    assert out["link"] == f"https://t.me/isobot_hm_bot?start={out['code']}"
    assert runner.invoke(cli, ["officers", "code", "NOPE"]).exit_code == 1
    assert runner.invoke(cli, ["officers", "codes", "--unit", "Văn phòng", "--out", str(tmp_path / "c.xlsx")]).exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx").active
    rows = list(ws.values)
    assert rows[0][:5] == ("Mã cán bộ", "Họ và tên", "Đơn vị", "Mã liên kết", "Hết hạn") and len(rows) == 4
    # HR reads when a code expires in Hà Nội time, as dd/mm/yyyy hh:mm
    assert all(re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", r[4]) for r in rows[1:])
    assert runner.invoke(cli, ["officers", "codes", "--out", str(tmp_path / "c.csv")]).exit_code == 0
    with open(tmp_path / "c.csv", encoding="utf-8-sig") as f:
        assert len(list(csv.reader(f))) == 5
    # the code printed earlier was replaced by the export: only the newest code works
    store = Store(tmp_path / "data" / "isobot.db")
    assert store.redeem_code(out["code"], "zalo", "u", "u") == (None, "unknown")


def test_unanswered_report(core, tmp_path, monkeypatch):
    
    code, _ = core.store.create_code("CB001")
    sender = tg("1")
    core.text(sender, code)
    core.text(sender, "giá vàng hôm nay")
    core.text(sender, "ai phê duyệt hủy hồ sơ")
    rows = list(core.store.unanswered("2000-01-01"))
    assert [r["question"] for r in rows] == ["giá vàng hôm nay"]
    assert list(core.store.unanswered("2999-01-01")) == []
