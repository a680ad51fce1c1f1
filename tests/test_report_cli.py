"""`isobot quiz`, `isobot campaign` and `isobot report` against real temporary files."""

import csv
import io
import json

import openpyxl
import pytest

from chat_fixtures import zalo, say
import yaml
from click.testing import CliRunner

from bot.cli import cli
from conftest import FIXTURES
from test_quiz_flow import answer_all, link


@pytest.fixture
def env(core, chat_index, model_dir, monkeypatch, tmp_path):
    """The CLI pointed at the core's database, the chat index and the fixture banks."""
    db_dir = tmp_path  # conftest's core keeps its database at tmp_path/isobot.db
    monkeypatch.setenv("ISOBOT_DATA_DIR", str(db_dir))
    monkeypatch.setenv("ISOBOT_BANKS_DIR", str(FIXTURES / "banks"))
    monkeypatch.setenv("ISOBOT_EMBED_MODEL", str(model_dir))
    (db_dir / "index").symlink_to(chat_index[1] / "index")  # the chat index, seen from this data folder
    runner = CliRunner()
    # a user error surfaces as exit code 1 and one line; a crash raises here and fails the test
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def test_quiz_validate_and_draft(env, tmp_path):
    result = env("quiz", "validate")
    assert result.exit_code == 0 and "2 topics, 14 questions, 0 problems" in result.stdout
    out = tmp_path / "draft.yaml"
    result = env("quiz", "draft", "--from", "knowledge", "--out", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# BẢN ĐỀ XUẤT")
    draft = yaml.safe_load(text)
    assert draft["status"] == "draft" and draft["questions"]
    q = draft["questions"][0]
    assert len(q["options"]) == 4 and q["answer"] in "ABCD" and q["source"]["document"]


def test_validate_reports_problems_and_exits_1(env, tmp_path, monkeypatch):
    (tmp_path / "banks").mkdir()
    (tmp_path / "banks" / "x.yaml").write_text(
        "topic: x\ntitle: X\nquestions:\n  - id: x-1\n    question: Q?\n    options: [a, b]\n    answer: A\n"
        "    source: {document: khong-co.md}\n", encoding="utf-8")
    monkeypatch.setenv("ISOBOT_BANKS_DIR", str(tmp_path / "banks"))
    result = env("quiz", "validate")
    assert result.exit_code == 1 and "x.yaml:4: x-1: source 'khong-co.md' is not in the index" in result.stderr


def test_campaign_commands_and_every_report_format(env, core, tmp_path):
    created = env("campaign", "create", "--name", "Quý IV", "--bank", "ho-so,mot-cua", "--questions", "5",
                  "--pass-mark", "80", "--start", "2026-12-01", "--end", "2026-12-20", "--units", "Văn phòng",
                  "--attempts", "2", "--json")
    assert created.exit_code == 0, created.output
    row = json.loads(created.stdout)
    assert row["assigned"] == 3 and row["units"] == "Văn phòng"
    assert env("campaign", "create", "--name", "Quý IV", "--bank", "ho-so", "--questions", "5", "--pass-mark", "80",
               "--start", "2026-12-01", "--end", "2026-12-20").exit_code == 1
    bad = env("campaign", "create", "--name", "X", "--bank", "khong-co", "--questions", "5", "--pass-mark", "80",
              "--start", "2026-12-01", "--end", "2026-12-20")
    assert bad.exit_code == 1
    # CB001 passes, HR001 fails twice
    for staff, sender, right in (("CB001", zalo("a"), True), ("HR001", zalo("h"), False)):
        link(core, sender, staff)
        for _ in range(1 if right else 2):
            say(core, sender, "/kiemtra")
            answer_all(core, sender, right=right, n=5)
    assert "Quý IV" in env("campaign", "list").stdout
    shown = json.loads(env("campaign", "show", "Quý IV", "--json").stdout)
    assert shown["total"] == {"assigned": 3, "completed": 2, "passed": 1, "completion_rate": 66.7, "pass_rate": 33.3}

    data = json.loads(env("report", "--campaign", "Quý IV").stdout)
    status = {o["staff_id"]: (o["status"], o["best_score"], o["attempts"]) for o in data["officers"]}
    assert status == {"AD001": ("not_started", None, 0), "CB001": ("passed", 100.0, 1), "HR001": ("failed", 0.0, 2)}
    assert data["units"] == [{"unit": "Văn phòng", "assigned": 3, "completed": 2, "passed": 1,
                              "completion_rate": 66.7, "pass_rate": 33.3, "average_score": 50.0}]
    assert data["missed"][0]["wrong"] >= 1 and sum(q["wrong"] for q in data["missed"]) == 10

    assert env("report", "--campaign", "Quý IV", "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")).exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    unit = wb["Theo đơn vị"]
    assert [c.value for c in unit[2]] == ["Văn phòng", 3, 2, 1, 66.7, 33.3, 50]
    assert unit["E2"].number_format == "0.0" and unit.column_dimensions["A"].width >= 10
    people = {r[0]: r for r in wb["Theo cán bộ"].iter_rows(min_row=2, values_only=True)}
    assert people["HR001"][4:7] == ("Chưa đạt", 0, 2) and people["AD001"][4] == "Chưa làm"

    page = env("report", "--campaign", "Quý IV", "--format", "html").stdout
    assert page.startswith("<!doctype html>") and "<svg" in page and "Tỷ lệ hoàn thành theo đơn vị" in page
    assert "<script" not in page and "http" not in page.split("<svg")[0]
    assert "Tỷ lệ hoàn thành: <b>66,7%</b>" in page and "66.7" not in page  # Vietnamese decimal comma
    rows = list(csv.reader(io.StringIO(env("report", "--format", "csv", "--unit", "Văn phòng").stdout)))
    assert rows[0][:2] == ["Mã cán bộ", "Họ và tên"] and len(rows) == 4

    year = json.loads(env("report", "--year", "2026").stdout)
    summary = {r["staff_id"]: r for r in year["year_summary"]}
    assert summary["CB001"]["campaigns_passed"] == 1 and summary["HR001"]["questions_answered"] == 10
    assert summary["CB002"]["campaigns_assigned"] == 0
    no_out = env("report", "--format", "xlsx")  # xlsx needs --out: a message, not a traceback
    assert no_out.exit_code == 1 and "needs --out" in no_out.stderr and "Traceback" not in no_out.output
    assert env("campaign", "close", "Quý IV").exit_code == 0
    assert json.loads(env("campaign", "show", "Quý IV", "--json").stdout)["status"] == "closed"


