"""Zalo Bot Platform: a thin typed httpx client, long polling or a webhook, typed replies only.

Text messages are answered; images, stickers, voice and files get one short NOT_TEXT message;
reactions, unknown events and bot senders are ignored; group chats get no content.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from .. import messages as m
from ..replies import Capabilities, Incoming, Reply, Sender
from .delivery import Deliverer, Part

log = logging.getLogger("isobot.zalo")
DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
CAPS = Capabilities(limit=2000)
NOT_TEXT_EVENTS = {"message.image.received", "message.sticker.received", "message.unsupported.received",
                   "message.voice.received",
                   "message.audio.received", "message.video.received", "message.file.received",
                   "message.gif.received", "message.location.received", "message.link.received"}


class ZaloError(Exception):
    def __init__(self, message: str, code: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


class ZaloClient:
    """``{base_url}/bot{token}/{method}``, JSON in, ``{"ok", "result"}`` out."""

    def __init__(self, token: str, base_url: str | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 timeout: float = 15.0, poll_timeout: int = 30) -> None:
        root = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.poll_timeout = poll_timeout
        self._client = httpx.AsyncClient(base_url=f"{root}/bot{token}/", timeout=timeout, transport=transport)

    async def call(self, method: str, http_timeout: float | None = None, **params: Any) -> Any:
        extra = {"timeout": http_timeout} if http_timeout else {}
        response = await self._client.post(method, json=params, **extra)
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(f"{method}: HTTP {response.status_code}, not JSON", response.status_code) from None
        if not isinstance(body, dict) or not body.get("ok"):
            body = body if isinstance(body, dict) else {}
            code = body.get("error_code") or (response.status_code if response.status_code >= 400 else None)
            retry_after = (body.get("parameters") or {}).get("retry_after")
            raise ZaloError(f"{method}: {body.get('description') or code or response.status_code}", code,
                            float(retry_after) if retry_after else None)
        return body.get("result")

    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self) -> Any:
        """The next update, or None when the long poll ended without one (Zalo answers 408 then)."""
        try:
            return await self.call("getUpdates", http_timeout=self.poll_timeout + 10, timeout=str(self.poll_timeout))
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

    async def aclose(self) -> None:
        await self._client.aclose()


def classify(error: BaseException) -> tuple[bool, float | None]:
    """(permanent, retry_after): timeouts, dropped connections, 408, 429 and 5xx are worth retrying."""
    if isinstance(error, httpx.TransportError):
        return False, None
    if isinstance(error, ZaloError):
        transient = error.code is None or error.code in (408, 429) or error.code >= 500
        return not transient, error.retry_after
    return True, None


def parse_updates(body: Any) -> list[Incoming]:
    """Messages in a getUpdates result or a webhook body, wrapped in ``result`` or bare, one or a list."""
    if isinstance(body, dict) and "result" in body and "message" not in body:
        body = body["result"]
    items = body if isinstance(body, list) else [body] if body else []
    return [i for i in map(incoming_of, items) if i is not None]


def incoming_of(item: Any) -> Incoming | None:
    msg = item.get("message") if isinstance(item, dict) else None
    if not isinstance(msg, dict) or not isinstance(msg.get("chat"), dict) or not msg["chat"].get("id"):
        return None
    frm = msg.get("from") if isinstance(msg.get("from"), dict) else {}
    if frm.get("is_bot"):
        return None
    event = str(item.get("event_name") or "")
    text = msg.get("text")
    if event == "message.text.received" or (not event and isinstance(text, str)):
        kind = "text"
    elif event in NOT_TEXT_EVENTS:
        kind = "other"
    else:
        return None  # reactions, unsending, events we do not know
    chat_id = str(msg["chat"]["id"])
    private = str(msg["chat"].get("chat_type") or "PRIVATE").upper() == "PRIVATE"
    sender = Sender("zalo", str(frm.get("id") or chat_id), chat_id,
                    str(frm.get("display_name") or frm.get("first_name") or ""), CAPS, private)
    return Incoming(sender, kind, str(msg.get("message_id") or ""), text=text if isinstance(text, str) else "")


class ZaloChannel:
    platform = "zalo"
    caps = CAPS
    classify = staticmethod(classify)

    def __init__(self, client: ZaloClient) -> None:
        self.client = client

    def render(self, chat_id: str, reply: Reply) -> list[Part]:
        """Text only: quiz questions as lettered options (the core turns files into a pointer)."""
        client = self.client
        return [Part(lambda p=p: client.send_message(chat_id, p), reply.quiz)
                for p in m.split(reply.text, CAPS.limit)]


class ZaloBot:
    def __init__(self, deliverer: Deliverer, client: ZaloClient) -> None:
        self.deliverer = deliverer
        self.client = client
        deliverer.channels["zalo"] = ZaloChannel(client)
        self._tasks: set[asyncio.Task] = set()

    async def receive(self, body: Any, wait: bool = True) -> int:
        """Journal every message in ``body``, then answer them (in the background when ``wait`` is False)."""
        incoming = parse_updates(body)
        for i in incoming:
            await self.deliverer.journal(i)
        if wait:
            for i in incoming:
                await self.deliverer.handle(i)
        else:
            task = asyncio.create_task(self._answer_all(incoming))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(incoming)

    async def _answer_all(self, incoming: list[Incoming]) -> None:
        for i in incoming:
            await self.deliverer.handle(i)

    async def poll(self, stop: asyncio.Event) -> None:
        """Long polling until ``stop`` is set; errors back off and retry, never end the loop."""
        await self.client.delete_webhook()  # polling and a webhook exclude each other
        delay = 1.0
        while not stop.is_set():
            try:
                body = await self.client.get_updates()
                delay = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("getUpdates failed (%s); retrying in %.0f s", e, delay)
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                delay = min(delay * 2, 60)
                continue
            await self.receive(body, wait=False)

    async def drain(self) -> None:
        """Wait for messages still being answered (at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
