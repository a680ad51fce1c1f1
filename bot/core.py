"""The conversation core: one entry for every incoming message, no transport in sight.

``Core.receive(incoming)`` journals the message, drops a redelivery of an answered one, checks the
sender (linked, active, private chat), dispatches to one intent, turns any error into the polite
reply plus one alert to the admins, and returns what to send. The transport sends it and reports
back (``progress``, ``answered``, ``failed``), so a crash in between loses nothing.
"""

from __future__ import annotations

import logging
import random

from quizzes.bank import Bank

from . import messages as m
from .answers import Answers
from .knowledge import Knowledge
from .linking import CODE_PATTERN, Linking
from .quizzing import Quizzes
from .replies import (Attachment, Incoming, Outbox, Outgoing, QuizPrompt, Reply, Sender, incoming_json, incoming_of,
                      outgoing_json, outgoing_of)
from .storage import Officer, Store
from .storage.web import sign_in_link

log = logging.getLogger("isobot.core")
QUIET_SECONDS = 60  # an unlinked account or a group chat is answered at most once a minute
CONSOLE_OPERATOR = Officer("", "Người dùng máy chủ", role="admin")


def as_reply(item, sender: Sender) -> Reply:
    """Quiz intents return strings, prompts and attachments; transports get Replies."""
    if isinstance(item, Reply):
        return item
    if isinstance(item, QuizPrompt):
        return Reply(m.quiz_text(item), quiz=item)
    if isinstance(item, Attachment):
        if not sender.caps.files:
            return Reply(m.ATTACHMENT_ELSEWHERE.format(name=item.filename))
        return Reply(item.filename, attachment=item)
    return Reply(str(item))


