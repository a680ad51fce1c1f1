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


async def notify_loop(core: Core, deliverer: Deliverer, stop: asyncio.Event, every: float = 30.0) -> None:
    """Notifications live in the database; this loop picks them up at every start."""
    while not stop.is_set():
        try:
            await dispatch_due(core, deliverer)
        except Exception:
            log.exception("notification round failed")
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass
