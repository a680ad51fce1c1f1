"""The web console in a real browser: Debian's Chromium, headless, driven by Playwright, against the app
served by uvicorn on 127.0.0.1 over a real index, SQLite file, model and (for answers) the fake Bot API.
Screenshots of the main pages go to data/screenshots/ (not committed)."""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import socket
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import FIXTURES, ROOT, make_docx

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here: `apt-get install chromium` to run the browser tests")
SHOTS = ROOT / "data" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(tmp_path, embedder, model_dir, monkeypatch):
    """The console on 127.0.0.1 over its own knowledge folder, index and database; the bot's core beside it."""
    import uvicorn

    from bot.core import Core
    from bot.knowledge import Knowledge
    from bot.roster import import_officers
    from bot.settings import Settings
    from bot.storage import Store
    from bot.web.app import create_app
    from indexer.build import build_index
    from quizzes.bank import load_bank
    from test_web import ROSTER_ISO

    monkeypatch.setenv("ISOBOT_EMBED_MODEL", str(model_dir))  # the child `isobot index` uses the same model
    knowledge, data = tmp_path / "knowledge", tmp_path / "data"
    shutil.copytree(FIXTURES / "kb", knowledge)
    build_index(knowledge, data, embedder)
    port = free_port()
    settings = Settings(knowledge_dir=knowledge, data_dir=data, banks_dir=FIXTURES / "banks",
                        web_url=f"http://127.0.0.1:{port}")
    store = Store(settings.db_path)
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    import_officers(store, tmp_path / "roster.csv")
    core = Core(Knowledge(settings, embedder), store, bank=load_bank(FIXTURES / "banks"), rng=random.Random(7))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield SimpleNamespace(url=settings.web_base, settings=settings, store=store, core=core)
    server.should_exit = True
    thread.join(10)


def sign_in(browser, site, staff_id: str):
    from bot.storage.web import sign_in_link

    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(sign_in_link(site.store, site.url, staff_id))
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_hr_signs_in_creates_a_campaign_and_sees_an_answer_arrive(browser, site):
    from bot.transports.notify import dispatch_due
    from fake_bot_api import FakeTelegram
    from test_telegram import run, wait

    page = sign_in(browser, site, "HR001")
    assert page.url == site.url + "/" and page.inner_text("h1") == "Tổng quan"
    assert "Không có chiến dịch nào đang mở" in page.inner_text("main")
    page.click("text=Tạo chiến dịch")
    page.fill("input[name=name]", "Tháng 12/2026")
    page.check("input[name=topics][value=ho-so]")
    page.fill("input[name=questions]", "2")
    page.fill("input[name=pass_mark]", "50")
    page.fill("input[name=start]", (date.today() - timedelta(days=1)).isoformat())
    page.fill("input[name=end]", (date.today() + timedelta(days=7)).isoformat())
    page.check("input[name=units][value='Văn phòng']")
    page.click("button:has-text('Tạo chiến dịch')")
    assert page.inner_text("h1") == "Chiến dịch «Tháng 12/2026»"
    assert "Được giao 4" in page.inner_text("main")
    shot(page, "chien-dich")

    site.store.link("telegram", "501", "501", "CB001", "code")
    with FakeTelegram() as fake:
        async def officer_answers():
            await dispatch_due(site.core, apps[0].bot_data["deliverer"])
            await wait(fake, 1)  # the start notice
            fake.push(fake.message(501, "/kiemtra"))
            for i in range(2):
                await wait(fake, i + 1, "sendPoll")
                poll = fake.polls()[i]
                fake.push(fake.poll_answer(501, poll["poll_id"], poll["correct"]))
            for _ in range(600):  # until the attempt is finished and stored
                if site.store.db.execute("select count(*) from attempts where finished_at is not null").fetchone()[0]:
                    break
                await asyncio.sleep(0.1)

        apps, errors = [], []

        def bot():  # in its own thread: Playwright's sync API holds this one's event loop
            try:
                run(site.core, fake, officer_answers, apps)
            except BaseException as e:
                errors.append(e)

        thread = threading.Thread(target=bot)
        thread.start()
        thread.join(120)
        assert not errors, errors
    page.goto(site.url + "/")
    text = page.inner_text("main")
    assert "Tháng 12/2026" in text and "Đã hoàn thành 1" in text and "Chưa bắt đầu (3)" in text
    charts = page.locator("svg[role=img]")
    assert [charts.nth(i).get_attribute("aria-label").split(" — ")[0] for i in range(charts.count())] == [
        "Tỷ lệ hoàn thành theo đơn vị", "Tỷ lệ đạt theo đơn vị"]
    shot(page, "tong-quan")
    page.goto(site.url + "/chien-dich/1")
    assert "Đạt" in page.inner_text("table >> nth=1")