class Core(Answers, Linking):
    def __init__(self, knowledge: Knowledge, store: Store, code_days: int = 7, bank: Bank | None = None,
                 rng: random.Random | None = None) -> None:
        self.knowledge = knowledge
        self.store = store
        self.code_days = code_days
        self.quizzes = Quizzes(store, bank or Bank({}, []), self.cited_section, rng)
        self._quiet: dict[tuple[str, str], float] = {}  # (platform, chat or user) -> last reply, epoch seconds

    # the one entry ------------------------------------------------------------------------------
    def journal(self, incoming: Incoming) -> bool:
        """Journal a message as soon as it arrives (before the transport confirms it); False if seen."""
        s = incoming.sender
        return not incoming.update_id or self.store.journal_add(s.platform, incoming.update_id,
                                                                incoming_json(incoming), s.chat_id)

    def receive(self, incoming: Incoming) -> Outbox:
        """What to send for one incoming message (nothing for a redelivery of an answered one)."""
        s = incoming.sender
        uid = incoming.update_id
        if uid:
            self.journal(incoming)
            entry = self.store.journal_entry(s.platform, uid)
            if entry.status != "received":
                done = entry.status != "processed"
                return Outbox(s.platform, uid, [] if done else outgoing_of(entry.outgoing), entry.sent)
        try:
            out = self._dispatch(incoming)
        except Exception as e:  # never a traceback to the user: an apology, and one alert to the admins
            log.exception("error while answering %s:%s", s.platform, uid)
            out = [Outgoing(s.platform, s.chat_id, [Reply(m.ERROR)])] if s.private else []
            alert = Reply(m.ADMIN_ERROR.format(error=f"{type(e).__name__}: {e}"[:500]))
            out += [Outgoing(s.platform, chat, [alert]) for chat in self.admin_chats(s.platform) if chat != s.chat_id]
        if uid:
            self.store.journal_processed(s.platform, uid, outgoing_json(out))
        return Outbox(s.platform, uid, out)

    def pending(self, platform: str) -> list[Incoming]:
        """Messages journalled but not answered (a crash, or sends that failed): to answer again."""
        return [incoming_of(e.payload) for e in self.store.journal_pending(platform) if e.payload.get("sender")]

    def progress(self, outbox: Outbox, sent: int) -> None:
        if outbox.update_id:
            self.store.journal_progress(outbox.platform, outbox.update_id, sent)

    def answered(self, outbox: Outbox, error: str = "") -> None:
        """Every part went out (or was refused for good: ``error``); a redelivery is now ignored."""
        if outbox.update_id:
            self.store.journal_done(outbox.platform, outbox.update_id, "failed" if error else "answered", error)

    def retry_later(self, outbox: Outbox, error: str) -> None:
        """A send failed for now: the message stays pending for the next sweep."""
        if outbox.update_id:
            self.store.journal_retry_later(outbox.platform, outbox.update_id, error)

    def quiz_sent(self, prompt: QuizPrompt, poll_id: str | None = None) -> None:
        """A quiz question reached the officer: only now does it count as asked (and its clock start)."""
        self.quizzes.qs.mark_sent(prompt.attempt_id, prompt.position, poll_id)

    # who is talking -----------------------------------------------------------------------------
    def officer(self, sender: Sender) -> Officer | None:
        if sender.platform == "console":  # the server's own terminal: an officer (`chat --as`) or the operator
            return (self.store.officer(sender.user_id) if sender.user_id else None) or CONSOLE_OPERATOR
        return self.store.account_officer(sender.platform, sender.user_id)

    def _quiet_for(self, key: tuple[str, str]) -> bool:
        """True when this account or chat was answered less than a minute ago (and so stays quiet)."""
        now = self.store.clock().timestamp()
        if now - self._quiet.get(key, float("-inf")) < QUIET_SECONDS:
            return True
        self._quiet[key] = now
        if len(self._quiet) > 10_000:
            self._quiet = {k: t for k, t in self._quiet.items() if now - t < QUIET_SECONDS}
        return False

    def _dispatch(self, incoming: Incoming) -> list[Outgoing]:
        s = incoming.sender
        if not s.private:  # never content in a group: at most a pointer to the private chat
            if self._quiet_for((s.platform, "chat:" + s.chat_id)):
                return []
            return [Outgoing(s.platform, s.chat_id, [Reply(m.GROUP_POINTER)])]
        if incoming.kind == "poll_answer":
            return self._poll_answer(incoming)
        replies = self._replies(incoming)
        linked = any(r.linked for r in replies)
        # an unlinked account hears from us at most once a minute (a shared phone contact always)
        if incoming.kind != "contact" and not linked and self.officer(s) is None \
                and self._quiet_for((s.platform, "user:" + s.user_id)):
            return []
        return [Outgoing(s.platform, s.chat_id, replies)] if replies else []

    def _replies(self, incoming: Incoming) -> list[Reply]:
        s = incoming.sender
        if incoming.kind == "text":
            return self.handle_text(s, incoming.text)
        if incoming.kind == "contact":
            return [self.contact(s, incoming.contact_user_id, incoming.phone)]
        if incoming.kind == "button":
            return [self.button(s, incoming.text)]
        return [Reply(m.NOT_TEXT)]

    def _poll_answer(self, incoming: Incoming) -> list[Outgoing]:
        s = incoming.sender
        officer = self.officer(s)
        if officer is None:
            return []
        chat_id, replies = self.quizzes.poll_answer(incoming.poll_id, officer.staff_id, list(incoming.option_ids))
        return [Outgoing(s.platform, chat_id, [as_reply(r, s) for r in replies])] if chat_id and replies else []

    # typed messages ------------------------------------------------------------------------------
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
            elif not command.startswith("/") and not self.number_is_follow_up(sender, officer, text):
                items = self.quizzes.typed(officer, text)
            if items is not None:
                return [as_reply(i, sender) for i in items]
        return [self._text(sender, officer, text)]

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
            return self.instructions(sender)
        if command:
            return self._command(sender, officer, command, rest.strip())
        return self.follow_up(sender, officer, text) or self.ask(sender, officer, text)

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
            return self.profile(officer)
        if command == "/web":
            return self.web_link(officer)
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

    def web_link(self, officer: Officer) -> Reply:
        """A one-time sign-in link to the web console, for the officers who run isobot."""
        if officer.role not in ("hr", "iso", "admin"):
            return Reply(m.WEB_NOT_ALLOWED)
        return Reply(m.WEB_LINK.format(url=sign_in_link(self.store, self.knowledge.settings.web_base, officer.staff_id)))

    def admin_chats(self, platform: str) -> list[str]:
        return [a["chat_id"] for o in self.store.officers(active_only=True) if o.is_admin
                for a in self.store.accounts(o.staff_id) if a["platform"] == platform]

