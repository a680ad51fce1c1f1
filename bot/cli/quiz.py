"""`isobot quiz`, `isobot campaign` and `isobot report`: the training side of the command line."""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

import click

from indexer.errors import IsobotError

from ..settings import Settings
from .group import cli, echo_json, subgroup


@subgroup()
def quiz() -> None:
    """Question banks: check them, draft new questions.

    \b
    Example:
        isobot quiz validate
    """


@quiz.command()
@click.pass_obj
def validate(settings: Settings) -> None:
    """Check every bank: ids, one correct option, Telegram's length limits, sources in the index.

    \b
    Example:
        isobot quiz validate
    """
    from indexer import store
    from quizzes.bank import check_sources

    from ..app import open_bank

    bank = open_bank(settings)
    problems = list(bank.problems)
    try:
        index = store.load(settings.data_dir)
        sections: dict[str, list[str]] = {}
        for c in index.chunks:
            sections.setdefault(c.source, []).append(c.section)
        problems += check_sources(bank, sections)
    except IsobotError as e:
        problems.append(f"sources not checked: {e}")
    for p in problems:
        click.echo(str(p), err=True)
    n = sum(len(t.questions) for t in bank.topics.values())
    click.echo(f"{len(bank.topics)} topics, {n} questions, {len(problems)} problems")
    if problems:
        raise click.exceptions.Exit(1)


@quiz.command()
@click.option("--from", "source", type=click.Choice(["knowledge"]), default="knowledge", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review file (default quizzes/drafts/draft-DATE.yaml).")
@click.option("--limit", default=40, show_default=True)
@click.pass_obj
def draft(settings: Settings, source: str, out: Path | None, limit: int) -> None:
    """Propose questions from the indexed step tables into a review file (never published as is).

    \b
    Example:
        isobot quiz draft --from knowledge --out de-xuat.yaml
    """
    import yaml

    from indexer import store
    from quizzes.draft import draft as make_draft

    questions = make_draft(store.load(settings.data_dir).chunks, random.Random(), limit)
    out = out or settings.banks_dir.parent / "drafts" / f"draft-{date.today():%Y%m%d}.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    header = ("# BẢN ĐỀ XUẤT — chưa được dùng. Người phụ trách đọc, sửa từng câu, rồi chép câu đã duyệt\n"
              "# vào một tệp trong quizzes/banks/ và chạy `isobot quiz validate`.\n")
    body = yaml.safe_dump({"topic": "de-xuat", "title": "Câu hỏi đề xuất (chờ duyệt)", "status": "draft",
                           "questions": questions}, allow_unicode=True, sort_keys=False, width=120)
    out.write_text(header + body, encoding="utf-8")
    click.echo(f"{len(questions)} draft questions written to {out} for review")


@subgroup()
def campaign() -> None:
    """Awareness campaigns: create, list, show, close.

    \b
    Example:
        isobot campaign list
    """


@campaign.command(name="create")
@click.option("--name")
@click.option("--bank", "topics", help="Topic ids, comma separated.")
@click.option("--questions", type=int)
@click.option("--pass-mark", type=float, help="Percent of right answers to pass.")
@click.option("--start", help="YYYY-MM-DD")
@click.option("--end", help="YYYY-MM-DD")
@click.option("--units", default="all", show_default=True, help="Units, comma separated, or all.")
@click.option("--attempts", default=1, show_default=True)
@click.option("--seconds-per-question", "seconds", default=0, show_default=True, help="0 = untimed.")
@click.option("--remind-every", default=3, show_default=True, help="Days between reminders (and the day before the end).")
@click.option("--from-change", "change", default=None, metavar="DOCUMENT",
              help="Instead: propose draft questions on the sections a document's new revision changed.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def campaign_create(settings: Settings, name, topics, questions, pass_mark, start, end, units, attempts, seconds,
                    remind_every, change, as_json) -> None:
    """Create a campaign; assigned officers are notified at the start and reminded until they finish.
    With --from-change, propose questions on what a document's new revision changed, for review first.

    \b
    Example:
        isobot campaign create --name "Quý IV/2026" --bank nhan-thuc,mot-cua --questions 10 \\
            --pass-mark 80 --start 2026-12-01 --end 2026-12-15 --units all --attempts 2
        isobot campaign create --from-change QT-04
    """
    from .. import campaigns
    from ..app import open_bank, open_store

    if change:
        from ..changes import propose

        out = propose(settings, change)
        if as_json:
            echo_json(out)
        else:
            click.echo(f"{out['questions']} draft questions on {len(out['sections'])} changed sections of "
                       f"{out['code'] or out['source']} written to {out['file']}: approve them in the web console "
                       "(Ngân hàng câu hỏi), then create the campaign with --bank bo-sung"
                       + (f" --units {','.join(out['units'])} (the units the document names)" if out["units"] else "")
                       if out["questions"] else
                       f"no question could be drafted from the changed sections of {out['code'] or out['source']} "
                       "(they hold no step or record table): write them by hand")
        return
    missing = [f"--{n}" for n, v in (("name", name), ("bank", topics), ("questions", questions),
                                      ("pass-mark", pass_mark), ("start", start), ("end", end)) if v is None]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (or use --from-change DOCUMENT)")

    unit_list = None if units.strip().lower() == "all" else [u.strip() for u in units.split(",") if u.strip()]
    row = campaigns.create(open_store(settings), open_bank(settings), name, [t.strip() for t in topics.split(",")],
                           questions, pass_mark, start, end, unit_list, attempts, seconds, remind_every)
    if as_json:
        echo_json(row)
    else:
        click.echo(f"campaign {row['id']} «{name}»: {row['assigned']} officers, {row['start_at']} – {row['end_at']}")


