"""The web console's rules, through its real ASGI app and SQLite file: who may see what, one-time links,
sessions, CSRF, uploads that stay inside knowledge/, size limits; numbers equal to `isobot report`."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from starlette.testclient import TestClient

from bot.cli import main
from bot.roster import import_officers
from bot.settings import Settings
from bot.storage import Store, WebStore
from bot.storage.web import sign_in_link
from bot.web.app import create_app
from chat_fixtures import ROSTER
from conftest import FIXTURES, Clock

ROSTER_ISO = ROSTER + "IS001,Đỗ Thư Ký,Văn phòng,Thư ký ISO,0901000003,thư ký ISO\n"
BASE = "http://127.0.0.1:8080"
HR_PAGES = ["/", "/chien-dich", "/chien-dich/moi", "/tong-hop", "/tong-hop.xlsx", "/can-bo",
            "/can-bo/ma-lien-ket.xlsx", "/can-bo/danh-sach.xlsx"]
ISO_PAGES = ["/tai-lieu", "/cau-hoi", "/ngan-hang"]
ADMIN_PAGES = ["/quan-tri", "/nhat-ky"]
POSTS = ["/chien-dich", "/chien-dich/1/dong", "/chien-dich/1/nhac", "/can-bo/xem-truoc", "/can-bo/nhap",
         "/can-bo/CB001/nghi", "/tai-lieu/tai-len", "/tai-lieu/go", "/tai-lieu/lap-chi-muc", "/cau-hoi/1/xu-ly",
         "/quan-tri/CB001", "/dang-xuat"]


class Starts:
    """Stands in for the indexing job runner where a test only checks what was saved."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self, staff_id: str) -> int:
        self.calls.append(staff_id)
        return len(self.calls)


@pytest.fixture
def web(tmp_path):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    settings = Settings(knowledge_dir=knowledge, data_dir=tmp_path / "data", banks_dir=FIXTURES / "banks",
                        web_max_upload_mb=1)
    clock = Clock()
    store = Store(settings.db_path, clock=clock)
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    assert import_officers(store, tmp_path / "roster.csv").errors == []
    app = create_app(settings, store)
    app.state.indexer = Starts()
    return app, store, clock


def client(app) -> TestClient:
    return TestClient(app, base_url=BASE, follow_redirects=False)


def signed_in(app, store, staff_id: str) -> TestClient:
    c = client(app)
    r = c.get(sign_in_link(store, BASE, staff_id).removeprefix(BASE))
    assert r.status_code == 303, r.text
    return c


def csrf(c: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path).text).group(1)


def test_nothing_answers_without_a_session(web):
    app, _, _ = web
    c = client(app)
    for path in HR_PAGES + ISO_PAGES + ADMIN_PAGES + ["/chien-dich/1", "/chien-dich/1/bao-cao.xlsx"]:
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/dang-nhap", path
    for path in POSTS:
        assert c.post(path, data={"csrf": "x"}).status_code == 303, path
    assert c.get("/api/report").status_code == 401
    assert c.get("/tai-lieu/tien-do").status_code == 401
    assert c.get("/healthz").json() == {"ok": True}
    assert "Đăng nhập" in c.get("/dang-nhap").text


def test_each_role_sees_only_its_pages(web):
    app, store, _ = web
    officer = client(app)
    officer.cookies.set("isobot_session", app.state.signer.sign(WebStore(store).new_session("CB001")))
    for path in HR_PAGES + ISO_PAGES + ADMIN_PAGES:
        assert officer.get(path).status_code == 403, path
    assert officer.get("/api/report").status_code == 403
    hr = signed_in(app, store, "HR001")
    assert all(hr.get(p).status_code == 200 for p in HR_PAGES)
    assert all(hr.get(p).status_code == 403 for p in ISO_PAGES + ADMIN_PAGES)
    iso = signed_in(app, store, "IS001")
    assert all(iso.get(p).status_code == 200 for p in ISO_PAGES)
    assert all(iso.get(p).status_code == 403 for p in HR_PAGES + ADMIN_PAGES)
    admin = signed_in(app, store, "AD001")
    assert all(admin.get(p).status_code == 200 for p in HR_PAGES + ISO_PAGES + ADMIN_PAGES)


