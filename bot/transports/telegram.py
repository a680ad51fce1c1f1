"""Telegram (python-telegram-bot 22): parse an update, hand it to the core, render the replies.

Updates are journalled as they enter the application's queue, before the next getUpdates confirms
them, so a crash never loses one. Only private chats get content; edits and channel posts are not
asked for (``allowed_updates``) and are ignored if they come anyway.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Poll,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

from .. import messages as m
from ..core import Core
from ..replies import Capabilities, Incoming, Reply, Sender
from .delivery import Deliverer, Part, RetryPolicy, Worker

log = logging.getLogger("isobot.telegram")
CAPS = Capabilities(buttons=True, html=True, files=True, polls=True, contact=True, limit=4096)
ALLOWED_UPDATES = ["message", "callback_query", "poll_answer"]


def incoming_of(update: Update) -> Incoming | None:
    """The core's view of an update; None for what the bot does not answer (edits, channel posts, bots)."""
    uid = str(update.update_id)
    if update.poll_answer is not None:
        user = update.poll_answer.user
        if user is None or user.is_bot:
            return None
        sender = Sender("telegram", str(user.id), str(user.id), user.full_name, CAPS)
        return Incoming(sender, "poll_answer", uid, poll_id=str(update.poll_answer.poll_id),
                        option_ids=tuple(update.poll_answer.option_ids))
    if update.callback_query is not None:
        q = update.callback_query
        chat = q.message.chat if q.message else None
        if chat is None or q.from_user.is_bot:
            return None
        return Incoming(_sender(q.from_user, chat), "button", uid, text=q.data or "")
    msg = update.message  # new messages only: edited_message and channel_post are ignored
    if msg is None or msg.from_user is None or msg.from_user.is_bot:
        return None
    sender = _sender(msg.from_user, msg.chat)
    if msg.text is not None:
        return Incoming(sender, "text", uid, text=msg.text)
    if msg.contact is not None:
        c = msg.contact
        return Incoming(sender, "contact", uid, contact_user_id=str(c.user_id) if c.user_id else None,
                        phone=c.phone_number)
    if msg.new_chat_members or msg.left_chat_member or msg.group_chat_created or msg.pinned_message:
        return None  # service messages
    return Incoming(sender, "other", uid)


def _sender(user, chat) -> Sender:
    return Sender("telegram", str(user.id), str(chat.id), user.full_name, CAPS, chat.type == Chat.PRIVATE)


def classify(error: BaseException) -> tuple[bool, float | None]:
    """(permanent, retry_after): 429 and network errors and 5xx are worth retrying; 400/403 are not."""
    if isinstance(error, RetryAfter):
        ra = error.retry_after
        return False, ra.total_seconds() if isinstance(ra, timedelta) else float(ra)
    if isinstance(error, (BadRequest, Forbidden, InvalidToken, ChatMigrated)):
        return True, None
    if isinstance(error, NetworkError):  # timeouts, dropped connections, 5xx
        return False, None
    return isinstance(error, TelegramError), None


class TelegramChannel:
    platform = "telegram"
    caps = CAPS

    def __init__(self, bot) -> None:
        self.bot = bot

    classify = staticmethod(classify)

    def render(self, chat_id: str, reply: Reply) -> list[Part]:
        """A quiz poll, a file, or HTML text split to Telegram's limit (buttons on the last part)."""
        bot = self.bot
        if reply.quiz is not None:
            q = reply.quiz

            async def poll():
                message = await bot.send_poll(
                    chat_id, m.QUESTION_OF.format(i=q.position + 1, n=q.total, question=q.question), q.options,
                    is_anonymous=False, type=Poll.QUIZ, correct_option_ids=[q.correct],
                    explanation=q.explanation or None, open_period=q.open_period)
                return message.poll.id

            return [Part(poll, q)]
        if reply.attachment is not None:
            a = reply.attachment

            async def upload():
                file = InputFile(a.data, filename=a.filename)
                await (bot.send_photo(chat_id, file) if a.kind == "photo" else bot.send_document(chat_id, file))

            return [Part(upload)]
        parts = m.split(reply.html or m.escape(reply.text), CAPS.limit)
        if reply.buttons:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                           for row in reply.buttons])
        elif reply.ask_contact:
            markup = ReplyKeyboardMarkup([[KeyboardButton(m.SHARE_PHONE, request_contact=True)]],
                                         one_time_keyboard=True, resize_keyboard=True)
        elif reply.linked:
            markup = ReplyKeyboardRemove()
        else:
            markup = None

        def part(text: str, last: bool) -> Part:
            return Part(lambda: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                                 reply_markup=markup if last else None, disable_web_page_preview=True))

        return [part(p, i == len(parts) - 1) for i, p in enumerate(parts)]


class JournalQueue(asyncio.Queue):
    """The application's update queue: an update is journalled before the updater confirms it."""

    def __init__(self, deliverer: Deliverer) -> None:
        super().__init__()
        self.deliverer = deliverer

    async def put(self, item) -> None:
        if isinstance(item, Update) and (incoming := incoming_of(item)) is not None:
            try:
                await self.deliverer.journal(incoming)
            except Exception:
                log.exception("could not journal update %s", item.update_id)
        await super().put(item)


def build_application(core: Core, token: str, base_url: str | None = None, rate_limit: bool = True,
                      worker: Worker | None = None, policy: RetryPolicy = RetryPolicy(),
                      deliverer: Deliverer | None = None) -> Application:
    """An Application wired to the core. ``base_url`` is the Bot API server root (…/bot<token>/<method>).
    ``rate_limit=False`` only for load runs against a local fake server, which has no flood limits.
    ``deliverer``: share one with other transports (one worker thread for the core)."""
    deliverer = deliverer or Deliverer(core, worker or Worker(), policy=policy)
    builder = Application.builder().token(token).update_queue(JournalQueue(deliverer))
    if rate_limit:  # throttles to Telegram's limits; retries are ours (RetryPolicy)
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    if base_url:
        root = base_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    app = builder.post_init(_post_init(core, deliverer)).build()
    deliverer.channels["telegram"] = TelegramChannel(app.bot)
    app.bot_data["deliverer"] = deliverer

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = incoming_of(update)
        if incoming is None:
            return
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as e:  # the spinner stops by itself; the answer still goes out
                log.info("answerCallbackQuery failed: %s", e)
        await deliverer.handle(incoming)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error outside the core while handling an update", exc_info=context.error)

    app.add_handler(TypeHandler(Update, on_update, block=False))  # a retrying send blocks no one else
    app.add_error_handler(on_error)
    return app


def _post_init(core: Core, deliverer: Deliverer):
    async def post_init(app: Application) -> None:
        try:
            await app.bot.set_my_commands(m.COMMANDS)
        except TelegramError as e:
            log.warning("setMyCommands failed: %s", e)
        if app.bot.username:
            await deliverer.worker(core.store.set_meta, "telegram_username", app.bot.username)

    return post_init
