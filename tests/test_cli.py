"""The `isobot` command line against real temporary folders and the real model."""

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import cli, main
from conftest import ROOT


@pytest.fixture
def run(kb, tmp_path, model_dir, monkeypatch):
    """Invoke the CLI with the knowledge and data folders given as env settings."""
    monkeypatch.setenv("ISOBOT_KNOWLEDGE_DIR", str(kb))
    monkeypatch.setenv("ISOBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ISOBOT_EMBED_MODEL", str(model_dir))

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def indexed(run):
    result = run("index", "--json")
    assert result.exit_code == 0, result.output
    return run


def test_index_json_contract(run, kb):
    (kb / "hong.pdf").write_bytes(b"%PDF-1.4 garbage")
    out = json.loads(run("index", "--json").stdout)
    assert set(out) == {"documents", "chunks", "added", "updated", "removed", "unchanged", "failed", "seconds"}
    assert (out["documents"], out["added"], out["unchanged"]) == (5, 5, 0)
    assert out["failed"][0]["path"] == "hong.pdf" and "PDF" in out["failed"][0]["error"]
    again = json.loads(run("index", "--json").stdout)
    assert (again["added"], again["unchanged"]) == (0, 5)


def test_search_json_contract(indexed):
    out = json.loads(indexed("search", "thoi han xu ly phan anh", "--top-k", "3", "--mode", "bm25", "--json").stdout)
    assert out["query"] == "thoi han xu ly phan anh" and len(out["hits"]) == 3
    assert set(out["hits"][0]) == {"source", "title", "section", "text", "score"}
    assert out["hits"][0]["source"] == "phap-luat/nghi-dinh-mau.txt"


def test_ask_json_contract_answered_and_not(indexed):
    out = json.loads(indexed("ask", "ai phê duyệt hủy hồ sơ", "--json").stdout)
    assert set(out) == {"question", "answered", "answer", "citations", "suggestions", "clarify"}
    assert out["clarify"] == []
    assert out["answered"] is True
    assert out["citations"][0]["code"] == "QT-02" and out["citations"][0]["revision"] == "02"
    assert set(out["citations"][0]) == {"source", "title", "section", "code", "revision"}
    off = json.loads(indexed("ask", "giá vàng hôm nay", "--json").stdout)
    assert off["answered"] is False and off["citations"] == [] and "chưa tìm thấy" in off["answer"]


def test_eval_metrics(indexed, tmp_path):
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "question": "thời hạn xử lý phản ánh", "source": "phap-luat/nghi-dinh-mau.txt", "section": "Điều 32"},
        {"id": "b", "question": "thoi han xu ly phan anh", "source": "phap-luat/nghi-dinh-mau.txt", "section": "Điều 3"},
        {"id": "c", "question": "giá vàng hôm nay", "source": None},
    ]
    questions.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    out = json.loads(indexed("eval", str(questions), "--json").stdout)
    assert out["n"] == 2
    ranks = {q["id"]: q["rank"] for q in out["questions"]}
    assert ranks["a"] == 1
    assert ranks["b"] != 1  # "Điều 3" must not match "Điều 32"
    assert {"recall@1", "recall@5", "recall@10", "mrr@10"} <= set(out)
    assert out["refused_off_topic"] == 1.0


