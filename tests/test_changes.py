"""A new revision of a procedure, end to end: index v1, index v2 (the changed sections recorded), review,
draft questions from the change, a person approves one in the web console, a campaign on it, an officer
quizzed through python-telegram-bot and the fake Bot API server."""

from __future__ import annotations

import json
import random
import re
import shutil

from starlette.testclient import TestClient

from bot import campaigns
from bot.cli import main
from bot.core import Core
from bot.knowledge import Knowledge
from bot.roster import import_officers
from bot.settings import Settings
from bot.storage import Store
from bot.storage.web import sign_in_link
from bot.transports.notify import dispatch_due
from bot.web.app import create_app
from conftest import FIXTURES
from fake_bot_api import FakeTelegram
from indexer import changes, store
from indexer.build import build_index
from indexer.review import Options, review
from quizzes.bank import load_bank
from test_telegram import run, wait
from test_web import ROSTER_ISO

QT04 = "qt-04-khong-phu-hop-va-hanh-dong-khac-phuc.md"


def test_a_new_revision_becomes_a_reviewed_quiz(tmp_path, embedder, model_dir, monkeypatch, capsys):
    monkeypatch.setenv("ISOBOT_EMBED_MODEL", str(model_dir))
    kb, data, banks = tmp_path / "knowledge", tmp_path / "data", tmp_path / "quizzes" / "banks"
    kb.mkdir()
    shutil.copytree(FIXTURES / "banks", banks)
    for name in ("qt-03-danh-gia-noi-bo.md", QT04):
        shutil.copy(FIXTURES / "review" / name, kb / name)
    build_index(kb, data, embedder)
    assert changes.history(data) == []
    before = review(store.load(data), Options())
    assert any(f.kind == "contradiction" and "thời hạn lập" in f.message for f in before)

    text = (kb / QT04).read_text(encoding="utf-8")
    v2 = text.replace('revision: "02"', 'revision: "03"').replace(
        "Trong 01 ngày làm việc kể từ khi phát hiện", "02 ngày làm việc sau họp kết thúc hoặc kể từ khi phát hiện").replace(
        "## 2. Phạm vi áp dụng\n\n", "## 2. Phạm vi áp dụng\n\nNay áp dụng cho Văn phòng và bộ phận Tư pháp - Hộ tịch. ")
    assert v2 != text
    (kb / QT04).write_text(v2, encoding="utf-8")
    report = build_index(kb, data, embedder)
    [change] = report.changes
    assert (change["source"], change["code"], change["old_revision"], change["new_revision"]) == (QT04, "QT-04", "02", "03")
    assert sorted(s.split(" > ")[-1][:3] for s in change["changed"]) == ["2. ", "5.3"] and not change["added"]
    assert changes.history(data, "QT-04") == [{**change, "at": changes.history(data)[0]["at"]}]
    after = review(store.load(data), Options())
    assert not any(f.kind == "contradiction" and "thời hạn lập" in f.message for f in after)

    settings = Settings(knowledge_dir=kb, data_dir=data, banks_dir=banks)
    monkeypatch.setenv("ISOBOT_BANKS_DIR", str(banks))
    db = Store(settings.db_path)
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    import_officers(db, tmp_path / "roster.csv")
    capsys.readouterr()
    assert main(["--knowledge", str(kb), "--data", str(data), "campaign", "create", "--from-change", "QT-04",
                 "--json"]) == 0
    proposed = json.loads(capsys.readouterr().out)
    assert proposed["questions"] >= 3 and proposed["sections"] == sorted(change["changed"])
    assert proposed["units"] == ["Tư pháp - Hộ tịch", "Văn phòng"]  # the roster's units the document names
    assert "bo-sung" not in load_bank(banks).topics  # nothing published yet

    web = TestClient(create_app(settings, db), base_url="http://127.0.0.1:8080", follow_redirects=False)
    web.get(sign_in_link(db, "http://127.0.0.1:8080", "IS001").removeprefix("http://127.0.0.1:8080"))
    history = web.get("/tai-lieu").text
    assert "Thay đổi gần đây" in history and "lần ban hành 02 → 03" in history
    token = re.search(r'name="csrf" value="([^"]+)"', history).group(1)
    r = web.post("/tai-lieu/de-xuat-thay-doi", data={"csrf": token, "source": QT04})  # the same, from the page
    assert "câu hỏi về phần thay đổi, chờ duyệt" in web.get(r.headers["location"]).text
    page = web.get("/ngan-hang").text
    form = re.search(r'<form method="post" action="/ngan-hang/duyet".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    question = re.search(r'<textarea name="question"[^>]*>(.*?)</textarea>', form, re.S).group(1)
    options = re.findall(r'<input name="options" value="([^"]*)"', form)
    answer = re.search(r'<option selected>(\w)</option>', form).group(1)
    r = web.post("/ngan-hang/duyet", data={**fields, "action": "approve", "question": question.replace("&#34;", '"'),
                                           "options": [o.replace("&#34;", '"') for o in options], "answer": answer,
                                           "explanation": "QT-04 lần ban hành 03, mục 5.3"})
    assert "Đã duyệt" in web.get(r.headers["location"]).text
    bank = load_bank(banks)
    [approved] = bank.topics["bo-sung"].questions

    core = Core(Knowledge(settings, embedder), db, bank=bank, rng=random.Random(3))
    campaigns.create(db, bank, "Sửa đổi QT-04", ["bo-sung"], 1, 100, "2026-01-01", "2099-12-31", None)
    db.link("telegram", "501", "501", "CB001", "code")
    with FakeTelegram() as fake:
        async def officer():
            await dispatch_due(core, apps[0].bot_data["deliverer"])
            await wait(fake, 1)
            fake.push(fake.message(501, "/kiemtra"))
            [poll] = await wait(fake, 1, "sendPoll")
            assert poll["question"].endswith(approved.question)
            fake.push(fake.poll_answer(501, fake.polls()[0]["poll_id"], fake.polls()[0]["correct"]))
            n = 3
            while not any("ĐẠT" in m["text"] for m in await wait(fake, n)):  # the result, after the feedback
                n += 1

        apps = []
        run(core, fake, officer, apps)
    assert db.db.execute("select count(*), sum(correct) from answers").fetchone() == (1, 1)
