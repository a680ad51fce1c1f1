"""Awareness campaigns: creation from the CLI, and the notifications a transport must deliver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from indexer.errors import IsobotError
from quizzes import engine
from quizzes.bank import Bank

from . import messages as m
from .storage import VN, QuizStore, Store, iso, parse_time

MAX_TRIES = 5  # rounds one account's notification is retried before it is given up


@dataclass(frozen=True)
class Delivery:
    notification_id: int
    platform: str
    chat_id: str
    replies: list  # Reply objects, built by the caller's core


def day_bounds(start: str, end: str) -> tuple[datetime, datetime]:
    try:
        s, e = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise IsobotError("dates must be YYYY-MM-DD") from None
    if e < s:
        raise IsobotError("--end is before --start")
    return datetime.combine(s, time(7, 30), VN), datetime.combine(e, time(23, 59, 59), VN)


def create(store: Store, bank: Bank, name: str, topics: list[str], questions: int, pass_mark: float,
           start: str, end: str, units: list[str] | None, attempts: int = 1, seconds: int = 0,
           remind_every: int = 3) -> dict:
    qs = QuizStore(store)
    if qs.campaign(name):
        raise IsobotError(f"a campaign named {name!r} already exists")
    unknown = [t for t in topics if t not in bank.topics]
    if unknown:
        raise IsobotError(f"unknown topic(s) {', '.join(unknown)}; banks: {', '.join(bank.topics)}")
    pool = bank.select(topics)
    if not 1 <= questions <= len(pool):
        raise IsobotError(f"--questions must be between 1 and {len(pool)} (questions in those banks)")
    if not 0 < pass_mark <= 100:
        raise IsobotError("--pass-mark is a percentage between 1 and 100")
    if seconds and not 5 <= seconds <= 600:
        raise IsobotError("--seconds-per-question must be between 5 and 600 (Telegram's limit)")
    begin, finish = day_bounds(start, end)
    officers = store.officers(active_only=True)  # officers who left are not assigned
    if units:
        known = {o.unit for o in officers}
        missing = [u for u in units if u not in known]
        if missing:
            raise IsobotError(f"no officers in unit(s) {', '.join(missing)}")
        officers = [o for o in officers if o.unit in units]
    if not officers:
        raise IsobotError("no officers to assign: import the roster first")
    schedule = [("start", iso(begin))] + [("reminder", iso(t)) for t in engine.reminders(begin, finish, remind_every)]
    schedule.append(("summary", iso(finish)))
    row = {"name": name, "topics": ",".join(topics), "questions": questions, "pass_mark": pass_mark,
           "start_at": iso(begin), "end_at": iso(finish), "units": ",".join(units) if units else "all",
           "attempts": attempts, "seconds": seconds, "remind_every": remind_every}
    cid = qs.create_campaign(row, [o.staff_id for o in officers], schedule)
    return {**qs.campaign(cid), "assigned": len(officers), "notifications": len(schedule) - 1}


def remind_now(store: Store, cid: int) -> int:
    """Queue a reminder, due now, for every assigned officer who has not finished; the bots deliver it."""
    qs = QuizStore(store)
    c = qs.campaign(cid)
    if c is None or c["status"] != "open":
        raise IsobotError("only an open campaign can send reminders")
    todo = [r["staff_id"] for r in store.db["assignments"].rows_where("campaign_id = ?", [cid])
            if not qs.finished_campaign(cid, r["staff_id"])]
    with store.db.conn:
        store.db["notifications"].insert_all([{"campaign_id": cid, "staff_id": s, "kind": "reminder",
                                               "due_at": store.now()} for s in todo])
    return len(todo)


def report_data(store: Store, bank: Bank, name: str | None = None, unit: str | None = None,
                year: int | None = None) -> tuple[dict, str]:
    """The training report (one campaign or all, one unit or all, with a year's summary) and its title:
    what `isobot report`, `/baocao` and the web console show."""
    from quizzes import report as rep

    qs = QuizStore(store)
    questions = {q.id: {"question": q.question, "topic": q.topic} for q in bank.questions.values()}
    campaigns = qs.campaigns()
    if name:
        campaigns = [c for c in campaigns if c["name"] == name]
        if not campaigns:
            raise IsobotError(f"no campaign named {name!r}")
    if year:
        campaigns = [c for c in campaigns if c["start_at"][:4] <= str(year) <= c["end_at"][:4]]
    data = rep.campaign_report(*qs.report_rows([c["id"] for c in campaigns], unit), questions)
    title = f"Báo cáo kết quả tìm hiểu ISO — {name or 'tất cả chiến dịch'}" + (f" — năm {year}" if year else "")
    if year:
        officers, assigned, attempts, by_id = qs.year_rows(year, unit)
        data["year"] = year
        data["year_summary"] = rep.year_summary(officers, assigned, attempts, by_id)
    return data, title


def deliveries(store: Store, quizzes, now: datetime | None = None) -> list[Delivery]:
    """What is due now and not yet delivered: start notices and reminders to assigned officers who
    have not finished (never after the campaign's end), the summary to HR. Each account's delivery
    has its own state, so one failing account never makes the others get it twice; the caller
    delivers and records each with ``QuizStore.record_send``."""
    qs = QuizStore(store)
    now_text = iso(now or store.clock())
    out = []
    for n in qs.due_notifications(now_text):
        c = qs.campaign(n["campaign_id"])
        end = parse_time(c["end_at"]).astimezone(VN)
        if n["kind"] == "summary":
            data = quizzes.campaign_report(c)
            text = m.CAMPAIGN_SUMMARY.format(name=c["name"]) + "\n" + m.report_summary(c, data)
            targets = [o.staff_id for o in store.officers(active_only=True) if o.role in ("hr", "admin")]
        else:
            if c["status"] != "open" or c["end_at"] < now_text or qs.finished_campaign(c["id"], n["staff_id"]):
                qs.mark_notified(n["id"], "skipped")
                continue
            template = m.CAMPAIGN_NOTICE if n["kind"] == "start" else m.CAMPAIGN_REMINDER
            text = template.format(name=c["name"], n=c["questions"], mark=m.number(c["pass_mark"]),
                                   end=end.strftime("%d/%m/%Y"))
            targets = [n["staff_id"]]
        accounts = [(a["platform"], a["chat_id"]) for s in targets for a in store.accounts(s)]
        if not accounts:
            qs.mark_notified(n["id"], "skipped")  # nobody to tell yet; HR sees them as not started
            continue
        sends = qs.sends(n["id"])
        todo = [a for a in accounts if a not in sends
                or sends[a]["status"] == "retry" and sends[a]["tries"] < MAX_TRIES]
        if not todo:
            failed = [sends[a]["error"] or "" for a in accounts if sends[a]["status"] != "sent"]
            qs.mark_notified(n["id"], "failed" if failed else "sent", "; ".join(failed)[:500])
            continue
        out += [Delivery(n["id"], platform, chat_id, [text]) for platform, chat_id in todo]
    return out
