"""Console transport: a question a line on stdin, the answer on stdout."""

from __future__ import annotations

from typing import TextIO

from . import messages
from .core import Core, Sender


def run(core: Core, stdin: TextIO, stdout: TextIO, interactive: bool, staff_id: str = "") -> int:
    sender = Sender("console", staff_id, "console")
    if interactive:
        print(messages.WELCOME, file=stdout)
    while True:
        if interactive:
            print("\n❓ ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line.lower() in ("/thoat", "/exit", "/quit"):
            break
        if not interactive:
            print(f"❓ {line}", file=stdout)
        for reply in core.handle_text(sender, line):
            print(reply.text, file=stdout, flush=True)
        if not interactive:
            print(file=stdout)
    if interactive:
        print(messages.GOODBYE, file=stdout)
    return 0
