"""Answering officers: the cited passage, typed or button follow-ups, feedback, the document list."""

from __future__ import annotations

import json

from indexer.answer import Citation, answer, trim

from . import messages as m
from .replies import Button, Reply, Sender
from .storage import Officer

MAX_QUESTION_CHARS = 1000
GOOD = {"👍", "tot", "tốt", "hữu ích", "huu ich", "đúng", "dung"}
BAD = {"👎", "chưa tốt", "chua tot", "sai", "chưa đúng", "chua dung", "không đúng", "khong dung"}


class Answers:
    """Intents of ``Core`` for linked officers (``self.store``, ``self.knowledge`` from the core)."""

    def ask(self, sender: Sender, officer: Officer, question: str, only: str | None = None) -> Reply:
        """Answer ``question`` (from the procedure ``only`` when the officer chose one)."""
        if not question.strip():
            return Reply(m.EMPTY_QUESTION)
        if len(question) > MAX_QUESTION_CHARS:
            return Reply(m.TOO_LONG.format(n=len(question), limit=MAX_QUESTION_CHARS))
        a = answer(question, self.knowledge.searcher, self.knowledge.thresholds, only=only)
        c = a.citation
        qid = self.store.log_question(
            staff_id=officer.staff_id or None, platform=sender.platform, user_id=sender.user_id,
            question=a.question, answered=int(a.answered), answer=a.passage, source=c.source if c else None,
            title=c.title if c else None, section=c.section if c else None, code=c.code if c else None,
            revision=c.revision if c else None, confidence=round(a.confidence, 4),
            related=json.dumps([r.__dict__ for r in (a.related or a.suggestions)], ensure_ascii=False),
            clarify=json.dumps([r.__dict__ for r in a.clarify], ensure_ascii=False) if a.clarify else None,
        )
        buttons = sender.caps.buttons
        rows: list[list[Button]] = []
        if buttons and a.answered:
            if a.clarify:
                rows += [[Button(m.procedure_label(c), f"pick:{qid}:{i}")] for i, c in enumerate(a.clarify)]
            else:
                rows.append([Button(m.BUTTON_FULL, f"full:{qid}")])
                rows += [[Button(m.short(r), f"rel:{qid}:{i}")] for i, r in enumerate(a.related)]
            rows.append([Button("👍", f"fb:{qid}:1"), Button("👎", f"fb:{qid}:-1")])
        quiz_open = not buttons and self.quiz_waiting(officer) is not None
        html = m.answer_html(a, numbered=not buttons, quiz_open=quiz_open) if sender.caps.html else ""
        return Reply(m.answer_text(a, numbered=not buttons, quiz_open=quiz_open), html, rows, a)

    def quiz_waiting(self, officer: Officer) -> str | None:
        """When the officer's running quiz last showed them a question (None when no quiz waits)."""
        qs = self.quizzes.qs
        attempt = qs.active_attempt(officer.staff_id) if officer.staff_id else None
        item = qs.item(attempt["id"], qs.next_position(attempt["id"])) if attempt else None
        return item["sent_at"] if item else None

    def number_is_follow_up(self, sender: Sender, officer: Officer, text: str) -> bool:
        """A typed number answers the latest message that offered numbers: the bot's answer when it
        came after the quiz question, the quiz question otherwise. Letters always answer the quiz."""
        if not text.strip(" .").isdigit():
            return False
        waiting = self.quiz_waiting(officer)
        last = self.store.last_question(officer.staff_id, sender.platform, sender.user_id)
        return waiting is not None and last is not None and last["created_at"] >= waiting

    def follow_up(self, sender: Sender, officer: Officer, text: str) -> Reply | None:
        """Typed follow-ups for chats without buttons: 1 = full section, 2–4 = related, 👍/👎 = feedback;
        after "Bạn đang hỏi thủ tục nào?", the number of a procedure."""
        low = text.lower().strip(" .!")
        if not (low.isdigit() and len(low) == 1) and low not in GOOD | BAD:
            return None
        last = self.store.last_question(officer.staff_id, sender.platform, sender.user_id)
        if last is None:
            return None
        if low in GOOD | BAD:
            return self.button(sender, f"fb:{last['id']}:{1 if low in GOOD else -1}")
        n = int(low)
        if last["clarify"]:
            return self.button(sender, f"pick:{last['id']}:{n - 1}")
        return self.button(sender, f"full:{last['id']}" if n == 1 else f"rel:{last['id']}:{n - 2}")

    def button(self, sender: Sender, data: str) -> Reply:
        """A button press (callback data) or its typed equivalent."""
        officer = self.officer(sender)
        if officer is None:
            return self.instructions(sender)
        kind, _, rest = data.partition(":")
        qid_text, _, arg = rest.partition(":")
        row = self.store.question(int(qid_text)) if qid_text.isdigit() else None
        if row is None or (row["staff_id"] or "") != officer.staff_id:
            return Reply(m.FOLLOW_UP_GONE)
        if kind == "fb" and arg in ("1", "-1"):
            self.store.set_feedback(row["id"], officer.staff_id, int(arg))
            return Reply(m.FEEDBACK_THANKS)
        if kind == "full" and row["source"]:
            return self.section(row["source"], row["section"] or "", row["title"] or "", row["code"], row["revision"])
        if kind == "pick" and arg.isdigit():
            choices = json.loads(row["clarify"] or "[]")
            if int(arg) < len(choices):
                return self.ask(sender, officer, row["question"], only=choices[int(arg)]["source"])
        if kind == "rel" and arg.isdigit():
            related = json.loads(row["related"] or "[]")
            if int(arg) < len(related):
                r = related[int(arg)]
                return self.section(r["source"], r["section"], r["title"], r["code"], r["revision"],
                                    question=row["question"])
        return Reply(m.FOLLOW_UP_GONE)

    def section(self, source: str, section: str, title: str, code: str, revision: str, question: str = "") -> Reply:
        body = self.knowledge.searcher.index.section_text(source, section)
        if not body:
            return Reply(m.SECTION_GONE)
        if question:
            body = trim(body, question)
        citation = Citation(source, title, section, code or "", revision or "")
        return Reply(m.section_text(body, citation), m.section_html(body, citation))

    def cited_section(self, document: str, section: str) -> tuple[str, str] | None:
        """(citation line, text) of the knowledge-base section a quiz question cites."""
        from quizzes.bank import section_matches

        index = self.knowledge.searcher.index
        doc = index.documents.get(document)
        if doc is None:
            return None
        for chunk in index.chunks[doc["chunks"][0]:doc["chunks"][1]]:
            if not section or section_matches(section, chunk.section):
                return m.cite(Citation.of(chunk)), index.section_text(chunk.source, chunk.section)
        return None

    def documents(self) -> Reply:
        docs = self.knowledge.searcher.index.documents
        if not docs:
            return Reply(m.NO_DOCUMENTS)
        ordered = sorted(docs.values(), key=lambda d: (d.get("code") or "~", d["title"]))
        return Reply("\n".join([m.DOCUMENTS.format(n=len(docs))] + [m.document_line(d) for d in ordered]))

    def profile(self, officer: Officer) -> Reply:
        accounts = self.store.accounts(officer.staff_id) if officer.staff_id else []
        asked = self.store.questions_asked(officer.staff_id)
        return Reply(m.profile(officer, [a["platform"] for a in accounts], asked))
