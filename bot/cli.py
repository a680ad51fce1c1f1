"""The `isobot` command line: one entry point, subcommands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer.errors import IsobotError

from .settings import Settings


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


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

    from .core import Core

    reply = Core(_knowledge(settings)).ask(question)
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
@click.pass_obj
def chat(settings: Settings) -> None:
    """Chat in the console: a question a line (also from a pipe).

    \b
    Example:
        echo "thủ tục khai sinh" | isobot chat
    """
    from . import console
    from .core import Core

    core = Core(_knowledge(settings))
    console.run(core, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())


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
