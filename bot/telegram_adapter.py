"""Telegram transport (python-telegram-bot 22): parse the update, call the core, render the reply."""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InputFile,
    Poll,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from . import messages as m
from .core import Core, Reply, Sender

log = logging.getLogger("isobot.telegram")
LIMIT = 4096


def sender_of(update: Update) -> Sender:
    user, chat = update.effective_user, update.effective_chat
    return Sender("telegram", str(user.id), str(chat.id), user.full_name if user else "")


async def send_all(bot, core: Core, chat_id: int | str, replies: list[Reply]) -> None:
    for reply in replies:
        await send(bot, core, chat_id, reply)


async def send(bot, core: Core, chat_id: int | str, reply: Reply) -> None:
    """Send a reply: a quiz poll, a file, or HTML text split to Telegram's limit (buttons on the last part)."""
    if reply.quiz is not None:
        q = reply.quiz
        message = await bot.send_poll(
            chat_id, m.QUESTION_OF.format(i=q.position + 1, n=q.total, question=q.question), q.options,
            is_anonymous=False, type=Poll.QUIZ, correct_option_ids=[q.correct], explanation=q.explanation or None,
            open_period=q.open_period)
        core.quiz_sent(q, message.poll.id)
        return
    if reply.attachment is not None:
        a = reply.attachment
        file = InputFile(a.data, filename=a.filename)
        await (bot.send_photo(chat_id, file) if a.kind == "photo" else bot.send_document(chat_id, file))
        return
    parts = m.split(reply.html or m.escape(reply.text), LIMIT)
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
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML,
                               reply_markup=markup if last else None, disable_web_page_preview=True)


def build_application(core: Core, token: str, base_url: str | None = None, rate_limit: bool = True) -> Application:
    """An Application wired to the core. ``base_url`` is the Bot API server root (…/bot<token>/<method>).
    ``rate_limit=False`` only for load runs against a local fake server, which has no flood limits."""
    builder = Application.builder().token(token)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if base_url:
        root = base_url.rstrip("/")
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    builder = builder.post_init(_post_init(core))
    app = builder.build()

    async def dedupe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not core.store.first_delivery("telegram", str(update.update_id)):
            log.info("duplicate update %s ignored", update.update_id)
            raise ApplicationHandlerStop

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        sender = sender_of(update)
        replies = core.handle_text(sender, update.effective_message.text or "")
        await send_all(context.bot, core, update.effective_chat.id, replies)

    async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        contact = update.effective_message.contact
        reply = core.contact(sender_of(update), str(contact.user_id) if contact.user_id else None, contact.phone_number)
        await send(context.bot, core, update.effective_chat.id, reply)

    async def on_poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        answer = update.poll_answer
        if answer.user is None:
            return
        sender = Sender("telegram", str(answer.user.id), str(answer.user.id))
        chat_id, replies = core.poll_answer(sender, str(answer.poll_id), list(answer.option_ids))
        if chat_id:
            await send_all(context.bot, core, chat_id, replies)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()
        await send(context.bot, core, update.effective_chat.id, core.button(sender_of(update), query.data or ""))

    async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat:
            await send(context.bot, core, update.effective_chat.id, Reply(m.NOT_TEXT))

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log, apologise to the user, and tell the admins (PTB's errorhandlerbot pattern)."""
        log.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, m.ERROR)
        for chat_id in core.admin_chats("telegram"):
            await context.bot.send_message(chat_id, m.escape(m.ADMIN_ERROR.format(error=repr(context.error)[:500])),
                                           parse_mode=ParseMode.HTML)

    app.add_handler(TypeHandler(Update, dedupe), group=-1)
    app.add_handler(MessageHandler(filters.CONTACT, on_contact))
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(PollAnswerHandler(on_poll_answer))
    app.add_handler(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, on_other))
    app.add_error_handler(on_error)
    return app


def _post_init(core: Core):
    async def post_init(app: Application) -> None:
        await app.bot.set_my_commands(m.COMMANDS)
        if app.bot.username:
            core.store.set_meta("telegram_username", app.bot.username)

    return post_init
