"""The knowledge base's review, kept in the data folder after each run, and what is new in it for the
ISO secretary (told in chat once)."""

from __future__ import annotations

import json

from . import messages as m
from .settings import Settings
from .storage import Store

SEEN = "review_seen"  # meta key: the findings already told in chat


def run_review(settings: Settings) -> list:
    """Review the current index; the findings are kept in ``settings.review_path``."""
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


def last_findings(settings: Settings) -> list[dict]:
    try:
        return json.loads(settings.review_path.read_text(encoding="utf-8"))["findings"]
    except (OSError, ValueError, KeyError):
        return []


def key(f: dict) -> str:
    return "|".join([f["kind"], *f["documents"], *f["sections"], *f["quotes"]])


def news(store: Store, settings: Settings) -> str | None:
    """A chat notice of the findings not told before (then remembered as told), or None."""
    findings = last_findings(settings)
    seen = set(json.loads(store.get_meta(SEEN) or "[]"))
    new = [f for f in findings if key(f) not in seen]
    if not new:
        return None
    store.set_meta(SEEN, json.dumps(sorted(key(f) for f in findings), ensure_ascii=False))
    lines = [m.REVIEW_NEWS.format(n=len(new))] + [f"• {f['message']}" for f in new[:5]]
    if len(new) > 5:
        lines.append(m.REVIEW_MORE.format(n=len(new) - 5))
    lines.append(m.REVIEW_WHERE.format(url=f"{settings.web_base}/ra-soat"))
    return "\n".join(lines)
