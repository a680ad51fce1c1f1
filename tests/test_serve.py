"""`isobot serve --telegram --zalo --web` as a real process against both fake servers on 127.0.0.1."""

import os
import re
import signal
import subprocess
import sys

import httpx

from bot.cli import main
from bot.storage import Store
from chat_fixtures import ROSTER
from conftest import FIXTURES, ROOT
from fake_bot_api import FakeTelegram, FakeZalo
from test_web_browser import free_port


def test_serve_needs_a_token(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["serve", "--telegram"]) == 1
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert main(["serve"]) == 1


def test_both_transports_in_one_process_answer_and_stop_cleanly(chat_index, model_dir, tmp_path):
    knowledge, data = chat_index
    (tmp_path / "index").symlink_to(data / "index")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    from bot.roster import import_officers

    store = Store(tmp_path / "isobot.db")
    import_officers(store, roster)
    tg_code, _ = store.create_code("CB001")
    zalo_code, _ = store.create_code("CB002")
    hr_code, _ = store.create_code("HR001")
    port = free_port()
    with FakeTelegram() as tg, FakeZalo() as zalo:
        env = {**os.environ, "ISOBOT_DATA_DIR": str(tmp_path), "ISOBOT_KNOWLEDGE_DIR": str(knowledge),
               "ISOBOT_EMBED_MODEL": str(model_dir), "ISOBOT_BANKS_DIR": str(FIXTURES / "banks"),
               "TELEGRAM_BOT_TOKEN": "1:T", "TELEGRAM_API_BASE_URL": tg.url,
               "ZALO_BOT_TOKEN": "2:Z", "ZALO_API_BASE_URL": zalo.url, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--telegram", "--zalo", "--web",
                                 "--web-port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            tg.push(tg.message(501, f"/start {tg_code}"))
            zalo.push(zalo.message("z1", zalo_code, "m1"))
            tg.wait_for(1)
            zalo.wait_for(1)
            tg.push(tg.message(501, "ai phê duyệt hủy hồ sơ hết hạn lưu"))
            zalo.push(zalo.message("z1", "thời hạn xử lý phản ánh kiến nghị", "m2"))
            assert "QT-02" in tg.wait_for(2)[-1]["text"]
            assert "10 ngày làm việc" in zalo.wait_for(2)[-1]["text"]
            # the web console in the same process: a sign-in link asked for on its page comes by Telegram
            web = f"http://127.0.0.1:{port}"
            tg.push(tg.message(700, f"/start {hr_code}"))
            tg.wait_for(3)
            login = httpx.get(web + "/dang-nhap")
            token = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
            httpx.post(web + "/dang-nhap", data={"csrf": token, "staff_id": "HR001"})
            link = tg.wait_for(4)[-1]
            assert link["chat_id"] in (700, "700") and link["link_preview_options"]["is_disabled"]
            url = link["text"].split("\n")[-1]
            assert url.startswith(web + "/dang-nhap/")
            signed = httpx.get(url)
            assert signed.status_code == 303 and signed.headers["location"] == "/"
            assert httpx.get(web + "/", cookies=signed.cookies).status_code == 200
            assert httpx.get(url).status_code == 403  # once
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        assert tg.sent("setMyCommands") and zalo.sent("deleteWebhook")
    assert Store(tmp_path / "isobot.db").db["questions"].count == 2
