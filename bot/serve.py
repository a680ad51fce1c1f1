"""Run the chat transports (Telegram, Zalo, or both) in one event loop until interrupted."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import urlparse

from indexer.errors import IsobotError

from .core import Core
from .settings import Settings

log = logging.getLogger("isobot")


@dataclass(frozen=True)
class ServeOptions:
    telegram: bool = False
    zalo: bool = False
    webhook: str = ""  # public HTTPS URL Telegram posts to
    zalo_webhook: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    zalo_port: int = 8444


def check(settings: Settings, opts: ServeOptions) -> None:
    if not (opts.telegram or opts.zalo):
        raise IsobotError("choose --telegram, --zalo or both (`isobot chat` is the console)")
    if opts.telegram and not settings.telegram_token:
        raise IsobotError("set TELEGRAM_BOT_TOKEN to serve on Telegram")
    if opts.zalo and not settings.zalo_token:
        raise IsobotError("set ZALO_BOT_TOKEN to serve on Zalo")
    if opts.webhook and not settings.telegram_webhook_secret:
        raise IsobotError("set TELEGRAM_WEBHOOK_SECRET to use a Telegram webhook")
    if opts.zalo_webhook and not settings.zalo_webhook_secret:
        raise IsobotError("set ZALO_WEBHOOK_SECRET to use a Zalo webhook")


Sender = Callable[[str, list], Awaitable[None]]


async def dispatch_due(core: Core, senders: dict[str, Sender]) -> int:
    """Deliver due campaign notices, reminders and summaries; a notification is marked sent only
    when every delivery of it went out, so a failure or a restart retries it."""
    from .campaigns import deliveries
    from .core import as_reply

    failed: set[int] = set()
    done: set[int] = set()
    for d in deliveries(core.store, core.quizzes):
        send = senders.get(d.platform)
        if send is None:
            continue
        try:
            await send(d.chat_id, [as_reply(r) for r in d.replies])
            done.add(d.notification_id)
        except Exception:
            log.exception("notification %s to %s:%s failed", d.notification_id, d.platform, d.chat_id)
            failed.add(d.notification_id)
    for nid in done - failed:
        core.quizzes.qs.mark_notified(nid)
    return len(done - failed)


async def notify_loop(core: Core, senders: dict[str, Sender], stop: asyncio.Event, every: float = 30.0) -> None:
    """Campaign notifications live in the database; this loop re-arms them at every start."""
    while not stop.is_set():
        try:
            await dispatch_due(core, senders)
        except Exception:
            log.exception("notification round failed")
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


async def serve(core: Core, settings: Settings, opts: ServeOptions, stop: asyncio.Event | None = None) -> None:
    check(settings, opts)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    app = zalo_bot = zalo_server = None
    tasks: list[asyncio.Task] = []
    senders: dict[str, Sender] = {}
    try:
        if opts.telegram:
            from .telegram_adapter import build_application

            app = build_application(core, settings.telegram_token, settings.telegram_api_base_url or None)
            await app.initialize()
            if app.post_init:
                await app.post_init(app)
            await app.start()
            if opts.webhook:
                await app.updater.start_webhook(
                    listen=opts.listen, port=opts.port, url_path=urlparse(opts.webhook).path.lstrip("/"),
                    webhook_url=opts.webhook, secret_token=settings.telegram_webhook_secret)
            else:
                await app.updater.start_polling()
            log.info("Telegram: @%s is running", app.bot.username)
            from .telegram_adapter import send_all

            senders["telegram"] = lambda chat_id, replies: send_all(app.bot, core, chat_id, replies)
        if opts.zalo:
            from .zalo import ZaloBot, ZaloClient, webhook_app

            zalo_bot = ZaloBot(core, ZaloClient(settings.zalo_token, settings.zalo_api_base_url or None))
            if opts.zalo_webhook:
                await zalo_bot.client.set_webhook(opts.zalo_webhook, settings.zalo_webhook_secret)
                zalo_server = webhook_app(zalo_bot, settings.zalo_webhook_secret,
                                          urlparse(opts.zalo_webhook).path or "/").listen(opts.zalo_port, opts.listen)
            else:
                tasks.append(asyncio.create_task(zalo_bot.poll(stop)))
            senders["zalo"] = zalo_bot.send
            log.info("Zalo: running")
        tasks.append(asyncio.create_task(notify_loop(core, senders, stop)))
        await stop.wait()
    finally:
        for t in tasks:
            t.cancel()
        if zalo_server is not None:
            zalo_server.stop()
        if zalo_bot is not None:
            await zalo_bot.client.aclose()
        if app is not None:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