def test_a_link_works_once_and_for_ten_minutes(web):
    app, store, clock = web
    link = sign_in_link(store, BASE, "HR001").removeprefix(BASE)
    c = client(app)
    r = c.get(link)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Max-Age=28800" in cookie
    again = client(app).get(link)
    assert again.status_code == 403 and "đã được dùng, đã hết hạn" in again.text
    late = sign_in_link(store, BASE, "HR001").removeprefix(BASE)
    clock.advance(minutes=10, seconds=1)
    assert client(app).get(late).status_code == 403
    assert client(app).get("/dang-nhap/not-a-token").status_code == 403
    # the session itself lasts 8 hours
    assert c.get("/").status_code == 200
    clock.advance(hours=8)
    assert c.get("/").status_code == 303


def test_the_sign_in_form_sends_an_officer_at_most_three_links_in_ten_minutes(tmp_path):
    settings = Settings(knowledge_dir=tmp_path / "knowledge", data_dir=tmp_path / "data", banks_dir=FIXTURES / "banks")
    clock = Clock()
    store = Store(settings.db_path, clock=clock)
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    import_officers(store, tmp_path / "roster.csv")
    sent: list[str] = []

    async def send_link(staff_id: str, text: str) -> bool:
        sent.append(staff_id)
        return True

    c = client(create_app(settings, store, send_link=send_link))

    def ask() -> str:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/dang-nhap").text).group(1)
        r = c.post("/dang-nhap", data={"csrf": token, "staff_id": "HR001"})
        assert r.status_code == 200
        return r.text

    replies = [ask() for _ in range(5)]
    assert sent == ["HR001"] * 3
    assert len(set(replies)) == 1  # the reply tells a flooder nothing
    clock.advance(minutes=10, seconds=1)
    ask()
    assert sent == ["HR001"] * 4


def test_a_post_without_the_csrf_token_is_refused(web):
    app, store, _ = web
    c = signed_in(app, store, "HR001")
    r = c.post("/can-bo/CB001/nghi", data={})
    assert r.status_code == 403 and "CSRF" in r.text
    assert c.post("/can-bo/CB001/nghi", data={"csrf": "0" * 40}).status_code == 403
    assert store.officer("CB001").active
    other = signed_in(app, store, "AD001")  # another session's token is not this one's
    assert c.post("/can-bo/CB001/nghi", data={"csrf": csrf(other)}).status_code == 403
    assert c.post("/can-bo/CB001/nghi", data={"csrf": csrf(c)}).status_code == 303
    assert not store.officer("CB001").active


def test_a_deactivated_officer_is_signed_out_at_once(web, tmp_path):
    app, store, _ = web
    c = signed_in(app, store, "HR001")
    assert c.get("/").status_code == 200
    assert main(["--data", str(tmp_path / "data"), "officers", "deactivate", "HR001"]) == 0
    assert c.get("/").status_code == 303
    store.activate("HR001")
    assert c.get("/").status_code == 303  # sessions do not come back; a new link is needed


def test_sign_out_ends_the_session(web):
    app, store, _ = web
    c = signed_in(app, store, "HR001")
    cookie = c.cookies.get("isobot_session")
    assert c.post("/dang-xuat", data={"csrf": csrf(c)}).headers["location"] == "/dang-nhap"
    stolen = client(app)
    stolen.cookies.set("isobot_session", cookie)
    assert stolen.get("/").status_code == 303
    forged = client(app)
    forged.cookies.set("isobot_session", cookie.rsplit(".", 1)[0] + ".0000")
    assert forged.get("/").status_code == 303


def test_an_uploaded_name_with_a_path_stays_inside_knowledge(web, tmp_path):
    app, store, _ = web
    c = signed_in(app, store, "IS001")
    token = csrf(c, "/tai-lieu")
    files = [("files", ("../../evil.md", b"# Evil\n\nkhong duoc ra ngoai", "text/markdown")),
             ("files", ("/etc/cron.d/x.md", b"# X\n\nabc", "text/markdown")),
             ("files", ("..\\..\\win.md", b"# W\n\nabc", "text/markdown")),
             ("files", ("run.sh", b"#!/bin/sh", "text/plain"))]
    r = c.post("/tai-lieu/tai-len", data={"csrf": token}, files=files)
    assert r.status_code == 303
    knowledge = tmp_path / "knowledge"
    assert sorted(p.name for p in knowledge.iterdir()) == ["evil.md", "win.md", "x.md"]
    assert not (tmp_path / "evil.md").exists() and not Path("/etc/cron.d/x.md").exists()
    assert "run.sh" in c.get(r.headers["location"]).text  # refused, and said so
    assert app.state.indexer.calls == ["IS001"]
    r = c.post("/tai-lieu/go", data={"csrf": token, "source": "../../data/isobot.db"})
    assert (tmp_path / "data" / "isobot.db").exists()
    log = [(a["action"], a["target"]) for a in WebStore(store).audit_log()]
    assert ("document.upload", "evil.md") in log


