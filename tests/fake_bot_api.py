"""Fake Telegram Bot API and Zalo Bot API servers on 127.0.0.1, spoken to over real HTTP.

They answer the methods isobot uses, queue updates for getUpdates, and record every call.

Fault injection, so the fakes fail the way the real servers do (both fakes, any method)::

    fake.fail("sendMessage", 429, (429, 5), 502, "drop", "hang")  # the next 5 sendMessage calls fail, in order
    fake.fail_randomly(0.3, methods=("sendMessage",), faults=(429, 500, 502, "drop"), seed=0)
    fake.fail_randomly(0)  # off again

Faults: ``429`` / ``(429, N)`` (retry_after N, default ``fake.retry_after``), ``500``, ``502`` (nginx HTML page,
not JSON), ``503``, ``504``, ``403`` (bot blocked: permanent), ``"hang"`` (no answer for ``fake.hang_seconds``,
then the connection closes), ``"drop"`` (the connection closes with no response at all). A failed call is not in
``calls`` (so ``sent`` / ``wait_for`` count only what a user saw); it is in ``failures`` as (method, params, fault).
"""

from __future__ import annotations

import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

BOT_USERNAME = "isobot_test_bot"
HANG, DROP = "hang", "drop"
STATUS_FAULTS = (403, 429, 500, 502, 503, 504)
REASONS = {403: "Forbidden: bot was blocked by the user", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}
BAD_GATEWAY_HTML = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


def check_fault(fault: object) -> object:
    """A valid fault, as given: 403, 429, (429, N), 500, 502, 503, 504, "hang" or "drop"."""
    if fault in (HANG, DROP) or (type(fault) is int and fault in STATUS_FAULTS):
        return fault
    if (isinstance(fault, tuple) and len(fault) == 2 and fault[0] == 429 and isinstance(fault[1], (int, float))
            and not isinstance(fault[1], bool)):
        return fault
    raise ValueError(f"unknown fault {fault!r}: use one of {STATUS_FAULTS}, (429, seconds), 'hang' or 'drop'")


