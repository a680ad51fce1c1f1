"""Officers removed from the roster lose access; notifications and quizzes count only what was delivered."""

import csv

from click.testing import CliRunner

from bot import campaigns
from bot import messages as m
from bot.cli import cli
from bot.replies import Incoming
from bot.roster import export_codes, import_officers
from chat_fixtures import ROSTER, say, tg, zalo

QUESTION = "thời hạn xử lý phản ánh kiến nghị"


def test_deactivated_officer_loses_access_and_keeps_records(core, tmp_path):
    code, _ = core.store.create_code("CB001")
    assert core.text(tg("501"), code).linked
    spare, _ = core.store.create_code("CB002")
    core.store.link("zalo", "z2", "z2", "CB002", "code")
    make = lambda name: campaigns.create(core.store, core.quizzes.bank, name, ["ho-so"], 3, 60, "2026-12-01",  # noqa: E731
                                         "2026-12-10", None)
    assert make("Trước")["assigned"] == 4
    roster = tmp_path / "again.csv"
    roster.write_text("\n".join(l for l in ROSTER.splitlines() if not l.startswith("CB002")), encoding="utf-8")
    report = import_officers(core.store, roster, deactivate_missing=True)
    assert report.deactivated == ["CB002"]
    assert core.store.accounts("CB002") == [] and core.store.officer("CB002").status == "inactive"
    assert core.text(zalo("z2"), spare).text == m.CODE_UNKNOWN  # unused codes voided
    assert core.contact(tg("502"), "502", "+84987654321").text == m.PHONE_NOT_FOUND  # no re-link by phone
    assert core.text(zalo("z2"), QUESTION).text.startswith(m.LINK_INSTRUCTIONS)  # no content
    assert make("Sau")["assigned"] == 3  # not assigned any more
    data = core.quizzes.campaign_report(core.quizzes.qs.campaign("Trước"))
    assert {o["staff_id"]: o["status"] for o in data["officers"]}["CB002"] == "inactive"
    core.store.activate("CB002")
    fresh, _ = core.store.create_code("CB002")
    assert core.text(zalo("z2"), fresh).linked


def test_unlink_voids_unused_codes_too(core):
    core.store.link("telegram", "900", "900", "AD001", "code")
    code, _ = core.store.create_code("CB001")
    assert core.text(tg("900"), "/huylienket CB001").text == m.UNLINKED.format(staff_id="CB001", n=0)
    assert core.text(tg("501"), code).text == m.CODE_UNKNOWN


def test_cli_deactivate_activate_and_options_after_the_subcommand(core, tmp_path, monkeypatch):
    monkeypatch.setenv("ISOBOT_DATA_DIR", str(tmp_path / "elsewhere"))
    run = lambda *a: CliRunner().invoke(cli, list(a), catch_exceptions=False)  # noqa: E731
    ok = run("officers", "deactivate", "CB001", "--data", str(tmp_path))  # options after the subcommand
    assert ok.exit_code == 0 and "CB001 deactivated" in ok.output
    assert core.store.officer("CB001").status == "inactive"
    refused = run("officers", "code", "CB001", "--data", str(tmp_path))
    assert refused.exit_code == 1 and "deactivated" in refused.stderr
    assert run("--data", str(tmp_path), "officers", "activate", "CB001").exit_code == 0
    assert run("officers", "deactivate", "NOPE", "--data", str(tmp_path)).exit_code == 1


def test_exports_neutralise_formulas_and_imports_strip_control_characters(core, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("Mã cán bộ,Họ và tên,Đơn vị\nX1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Văn phòng\n"
                      "X2,Bell\x07 Name\x1b,Văn phòng\n", encoding="utf-8")
    assert import_officers(core.store, roster).errors == []
    assert core.store.officer("X2").full_name == "Bell Name"
    out = tmp_path / "codes.csv"
    export_codes(core.store, out, "Văn phòng", 7, None)
    with out.open(encoding="utf-8-sig") as f:
        names = {r[0]: r[1] for r in csv.reader(f)}
    assert names["X1"].startswith("'=HYPERLINK")


def test_a_bad_codes_file_name_leaves_the_codes_handed_out_valid(core, tmp_path):
    code, _ = core.store.create_code("CB001")
    result = CliRunner().invoke(cli, ["--data", str(tmp_path), "officers", "codes", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "use a .csv or .xlsx" in result.stderr
    assert core.text(tg("501"), code).linked


def test_one_failing_account_never_resends_to_the_others_and_nothing_after_the_end(core):
    for staff, chat in (("CB001", "z1"), ("CB002", "z2"), ("HR001", "z3")):
        core.store.link("zalo", chat, chat, staff, "code")
    campaigns.create(core.store, core.quizzes.bank, "Tháng 12", ["ho-so"], 3, 60, "2026-12-01", "2026-12-03", None)
    qs = core.quizzes.qs
    round1 = campaigns.deliveries(core.store, core.quizzes)
    assert sorted(d.chat_id for d in round1) == ["z1", "z2", "z3"]
    for d in round1:  # z2 fails for now, the others went out
        qs.record_send(d.notification_id, d.platform, d.chat_id, "retry" if d.chat_id == "z2" else "sent", "HTTP 500")
    assert [d.chat_id for d in campaigns.deliveries(core.store, core.quizzes)] == ["z2"]
    for _ in range(campaigns.MAX_TRIES):
        for d in campaigns.deliveries(core.store, core.quizzes):
            qs.record_send(d.notification_id, d.platform, d.chat_id, "retry", "HTTP 500")
    assert campaigns.deliveries(core.store, core.quizzes) == []  # given up on z2 alone
    statuses = {r["status"] for r in core.store.db["notifications"].rows_where("kind = 'start'")}
    assert statuses == {"sent", "failed", "skipped"}  # skipped: AD001 has no chat account
    core.store.clock.advance(days=5)  # past the end: reminders are skipped, only HR's summary is due
    due = campaigns.deliveries(core.store, core.quizzes)
    assert [d.replies[0][:1] for d in due] == ["📊"] and due[0].chat_id == "z3"


def test_an_answer_to_a_question_never_delivered_is_not_recorded(core):
    core.store.link("zalo", "z2", "z2", "CB002", "code")
    campaigns.create(core.store, core.quizzes.bank, "Tháng 12", ["ho-so"], 3, 60, "2026-12-01", "2026-12-10", None,
                     seconds=30)
    first = core.quizzes.campaign(core.officer(zalo("z2")), "zalo", "z2")  # computed, never delivered (a crash)
    assert core.quizzes.typed(core.officer(zalo("z2")), "a")[0].position == 0  # shown, nothing recorded
    assert core.store.db["answers"].count == 0
    core.quiz_sent(first[1])
    sent_at = core.quizzes.qs.item(first[1].attempt_id, 0)["sent_at"]
    core.store.clock.advance(seconds=20)
    again = say(core, zalo("z2"), "/kiemtra")  # asking again shows the question, its clock keeps running
    assert again[0].quiz.position == 0 and core.quizzes.qs.item(first[1].attempt_id, 0)["sent_at"] == sent_at
    out = core.receive(Incoming(zalo("z2"), "text", "ans", text="a")).outgoing
    assert out and core.store.db["answers"].count == 1
