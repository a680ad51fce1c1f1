"""The conversation core: one method per intent, no transport in sight.

Adapters turn their updates into ``Sender`` + text / contact / button data,
call the core, and render the ``Reply`` objects it returns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import random

from indexer.answer import Answer, Citation, answer, trim
from quizzes.bank import Bank, section_matches

from . import messages as m
from .app import Knowledge
from .quizzing import Attachment, QuizPrompt, Quizzes
from .store import Officer, Store

MAX_QUESTION_CHARS = 1000
BUTTON_PLATFORMS = {"telegram"}
CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}$")
GOOD = {"👍", "tot", "tốt", "hữu ích", "huu ich", "đúng", "dung"}
BAD = {"👎", "chưa tốt", "chua tot", "sai", "chưa đúng", "chua dung", "không đúng", "khong dung"}


@dataclass(frozen=True)
class Sender:
    platform: str  # "telegram" | "zalo" | "console"
    user_id: str
    chat_id: str
    name: str = ""


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    html: str = ""  # the same reply as Telegram HTML; empty means: escape ``text``
    buttons: list[list[Button]] = field(default_factory=list)
    answer: Answer | None = None
    ask_contact: bool = False  # offer Telegram's "share my phone number" button
    linked: bool = False  # the account was just linked: adapters drop the contact button
    quiz: QuizPrompt | None = None  # a quiz question: a Telegram quiz poll, lettered options elsewhere
    attachment: Attachment | None = None  # a chart or a spreadsheet


def as_reply(item) -> Reply:
    """Quiz intents return strings, prompts and attachments; adapters get Replies."""
    if isinstance(item, Reply):
        return item
    if isinstance(item, QuizPrompt):
        return Reply(m.quiz_text(item), quiz=item)
    if isinstance(item, Attachment):
        return Reply(item.filename, attachment=item)
    return Reply(str(item))


class Core:
    def __init__(self, knowledge: Knowledge, store: Store, code_days: int = 7, bank: Bank | None = None,
                 rng: random.Random | None = None) -> None:
        self.knowledge = knowledge
        self.store = store
        self.code_days = code_days
        self.quizzes = Quizzes(store, bank or Bank({}, []), self._cited_section, rng)

    def _cited_section(self, document: str, section: str) -> tuple[str, str] | None:
        """(citation line, text) of the knowledge-base section a quiz question cites."""
        index = self.knowledge.searcher.index
        doc = index.documents.get(document)
        if doc is None:
            return None
        for chunk in index.chunks[doc["chunks"][0]:doc["chunks"][1]]:
            if not section or section_matches(section, chunk.section):
                c = Citation.of(chunk)
                return m.cite(c), index.section_text(chunk.source, chunk.section)
        return None

    def handle_text(self, sender: Sender, text: str) -> list[Reply]:
        """Every reply to one typed message (a quiz answer may bring feedback and the next question)."""
        officer = self.officer(sender)
        if officer is not None and officer.staff_id:
            command, _, rest = text.strip().partition(" ")
            command = command.lower().split("@")[0]
            items = None
            if command == "/quiz":
                items = self.quizzes.practice(officer, sender.platform, sender.chat_id, rest)
            elif command == "/kiemtra":
                items = self.quizzes.campaign(officer, sender.platform, sender.chat_id, rest)
            elif command == "/ketqua":
                items = [self.quizzes.results(officer)]
            elif command == "/baocao":
                items = self.quizzes.hr_report(officer, rest)
            elif not command.startswith("/"):
                items = self.quizzes.typed(officer, text)
            if items is not None:
                return [as_reply(i) for i in items]
        return [self._text(sender, officer, text)]

    def poll_answer(self, sender: Sender, poll_id: str, option_ids: list[int]) -> tuple[str | None, list[Reply]]:
        """A Telegram quiz-poll answer: (chat to answer in, replies)."""
        officer = self.officer(sender)
        if officer is None:
            return None, []
        chat_id, replies = self.quizzes.poll_answer(poll_id, officer.staff_id, option_ids)
        return chat_id, [as_reply(r) for r in replies]

    def quiz_sent(self, prompt: QuizPrompt, poll_id: str | None = None) -> None:
        self.quizzes.qs.mark_sent(prompt.attempt_id, prompt.position, poll_id)

    # who is talking -----------------------------------------------------------------------
    def officer(self, sender: Sender) -> Officer | None:
        if sender.platform == "console":  # the server's own terminal: an officer (`chat --as`) or the operator
            return (self.store.officer(sender.user_id) if sender.user_id else None) or \
                Officer("", "Người dùng máy chủ", role="admin")
        return self.store.account_officer(sender.platform, sender.user_id)

    def _instructions(self, sender: Sender) -> Reply:
        contact = sender.platform in BUTTON_PLATFORMS
        return Reply(m.LINK_INSTRUCTIONS + ("\n" + m.LINK_BY_PHONE if contact else ""), ask_contact=contact)

    # intents ----------------------------------------------------------------------------------
    def start(self, sender: Sender, payload: str = "") -> Reply:
        if payload.strip():
            return self.link_code(sender, payload)
        officer = self.officer(sender)
        if officer is None:
            return self._instructions(sender)
        return Reply(m.WELCOME_BACK.format(name=officer.full_name) + "\n\n" + m.HELP)

    def link_code(self, sender: Sender, code: str) -> Reply:
        officer, why = self.store.redeem_code(code, sender.platform, sender.user_id, sender.chat_id)
        if officer is None:
            return Reply({"unknown": m.CODE_UNKNOWN, "used": m.CODE_USED, "expired": m.CODE_EXPIRED}[why])
        return Reply(m.LINKED.format(name=officer.full_name, unit=officer.unit or "—"), linked=True)

    def contact(self, sender: Sender, contact_user_id: str | None, phone: str) -> Reply:
        if not contact_user_id or str(contact_user_id) != str(sender.user_id):
            return Reply(m.CONTACT_NOT_OWN)
        matches = self.store.officers_by_phone(phone)
        if len(matches) != 1:
            return Reply(m.PHONE_NOT_FOUND if not matches else m.PHONE_AMBIGUOUS)
        officer = matches[0]
        self.store.link(sender.platform, sender.user_id, sender.chat_id, officer.staff_id, "contact")
        return Reply(m.LINKED.format(name=officer.full_name, unit=officer.unit or "—"), linked=True)

    def text(self, sender: Sender, text: str) -> Reply:
        """Any typed message but a quiz step: a command, a follow-up, a link code or a question."""
        return self._text(sender, self.officer(sender), text)

    def _text(self, sender: Sender, officer: Officer | None, text: str) -> Reply:
        text = text.strip()
        command, _, rest = text.partition(" ")
        command = command.lower().split("@")[0] if command.startswith("/") else ""
        if command == "/start":
            return self.start(sender, rest)
        if officer is None:
            if CODE_PATTERN.match(text):
                return self.link_code(sender, text)
            return self._instructions(sender)
        if command:
            return self._command(sender, officer, command, rest.strip())
        follow = self._follow_up(sender, officer, text)
        return follow or self.ask(sender, officer, text)

    def _command(self, sender: Sender, officer: Officer, command: str, arg: str) -> Reply:
        if command == "/help":
            return Reply(m.HELP)
        if command in ("/quiz", "/kiemtra", "/ketqua", "/baocao"):
            return Reply(m.QUIZ_CONSOLE)
        if command == "/hoi":
            return self.ask(sender, officer, arg) if arg else Reply(m.EMPTY_QUESTION)
        if command == "/tailieu":
            return self.documents()
        if command == "/toi":
            return self.profile(sender, officer)
        if command in ("/reload", "/huylienket") and not officer.is_admin:
            return Reply(m.ADMIN_ONLY)
        if command == "/reload":
            folder = self.knowledge.reload()
            return Reply(m.RELOADED.format(n=len(self.knowledge.searcher.index.documents), name=folder.name))
        if command == "/huylienket":
            if not arg:
                return Reply(m.UNLINK_USAGE)
            return Reply(m.UNLINKED.format(staff_id=arg, n=self.store.unlink(arg)))
        return Reply(m.UNKNOWN_COMMAND)

    def ask(self, sender: Sender, officer: Officer, question: str) -> Reply:
        if not question.strip():
            return Reply(m.EMPTY_QUESTION)
        if len(question) > MAX_QUESTION_CHARS:
            return Reply(m.TOO_LONG.format(n=len(question), limit=MAX_QUESTION_CHARS))
        a = answer(question, self.knowledge.searcher, self.knowledge.thresholds)
        c = a.citation
        qid = self.store.log_question(
            staff_id=officer.staff_id or None, platform=sender.platform, user_id=sender.user_id,
            question=a.question, answered=int(a.answered), answer=a.passage, source=c.source if c else None,
            title=c.title if c else None, section=c.section if c else None, code=c.code if c else None,
            revision=c.revision if c else None, confidence=round(a.confidence, 4),
            related=json.dumps([r.__dict__ for r in (a.related or a.suggestions)], ensure_ascii=False),
        )
        buttons = sender.platform in BUTTON_PLATFORMS
        text = m.answer_text(a, numbered=not buttons)
        html = m.answer_html(a, numbered=not buttons)
        rows: list[list[Button]] = []
        if buttons and a.answered:
            rows.append([Button(m.BUTTON_FULL, f"full:{qid}")])
            rows += [[Button(m.short(r), f"rel:{qid}:{i}")] for i, r in enumerate(a.related)]
            rows.append([Button("👍", f"fb:{qid}:1"), Button("👎", f"fb:{qid}:-1")])
        return Reply(text, html, rows, a)

    def _follow_up(self, sender: Sender, officer: Officer, text: str) -> Reply | None:
        """Typed follow-ups for chats without buttons: 1 = full section, 2–4 = related, 👍/👎 = feedback."""
        low = text.lower().strip(" .!")
        if not (low.isdigit() and len(low) == 1) and low not in GOOD | BAD:
            return None
        last = self.store.last_question(officer.staff_id, sender.platform, sender.user_id)
        if last is None:
            return None
        if low in GOOD | BAD:
            return self.button(sender, f"fb:{last['id']}:{1 if low in GOOD else -1}")
        n = int(low)
        return self.button(sender, f"full:{last['id']}" if n == 1 else f"rel:{last['id']}:{n - 2}")

    def button(self, sender: Sender, data: str) -> Reply:
        """A button press (Telegram callback data) or its typed equivalent."""
        officer = self.officer(sender)
        if officer is None:
            return self._instructions(sender)
        kind, _, rest = data.partition(":")
        qid_text, _, arg = rest.partition(":")
        row = self.store.question(int(qid_text)) if qid_text.isdigit() else None
        if row is None or (row["staff_id"] or "") != officer.staff_id:
            return Reply(m.FOLLOW_UP_GONE)
        if kind == "fb" and arg in ("1", "-1"):
            self.store.set_feedback(row["id"], officer.staff_id, int(arg))
            return Reply(m.FEEDBACK_THANKS)
        if kind == "full" and row["source"]:
            return self._section(row["source"], row["section"] or "", row["title"] or "", row["code"], row["revision"])
        if kind == "rel" and arg.isdigit():
            related = json.loads(row["related"] or "[]")
            if int(arg) < len(related):
                r = related[int(arg)]
                return self._section(r["source"], r["section"], r["title"], r["code"], r["revision"], question=row["question"])
        return Reply(m.FOLLOW_UP_GONE)

    def _section(self, source: str, section: str, title: str, code: str, revision: str, question: str = "") -> Reply:
        body = self.knowledge.searcher.index.section_text(source, section)
        if not body:
            return Reply(m.SECTION_GONE)
        if question:
            body = trim(body, question)
        citation = Citation(source, title, section, code or "", revision or "")
        return Reply(m.section_text(body, citation), m.section_html(body, citation))

    def admin_chats(self, platform: str) -> list[str]:
        return [a["chat_id"] for o in self.store.officers() if o.is_admin
                for a in self.store.accounts(o.staff_id) if a["platform"] == platform]

    def documents(self) -> Reply:
        docs = self.knowledge.searcher.index.documents
        if not docs:
            return Reply(m.NO_DOCUMENTS)
        ordered = sorted(docs.values(), key=lambda d: (d.get("code") or "~", d["title"]))
        return Reply("\n".join([m.DOCUMENTS.format(n=len(docs))] + [m.document_line(d) for d in ordered]))

    def profile(self, sender: Sender, officer: Officer) -> Reply:
        accounts = self.store.accounts(officer.staff_id) if officer.staff_id else []
        asked = self.store.db.execute("select count(*) from questions where staff_id = ?", [officer.staff_id]).fetchone()[0]
        return Reply(m.profile(officer, [a["platform"] for a in accounts], asked))