def test_user_errors_are_one_line_and_exit_1(tmp_path, monkeypatch, model_dir, capsys):
    monkeypatch.setenv("ISOBOT_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("ISOBOT_EMBED_MODEL", str(model_dir))
    assert main(["ask", "hồ sơ gồm gì"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "isobot index" in err and "Traceback" not in err
    assert main(["--knowledge", str(tmp_path / "nowhere"), "index"]) == 1
    assert "knowledge folder not found" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x"}\nnot json\n', encoding="utf-8")
    assert main(["eval", str(bad)]) == 1
    assert "bad.jsonl:1" in capsys.readouterr().err
    assert main(["search"]) == 1
    monkeypatch.setenv("ISOBOT_EMBED_MODEL", str(tmp_path / "no-model"))
    assert main(["index"]) == 1
    assert "ISOBOT_EMBED_MODEL" in capsys.readouterr().err


def test_chat_reads_a_question_a_line_from_a_pipe(indexed):
    result = indexed("chat", input="ai phê duyệt hủy hồ sơ\n1\n\n/tailieu\ngiá vàng hôm nay\n")
    assert result.exit_code == 0
    out = result.stdout
    assert "📖 Quy trình kiểm soát hồ sơ" in out  # "1" opened the whole section of the last answer
    assert "Nguồn: Quy trình kiểm soát hồ sơ (QT-02, lần ban hành 02)" in out
    assert "Tài liệu hiện hành (5):" in out and "QT-07" in out
    assert "chưa tìm thấy" in out


def test_every_command_is_in_the_readme_with_help_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import click

    def walk(group, prefix):
        for name, command in group.commands.items():
            yield f"{prefix} {name}", command
            if isinstance(command, click.Group):
                yield from walk(command, f"{prefix} {name}")

    for name, command in walk(cli, "isobot"):
        assert re.search(rf"`{name}\b", readme), f"`{name}` is not documented in README.md"
        assert "Example:" in (command.help or ""), f"`{name} --help` has no example"


def test_help_is_fast_and_does_not_import_heavy_libraries():
    code = "import sys; from bot.cli import main; main(['--help']); print(sorted(m for m in ('torch','faiss','sentence_transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip().endswith("[]")


def test_console_quiz_as_an_officer(indexed, tmp_path, monkeypatch):
    from chat_fixtures import ROSTER
    from conftest import FIXTURES

    roster = tmp_path / "r.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    monkeypatch.setenv("ISOBOT_BANKS_DIR", str(FIXTURES / "banks"))
    assert indexed("officers", "import", str(roster)).exit_code == 0
    out = indexed("chat", "--as", "CB001", input="/quiz mot-cua\n" + "a\n" * 6 + "/ketqua\n").stdout
    assert "Ôn luyện 6 câu — Một cửa" in out and "Câu 6/6" in out and "Kết thúc lượt ôn luyện" in out
    assert "Kết quả gần đây của bạn" in out
    assert "chưa tìm thấy" not in out  # answers were taken as answers, not as questions
    assert main(["chat", "--as", "NOPE"]) == 1


def test_folder_options_work_after_the_subcommand_too(tmp_path, capsys):
    assert main(["index", "--knowledge", str(tmp_path / "nowhere"), "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "knowledge folder not found" in err and "No such option" not in err


def test_an_internal_error_is_one_line_and_exit_2(monkeypatch, capsys):
    from bot.cli import knowledge

    monkeypatch.setattr(knowledge, "_knowledge", lambda settings: 1 / 0)
    assert main(["search", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ZeroDivisionError" in err and "Traceback" not in err


def test_a_console_open_to_the_network_warns_when_links_name_this_machine(monkeypatch, tmp_path):
    """`isobot web` and `isobot serve --web` on every address without ISOBOT_WEB_URL: sign-in links
    would name 127.0.0.1, which officers' phones cannot reach."""
    import uvicorn

    from bot import app
    from bot.transports import serve as serve_module

    ran = []

    async def fake_serve(core, settings, opts):
        ran.append(opts.listen)

    monkeypatch.setattr(serve_module, "serve", fake_serve)
    monkeypatch.setattr(app, "open_core", lambda settings: None)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: ran.append(k["host"]))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ISOBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISOBOT_WEB_URL", raising=False)
    warning = "ISOBOT_WEB_URL is not set"
    for args in (["serve", "--telegram", "--web", "--listen", "0.0.0.0"], ["web", "--listen", "0.0.0.0"]):
        assert warning in CliRunner().invoke(cli, args, catch_exceptions=False).stderr
    assert warning not in CliRunner().invoke(cli, ["serve", "--telegram", "--web"], catch_exceptions=False).stderr
    monkeypatch.setenv("ISOBOT_WEB_URL", "https://iso.phuong.example")
    assert warning not in CliRunner().invoke(cli, ["web", "--listen", "0.0.0.0"], catch_exceptions=False).stderr
    assert ran == ["0.0.0.0", "0.0.0.0", "127.0.0.1", "0.0.0.0"]