def test_a_document_in_a_subfolder_is_replaced_and_removed_where_it_is(web, tmp_path):
    app, store, _ = web
    c = signed_in(app, store, "IS001")
    token = csrf(c, "/tai-lieu")
    folder = tmp_path / "knowledge" / "quy-trinh"
    folder.mkdir()
    (folder / "qt-07-mot-cua.txt").write_text("QT-07 lần 1", encoding="utf-8")
    r = c.post("/tai-lieu/tai-len", data={"csrf": token, "replace": "quy-trinh/qt-07-mot-cua.txt"},
               files=[("files", ("ban-moi.txt", b"QT-07 lan 2", "text/plain"))])
    assert r.status_code == 303 and "Đã lưu 1 tệp" in c.get(r.headers["location"]).text
    assert (folder / "qt-07-mot-cua.txt").read_bytes() == b"QT-07 lan 2"
    assert sorted(p.name for p in (tmp_path / "knowledge").iterdir()) == ["quy-trinh"]  # no copy at the top
    # a replacement is one file of the same type
    two = [("files", ("a.txt", b"a", "text/plain")), ("files", ("b.txt", b"b", "text/plain"))]
    r = c.post("/tai-lieu/tai-len", data={"csrf": token, "replace": "quy-trinh/qt-07-mot-cua.txt"}, files=two)
    assert "chỉ thay được một tài liệu" in c.get(r.headers["location"]).text
    r = c.post("/tai-lieu/tai-len", data={"csrf": token, "replace": "quy-trinh/qt-07-mot-cua.txt"},
               files=[("files", ("a.pdf", b"%PDF", "application/pdf"))])
    assert "phải là tệp .txt" in c.get(r.headers["location"]).text
    assert (folder / "qt-07-mot-cua.txt").read_bytes() == b"QT-07 lan 2"
    # two uploads of one name: the first is kept, the second refused and named (its "&" kept in the message)
    same = [("files", ("Q&A #1.md", "# Một".encode(), "text/markdown")),
            ("files", ("Q&A #1.md", "# Hai".encode(), "text/markdown"))]
    r = c.post("/tai-lieu/tai-len", data={"csrf": token}, files=same)
    text = c.get(r.headers["location"]).text
    assert "Đã lưu 1 tệp" in text and "Không nhận: Q&amp;A #1.md" in text
    assert (tmp_path / "knowledge" / "Q&A #1.md").read_bytes() == "# Một".encode()
    r = c.post("/tai-lieu/go", data={"csrf": token, "source": "quy-trinh/qt-07-mot-cua.txt"})
    assert "Đã gỡ quy-trinh/qt-07-mot-cua.txt" in c.get(r.headers["location"]).text
    assert not (folder / "qt-07-mot-cua.txt").exists()
    for bad in ("quy-trinh/../../data/isobot.db", "quy-trinh/.an.md", "/etc/passwd.md"):
        r = c.post("/tai-lieu/go", data={"csrf": token, "source": bad})
        assert "Không có tài liệu này" in c.get(r.headers["location"]).text, bad
    log = [(a["action"], a["target"]) for a in WebStore(store).audit_log()]
    assert ("document.replace", "quy-trinh/qt-07-mot-cua.txt") in log
    assert ("document.remove", "quy-trinh/qt-07-mot-cua.txt") in log
    assert c.post("/tai-lieu/lap-chi-muc", data={"csrf": token}).status_code == 303
    assert ("index.start", "knowledge") in [(a["action"], a["target"]) for a in WebStore(store).audit_log()]


def test_an_upload_over_the_limit_is_refused_with_a_message(web, tmp_path):
    app, store, _ = web  # the fixture's limit: 1 MB
    c = signed_in(app, store, "IS001")
    big = b"a" * (1 << 20)
    r = c.post("/tai-lieu/tai-len", data={"csrf": csrf(c, "/tai-lieu")}, files={"files": ("to.md", big)})
    assert r.status_code == 413 and "tối đa 1 MB" in r.text
    assert not list((tmp_path / "knowledge").iterdir())
    # other routes take at most 1 MiB whatever the upload limit
    r = c.post("/cau-hoi/1/xu-ly", data={"csrf": "x", "note": "a" * (1 << 20)})
    assert r.status_code == 413


