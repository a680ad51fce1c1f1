"""The `isobot` command line: one entry point, one module per command family."""

from __future__ import annotations

import sys

import click

from . import chat, knowledge, officers, quiz, review  # noqa: F401  (each registers its commands on the group)
from .group import UserError, cli, folder_options

folder_options(cli)

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors become one line on stderr and exit code 1; a crash, a short line and 2."""
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
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug: say so in one line, with what to report
        click.echo(f"isobot: internal error ({type(e).__name__}: {e}); please report it with the command you ran",
                   err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
