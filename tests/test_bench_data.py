"""The benchmark's question files stay true to the documents they ask about."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench import corpora
from indexer.evaluate import load_items, section_matches
from indexer.readers import read
from indexer.restore import has_diacritics
from indexer.structure import chunk_document

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
DATA = ROOT / "bench" / "data"


def test_devset_points_at_sections_that_exist():
    items = load_items(DATA / "devset.jsonl")
    assert len({it["id"] for it in items}) == len(items)
    on = [it for it in items if it["source"] is not None]
    sections: dict[str, list[str]] = {}
    for it in on:
        source = it["source"]
        if source not in sections:
            assert (KNOWLEDGE / source).is_file(), f"{it['id']}: no {source}"
            sections[source] = [c.section for c in chunk_document(read(KNOWLEDGE / source), source)]
        if "section" in it:
            matching = {s for s in sections[source] if section_matches(it["section"], s)}
            assert len(matching) == 1, f"{it['id']}: {it['section']!r} matches {sorted(matching)} in {source}"
    documents = {str(p.relative_to(KNOWLEDGE)) for p in KNOWLEDGE.rglob("*.*") if p.name != "README.md"}
    assert set(sections) == documents, "every sample document is asked about"
    plain = sum(not has_diacritics(it["question"]) for it in on)
    assert len(on) >= 80 and plain >= len(on) // 4
    assert len(items) - len(on) >= 20  # off-topic questions


def test_ward_questions_name_ward_procedures():
    corpus = corpora.shared_corpus()
    if corpus is None:
        pytest.skip("../shared/corpus is absent")
    items = corpora.ward_questions(corpus)  # raises on a code that is not a ward procedure
    assert len(items) >= 200 and len({it["id"] for it in items}) == len(items)
    per_procedure = Counter(it["source"][0] for it in items)
    assert max(per_procedure.values()) == 1
    assert all(has_diacritics(it["question"]) for it in items)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_the_sample_holdout_points_at_sections_that_hold_its_facts():
    items = load_items(DATA / "sample_holdout.jsonl")
    assert {it["split"] for it in items} == {"holdout"} and len({it["id"] for it in items}) == len(items)
    for it in items:
        if it["source"] is None:
            continue
        for source, section in [(it["source"], it["section"])] + [(a["source"], a["section"]) for a in it.get("also", [])]:
            chunks = [c for c in chunk_document(read(KNOWLEDGE / source), source) if section_matches(section, c.section)]
            assert chunks, f"{it['id']}: no section {section!r} in {source}"
        body = _norm("\n".join(c.text for c in chunk_document(read(KNOWLEDGE / it["source"]), it["source"])
                               if section_matches(it["section"], c.section)))
        for fact in it.get("fact", []):
            assert _norm(fact) in body, f"{it['id']}: {fact!r} is not in {it['source']} {it['section']}"


def test_the_desk_holdout_names_desk_procedures_and_their_own_facts():
    corpus = corpora.shared_corpus()
    if corpus is None:
        pytest.skip("../shared/corpus is absent")
    items = corpora.desk_questions(corpus, corpora.DESK_HOLDOUT)  # raises on a code outside the desk base
    records = {r["ma_thu_tuc"]: r for r in corpora.desk_records(corpus)}
    assert {it["split"] for it in items} == {"holdout"} and len({it["id"] for it in items}) == len(items)
    for it in items:
        if it["ma_thu_tuc"] is None:
            continue
        text = _norm(corpora.ward_document(records[it["ma_thu_tuc"]]))
        for fact in it.get("fact", []):
            assert _norm(corpora.nfc(fact)) in text, f"{it['id']}: {fact!r}"
