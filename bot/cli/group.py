"""The `isobot` group, its shared options, and how errors become one-line messages."""

from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.errors import IsobotError

from ..settings import Settings


class UserError(click.ClickException):
    """A mistake the user can fix: one line on stderr, exit code 1, never a traceback."""

    def show(self, file=None) -> None:
        click.echo(f"isobot: {self.format_message()}", err=True, file=file)


class Group(click.Group):
    """Turns the project's named errors into ``UserError`` wherever a command is invoked from,
    so the CLI runner sees the same exit code as a user; anything else stays a crash."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except IsobotError as e:
            raise UserError(str(e)) from None


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _setting(field: str):
    def callback(ctx: click.Context, param, value):
        if value is not None:
            ctx.obj = (ctx.obj or Settings.from_env()).replace(**{field: value})

    return callback


FOLDER_OPTIONS = [
    ("--knowledge", "knowledge_dir", "Knowledge folder [ISOBOT_KNOWLEDGE_DIR, default knowledge/]."),
    ("--data", "data_dir", "Data folder for index, model, database [ISOBOT_DATA_DIR, default data/]."),
]


def folder_options(command: click.Command) -> None:
    """Accept --knowledge and --data after a subcommand too, as users type them."""
    names = {p.name for p in command.params}
    for flag, field, help_text in FOLDER_OPTIONS:
        if flag.lstrip("-") not in names:
            command.params.append(click.Option([flag], type=click.Path(path_type=Path), expose_value=False,
                                               is_eager=True, callback=_setting(field), help=help_text))
    for sub in getattr(command, "commands", {}).values():
        folder_options(sub)


json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--knowledge", type=click.Path(path_type=Path), help=FOLDER_OPTIONS[0][2])
@click.option("--data", type=click.Path(path_type=Path), help=FOLDER_OPTIONS[1][2])
@click.version_option(package_name="isobot")
@click.pass_context
def cli(ctx: click.Context, knowledge: Path | None, data: Path | None) -> None:
    """Trợ lý ISO: answers officers' questions from the unit's ISO documents.

    \b
    Example:
        isobot index && isobot ask "hồ sơ đăng ký khai sinh gồm những gì"
    """
    ctx.obj = Settings.from_env(knowledge_dir=knowledge, data_dir=data)


def subgroup(**kwargs):
    return cli.group(cls=Group, **kwargs)
