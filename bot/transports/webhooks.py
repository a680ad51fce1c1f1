"""Webhook endpoints for Telegram and Zalo (tornado, as python-telegram-bot's own webhook server).

Bodies are capped at 1 MiB, the secret header is compared as bytes in constant time, a body that is
not an update of the expected shape gets 400, and the answer is 200 as soon as the message is
journalled: the reply is computed and sent in the background.
"""

from __future__ import annotations

import hmac
import json
import logging
import re

import tornado.web
from tornado.httpserver import HTTPServer

from indexer.errors import IsobotError

log = logging.getLogger("isobot.webhooks")
MAX_BODY = 1 << 20
TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def check_secrets(telegram: str | None, zalo: str | None) -> None:
    """Refuse at start-up a secret the platform would refuse (Telegram: 1–256 of A-Za-z0-9_-; Zalo: 8–256)."""
    if telegram is not None and not TELEGRAM_SECRET.match(telegram):
        raise IsobotError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    if zalo is not None and not 8 <= len(zalo) <= 256:
        raise IsobotError("ZALO_WEBHOOK_SECRET must be 8-256 characters")


def secret_ok(received: str | None, expected: str) -> bool:
    """Constant-time comparison of the raw header bytes (tornado decodes headers as Latin-1)."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(received.encode("latin-1", "replace"), expected.encode("utf-8"))


class Handler(tornado.web.RequestHandler):
    """POST only; ``accept(body) -> bool`` journals the update (False: not an update, 400)."""

    def initialize(self, secret: str, header: str, accept) -> None:
        self.secret = secret
        self.header = header
        self.accept = accept

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")

    def reply(self, status: int, description: str = "") -> None:
        self.set_status(status)
        self.finish(json.dumps({"ok": status == 200, **({"description": description} if description else {})}))

    async def post(self) -> None:
        if not secret_ok(self.request.headers.get(self.header), self.secret):
            return self.reply(403, "forbidden")
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError:
            return self.reply(400, "bad JSON")
        if not isinstance(body, dict) or not await self.accept(body):
            return self.reply(400, "not an update")
        self.reply(200)

    def log_exception(self, typ, value, tb) -> None:
        log.error("webhook error: %s", value, exc_info=(typ, value, tb))


def server(routes: list[tuple[str, str, str, object]]) -> HTTPServer:
    """An HTTP server for (path, secret, header, accept) routes; call ``.listen(port, address)``."""
    app = tornado.web.Application([(path, Handler, {"secret": secret, "header": header, "accept": accept})
                                   for path, secret, header, accept in routes])
    return HTTPServer(app, max_body_size=MAX_BODY, max_buffer_size=MAX_BODY)


def telegram_route(path: str, secret: str, app) -> tuple:
    """Telegram's webhook: the update goes into the application's (journalling) queue."""
    from telegram import Update

    async def accept(body: dict) -> bool:
        if not isinstance(body.get("update_id"), int):
            return False
        try:
            update = Update.de_json(body, app.bot)
        except Exception:
            return False
        await app.update_queue.put(update)
        return True

    return path, secret, "X-Telegram-Bot-Api-Secret-Token", accept


def zalo_route(path: str, secret: str, bot) -> tuple:
    async def accept(body: dict) -> bool:
        inner = body.get("result", body) if "message" not in body else body
        items = inner if isinstance(inner, list) else [inner]
        if not items or not all(isinstance(i, dict) and isinstance(i.get("message"), dict) for i in items):
            return False
        await bot.receive(body, wait=False)
        return True

    return path, secret, "X-Bot-Api-Secret-Token", accept
