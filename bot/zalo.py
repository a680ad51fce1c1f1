"""Zalo Bot Platform transport: a thin typed httpx client, long polling or a webhook, typed replies only."""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from . import messages as m
from .core import Core, Reply, Sender

log = logging.getLogger("isobot.zalo")
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
LIMIT = 2000


class ZaloError(Exception):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ZaloMessage:
    message_id: str
    chat_id: str
    user_id: str
    name: str
    text: str | None  # None for stickers, photos…


class ZaloClient:
    """``{base_url}/bot{token}/{method}``, JSON in, ``{"ok", "result"}`` out."""

    def __init__(self, token: str, base_url: str | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 timeout: float = 40.0) -> None:
        root = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._client = httpx.AsyncClient(base_url=f"{root}/bot{token}/", timeout=timeout, transport=transport)

    async def call(self, method: str, **params: Any) -> Any:
        response = await self._client.post(method, json=params)
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(f"{method}: HTTP {response.status_code}, not JSON") from None
        if not body.get("ok"):
            code = body.get("error_code")
            raise ZaloError(f"{method}: {body.get('description') or code or response.status_code}", code)
        return body.get("result")

    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self, timeout: int = 30) -> Any:
        """The next update, or None when the long poll ended without one (Zalo answers 408 then)."""
        try:
            return await self.call("getUpdates", timeout=str(timeout))
        except ZaloError as e:
            if e.code == 408:
                return None
            raise

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call("sendMessage", chat_id=chat_id, text=text)

    async def send_photo(self, chat_id: str, photo: str, caption: str = "") -> Any:
        return await self.call("sendPhoto", chat_id=chat_id, photo=photo, **({"caption": caption} if caption else {}))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", chat_id=chat_id, action=action)

    async def aclose(self) -> None:
        await self._client.aclose()


def parse_updates(body: Any) -> list[ZaloMessage]:
    """Messages in a getUpdates result or a webhook body, wrapped in ``result`` or bare, one or a list."""
    if isinstance(body, dict) and "result" in body and "message" not in body:
        body = body["result"]
    items = body if isinstance(body, list) else [body] if body else []
    out = []
    for item in items:
        msg = item.get("message") if isinstance(item, dict) else None
        if not isinstance(msg, dict) or not msg.get("chat"):
            continue
        sender = msg.get("from") or {}
        out.append(ZaloMessage(
            str(msg.get("message_id") or ""), str(msg["chat"].get("id")), str(sender.get("id") or msg["chat"].get("id")),
            sender.get("display_name") or sender.get("first_name") or "", msg.get("text"),
        ))
    return out


class ZaloBot:
    def __init__(self, core: Core, client: ZaloClient) -> None:
        self.core = core
        self.client = client

    async def handle(self, body: Any) -> int:
        """Answer every new message in ``body``; return how many were answered."""
        answered = 0
        for msg in parse_updates(body):
            if msg.message_id and not self.core.store.first_delivery("zalo", msg.message_id):
                log.info("duplicate message %s ignored", msg.message_id)
                continue
            sender = Sender("zalo", msg.user_id, msg.chat_id, msg.name)
            try:
                replies = self.core.handle_text(sender, msg.text) if msg.text is not None else [Reply(m.NOT_TEXT)]
            except Exception:
                log.exception("error while answering a Zalo message")
                replies = [Reply(m.ERROR)]
            await self.send(msg.chat_id, replies)
            answered += 1
        return answered

    async def send(self, chat_id: str, replies: list[Reply]) -> None:
        """Text only: quiz questions as lettered options; files cannot be uploaded to Zalo."""
        for reply in replies:
            text = m.ATTACHMENT_ELSEWHERE.format(name=reply.attachment.filename) if reply.attachment else reply.text
            for part in m.split(text, LIMIT):
                await self.client.send_message(chat_id, part)

    async def poll(self, stop: asyncio.Event, timeout: int = 30) -> None:
        """Long polling until ``stop`` is set; network errors back off and retry."""
        await self.client.delete_webhook()
        delay = 1.0
        while not stop.is_set():
            try:
                body = await self.client.get_updates(timeout)
                delay = 1.0
            except (httpx.HTTPError, ZaloError) as e:
                log.warning("getUpdates failed (%s); retrying in %.0f s", e, delay)
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                delay = min(delay * 2, 60)
                continue
            await self.handle(body)


def secret_ok(received: str | None, expected: str) -> bool:
    return bool(expected) and received is not None and hmac.compare_digest(received, expected)


def webhook_app(bot: ZaloBot, secret: str, path: str = "/zalo"):
    """A tornado application answering Zalo's webhook POSTs; a wrong secret gets 403."""
    import json

    import tornado.web

    class Handler(tornado.web.RequestHandler):
        async def post(self) -> None:
            if not secret_ok(self.request.headers.get("X-Bot-Api-Secret-Token"), secret):
                self.set_status(403)
                self.finish({"ok": False, "description": "forbidden"})
                return
            try:
                body = json.loads(self.request.body or b"null")
            except ValueError:
                self.set_status(400)
                self.finish({"ok": False, "description": "bad JSON"})
                return
            await bot.handle(body)
            self.finish({"ok": True})

    return tornado.web.Application([(path, Handler)])
