"""The console chat: a question a line on stdin, the answers on stdout (the server's own terminal)."""

from __future__ import annotations

from typing import TextIO

from .. import messages
from ..core import Core
from ..replies import Capabilities, Incoming, Sender

CAPS = Capabilities(limit=100_000)


def run(core: Core, stdin: TextIO, stdout: TextIO, interactive: bool, staff_id: str = "") -> int:
    sender = Sender("console", staff_id, "console", caps=CAPS)
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
        for out in core.receive(Incoming(sender, "text", text=line)).outgoing:
            for reply in out.replies:
                print(reply.text, file=stdout, flush=True)
                if reply.quiz is not None:
                    core.quiz_sent(reply.quiz)
        if not interactive:
            print(file=stdout)
    if interactive:
        print(messages.GOODBYE, file=stdout)
    return 0