def test_the_roster_preview_saves_nothing_until_confirmed(web):
    app, store, _ = web
    c = signed_in(app, store, "HR001")
    token = csrf(c, "/can-bo")
    body = ("Mã cán bộ,Họ và tên,Đơn vị,Vai trò\nCB100,Vũ Mới,Địa chính,cán bộ\nCB101,,Địa chính,cán bộ\n"
            "CB001,Nguyễn Văn An,Văn phòng,sếp\n=HYPERLINK(\"x\"),Công Thức,Văn phòng,cán bộ\n").encode()
    r = c.post("/can-bo/xem-truoc", data={"csrf": token}, files={"file": ("ds.csv", body, "text/csv")})
    assert r.status_code == 200
    assert "Lỗi: thiếu họ và tên" in r.text and "vai trò «sếp» không hợp lệ" in r.text
    assert store.officer("CB100") is None
    saved = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = c.post("/can-bo/nhap", data={"csrf": token, "token": saved})
    assert r.status_code == 303 and store.officer("CB100").unit == "Địa chính"
    assert store.officer("CB001").role == "officer"  # the rejected row changed nothing
    r = c.get("/can-bo/ma-lien-ket.xlsx?don-vi=Văn phòng")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"x\")" in names  # a formula prefix is exported as text
    r = c.get("/can-bo/danh-sach.xlsx?don-vi=Văn phòng")  # the roster itself, as HR sees it
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content))["Danh sách cán bộ"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã cán bộ", "Họ và tên", "Đơn vị")
    mine = {row[0]: row for row in rows[1:]}
    assert "'=HYPERLINK(\"x\")" in mine and "CB100" not in mine  # Địa chính is another unit
    assert mine["HR001"][5:] == ("Tổ chức cán bộ", "Đang công tác")
    assert signed_in(app, store, "IS001").get("/can-bo/danh-sach.xlsx").status_code == 403
    bad = c.post("/can-bo/xem-truoc", data={"csrf": token}, files={"file": ("ds.xlsx", b"PK\x03\x04broken")})
    assert bad.status_code == 400 and "Không đọc được tệp" in bad.text


def test_campaign_form_validates_and_numbers_match_the_cli(web, tmp_path, capsys):
    app, store, _ = web
    c = signed_in(app, store, "HR001")
    token = csrf(c, "/chien-dich/moi")
    form = {"csrf": token, "name": "Tháng 12", "topics": ["ho-so"], "questions": "999", "pass_mark": "80",
            "start": "2026-12-01", "end": "2026-12-10", "attempts": "1", "seconds": "0", "remind_every": "3"}
    r = c.post("/chien-dich", data=form)
    assert r.status_code == 400 and "Số câu hỏi phải từ 1 đến" in r.text and 'value="Tháng 12"' in r.text
    r = c.post("/chien-dich", data={**form, "questions": "3", "units": ["Văn phòng"]})
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert "Được giao <b>4</b>" in page  # the four active officers of Văn phòng
    assert "Tỷ lệ đạt theo đơn vị" in page and "Tỷ lệ đạt theo đơn vị" in c.get("/").text  # charts by unit
    assert c.post("/chien-dich", data={**form, "questions": "3"}).status_code == 400  # same name
    api = c.get("/api/report", params={"campaign": "Tháng 12"}).json()
    capsys.readouterr()
    assert main(["--data", str(tmp_path / "data"), "report", "--campaign", "Tháng 12", "--format", "json"]) == 0
    assert api == json.loads(capsys.readouterr().out)
    restarted = create_app(app.state.settings, store)
    with TestClient(restarted, base_url=BASE):  # start-up computes the open campaigns' reports
        assert restarted.state.reports[(1, None)][1]["total"]["assigned"] == 4
    shown = c.get(c.post("/chien-dich/1/nhac", data={"csrf": token}).headers["location"]).text
    assert "Đã xếp lịch nhắc 4 cán bộ chưa hoàn thành." in shown
    assert store.db.execute("select count(*) from notifications where kind = 'reminder' and due_at = ?",
                            [store.now()]).fetchone()[0] == 4
    c.post("/chien-dich/1/dong", data={"csrf": token})
    assert store.db["campaigns"].get(1)["status"] == "closed"
    actions = [a["action"] for a in WebStore(store).audit_log()]
    assert {"campaign.create", "campaign.remind", "campaign.close"} <= set(actions)


def test_login_link_from_the_cli_and_from_chat(web, tmp_path, capsys, monkeypatch):
    app, store, _ = web
    monkeypatch.delenv("ISOBOT_WEB_URL", raising=False)
    assert main(["--data", str(tmp_path / "data"), "officers", "login-link", "HR001"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("http://127.0.0.1:8080/dang-nhap/")
    assert client(app).get(url.removeprefix(BASE)).status_code == 303
    assert main(["--data", str(tmp_path / "data"), "officers", "login-link", "CB001"]) == 1
    assert "only active hr, iso and admin" in capsys.readouterr().err
    monkeypatch.setenv("ISOBOT_WEB_URL", "https://iso.phuong.example/")
    assert main(["--data", str(tmp_path / "data"), "officers", "login-link", "IS001"]) == 0
    assert capsys.readouterr().out.startswith("https://iso.phuong.example/dang-nhap/")
    # a console listening on every address names this machine in its links, never 0.0.0.0
    plain = app.state.settings.replace(web_url="")
    assert plain.listening("0.0.0.0", 8081).web_base == "http://127.0.0.1:8081"
    assert plain.listening("::", 8081).web_base == "http://127.0.0.1:8081"
    assert plain.listening("127.0.0.2", 8081).web_base == "http://127.0.0.2:8081"
    assert plain.replace(web_url="https://iso.phuong.example").listening("0.0.0.0", 1).web_base == "https://iso.phuong.example"


def test_roles_are_changed_by_admins_and_audited(web):
    app, store, _ = web
    admin = signed_in(app, store, "AD001")
    hr = signed_in(app, store, "HR001")
    assert admin.post("/quan-tri/HR001", data={"csrf": csrf(admin), "role": "officer"}).status_code == 303
    assert store.officer("HR001").role == "officer"
    assert hr.get("/").status_code == 303  # no longer a console role: signed out
    assert admin.post("/quan-tri/CB001", data={"csrf": csrf(admin), "role": "boss"}).status_code == 303
    assert store.officer("CB001").role == "officer"
    page = admin.get("/nhat-ky").text
    assert "Đổi vai trò" in page and "HR001" in page and "&#34;role&#34;: &#34;hr&#34;" in page


def test_web_in_chat_sends_a_link_only_to_those_who_run_isobot(core):
    from bot import messages as m
    from chat_fixtures import say, tg

    core.store.link("telegram", "700", "700", "HR001", "code")
    core.store.link("telegram", "501", "501", "CB001", "code")
    [reply] = say(core, tg("700"), "/web")
    url = reply.text.split("\n")[-1]
    assert url.startswith("http://127.0.0.1:8080/dang-nhap/") and "10 phút" in reply.text
    assert WebStore(core.store).use_link(url.rsplit("/", 1)[1]) == "HR001"
    assert [r.text for r in say(core, tg("501"), "/web")] == [m.WEB_NOT_ALLOWED]
    assert say(core, tg("999"), "/web")[0].text.startswith(m.LINK_INSTRUCTIONS.split("\n")[0])  # unlinked


def test_draft_questions_are_published_only_once_approved(tmp_path):
    import shutil

    import yaml

    from quizzes.bank import load_bank

    banks = tmp_path / "quizzes" / "banks"
    shutil.copytree(FIXTURES / "banks", banks)
    (banks / "hong.yaml").write_text("topic: hong\ntitle: Hỏng\nquestions:\n  - id: h1\n    question: Thiếu đáp án?\n"
                                     "    options: [a, b]\n", encoding="utf-8")
    drafts = tmp_path / "quizzes" / "drafts"
    drafts.mkdir()
    proposal = {"options": ["Thư ký ISO", "Chủ tịch UBND", "Văn thư", "Công chức một cửa"], "answer": "B",
                "explanation": "QT-01, mục 5.3", "source": {"document": "quy-trinh/qt-01.md", "section": "5.3"}}
    (drafts / "draft-20261203.yaml").write_text(yaml.safe_dump({"topic": "de-xuat", "questions": [
        {"id": "draft-who-001", "question": "Ai phê duyệt quy trình?", **proposal},
        {"id": "draft-who-002", "question": "Câu thừa?", **proposal}]}, allow_unicode=True), encoding="utf-8")
    settings = Settings(knowledge_dir=tmp_path / "knowledge", data_dir=tmp_path / "data", banks_dir=banks)
    store = Store(settings.db_path)
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    import_officers(store, tmp_path / "roster.csv")
    app = create_app(settings, store)
    c = signed_in(app, store, "IS001")
    page = c.get("/ngan-hang").text
    assert "Câu hỏi đề xuất chờ duyệt (2)" in page and "h1: đáp án phải là một chữ cái trong AB" in page
    token = csrf(c, "/ngan-hang")
    form = {"csrf": token, "file": "draft-20261203.yaml", "id": "draft-who-001", "action": "approve",
            "question": "Theo QT-01, ai phê duyệt quy trình ISO?", "options": proposal["options"], "answer": "B",
            "explanation": "QT-01, mục 5.3", "document": "quy-trinh/qt-01.md", "section": "5.3"}
    bad = c.get(c.post("/ngan-hang/duyet", data={**form, "answer": "F"}).headers["location"]).text
    assert "đáp án phải là một chữ cái trong ABCD" in bad and "bo-sung" not in {p.name for p in banks.iterdir()}
    assert c.post("/ngan-hang/duyet", data=form).status_code == 303
    c.post("/ngan-hang/duyet", data={"csrf": token, "file": "draft-20261203.yaml", "id": "draft-who-002",
                                     "action": "reject"})
    published = load_bank(banks).topics["bo-sung"].questions
    assert [(q.id, q.question, q.answer) for q in published] == [("bo-sung-001", "Theo QT-01, ai phê duyệt quy trình ISO?", 1)]
    assert "Câu hỏi đề xuất chờ duyệt (0)" in c.get("/ngan-hang").text
    assert {"draft.approve", "draft.reject"} <= {a["action"] for a in WebStore(store).audit_log()}


def test_behind_https_the_cookie_is_secure_and_a_disliked_answer_waits_in_the_queue(web):
    app, store, _ = web
    c = client(app)
    plain = c.get(sign_in_link(store, BASE, "IS001").removeprefix(BASE))
    assert "secure" not in plain.headers["set-cookie"].lower()
    proxied = c.get(sign_in_link(store, BASE, "IS001").removeprefix(BASE), headers={"X-Forwarded-Proto": "https"})
    assert "; secure" in proxied.headers["set-cookie"].lower() and "httponly" in proxied.headers["set-cookie"].lower()
    # an answer an officer marked 👎 is in the ISO secretary's queue, with what was answered
    qid = store.log_question(staff_id="CB001", platform="telegram", user_id="7", question="Lệ phí khai tử bao nhiêu?",
                             answered=1, answer="Miễn lệ phí.", title="Quy trình khai tử", section="5.4", code="QT-HT-03")
    store.set_feedback(qid, "CB001", -1)
    page = signed_in(app, store, "IS001").get("/cau-hoi").text
    assert "Lệ phí khai tử bao nhiêu?" in page and "Miễn lệ phí." in page


def test_the_cookie_key_is_made_on_first_start_and_kept(tmp_path):
    """The console starts with no settings: its signing key is made once, owner-only, and a restart keeps
    it, so sessions survive a restart."""
    from bot.web.auth import load_key

    data = tmp_path / "data"
    settings = Settings(knowledge_dir=tmp_path, data_dir=data, banks_dir=FIXTURES / "banks")
    store = Store(settings.db_path)
    (tmp_path / "roster.csv").write_text(ROSTER_ISO, encoding="utf-8")
    import_officers(store, tmp_path / "roster.csv")
    assert not (data / "web.key").exists()
    c = signed_in(create_app(settings, store), store, "HR001")
    key = data / "web.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(load_key(data)) == 32
    restarted = client(create_app(settings, store))
    restarted.cookies = c.cookies
    assert restarted.get("/").status_code == 200 and load_key(data) == bytes.fromhex(key.read_text())


def test_a_failed_model_load_reads_in_vietnamese_on_the_documents_page():
    from bot.web.vi import reading_vi

    said = reading_vi("isobot: cannot load data/models/m/onnx/model_int8.onnx (INVALID_PROTOBUF): delete it and "
                      "run `isobot model` to write it again")
    assert said.startswith("không nạp được tệp mô hình data/models/m/onnx/model_int8.onnx") and "isobot model" in said
    assert reading_vi("ONNX Runtime cannot be loaded (no module): set ISOBOT_PRECISION=fp32 or bf16").startswith(
        "không nạp được ONNX Runtime")
