"""Fake Telegram Bot API and Zalo Bot API servers on 127.0.0.1, spoken to over real HTTP.

They answer the methods isobot uses, queue updates for getUpdates, and record every call.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

BOT_USERNAME = "isobot_test_bot"


class FakeBotAPI:
    """Shared machinery: a threaded HTTP server, a call log, an update queue."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.stamps: list[float] = []  # time.monotonic() of each recorded call
        self.updates: list[dict] = []
        self.cond = threading.Condition()
        self.next_message_id = 1000
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = api.parse(self.headers.get("Content-Type", ""), raw)
                method = self.path.rsplit("/", 1)[-1]
                status, body = api.answer(method, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
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
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

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
            result = {"message_id": mid, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
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

    def message(self, user_id: int, text: str | None = None, update_id: int | None = None, **extra) -> dict:
        msg = {"message_id": self._next_id() + 50000, "date": int(time.time()),
               "chat": {"id": user_id, "type": "private", "first_name": f"Cán bộ {user_id}"},
               "from": self.user(user_id), **extra}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": update_id or self._next_id(), "message": msg}

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

    @staticmethod
    def message(user_id: str, text: str | None, message_id: str, event: str = "message.text.received") -> dict:
        msg = {"chat": {"id": user_id, "chat_type": "PRIVATE"}, "message_id": message_id,
               "date": int(time.time() * 1000), "from": {"id": user_id, "display_name": "Cán bộ Zalo"}}
        if text is not None:
            msg["text"] = text
        return {"event_name": event, "message": msg}
