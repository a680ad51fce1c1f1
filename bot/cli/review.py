"""`isobot review`: the knowledge base reviewed as an ISO secretary would (legal texts, contradictions,
document control)."""

from __future__ import annotations

import click

from ..settings import Settings
from .group import cli, echo_json, json_option


def run_review(settings: Settings) -> list:
    """Review the current index and keep the findings in the data folder (for the bots and the console)."""
    import json

    from indexer import store
    from indexer.review import Options, review

    findings = review(store.load(settings.data_dir),
                      Options(review_months=settings.review_months, registry=settings.legal_registry))
    path = settings.review_path
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"findings": [f.as_json() for f in findings]}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    tmp.replace(path)
    return findings


@cli.command()
@json_option
@click.pass_obj
def review(settings: Settings, as_json: bool) -> None:
    """Review the indexed documents: replaced legal texts, contradictions between procedures, document
    control (codes, revisions, periodic review, dangling references, required sections).

    \b
    Example:
        isobot review --json
    """
    findings = run_review(settings)
    if as_json:
        echo_json({"findings": [f.as_json() for f in findings]})
        return
    for f in findings:
        click.echo(f"[{f.kind}] {', '.join(f.documents)}: {f.message}")
    click.echo(f"{len(findings)} findings")