def test_roster_import_shows_the_bad_row_before_saving(browser, site, tmp_path):
    page = sign_in(browser, site, "HR001")
    page.click("nav >> text=Cán bộ")
    roster = tmp_path / "moi.csv"
    roster.write_text("Mã cán bộ,Họ và tên,Đơn vị,Vai trò\nCB200,Hoàng Văn Mới,Địa chính,cán bộ\n"
                      "CB201,Lý Thị Hai,Địa chính,giám đốc\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(roster))
    page.click("button:has-text('Xem trước')")
    assert page.inner_text("h1") == "Xem trước danh sách cán bộ"
    assert "1 dòng lỗi" in page.inner_text("main") and "vai trò «giám đốc» không hợp lệ" in page.inner_text("table")
    shot(page, "xem-truoc-danh-sach")
    assert site.store.officer("CB200") is None
    page.click("button:has-text('Lưu 1 dòng hợp lệ')")
    assert "Đã thêm 1, cập nhật 0 cán bộ; bỏ qua 1 dòng lỗi." in page.inner_text("main")
    assert "Hoàng Văn Mới" in page.inner_text("table") and site.store.officer("CB201") is None
    shot(page, "can-bo")


def test_iso_uploads_a_docx_and_the_bot_answers_from_it(browser, site, tmp_path):
    from chat_fixtures import say, tg

    site.store.link("telegram", "501", "501", "CB001", "code")
    before = say(site.core, tg("501"), "cuộc họp xem xét của lãnh đạo tổ chức mấy lần một năm")[0]
    assert "QT-05" not in before.text
    page = sign_in(browser, site, "IS001")
    assert page.inner_text("h1") == "Tài liệu"
    docx = make_docx(tmp_path / "qt-05-xem-xet-lanh-dao.docx")
    broken = tmp_path / "bien-ban-hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n\x00\x01 not really a PDF")
    page.set_input_files("input[name=files] >> nth=0", [str(docx), str(broken)])
    page.click("button:has-text('Tải lên và lập chỉ mục')")
    page.wait_for_selector("text=Lập chỉ mục xong", timeout=180_000)  # the page refreshes itself meanwhile
    row = page.inner_text("tr:has-text('qt-05-xem-xet-lanh-dao.docx')")
    assert "QT-05" in row and "02" in row
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", row)  # when this document was indexed, Hà Nội time
    failed = page.inner_text("section:has-text('Tệp không đọc được')")
    assert "bien-ban-hong.pdf" in failed and "PDF hỏng" in failed  # the reason, in Vietnamese
    shot(page, "tai-lieu")
    reply = say(site.core, tg("501"), "cuộc họp xem xét của lãnh đạo tổ chức mấy lần một năm")[0]
    assert "ít nhất một lần mỗi năm" in reply.text and "QT-05" in reply.text


def test_iso_handles_an_unanswered_question(browser, site):
    from chat_fixtures import say, tg

    site.store.link("telegram", "502", "502", "CB002", "code")
    question = "giá vàng hôm nay bao nhiêu một chỉ"
    say(site.core, tg("502"), question)
    page = sign_in(browser, site, "IS001")
    page.click("nav >> text=Câu hỏi chưa trả lời")
    card = page.locator("section.card", has_text=question)
    assert "Không tìm thấy câu trả lời" in card.inner_text() and "Trần Thị Bình" in card.inner_text()
    shot(page, "cau-hoi")
    card.locator("input[name=note]").fill("Ngoài phạm vi tài liệu ISO; đã trả lời trực tiếp.")
    card.locator("button").click()
    assert "Đã đánh dấu là đã xử lý." in page.inner_text("main")
    assert question not in page.inner_text("main")
    page.click("text=Xem câu đã xử lý")
    assert "Ngoài phạm vi tài liệu ISO" in page.inner_text("main")


def test_pages_fit_a_phone_screen(browser, site):
    """HR reads the console on a phone: no page is wider than the screen (wide tables scroll inside
    their own box) and the menu stays reachable."""
    from bot.campaigns import create
    from quizzes.bank import load_bank

    create(site.store, load_bank(FIXTURES / "banks"), "Quý IV/2026", ["ho-so"], 2, 50,
           (date.today() - timedelta(days=1)).isoformat(), (date.today() + timedelta(days=7)).isoformat(), None)
    page = sign_in(browser, site, "AD001")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ["/", "/chien-dich", "/chien-dich/1", "/chien-dich/moi", "/tong-hop", "/can-bo", "/tai-lieu",
                 "/cau-hoi", "/ngan-hang", "/quan-tri", "/nhat-ky"]:
        page.goto(site.url + path)
        assert page.locator("h1").is_visible(), path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
        assert page.locator("nav a").first.is_visible(), path
        if path in ("/", "/chien-dich/1"):
            shot(page, "dien-thoai" + path.replace("/", "-").rstrip("-"))