@campaign.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def campaign_list(settings: Settings, as_json: bool) -> None:
    """List campaigns.

    \b
    Example:
        isobot campaign list --json
    """
    from ..app import open_store
    from ..storage import QuizStore

    rows = QuizStore(open_store(settings)).campaigns()
    if as_json:
        echo_json(rows)
    for r in rows if not as_json else []:
        click.echo(f"{r['id']}  {r['status']:6}  {r['start_at'][:10]} – {r['end_at'][:10]}  {r['name']}")


@campaign.command(name="show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def campaign_show(settings: Settings, name: str, as_json: bool) -> None:
    """Show one campaign and its totals.

    \b
    Example:
        isobot campaign show "Quý IV/2026"
    """
    c, data = _campaign_report(settings, name, None)
    out = {**c, "total": data["total"], "units": data["units"]}
    if as_json:
        echo_json(out)
    else:
        from .. import messages

        click.echo(messages.report_summary(c, data))


@campaign.command(name="close")
@click.argument("name")
@click.pass_obj
def campaign_close(settings: Settings, name: str) -> None:
    """Close a campaign now: later answers are refused, HR gets the summary.

    \b
    Example:
        isobot campaign close "Quý IV/2026"
    """
    from ..app import open_store
    from ..storage import QuizStore

    qs = QuizStore(open_store(settings))
    c = qs.campaign(name)
    if c is None:
        raise IsobotError(f"no campaign named {name!r}")
    qs.close_campaign(c["id"])
    click.echo(f"campaign «{c['name']}» closed")


def _campaign_report(settings: Settings, name: str, unit: str | None):
    from ..app import open_bank, open_store
    from ..quizzing import Quizzes

    store = open_store(settings)
    quizzes = Quizzes(store, open_bank(settings), lambda d, s: None)
    c = quizzes.qs.campaign(name)
    if c is None:
        raise IsobotError(f"no campaign named {name!r}")
    return c, quizzes.campaign_report(c, unit)


@cli.command()
@click.option("--campaign", "name", default=None, help="One campaign (default: all campaigns).")
@click.option("--unit", default=None)
@click.option("--year", type=int, default=None, help="Each officer's training summary for that year.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "html"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_obj
def report(settings: Settings, name, unit, year, fmt, out) -> None:
    """Training records for HR: per unit, per officer, most-missed questions; or a yearly summary.

    \b
    Example:
        isobot report --campaign "Quý IV/2026" --format xlsx --out bao-cao.xlsx
    """
    from quizzes import report as rep

    if fmt == "xlsx" and out is None:
        raise IsobotError("--format xlsx needs --out FILE (a spreadsheet is not printed)")

    from .. import campaigns
    from ..app import open_bank, open_store

    data, title = campaigns.report_data(open_store(settings), open_bank(settings), name, unit, year)
    text = rep.write(data, fmt, out, title)
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    elif out:
        click.echo(f"report written to {out}", err=True)
