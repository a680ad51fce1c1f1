"""The conversation core: one function per intent, no transport in sight."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.answer import Answer, answer

from . import messages
from .app import Knowledge

MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Reply:
    text: str
    answer: Answer | None = None


class Core:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    def ask(self, question: str) -> Reply:
        question = question.strip()
        if not question:
            return Reply(messages.EMPTY_QUESTION)
        if len(question) > MAX_QUESTION_CHARS:
            return Reply(messages.TOO_LONG.format(n=len(question), limit=MAX_QUESTION_CHARS))
        a = answer(question, self.knowledge.searcher, self.knowledge.thresholds)
        return Reply(messages.answer_text(a), a)

    def documents(self) -> Reply:
        docs = self.knowledge.searcher.index.documents
        if not docs:
            return Reply(messages.NO_DOCUMENTS)
        lines = [messages.DOCUMENTS.format(n=len(docs))]
        lines += [messages.document_line(d) for _, d in sorted(docs.items(), key=lambda kv: (kv[1].get("code") or "~", kv[0]))]
        return Reply("\n".join(lines))

    def handle_text(self, text: str) -> Reply:
        """A typed line: a command or a question."""
        text = text.strip()
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            command = command.lower().split("@")[0]
            if command in ("/help", "/start"):
                return Reply(messages.HELP)
            if command == "/tailieu":
                return self.documents()
            if command == "/hoi":
                return self.ask(rest)
            return Reply(messages.UNKNOWN_COMMAND)
        return self.ask(text)
