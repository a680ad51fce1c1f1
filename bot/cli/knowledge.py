"""`isobot model`, `index`, `search`, `ask`, `eval`, `unanswered`: the knowledge base from the shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer.errors import IsobotError

from ..settings import Settings
from .group import cli, echo_json

def _knowledge(settings: Settings):
    from ..knowledge import Knowledge

    return Knowledge(settings)


@cli.command()
@click.pass_obj
def model(settings: Settings) -> None:
    """Prepare the embedding model (offline) and print its folder and id.

    \b
    Example:
        isobot model
    """
    from ..knowledge import open_embedder

    emb = open_embedder(settings, indexing=True)
    echo_json({"path": str(emb.path), "id": emb.id})


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--progress-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help='Keep {"done", "total"} texts embedded in this JSON file (the web console reads it).')
@click.option("--review", "then_review", is_flag=True, help="Then review the documents (see `isobot review`).")
@click.pass_obj
def index(settings: Settings, as_json: bool, progress_file: Path | None, then_review: bool) -> None:
    """Index the knowledge folder (incremental; atomic swap).

    \b
    Example:
        isobot --knowledge knowledge/ index --json
    """
    from indexer.build import build_index

    from ..knowledge import log, open_embedder

    def on_progress(done: int, total: int) -> None:
        tmp = progress_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": done, "total": total}))
        tmp.replace(progress_file)

    report = build_index(settings.knowledge_dir, settings.data_dir, open_embedder(settings, indexing=True),
                         progress=sys.stderr.isatty(), log=log, on_progress=on_progress if progress_file else None)
    for failure in report.failed:
        log(f"skipped {failure['path']}: {failure['error']}")
    findings = None
    if then_review:
        from ..reviews import run_review

        findings = run_review(settings)
    if as_json:
        echo_json({**report.as_json(), **({"findings": len(findings)} if findings is not None else {})})
    else:
        click.echo(
            f"{report.documents} documents, {report.chunks} chunks: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.removed)} removed, {report.unchanged} unchanged, "
            f"{len(report.failed)} failed ({report.seconds:.1f} s)"
            + (f"; review: {len(findings)} findings" if findings is not None else "")
        )


@cli.command()
@click.argument("query")
@click.option("--top-k", "-k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(["rank", "hybrid", "dense", "bm25"]), default="rank", show_default=True)
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
        echo_json({"query": query, "hits": [hit_json(h) for h in hits]})
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

    from ..app import open_core
    from ..replies import Sender

    reply = open_core(settings).text(Sender("console", "cli", "cli"), question)
    a = reply.answer
    if not as_json:
        click.echo(reply.text)
        return
    echo_json({
        "question": question,
        "answered": bool(a and a.answered),
        "answer": a.passage if a and a.answered else reply.text,
        "citations": [asdict(a.citation)] + [asdict(r) for r in a.related] if a and a.answered else [],
        "suggestions": [asdict(s) for s in a.suggestions] if a else [],
        "clarify": [{"source": c.source, "title": c.title} for c in a.clarify] if a else [],
    })


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top-k", "-k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(["rank", "hybrid", "dense", "bm25"]), default="rank", show_default=True)
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
        echo_json(result)
        return
    click.echo(json.dumps({k: v for k, v in result.items() if k != "questions"}, ensure_ascii=False))
    for q in result["questions"]:
        if q["rank"] != 1 and q["rank"] is not None or (q["rank"] is None and q["hits"]):
            click.echo(f"  {q['id']}: rank {q['rank']}")


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

    from ..app import open_store

    if since:
        import datetime as dt

        try:
            dt.date.fromisoformat(since)
        except ValueError:
            raise IsobotError(f"--since {since!r}: use YYYY-MM-DD") from None
    rows = list(open_store(settings).unanswered(since))
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["created_at", "question", "staff_id", "full_name", "unit", "platform"])
        writer.writerows([[r[k] for k in ("created_at", "question", "staff_id", "full_name", "unit", "platform")] for r in rows])
    else:
        for r in rows:
            click.echo(f"{r['created_at']}  {r['full_name'] or '-'} ({r['unit'] or '-'}): {r['question']}")


