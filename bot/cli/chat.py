"""`isobot chat` (the console) and `isobot serve` (Telegram and Zalo)."""

from __future__ import annotations

import sys

import click

from indexer.errors import IsobotError

from ..settings import Settings
from .group import cli

@cli.command()
@click.option("--as", "staff_id", default="", help="Chat as this officer (quizzes and results are theirs).")
@click.pass_obj
def chat(settings: Settings, staff_id: str) -> None:
    """Chat in the console: a question a line (also from a pipe).

    \b
    Example:
        echo "thủ tục khai sinh" | isobot chat
        isobot chat --as CB001      # then /quiz, answer with A, B, C, D
    """
    from ..transports import console
    from ..app import open_core

    core = open_core(settings)
    if staff_id and core.store.officer(staff_id) is None:
        raise IsobotError(f"no officer with staff_id {staff_id}: import the roster first")
    console.run(core, sys.stdin, sys.stdout, interactive=sys.stdin.isatty(), staff_id=staff_id)


@cli.command()
@click.option("--telegram", is_flag=True, help="Serve on Telegram (TELEGRAM_BOT_TOKEN).")
@click.option("--zalo", is_flag=True, help="Serve on Zalo (ZALO_BOT_TOKEN).")
@click.option("--webhook", default="", help="Telegram webhook URL (needs TELEGRAM_WEBHOOK_SECRET); default: long polling.")
@click.option("--zalo-webhook", default="", help="Zalo webhook URL (needs ZALO_WEBHOOK_SECRET); default: long polling.")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Address the webhook servers listen on.")
@click.option("--port", default=8443, show_default=True, help="Port of the Telegram webhook server.")
@click.option("--zalo-port", default=8444, show_default=True, help="Port of the Zalo webhook server.")
@click.option("--web", is_flag=True, help="Also run the web console in this process (see `isobot web`).")
@click.option("--web-port", default=8080, show_default=True, help="Port of the web console.")
@click.pass_obj
def serve(settings: Settings, **options) -> None:
    """Run the chat bot on Telegram, Zalo or both.

    \b
    Example:
        TELEGRAM_BOT_TOKEN=123:abc isobot serve --telegram --zalo
    """
    import asyncio
    import logging

    from ..app import open_core
    from ..transports.serve import ServeOptions, check
    from ..transports.serve import serve as run_serve

    opts = ServeOptions(**options)
    check(settings, opts)
    if opts.web:
        _warn_if_links_stay_local(settings, opts.listen)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(run_serve(open_core(settings), settings, opts))


@cli.command()
@click.option("--listen", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True)
@click.pass_obj
def web(settings: Settings, listen: str, port: int) -> None:
    """Run the web console for HR and the ISO secretary alone (sign in: /web in chat, or
    `isobot officers login-link STAFF_ID`).

    \b
    Example:
        isobot web --port 8080
    """
    import uvicorn

    from ..web.app import create_app

    _warn_if_links_stay_local(settings, listen)
    settings = settings.listening(listen, port)
    uvicorn.run(create_app(settings), host=listen, port=port, log_level="info", proxy_headers=True)


def _warn_if_links_stay_local(settings: Settings, listen: str) -> None:
    """A console open to the network whose sign-in links still name this machine."""
    if not settings.web_url and listen in ("0.0.0.0", "::"):
        click.echo("warning: ISOBOT_WEB_URL is not set, so sign-in links name 127.0.0.1 (this machine only)",
                   err=True)
