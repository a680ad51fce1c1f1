"""Draft quiz questions from indexed step tables, for a person to review; never published as is."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

MAX_OPTION = 100


def _fields(row: str) -> dict[str, str]:
    """'Bước: 2; Nội dung công việc: X; Trách nhiệm: Y' -> {'bước': '2', 'nội dung công việc': 'X', …}."""
    out = {}
    for part in row.split("; "):
        key, sep, value = part.partition(": ")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def _pick(fields: dict[str, str], *names: str) -> str:
    return next((v for k, v in fields.items() if any(n in k for n in names)), "")


def draft(chunks: Iterable, rng: random.Random, limit: int = 40) -> list[dict]:
    """Questions from table rows: who is responsible for a step, how long it takes, how long a record is kept."""
    steps = []
    for c in chunks:
        for line in c.text.split("\n"):
            f = _fields(line)
            task = _pick(f, "nội dung")
            record = _pick(f, "tên hồ sơ", "hồ sơ")
            if task and (_pick(f, "trách nhiệm") or _pick(f, "thời gian")):
                steps.append((c, task, _pick(f, "trách nhiệm"), _pick(f, "thời gian"), ""))
            elif record and _pick(f, "thời gian lưu", "lưu trữ"):
                steps.append((c, record, "", "", _pick(f, "thời gian lưu", "lưu trữ")))
    out = []
    for kind, index, template in (("who", 2, "Theo {code}, ai chịu trách nhiệm bước «{task}»?"),
                                  ("time", 3, "Theo {code}, bước «{task}» được thực hiện trong thời gian bao lâu?"),
                                  ("keep", 4, "Theo {code}, hồ sơ «{task}» được lưu trong bao lâu?")):
        values = sorted({s[index] for s in steps if s[index] and len(s[index]) <= MAX_OPTION})
        for c, task, *rest in steps:
            right = (c, task, *rest)[index]
            wrong = [v for v in values if v != right]
            if not right or len(right) > MAX_OPTION or len(wrong) < 3:
                continue
            options = rng.sample(wrong, 3) + [right]
            rng.shuffle(options)
            question = template.format(code=c.code or c.title, task=re.sub(r"\s+", " ", task)[:180])
            out.append({"id": f"draft-{kind}-{len(out) + 1:03d}", "question": question[:300], "options": options,
                        "answer": "ABCD"[options.index(right)],
                        "explanation": f"{c.code or c.title}, mục {c.section.split(' > ')[-1]}"[:200],
                        "source": {"document": c.source, "section": c.section.split(" > ")[-1]}})
    rng.shuffle(out)
    return out[:limit]
