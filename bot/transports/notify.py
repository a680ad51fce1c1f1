"""Campaign notifications: start notices, reminders and HR's summary, each account's delivery recorded."""

from __future__ import annotations

import asyncio
import logging

from ..campaigns import deliveries
from ..core import Core
from ..replies import Reply
from .delivery import Deliverer, SendFailed, with_retry

log = logging.getLogger("isobot.notify")


async def dispatch_due(core: Core, deliverer: Deliverer) -> int:
    """Deliver what is due; returns how many deliveries went out. A failure is recorded for that
    account alone (retried next round, given up after a few), never resent to the others."""
    sent = 0
    for d in await deliverer.worker(deliveries, core.store, core.quizzes):
        channel = deliverer.channels.get(d.platform)
        if channel is None:
            continue
        status, error = "sent", ""
        try:
            for text in d.replies:
                for part in channel.render(d.chat_id, Reply(str(text))):
                    await with_retry(part.send, deliverer.policy, channel.classify, f"notification {d.notification_id}")
            sent += 1
        except SendFailed as e:
            status, error = ("failed" if e.permanent else "retry"), str(e)
            log.warning("notification %s to %s:%s: %s", d.notification_id, d.platform, d.chat_id, e)
        await deliverer.worker(core.quizzes.qs.record_send, d.notification_id, d.platform, d.chat_id, status, error)
    return sent


async def dispatch_review(core: Core, deliverer: Deliverer) -> int:
    """Tell the ISO secretaries and admins what the last review found that they were not told yet."""
    from ..reviews import news

    text = await deliverer.worker(news, core.store, core.knowledge.settings)
    if text is None:
        return 0
    sent = 0
    for officer in await deliverer.worker(core.store.officers, None, True):
        if officer.role not in ("iso", "admin"):
            continue
        for account in await deliverer.worker(core.store.accounts, officer.staff_id):
            channel = deliverer.channels.get(account["platform"])
            try:
                for part in channel.render(account["chat_id"], Reply(text)) if channel else []:
                    await with_retry(part.send, deliverer.policy, channel.classify, "review notice")
                sent += bool(channel)
            except SendFailed as e:
                log.warning("review notice to %s failed: %s", officer.staff_id, e)
    return sent


async def notify_loop(core: Core, deliverer: Deliverer, stop: asyncio.Event, every: float = 30.0) -> None:
    """Notifications live in the database; this loop picks them up at every start."""
    while not stop.is_set():
        try:
            await dispatch_due(core, deliverer)
            await dispatch_review(core, deliverer)
        except Exception:
            log.exception("notification round failed")
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass
