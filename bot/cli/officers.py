"""`isobot officers …`: the roster, link codes, unlinking, deactivation."""

from __future__ import annotations

from pathlib import Path

import click

from indexer.errors import IsobotError

from ..settings import Settings
from .group import Group, cli, echo_json, json_option

@cli.group(cls=Group)
def officers() -> None:
    """Manage the roster of officers and the linking of chat accounts.

    \b
    Example:
        isobot officers import danh-sach-can-bo.xlsx
    """


@officers.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deactivate-missing", is_flag=True,
              help="Deactivate active officers absent from the file (refused if any row is rejected).")
@json_option
@click.pass_obj
def officers_import(settings: Settings, file: Path, deactivate_missing: bool, as_json: bool) -> None:
    """Import or update officers from CSV/XLSX (header row; Vietnamese or English column names).

    \b
    Example:
        isobot officers import danh-sach-can-bo.csv --deactivate-missing
    """
    from ..app import open_store
    from ..roster import import_officers

    report = import_officers(open_store(settings), file, deactivate_missing)
    if as_json:
        echo_json(report.as_json())
    else:
        click.echo(f"{report.added} added, {report.updated} updated, {len(report.errors)} rejected"
                   + (f", {len(report.deactivated)} deactivated" if deactivate_missing else ""))
    for e in report.errors:
        click.echo(f"{file}:{e['line']}: {e['error']}", err=True)


def _known(store, staff_id: str):
    officer = store.officer(staff_id)
    if officer is None:
        raise IsobotError(f"no officer with staff_id {staff_id}: import the roster first")
    return officer


@officers.command(name="login-link")
@click.argument("staff_id")
@click.pass_obj
def officers_login_link(settings: Settings, staff_id: str) -> None:
    """Print a one-time sign-in link to the web console (10 minutes) for an hr, iso or admin officer.

    \b
    Example:
        isobot officers login-link CB001
    """
    from ..app import open_store
    from ..storage.web import sign_in_link

    store = open_store(settings)
    officer = _known(store, staff_id)
    if not officer.active or officer.role not in ("hr", "iso", "admin"):
        raise IsobotError(f"{staff_id} has role {officer.role!r}{'' if officer.active else ' and has left'}: "
                          "only active hr, iso and admin officers may sign in to the web console")
    click.echo(sign_in_link(store, settings.web_base, staff_id))


@officers.command(name="deactivate")
@click.argument("staff_id")
@click.pass_obj
def officers_deactivate(settings: Settings, staff_id: str) -> None:
    """An officer who left: chat accounts unlinked, unused codes voided, records kept for HR.

    \b
    Example:
        isobot officers deactivate CB001
    """
    from ..app import open_store

    store = open_store(settings)
    _known(store, staff_id)
    n = store.deactivate(staff_id)
    click.echo(f"{staff_id} deactivated ({n} chat accounts unlinked)")


@officers.command(name="activate")
@click.argument("staff_id")
@click.pass_obj
def officers_activate(settings: Settings, staff_id: str) -> None:
    """Undo a deactivation (the officer links a chat account again with a new code).

    \b
    Example:
        isobot officers activate CB001
    """
    from ..app import open_store

    store = open_store(settings)
    _known(store, staff_id)
    store.activate(staff_id)
    click.echo(f"{staff_id} is active again; give them a new link code")


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
    from ..app import open_store
    from ..roster import deep_link

    store = open_store(settings)
    if not _known(store, staff_id).active:
        raise IsobotError(f"{staff_id} is deactivated: `isobot officers activate {staff_id}` first")
    code, expires = store.create_code(staff_id, settings.link_code_days)
    link = deep_link(settings.telegram_username or store.get_meta("telegram_username"), code)
    if as_json:
        echo_json({"staff_id": staff_id, "code": code, "expires_at": expires, "link": link})
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
    from ..app import open_store
    from ..roster import export_codes

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
    from ..app import open_store

    click.echo(f"{open_store(settings).unlink(staff_id)} accounts unlinked from {staff_id}; unused codes voided")