def test_draft_covers_responsibilities_times_and_retention():
    import random

    from indexer.documents import Chunk
    from quizzes.draft import draft

    rows = [f"Bước: {i}; Nội dung công việc: Việc {i}; Trách nhiệm: Người {i}; Thời gian: {i} ngày" for i in range(1, 6)]
    keep = [f"Tên hồ sơ: Sổ {i}; Nơi lưu: Văn phòng; Thời gian lưu: {i + 1} năm" for i in range(5)]
    chunks = [Chunk("qt.md", "Quy trình", "5. Nội dung", "\n".join(rows), code="QT-09"),
              Chunk("qt.md", "Quy trình", "6. Hồ sơ cần lưu", "\n".join(keep), code="QT-09")]
    questions = draft(chunks, random.Random(3), limit=100)
    kinds = {q["id"].split("-")[1] for q in questions}
    assert kinds == {"who", "time", "keep"} and len(questions) == 15
    for q in questions:
        right = q["options"]["ABCD".index(q["answer"])]
        assert len(set(q["options"])) == 4 and right in q["explanation"] + q["question"] + "".join(rows + keep)


def test_unanswered_command(env, core):
    link(core, zalo("u1"), "CB001")
    say(core, zalo("u1"), "giá vàng hôm nay")
    out = env("unanswered", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["created_at", "question"] and rows[1][1] == "giá vàng hôm nay" and rows[1][3] == "Nguyễn Văn An"
    assert json.loads(env("unanswered", "--since", "2999-01-01", "--format", "json").stdout) == []
    assert env("unanswered", "--since", "hôm qua").exit_code == 1
