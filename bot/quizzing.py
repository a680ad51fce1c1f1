"""Quiz intents of the conversation core: practice, campaigns, answers, results, HR reports."""

from __future__ import annotations

import json
import random
from pathlib import Path

from indexer.answer import trim
from quizzes import engine, report
from quizzes.bank import LETTERS, Bank, Question

from . import messages as m
from .replies import Attachment, QuizPrompt
from .storage import Officer, QuizStore, Store, parse_time

PRACTICE_SIZE = 10
GRACE_SECONDS = 5  # network delay allowed on top of a timed question's limit


class Quizzes:
    def __init__(self, store: Store, bank: Bank, section_text, rng: random.Random | None = None) -> None:
        self.store = store
        self.qs = QuizStore(store)
        self.bank = bank
        self.section_text = section_text  # (document, section) -> text of the cited section
        self.rng = rng or random.Random()

    # starting ----------------------------------------------------------------------------------
    def practice(self, officer: Officer, platform: str, chat_id: str, topic: str) -> list:
        topic = topic.strip()
        if topic and topic not in self.bank.topics:
            return [m.quiz_topics(self.bank.topics, unknown=topic)]
        pool = self.bank.select([topic] if topic else None)
        if not pool:
            return [m.QUIZ_EMPTY_BANK]
        active = self._active(officer)
        if active and active["kind"] == "practice":
            self.qs.abandon(active["id"])
        elif active:
            return [m.QUIZ_FINISH_FIRST] + self.resend(active)
        items = engine.draw(pool, PRACTICE_SIZE, self.rng, self.qs.review_due(officer.staff_id, engine.RIGHT_TWICE))
        aid = self.qs.start_attempt(officer.staff_id, None, "practice", platform, chat_id, self._rows(items))
        title = self.bank.topics[topic].title if topic else m.ALL_TOPICS
        return [m.PRACTICE_START.format(n=len(items), topic=title), self.prompt(aid, 0)]

    def campaign(self, officer: Officer, platform: str, chat_id: str, name: str = "") -> list:
        now = self.store.now()
        open_ = [c for c in self.qs.open_campaigns_for(officer.staff_id, now)
                 if not name or c["name"].casefold() == name.strip().casefold()]
        current = [c for c in open_ if c["end_at"] >= now]
        if not current:
            return [m.CAMPAIGN_ENDED.format(name=open_[0]["name"])] if open_ else [m.NO_CAMPAIGN]
        c = current[0]
        active = self._active(officer)
        if active and active["campaign_id"] == c["id"]:
            return self.resend(active)
        if active and active["kind"] == "practice":
            self.qs.abandon(active["id"])
        if self.qs.finished_campaign(c["id"], officer.staff_id):
            return [m.CAMPAIGN_DONE.format(name=c["name"])]
        pool = self.bank.select([t for t in c["topics"].split(",") if t in self.bank.topics])
        items = engine.draw(pool, c["questions"], self.rng)
        aid = self.qs.start_attempt(officer.staff_id, c["id"], "campaign", platform, chat_id, self._rows(items))
        return [m.CAMPAIGN_START.format(name=c["name"], n=len(items), mark=m.number(c["pass_mark"])), self.prompt(aid, 0)]

    def _active(self, officer: Officer) -> dict | None:
        """The officer's unfinished attempt; one left open by a campaign that has ended is closed
        with the answers given, so it neither blocks practice nor stays "in progress" for HR."""
        active = self.qs.active_attempt(officer.staff_id)
        if active and active["campaign_id"]:
            c = self.qs.campaign(active["campaign_id"])
            if c["status"] != "open" or c["end_at"] < self.store.now():
                pct = engine.score(active["correct"], active["total"])
                self.qs.finish(active["id"], pct, pct >= c["pass_mark"])
                return None
        return active

    @staticmethod
    def _rows(items: list[engine.Item]) -> list[dict]:
        return [{"position": i, "question_id": it.question.id, "topic": it.question.topic,
                 "option_order": json.dumps(it.order), "correct_pos": it.correct} for i, it in enumerate(items)]

    def prompt(self, aid: int, position: int) -> QuizPrompt:
        """Question ``position`` of an attempt; it counts as asked once delivered (``Core.quiz_sent``)."""
        attempt = self.qs.attempt(aid)
        item = self.qs.item(aid, position)
        q = self.bank.questions[item["question_id"]]
        seconds = None
        if attempt["campaign_id"]:
            seconds = self.qs.campaign(attempt["campaign_id"])["seconds"] or None
        return QuizPrompt(aid, position, attempt["total"], q.question, [q.options[i] for i in item["option_order"]],
                          item["correct_pos"], q.explanation, seconds)

    def resend(self, attempt: dict) -> list:
        pos = self.qs.next_position(attempt["id"])
        return [self.prompt(attempt["id"], pos)] if pos < attempt["total"] else []

    # answering ---------------------------------------------------------------------------------
    def typed(self, officer: Officer, text: str) -> list | None:
        """A typed A/B/C/D while a quiz is running; None when the text is not an answer."""
        attempt = self.qs.active_attempt(officer.staff_id)
        if attempt is None:
            return None
        pos = self.qs.next_position(attempt["id"])
        item = self.qs.item(attempt["id"], pos)
        if item is None:
            return None
        choice = engine.parse_choice(text, len(item["option_order"]))
        if choice is None:
            return None
        if item["sent_at"] is None:  # that question never reached the officer: show it, record nothing
            return self.resend(attempt)
        return self.answer(attempt, pos, choice)

    def poll_answer(self, poll_id: str, user_staff_id: str | None, option_ids: list[int]) -> tuple[str | None, list]:
        """(chat the quiz runs in, replies) for an answer to one of our quiz polls."""
        item = self.qs.item_by_poll(poll_id)
        attempt = self.qs.attempt(item["attempt_id"]) if item else None
        if attempt is None or attempt["staff_id"] != user_staff_id or not option_ids:
            return None, []
        return attempt["chat_id"], self.answer(attempt, item["position"], option_ids[0])

    def answer(self, attempt: dict, position: int, choice: int) -> list:
        item = self.qs.item(attempt["id"], position)
        q = self.bank.questions.get(item["question_id"])
        campaign = self.qs.campaign(attempt["campaign_id"]) if attempt["campaign_id"] else None
        now = self.store.clock()
        if campaign and (campaign["status"] != "open" or campaign["end_at"] < self.store.now()):
            return [m.CAMPAIGN_ENDED.format(name=campaign["name"])]
        seconds = (now - parse_time(item["sent_at"])).total_seconds() if item["sent_at"] else None
        late = bool(campaign and campaign["seconds"] and seconds is not None
                    and seconds > campaign["seconds"] + GRACE_SECONDS)
        correct = choice == item["correct_pos"] and not late
        if not self.qs.record_answer(attempt, position, item["question_id"], choice, correct, seconds):
            # a duplicate delivery of the same answer counts once; if the next question was lost, show it
            nxt = self.qs.item(attempt["id"], self.qs.next_position(attempt["id"]))
            return self.resend(attempt) if nxt and nxt["sent_at"] is None else []
        replies: list = [self._feedback(q, correct, late, item["correct_pos"])]
        nxt = position + 1
        if nxt < attempt["total"]:
            replies.append(self.prompt(attempt["id"], nxt))
        else:
            replies.append(self._finish(attempt, campaign))
        return replies

    def _feedback(self, q: Question, correct: bool, late: bool, correct_pos: int) -> str:
        if correct:
            return m.QUIZ_RIGHT.format(explanation=q.explanation)
        # the option's text too: a Telegram poll shows no letters
        text = (m.QUIZ_LATE if late else m.QUIZ_WRONG).format(
            letter=LETTERS[correct_pos], answer=q.options[q.answer], explanation=q.explanation)
        body = self.section_text(q.source_document, q.source_section)
        if body:
            text += "\n\n" + m.SEE_RULE.format(source=body[0], excerpt=trim(body[1], q.question, 400))
        return text

    def _finish(self, attempt: dict, campaign: dict | None) -> str:
        fresh = self.qs.attempt(attempt["id"])
        pct = engine.score(fresh["correct"], fresh["total"])
        passed = pct >= campaign["pass_mark"] if campaign else None
        self.qs.finish(attempt["id"], pct, passed)
        if campaign is None:
            return m.PRACTICE_DONE.format(right=fresh["correct"], n=fresh["total"], score=m.number(pct))
        left = (campaign["attempts"] or 1) - self.qs.attempts_used(campaign["id"], attempt["staff_id"])
        key = m.CAMPAIGN_PASSED if passed else (m.CAMPAIGN_FAILED_RETRY if left > 0 else m.CAMPAIGN_FAILED)
        return key.format(name=campaign["name"], right=fresh["correct"], n=fresh["total"], score=m.number(pct),
                          mark=m.number(campaign["pass_mark"]), left=left)

    # results and reports -----------------------------------------------------------------------
    def results(self, officer: Officer) -> str:
        return m.results(self.qs.results(officer.staff_id))

    def campaign_report(self, campaign: dict, unit: str | None = None) -> dict:
        from .campaigns import report_data

        return report_data(self.store, self.bank, campaign["name"], unit)[0]

    def hr_report(self, officer: Officer, name: str) -> list:
        if officer.role not in ("hr", "admin"):
            return [m.HR_ONLY]
        campaigns = self.qs.campaigns()
        if name:
            campaigns = [c for c in campaigns if c["name"].casefold() == name.strip().casefold()]
        if not campaigns:
            return [m.NO_CAMPAIGN_NAMED.format(name=name) if name else m.NO_CAMPAIGNS]
        c = campaigns[0]
        data = self.campaign_report(c)
        title = m.REPORT_TITLE.format(name=c["name"])
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bao-cao.xlsx"
            report.write_xlsx(data, path)
            xlsx = path.read_bytes()
        return [m.report_summary(c, data),
                Attachment("ty-le-hoan-thanh.png", report.chart_png(data, title), "photo"),
                Attachment(f"bao-cao-{c['id']}.xlsx", xlsx, "document")]
