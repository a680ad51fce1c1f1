"""Run the chat transports (Telegram, Zalo or both) in one event loop until interrupted.

One worker thread runs the core for both; messages left unanswered by a crash or by failed sends
are answered at start-up and retried every minute; the polling tasks are supervised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import urlparse

from indexer.errors import IsobotError

from ..core import Core
from ..settings import Settings
from ..replies import Reply
from .delivery import Deliverer, RetryPolicy, SendFailed, Worker, with_retry
from .notify import notify_loop
from .webhooks import check_secrets

log = logging.getLogger("isobot")
SWEEP_SECONDS = 60.0


@dataclass(frozen=True)
class ServeOptions:
    telegram: bool = False
    zalo: bool = False
    webhook: str = ""  # public HTTPS URL Telegram posts to
    zalo_webhook: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    zalo_port: int = 8444
    web: bool = False  # the web console in this process and event loop
    web_port: int = 8080


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
    check_secrets(settings.telegram_webhook_secret if opts.webhook else None,
                  settings.zalo_webhook_secret if opts.zalo_webhook else None)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        pass


async def supervised(name: str, run: Callable[[], Awaitable[None]], stop: asyncio.Event, pause: float = 5.0) -> None:
    """Run ``run()`` until ``stop``; if it ever ends or fails, log it and start it again."""
    while not stop.is_set():
        try:
            await run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", name)
        if not stop.is_set():
            log.warning("%s ended; restarting in %.0f s", name, pause)
            await _wait(stop, pause)


async def sweep(deliverer: Deliverer, platforms: list[str], stop: asyncio.Event, every: float = SWEEP_SECONDS) -> None:
    """Answer what the journal still holds unanswered: at start-up, then every ``every`` seconds;
    old journal rows are pruned once a day."""
    rounds = 0
    while not stop.is_set():
        for platform in platforms:
            n = await deliverer.replay(platform)
            if n:
                log.info("%s: %d pending messages answered", platform, n)
        if rounds % max(1, int(86400 / every)) == 0:
            await deliverer.worker(deliverer.core.store.prune)
        rounds += 1
        await _wait(stop, every)


async def send_to_officer(core: Core, deliverer: Deliverer, staff_id: str, text: str) -> bool:
    """A message to an officer's linked chat accounts; True if one got it."""
    sent = False
    for account in await deliverer.worker(core.store.accounts, staff_id):
        channel = deliverer.channels.get(account["platform"])
        if channel is None:
            continue
        try:
            for part in channel.render(account["chat_id"], Reply(text)):
                await with_retry(part.send, deliverer.policy, channel.classify, f"message to {staff_id}")
            sent = True
        except SendFailed as e:
            log.warning("message to %s on %s failed: %s", staff_id, account["platform"], e)
    return sent


async def _web(core: Core, deliverer: Deliverer, settings: Settings, opts: ServeOptions, stop: asyncio.Event) -> None:
    """The web console on uvicorn in this event loop: links go out through these bots, and a
    re-index is served by them at once."""
    import uvicorn

    from ..web import hr
    from ..web.app import create_app

    if not settings.web_url:  # links name the port this console really listens on
        settings = settings.listening(opts.listen, opts.web_port)
        core.knowledge.settings = settings
    app = create_app(settings, send_link=lambda staff_id, text: send_to_officer(core, deliverer, staff_id, text),
                     on_indexed=lambda report: asyncio.ensure_future(deliverer.worker(core.knowledge.reload)))
    hr.warm_reports(app.state)  # what the console's lifespan does, which serve() does not run
    server = uvicorn.Server(uvicorn.Config(app, host=opts.listen, port=opts.web_port, log_level="info",
                                           proxy_headers=True, lifespan="off"))
    server.capture_signals = contextlib.nullcontext  # serve() owns the signals
    task = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await task


async def serve(core: Core, settings: Settings, opts: ServeOptions, stop: asyncio.Event | None = None) -> None:
    check(settings, opts)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    worker = Worker()
    deliverer = Deliverer(core, worker, policy=RetryPolicy(first_delay=settings.retry_delay))
    app = zalo_bot = None
    servers, tasks, platforms = [], [], []
    try:
        if opts.telegram:
            from .telegram import ALLOWED_UPDATES, build_application
            from .webhooks import server, telegram_route

            app = build_application(core, settings.telegram_token, settings.telegram_api_base_url or None,
                                    deliverer=deliverer)
            await app.initialize()
            await app.post_init(app)
            await app.start()
            if opts.webhook:
                await app.bot.set_webhook(opts.webhook, secret_token=settings.telegram_webhook_secret,
                                          allowed_updates=ALLOWED_UPDATES)
                route = telegram_route(urlparse(opts.webhook).path or "/", settings.telegram_webhook_secret, app)
                servers.append(server([route]))
                servers[-1].listen(opts.port, opts.listen)
            else:
                async def polling() -> None:
                    await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
                    while app.updater.running and not stop.is_set():
                        await _wait(stop, 5)
                    if app.updater.running:
                        await app.updater.stop()

                tasks.append(asyncio.create_task(supervised("Telegram polling", polling, stop)))
            platforms.append("telegram")
            log.info("Telegram: @%s is running", app.bot.username)
        if opts.zalo:
            from .webhooks import server, zalo_route
            from .zalo import ZaloBot, ZaloClient

            zalo_bot = ZaloBot(deliverer, ZaloClient(settings.zalo_token, settings.zalo_api_base_url or None))
            if opts.zalo_webhook:
                await zalo_bot.client.set_webhook(opts.zalo_webhook, settings.zalo_webhook_secret)
                servers.append(server([zalo_route(urlparse(opts.zalo_webhook).path or "/",
                                                  settings.zalo_webhook_secret, zalo_bot)]))
                servers[-1].listen(opts.zalo_port, opts.listen)
            else:
                tasks.append(asyncio.create_task(supervised("Zalo polling", lambda: zalo_bot.poll(stop), stop)))
            platforms.append("zalo")
            log.info("Zalo: running")
        if opts.web:
            tasks.append(asyncio.create_task(_web(core, deliverer, settings, opts, stop)))
        tasks.append(asyncio.create_task(sweep(deliverer, platforms, stop)))
        tasks.append(asyncio.create_task(notify_loop(core, deliverer, stop)))
        await stop.wait()
    finally:
        for s in servers:
            s.stop()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if zalo_bot is not None:
            await zalo_bot.drain()
            await zalo_bot.client.aclose()
        if app is not None:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
        worker.close()
