"""Delivery shared by every transport: the core's worker thread, sends with retries, the outbox.

A message is journalled as received, its replies are computed once and kept, each part is sent
with retries (back-off on 408/429 honouring ``retry_after``, 5xx and network errors), progress is
recorded part by part, and only then is the message marked answered. A send that still fails is
logged and the message stays pending, to be retried later and at start-up.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Awaitable, Callable, Protocol

from ..core import Core
from ..replies import Capabilities, Incoming, Outbox, QuizPrompt, Reply

log = logging.getLogger("isobot.delivery")


@dataclass(frozen=True)
class RetryPolicy:
    """6 attempts, waiting 2, 4, 8, 16 and 32 s between them (62 s), or what the server asks for."""

    attempts: int = 6
    first_delay: float = 2.0
    max_wait: float = 300.0  # a ``retry_after`` longer than this is cut to it


class SendFailed(Exception):
    """A send that did not go through: ``permanent`` when retrying cannot help (blocked, bad request)."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


# (error) -> (permanent, retry_after seconds or None)
Classify = Callable[[BaseException], tuple[bool, float | None]]


async def with_retry(call: Callable[[], Awaitable], policy: RetryPolicy, classify: Classify,
                     what: str = "send") -> object:
    delay = policy.first_delay
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except asyncio.CancelledError:
            raise
        except Exception as e:
            permanent, retry_after = classify(e)
            reason = f"{type(e).__name__}: {e}"[:300]
            if permanent:
                raise SendFailed(reason, True) from e
            if attempt == policy.attempts:
                raise SendFailed(f"{reason} (after {attempt} attempts)", False) from e
            wait = min(retry_after if retry_after is not None else delay, policy.max_wait)
            log.warning("%s failed (%s); attempt %d of %d in %.1f s", what, reason, attempt + 1, policy.attempts, wait)
            await asyncio.sleep(wait)
            delay *= 2
    raise AssertionError("unreachable")


class Worker:
    """One thread runs every call into the core (SQLite and the encoder stay off the event loop)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="isobot-core")

    async def __call__(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    def close(self) -> None:
        self._pool.shutdown(wait=True)


@dataclass(frozen=True)
class Part:
    """One API call that shows part of a reply; ``send()`` returns a poll id for quiz polls."""

    send: Callable[[], Awaitable[object]]
    quiz: QuizPrompt | None = None


class Channel(Protocol):
    platform: str
    caps: Capabilities

    def render(self, chat_id: str, reply: Reply) -> list[Part]: ...

    def classify(self, error: BaseException) -> tuple[bool, float | None]: ...


class Deliverer:
    """Answers incoming messages through the core and delivers the replies on their channels."""

    def __init__(self, core: Core, worker: Worker, channels: dict[str, Channel] | None = None,
                 policy: RetryPolicy = RetryPolicy()) -> None:
        self.core = core
        self.worker = worker
        self.channels = dict(channels or {})
        self.policy = policy
        self.in_flight: set[tuple[str, str]] = set()
        # one person's messages are answered in order, each once the reply before it was delivered
        # (so an answer to a quiz question never overtakes the delivery of that question)
        self._people: dict[tuple[str, str], list] = {}  # (platform, user) -> [lock, holders and waiters]

    async def journal(self, incoming: Incoming) -> None:
        await self.worker(self.core.journal, incoming)

    async def handle(self, incoming: Incoming) -> bool:
        """Answer one message; True when everything was delivered. Never raises."""
        key = (incoming.sender.platform, incoming.update_id)
        if incoming.update_id and key in self.in_flight:
            return False
        self.in_flight.add(key)
        person = (incoming.sender.platform, incoming.sender.user_id)
        slot = self._people.setdefault(person, [asyncio.Lock(), 0])
        slot[1] += 1
        try:
            async with slot[0]:
                outbox = await self.worker(self.core.receive, incoming)
                return await self.deliver(outbox)
        except Exception:
            log.exception("could not answer %s:%s; it stays in the journal", *key)
            return False
        finally:
            self.in_flight.discard(key)
            slot[1] -= 1
            if not slot[1]:
                self._people.pop(person, None)

    async def deliver(self, outbox: Outbox) -> bool:
        parts = [(channel, part) for o in outbox.outgoing if (channel := self.channels.get(o.platform))
                 for r in o.replies for part in channel.render(o.chat_id, r)]
        refused: list[str] = []
        for i, (channel, part) in enumerate(parts):
            if i < outbox.sent:
                continue
            try:
                ref = await with_retry(part.send, self.policy, channel.classify, f"{channel.platform} send")
            except SendFailed as e:
                if not e.permanent:
                    log.error("%s:%s not delivered (%s); it will be retried", outbox.platform, outbox.update_id, e)
                    await self.worker(self.core.retry_later, outbox, str(e))
                    return False
                log.error("%s:%s: a part was refused (%s)", outbox.platform, outbox.update_id, e)
                refused.append(str(e))
            else:
                if part.quiz is not None:
                    await self.worker(self.core.quiz_sent, part.quiz, ref if isinstance(ref, str) else None)
            await self.worker(self.core.progress, outbox, i + 1)
        await self.worker(self.core.answered, outbox, "; ".join(refused))
        return not refused

    async def replay(self, platform: str) -> int:
        """Answer what is journalled but unanswered (at start-up, and now and then); returns how many."""
        pending = await self.worker(self.core.pending, platform)
        done = 0
        for incoming in pending:
            done += await self.handle(incoming)
        return done
