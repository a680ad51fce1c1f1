"""`isobot review`: the knowledge base reviewed as an ISO secretary would (legal texts, contradictions,
document control)."""

from __future__ import annotations

import click

from ..settings import Settings
from .group import cli, echo_json, json_option


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
    from ..reviews import run_review

    findings = run_review(settings)
    if as_json:
        echo_json({"findings": [f.as_json() for f in findings]})
        return
    for f in findings:
        click.echo(f"[{f.kind}] {', '.join(f.documents)}: {f.message}")
    click.echo(f"{len(findings)} findings")