class FakeBotAPI:
    """Shared machinery: a threaded HTTP server, a call log, an update queue."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.stamps: list[float] = []  # time.monotonic() of each recorded call
        self.updates: list[dict] = []
        self.cond = threading.Condition()
        self.next_message_id = 1000
        # fault injection
        self.failures: list[tuple[str, dict, object]] = []  # (method, params, fault) of every failed call
        self.retry_after = 1  # seconds in a 429 given as a bare ``429``
        self.hang_seconds = 3.0  # how long a "hang" keeps the connection open without answering
        self.answer_after = 0.0  # seconds a delivered message's reply takes (the user sees it at once)
        self.queued_faults: dict[str, list] = {}
        self.random_rate = 0.0
        self.random_methods: frozenset[str] = frozenset()
        self.random_faults: tuple = ()
        self.rng = random.Random(0)
        self.fault_lock = threading.Lock()
        self.stopping = threading.Event()  # set by __exit__: hanging handlers give up at once
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = api.parse(self.headers.get("Content-Type", ""), raw)
                method = self.path.rsplit("/", 1)[-1]
                fault = api.take_fault(method, params)
                if fault in (HANG, DROP):
                    if fault == HANG:
                        api.stopping.wait(api.hang_seconds)
                    self.close_connection = True  # no response: the socket closes when the handler returns
                    return
                if fault is not None:
                    status, body = api.fault_response(fault)
                else:
                    status, body = api.answer(method, params)
                if isinstance(body, bytes):  # not JSON: the HTML page of a proxy
                    data, content_type = body, "text/html"
                else:
                    data, content_type = json.dumps(body).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                import sys

                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)  # a client hanging up at shutdown is normal

        self.server = Server(("127.0.0.1", 0), Handler)
        # a short poll interval: shutdown() in __exit__ returns in ~0.05 s instead of up to 0.5 s
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()  # release handlers hanging on a "hang" fault
        self.server.shutdown()
        self.server.server_close()

    # fault injection ----------------------------------------------------------------------
    def fail(self, method: str, *faults: object) -> None:
        """Make the next ``len(faults)`` calls of ``method`` fail, one fault per call in order; then calls succeed.

        Calling again appends to what is still queued for ``method``.
        """
        checked = [check_fault(f) for f in faults]
        with self.fault_lock:
            self.queued_faults.setdefault(method, []).extend(checked)

    def fail_randomly(self, rate: float, methods: tuple[str, ...] | list[str] = ("sendMessage",),
                      faults: tuple = (429, 500, 502, DROP), seed: int = 0) -> None:
        """Each call of ``methods`` fails with probability ``rate``, the fault drawn from ``faults``; 0 turns it off.

        Draws come from ``random.Random(seed)`` in the order calls arrive, so sequential calls fail the same way on
        every run. Faults queued with ``fail`` go first and draw nothing.
        """
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be within [0, 1], got {rate}")
        if isinstance(methods, str):
            methods = (methods,)
        checked = tuple(check_fault(f) for f in faults)
        if rate and not checked:
            raise ValueError("fail_randomly needs at least one fault")
        with self.fault_lock:
            self.random_rate = float(rate)
            self.random_methods = frozenset(methods) if rate else frozenset()
            self.random_faults = checked
            self.rng = random.Random(seed)

    def take_fault(self, method: str, params: dict) -> object:
        """The fault for this call (recorded in ``failures``), or None when it should succeed."""
        with self.fault_lock:
            queue = self.queued_faults.get(method)
            if queue:
                fault = queue.pop(0)
            elif method in self.random_methods and self.rng.random() < self.random_rate:
                fault = self.rng.choice(self.random_faults)
            else:
                return None
        with self.cond:
            self.failures.append((method, params, fault))
            self.cond.notify_all()
        return fault

    def failed(self, method: str | None = None) -> list[tuple[str, dict, object]]:
        """The failed calls (of ``method``, or all): (method, params, fault)."""
        with self.cond:
            return [f for f in self.failures if method is None or f[0] == method]

    def wait_for_failures(self, count: int, method: str | None = None, timeout: float = 10.0) -> list:
        """Block until ``count`` calls (of ``method``, or any) failed; return them as (method, params, fault)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.failed(method)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    got = len(self.failed(method))
                    raise AssertionError(f"expected {count} failed {method or 'any'} calls, got {got}")
                self.cond.wait(left)
            return self.failed(method)

    def fault_response(self, fault: object) -> tuple[int, dict | bytes]:
        """Status and body of a status fault, as the real server (or the nginx in front of it) answers."""
        if fault == 429 or isinstance(fault, tuple):
            retry = fault[1] if isinstance(fault, tuple) else self.retry_after
            return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {retry}",
                         "parameters": {"retry_after": retry}}
        if fault == 502:
            return 502, BAD_GATEWAY_HTML
        return int(fault), {"ok": False, "error_code": int(fault), "description": REASONS[int(fault)]}

    def parse(self, content_type: str, raw: bytes) -> dict:
        if not raw:
            return {}
        if "json" in content_type:
            return json.loads(raw)
        if "multipart/form-data" in content_type:
            from email.parser import BytesParser
            from email.policy import HTTP

            msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
            params = {}
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                data = part.get_payload(decode=True)
                if part.get_filename():
                    self.files[name] = data
                    params[name] = part.get_filename()
                else:
                    value = data.decode()
                    params[name] = json.loads(value) if value[:1] in ("{", "[") else value
            return params
        params = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        for k, v in params.items():
            if v[:1] in ("{", "["):
                params[k] = json.loads(v)
        return params

    def record(self, method: str, params: dict) -> None:
        with self.cond:
            self.calls.append((method, params))
            self.stamps.append(time.monotonic())
            self.cond.notify_all()
        if method != "getMe" and self.answer_after:
            time.sleep(self.answer_after)  # delivered (and seen) already; the bot hears back later

    def sent(self, method: str = "sendMessage") -> list[dict]:
        with self.cond:
            return [p for m, p in self.calls if m == method]

    def wait_for(self, count: int, method: str = "sendMessage", timeout: float = 60.0) -> list[dict]:
        """Block until ``count`` calls of ``method`` arrived (or fail after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len([1 for m, _ in self.calls if m == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} calls, got {len(self.sent(method))}")
                self.cond.wait(left)
            return [p for m, p in self.calls if m == method]

    def push(self, update: dict) -> None:
        with self.cond:
            self.updates.append(update)
            self.cond.notify_all()

    def take_updates(self, offset: int | None, wait: float) -> list[dict]:
        deadline = time.monotonic() + wait
        with self.cond:
            while True:
                ready = [u for u in self.updates if offset is None or u.get("update_id", 0) >= offset]
                if ready or time.monotonic() >= deadline:
                    return ready
                self.cond.wait(max(0.0, deadline - time.monotonic()))


class FakeTelegram(FakeBotAPI):
    def __init__(self) -> None:
        super().__init__()
        self.next_update_id = 1
        self.files: dict[str, bytes] = {}  # the last uploaded photo / document
        self.poll_ids: list[int] = []

    @staticmethod
    def poll_object(mid: int, params: dict) -> dict:
        """A Bot API 9.6 quiz poll: persistent ids on options, allows_revoting and members_only."""
        options = params.get("options") or []
        texts = [o["text"] if isinstance(o, dict) else str(o) for o in options]
        correct = params.get("correct_option_ids")
        correct = correct[0] if isinstance(correct, list) and correct else params.get("correct_option_id")
        poll = {"id": f"poll-{mid}", "question": params.get("question", ""),
                "options": [{"text": t, "voter_count": 0, "persistent_id": f"opt-{mid}-{i}"} for i, t in enumerate(texts)],
                "total_voter_count": 0, "is_closed": False, "is_anonymous": str(params.get("is_anonymous")).lower() == "true",
                "type": params.get("type", "regular"), "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False}
        if correct is not None:
            poll["correct_option_ids"] = [int(correct)]
        return poll

    def poll_answer(self, user_id: int, poll_id: str, option: int, update_id: int | None = None) -> dict:
        return {"update_id": update_id or self._next_id(), "poll_answer": {
            "poll_id": poll_id, "user": self.user(user_id), "option_ids": [option],
            "option_persistent_ids": [f"opt-{poll_id.split('-')[-1]}-{option}"]}}

    def polls(self) -> list[dict]:
        """Every quiz poll sent: chat, poll id, correct option."""
        out = []
        for (_, params), mid in zip([c for c in self.calls if c[0] == "sendPoll"], self.poll_ids):
            correct = params.get("correct_option_ids")
            correct = correct[0] if isinstance(correct, list) else int(params.get("correct_option_id"))
            out.append({"chat_id": int(params["chat_id"]), "poll_id": f"poll-{mid}", "correct": int(correct),
                        "options": len(params["options"]), "open_period": params.get("open_period"),
                        "question": params.get("question")})
        return out

    def answer(self, method: str, params: dict) -> tuple[int, dict]:
        if method == "getUpdates":
            offset = int(params["offset"]) if params.get("offset") not in (None, "") else None
            with self.cond:  # confirmed updates are dropped, as the real server does
                if offset is not None:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return 200, {"ok": True, "result": self.take_updates(offset, min(float(params.get("timeout") or 0), 0.2))}
        self.record(method, params)
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 777, "is_bot": True, "first_name": "Trợ lý ISO",
                                                "username": BOT_USERNAME, "can_join_groups": False,
                                                "can_read_all_group_messages": False, "supports_inline_queries": False}}
        if method in ("sendMessage", "sendPhoto", "sendDocument", "sendPoll"):
            with self.cond:
                self.next_message_id += 1
                mid = self.next_message_id
                if method == "sendPoll":
                    self.poll_ids.append(mid)
            chat_id = int(params["chat_id"])
            chat = {"id": chat_id, "type": "private"} if chat_id > 0 else {"id": chat_id, "type": "supergroup",
                                                                            "title": f"Nhóm {chat_id}"}
            result = {"message_id": mid, "date": int(time.time()), "chat": chat,
                      "from": {"id": 777, "is_bot": True, "first_name": "Trợ lý ISO"}}
            if method == "sendMessage":
                result["text"] = params.get("text", "")
            if method == "sendPoll":
                result["poll"] = self.poll_object(mid, params)
            if method in ("sendPhoto", "sendDocument"):
                key = "photo" if method == "sendPhoto" else "document"
                size = len(self.files.get(key, b""))
                meta = {"file_id": f"f{mid}", "file_unique_id": f"u{mid}", "file_size": size}
                result[key] = [{**meta, "width": 1, "height": 1}] if key == "photo" else meta
            return 200, {"ok": True, "result": result}
        return 200, {"ok": True, "result": True}

    # updates as Telegram would send them ------------------------------------------------
    def _next_id(self) -> int:
        with self.cond:
            uid = self.next_update_id
            self.next_update_id += 1
            return uid

    @staticmethod
    def user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"Cán bộ {user_id}"}

    def message(self, user_id: int, text: str | None = None, update_id: int | None = None, *,
                chat_type: str = "private", chat_id: int | None = None, **extra) -> dict:
        """A message from ``user_id``: in their private chat, or in a "group" / "supergroup" (negative id, a title;
        ``chat_id`` defaults to -100000 - user_id)."""
        if chat_type == "private":
            chat = {"id": user_id if chat_id is None else chat_id, "type": "private",
                    "first_name": f"Cán bộ {user_id}"}
        else:
            gid = -100000 - user_id if chat_id is None else chat_id
            chat = {"id": gid, "type": chat_type, "title": f"Nhóm {gid}"}
        msg = {"message_id": self._next_id() + 50000, "date": int(time.time()), "chat": chat,
               "from": self.user(user_id), **extra}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": update_id or self._next_id(), "message": msg}

    def edited(self, user_id: int, text: str, message_id: int | None = None, **kwargs) -> dict:
        """An ``edited_message`` update: the message (``message_id``, or a new one) now reads ``text``.

        ``kwargs`` go to ``message`` (chat_type, chat_id, update_id, extra fields)."""
        update = self.message(user_id, text, **kwargs)
        msg = update.pop("message")
        if message_id is not None:
            msg["message_id"] = message_id
        msg["edit_date"] = msg["date"]
        msg["date"] -= 60
        update["edited_message"] = msg
        return update

    def channel_post(self, chat_id: int, text: str, update_id: int | None = None) -> dict:
        """A ``channel_post`` update: a chat of type "channel", ``sender_chat`` the channel, and no ``from``."""
        chat = {"id": chat_id, "type": "channel", "title": f"Kênh {chat_id}"}
        msg = {"message_id": self._next_id() + 50000, "date": int(time.time()), "chat": chat,
               "sender_chat": dict(chat), "text": text}
        return {"update_id": update_id or self._next_id(), "channel_post": msg}

    def contact(self, user_id: int, phone: str, contact_user_id: int | None) -> dict:
        contact = {"phone_number": phone, "first_name": "X"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.message(user_id, contact=contact)

    def callback(self, user_id: int, data: str) -> dict:
        return {"update_id": self._next_id(), "callback_query": {
            "id": str(self._next_id()), "from": self.user(user_id), "chat_instance": "ci", "data": data,
            "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
                        "text": "…"}}}


class FakeZalo(FakeBotAPI):
    """getUpdates returns one update at a time, wrapped in ``result``, as Zalo's server does."""

    def answer(self, method: str, params: dict) -> tuple[int, dict]:
        if method == "getUpdates":
            ready = self.take_updates(None, 0.2)
            if not ready:
                return 200, {"ok": False, "error_code": 408, "description": "Request timeout"}
            with self.cond:
                update = self.updates.pop(0)
            return 200, {"ok": True, "result": update}
        self.record(method, params)
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": "42", "account_name": "bot.isobot", "account_type": "BASIC"}}
        if method == "sendMessage":
            if len(params.get("text", "")) > 2000:
                return 400, {"ok": False, "error_code": 400, "description": "text too long"}
            return 200, {"ok": True, "result": {"message_id": f"m{len(self.calls)}", "date": int(time.time() * 1000)}}
        return 200, {"ok": True, "result": {"url": params.get("url", ""), "updated_at": 0}}

    # updates as Zalo would send them ----------------------------------------------------
    # Zalo Bot Platform events seen in its docs and clients: message.text.received, message.image.received
    # (``photo_url``, optional ``caption``), message.sticker.received (``sticker``) and
    # message.unsupported.received (anything else: voice, video, file, location...). No voice or reaction event is
    # documented for the Bot Platform (user_send_audio / user_reacted_message are Official Account API events);
    # build any other name with ``message(..., event="...")`` if a test needs one.
    @staticmethod
    def message(user_id: str, text: str | None, message_id: str, event: str = "message.text.received",
                chat_type: str = "PRIVATE", is_bot: bool = False, chat_id: str | None = None, **extra) -> dict:
        """``{"event_name", "message"}``; in a "GROUP" the chat id (default ``"g-" + user_id``) is not the user's."""
        if chat_id is None:
            chat_id = user_id if chat_type == "PRIVATE" else f"g-{user_id}"
        msg = {"chat": {"id": chat_id, "chat_type": chat_type}, "message_id": message_id,
               "date": int(time.time() * 1000),
               "from": {"id": user_id, "display_name": "Cán bộ Zalo", "is_bot": is_bot}, **extra}
        if text is not None:
            msg["text"] = text
        return {"event_name": event, "message": msg}

    @staticmethod
    def image(user_id: str, message_id: str, photo_url: str = "https://photo.example/1.jpg",
              caption: str | None = None, **kwargs) -> dict:
        """message.image.received: no ``text``; ``photo_url`` and an optional ``caption``."""
        extra = {"photo_url": photo_url, **({"caption": caption} if caption is not None else {})}
        return FakeZalo.message(user_id, None, message_id, event="message.image.received", **extra, **kwargs)

    @staticmethod
    def sticker(user_id: str, message_id: str, sticker: str = "0e078a2fb66a5f34067b", **kwargs) -> dict:
        """message.sticker.received: no ``text``; ``sticker`` is the sticker id."""
        return FakeZalo.message(user_id, None, message_id, event="message.sticker.received", sticker=sticker, **kwargs)

    @staticmethod
    def unsupported(user_id: str, message_id: str, **kwargs) -> dict:
        """message.unsupported.received: what Zalo sends for a voice note, video, file, location..."""
        return FakeZalo.message(user_id, None, message_id, event="message.unsupported.received", **kwargs)
