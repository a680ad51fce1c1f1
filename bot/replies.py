"""What flows between the core and the transports: who speaks, what they sent, what goes back.

Small frozen records; ``Outgoing`` round-trips through JSON so the journal can keep the replies
computed for a message and a restart can send what was not sent yet.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show. The core decides by these, never by a platform's name."""

    buttons: bool = False  # inline buttons (else typed follow-ups: 1, 2–4, 👍/👎)
    html: bool = False  # HTML formatting
    files: bool = False  # uploads (charts, spreadsheets)
    polls: bool = False  # native quiz polls
    contact: bool = False  # a "share my phone number" button
    limit: int = 4096  # characters a message may hold


@dataclass(frozen=True)
class Sender:
    platform: str  # journal and account key: "telegram" | "zalo" | "console"
    user_id: str
    chat_id: str
    name: str = ""
    caps: Capabilities = Capabilities()
    private: bool = True  # a one-to-one chat with the bot (content is only ever sent there)


@dataclass(frozen=True)
class Incoming:
    """One message as the transport received it, reduced to what the core needs."""

    sender: Sender
    kind: str  # "text" | "contact" | "button" | "poll_answer" | "other" (not text: a photo, a sticker…)
    update_id: str = ""  # the transport's delivery id; "" when the channel has none (console)
    text: str = ""  # typed text, or button data
    contact_user_id: str | None = None
    phone: str = ""
    poll_id: str = ""
    option_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class QuizPrompt:
    """One question to put to an officer: a quiz poll, or lettered options typed back."""

    attempt_id: int
    position: int
    total: int
    question: str
    options: list[str]
    correct: int
    explanation: str
    open_period: int | None = None


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    kind: str  # "photo" | "document"


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    html: str = ""  # the same reply as HTML; empty means: escape ``text``
    buttons: list[list[Button]] = field(default_factory=list)
    answer: object | None = None  # the indexer's Answer, for the CLI; not journalled
    ask_contact: bool = False  # offer the "share my phone number" button
    linked: bool = False  # the account was just linked: drop the contact button
    quiz: QuizPrompt | None = None  # a quiz question: a poll where the channel has polls, else ``text``
    attachment: Attachment | None = None  # a chart or a spreadsheet


@dataclass(frozen=True)
class Outgoing:
    """Replies for one chat on one platform (the sender's, or an admin's for an alert)."""

    platform: str
    chat_id: str
    replies: list[Reply]


def reply_json(r: Reply) -> dict:
    d = {"text": r.text, "html": r.html, "ask_contact": r.ask_contact, "linked": r.linked,
         "buttons": [[asdict(b) for b in row] for row in r.buttons]}
    if r.quiz:
        d["quiz"] = asdict(r.quiz)
    if r.attachment:
        a = r.attachment
        d["attachment"] = {"filename": a.filename, "kind": a.kind, "data": base64.b64encode(a.data).decode()}
    return d


def reply_of(d: dict) -> Reply:
    a = d.get("attachment")
    return Reply(d["text"], d.get("html", ""), [[Button(**b) for b in row] for row in d.get("buttons", [])],
                 ask_contact=d.get("ask_contact", False), linked=d.get("linked", False),
                 quiz=QuizPrompt(**d["quiz"]) if d.get("quiz") else None,
                 attachment=Attachment(a["filename"], base64.b64decode(a["data"]), a["kind"]) if a else None)


def outgoing_json(out: list[Outgoing]) -> list[dict]:
    return [{"platform": o.platform, "chat_id": o.chat_id, "replies": [reply_json(r) for r in o.replies]} for o in out]


def outgoing_of(data: list[dict]) -> list[Outgoing]:
    return [Outgoing(o["platform"], o["chat_id"], [reply_of(r) for r in o["replies"]]) for o in data]


@dataclass(frozen=True)
class Outbox:
    """What to send for one incoming message; ``sent`` parts already went out (a retry resumes there)."""

    platform: str
    update_id: str
    outgoing: list[Outgoing]
    sent: int = 0


def incoming_json(i: Incoming) -> dict:
    return asdict(i)


def incoming_of(d: dict) -> Incoming:
    s = dict(d["sender"])
    s["caps"] = Capabilities(**s["caps"])
    return Incoming(**{**d, "sender": Sender(**s), "option_ids": tuple(d.get("option_ids") or ())})
