"""The `isobot` command line: one entry point, subcommands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer.errors import IsobotError

from .cli_quiz import echo_json as _echo_json
from .settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--knowledge", type=click.Path(path_type=Path), help="Knowledge folder [ISOBOT_KNOWLEDGE_DIR, default knowledge/].")
@click.option("--data", type=click.Path(path_type=Path), help="Data folder for index, model, database [ISOBOT_DATA_DIR, default data/].")
@click.version_option(package_name="isobot")
@click.pass_context
def cli(ctx: click.Context, knowledge: Path | None, data: Path | None) -> None:
    """Trợ lý ISO: answers officers' questions from the unit's ISO documents.

    \b
    Example:
        isobot index && isobot ask "hồ sơ đăng ký khai sinh gồm những gì"
    """
    ctx.obj = Settings.from_env(knowledge_dir=knowledge, data_dir=data)


def _knowledge(settings: Settings):
    from .app import Knowledge

    return Knowledge(settings)


@cli.command()
@click.pass_obj
def model(settings: Settings) -> None:
    """Prepare the embedding model (offline) and print its folder and id.

    \b
    Example:
        isobot model
    """
    from .app import open_embedder

    emb = open_embedder(settings)
    _echo_json({"path": str(emb.path), "id": emb.id})


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def index(settings: Settings, as_json: bool) -> None:
    """Index the knowledge folder (incremental; atomic swap).

    \b
    Example:
        isobot --knowledge knowledge/ index --json
    """
    from indexer.build import build_index

    from .app import log, open_embedder

    report = build_index(settings.knowledge_dir, settings.data_dir, open_embedder(settings),
                         progress=sys.stderr.isatty(), log=log)
    for failure in report.failed:
        log(f"skipped {failure['path']}: {failure['error']}")
    if as_json:
        _echo_json(report.as_json())
    else:
        click.echo(
            f"{report.documents} documents, {report.chunks} chunks: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.removed)} removed, {report.unchanged} unchanged, "
            f"{len(report.failed)} failed ({report.seconds:.1f} s)"
        )


@cli.command()
@click.argument("query")
@click.option("--top-k", "-k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(settings: Settings, query: str, top_k: int, mode: str, as_json: bool) -> None:
    """Show the best matching chunks.

    \b
    Example:
        isobot search "dang ky ket hon" --mode bm25 -k 3
    """
    from indexer.evaluate import hit_json

    hits = _knowledge(settings).searcher.search(query, k=top_k, mode=mode)
    if as_json:
        _echo_json({"query": query, "hits": [hit_json(h) for h in hits]})
        return
    for n, h in enumerate(hits, 1):
        click.echo(f"{n}. [{h.score:.3f}] {h.chunk.source} — {h.chunk.section or h.chunk.title}")
        click.echo("   " + h.chunk.text[:200].replace("\n", " "))


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def ask(settings: Settings, question: str, as_json: bool) -> None:
    """Answer a question with the passage and its citation.

    \b
    Example:
        isobot ask "ai phê duyệt tài liệu sửa đổi"
    """
    from dataclasses import asdict

    from .app import open_core
    from .core import Sender

    reply = open_core(settings).text(Sender("console", "cli", "cli"), question)
    a = reply.answer
    if not as_json:
        click.echo(reply.text)
        return
    _echo_json({
        "question": question,
        "answered": bool(a and a.answered),
        "answer": a.passage if a and a.answered else reply.text,
        "citations": [asdict(a.citation)] + [asdict(r) for r in a.related] if a and a.answered else [],
        "suggestions": [asdict(s) for s in a.suggestions] if a else [],
    })


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top-k", "-k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def evaluate(settings: Settings, file: Path, top_k: int, mode: str, as_json: bool) -> None:
    """Measure retrieval on a question file (one JSON object a line).

    \b
    Example:
        isobot eval bench/data/devset.jsonl --mode hybrid
    """
    from indexer.evaluate import evaluate as run_eval
    from indexer.evaluate import load_items

    items = load_items(file)
    kn = _knowledge(settings)
    result = run_eval(items, kn.searcher, k=top_k, mode=mode, thresholds=kn.thresholds)
    if as_json:
        _echo_json(result)
        return
    click.echo(json.dumps({k: v for k, v in result.items() if k != "questions"}, ensure_ascii=False))
    for q in result["questions"]:
        if q["rank"] != 1 and q["rank"] is not None or (q["rank"] is None and q["hits"]):
            click.echo(f"  {q['id']}: rank {q['rank']}")


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
    from . import console
    from .app import open_core

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
@click.pass_obj
def serve(settings: Settings, **options) -> None:
    """Run the chat bot on Telegram, Zalo or both.

    \b
    Example:
        TELEGRAM_BOT_TOKEN=123:abc isobot serve --telegram --zalo
    """
    import asyncio
    import logging

    from .app import open_core
    from .serve import ServeOptions, check
    from .serve import serve as run_serve

    opts = ServeOptions(**options)
    check(settings, opts)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(run_serve(open_core(settings), settings, opts))


@cli.group()
def officers() -> None:
    """Manage the roster of officers and the linking of chat accounts.

    \b
    Example:
        isobot officers import danh-sach-can-bo.xlsx
    """


@officers.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def officers_import(settings: Settings, file: Path, as_json: bool) -> None:
    """Import or update officers from CSV/XLSX (header row; Vietnamese or English column names).

    \b
    Example:
        isobot officers import danh-sach-can-bo.csv
    """
    from .app import open_store
    from .roster import import_officers

    report = import_officers(open_store(settings), file)
    if as_json:
        _echo_json(report.as_json())
    else:
        click.echo(f"{report.added} added, {report.updated} updated, {len(report.errors)} rejected")
    for e in report.errors:
        click.echo(f"{file}:{e['line']}: {e['error']}", err=True)


@officers.command(name="code")
@click.argument("staff_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def officers_code(settings: Settings, staff_id: str, as_json: bool) -> None:
    """Print a one-time link code for one officer (and the Telegram deep link).

    \b
    Example:
        isobot officers code CB001 --json
    """
    from .app import open_store
    from .roster import deep_link

    store = open_store(settings)
    if store.officer(staff_id) is None:
        raise IsobotError(f"no officer with staff_id {staff_id}: import the roster first")
    code, expires = store.create_code(staff_id, settings.link_code_days)
    link = deep_link(settings.telegram_username or store.get_meta("telegram_username"), code)
    if as_json:
        _echo_json({"staff_id": staff_id, "code": code, "expires_at": expires, "link": link})
    else:
        click.echo(f"{staff_id}: {code} (expires {expires}){'  ' + link if link else ''}")


@officers.command(name="codes")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="A .csv or .xlsx file.")
@click.option("--unit", default=None, help="Only this unit.")
@click.pass_obj
def officers_codes(settings: Settings, out: Path, unit: str | None) -> None:
    """Export new link codes for a whole unit (or everyone) for HR to hand out.

    \b
    Example:
        isobot officers codes --unit "Văn phòng" --out ma-lien-ket.xlsx
    """
    from .app import open_store
    from .roster import export_codes

    store = open_store(settings)
    n = export_codes(store, out, unit, settings.link_code_days,
                     settings.telegram_username or store.get_meta("telegram_username"))
    click.echo(f"{n} codes written to {out}")


@officers.command(name="unlink")
@click.argument("staff_id")
@click.pass_obj
def officers_unlink(settings: Settings, staff_id: str) -> None:
    """Remove every chat account linked to an officer.

    \b
    Example:
        isobot officers unlink CB001
    """
    from .app import open_store

    click.echo(f"{open_store(settings).unlink(staff_id)} accounts unlinked from {staff_id}")


@cli.command()
@click.option("--since", default=None, help="Only questions from this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_obj
def unanswered(settings: Settings, since: str | None, fmt: str) -> None:
    """Questions the bot could not answer, for the ISO secretary.

    \b
    Example:
        isobot unanswered --since 2026-01-01 --format csv > chua-tra-loi.csv
    """
    import csv

    from .app import open_store

    if since:
        import datetime as dt

        try:
            dt.date.fromisoformat(since)
        except ValueError:
            raise IsobotError(f"--since {since!r}: use YYYY-MM-DD") from None
    rows = list(open_store(settings).unanswered(since))
    if fmt == "json":
        _echo_json(rows)
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["created_at", "question", "staff_id", "full_name", "unit", "platform"])
        writer.writerows([[r[k] for k in ("created_at", "question", "staff_id", "full_name", "unit", "platform")] for r in rows])
    else:
        for r in rows:
            click.echo(f"{r['created_at']}  {r['full_name'] or '-'} ({r['unit'] or '-'}): {r['question']}")


from .cli_quiz import campaign, quiz, report  # noqa: E402  (they register below)

cli.add_command(quiz)
cli.add_command(campaign)
cli.add_command(report)


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line on stderr and exit code 1, never a traceback."""
    try:
        cli.main(args=argv, prog_name="isobot", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return 1
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except IsobotError as e:
        click.echo(f"isobot: {e}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
