"""Question banks: parsing, every check reported by file and line, the real banks clean."""

import random
import textwrap

import pytest

from conftest import FIXTURES, ROOT
from quizzes.bank import check_sources, load_bank
from quizzes.engine import draw, parse_choice, reminders

GOOD = """\
topic: t
title: Chủ đề
questions:
  - id: t-01
    question: "Câu một?"
    options: ["A1", "B1", "C1"]
    answer: C
    explanation: "Vì vậy."
    source: {document: quy-trinh/qt-02-kiem-soat-ho-so.md, section: "5.2"}
"""


def write(tmp_path, name, text):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_good_bank_loads():
    bank = load_bank(FIXTURES / "banks")
    assert bank.problems == []
    assert set(bank.topics) == {"ho-so", "mot-cua"} and len(bank.questions) == 14
    q = bank.questions["ho--01"]
    assert q.answer == 1 and q.options[q.answer] == "03 năm" and q.line == 4


def test_every_problem_is_reported_with_file_and_line(tmp_path):
    write(tmp_path, "t.yaml", GOOD + """\
  - id: t-02
    question: "Hai đáp án đúng?"
    options: ["X", "Y"]
    answer: E
    source: {document: a.md}
  - id: t-01
    question: "Trùng mã"
    options: ["X", "Y"]
    answer: A
    source: {document: a.md}
  - id: t-03
    question: "%s"
    options: ["%s", "Y"]
    answer: A
    explanation: "%s"
  - id: t-04
    question: "Một lựa chọn"
    options: ["X"]
    answer: A
    source: {document: a.md}
""" % ("x" * 301, "o" * 101, "e" * 201))
    write(tmp_path, "broken.yaml", "topic: b\nquestions: [\n")
    bank = load_bank(tmp_path)
    got = [(p.file, p.line, p.message.split(":")[0]) for p in bank.problems]
    assert ("t.yaml", 10, "t-02") in got  # answer letter not among the options
    assert ("t.yaml", 15, "t-01") in got  # duplicate id
    messages = " | ".join(str(p) for p in bank.problems)
    assert "question has 301 characters" in messages and "option A has 101 characters" in messages
    assert "explanation has 201 characters" in messages and "missing source.document" in messages
    assert "needs 2 to 6 options" in messages
    assert any(p.file == "broken.yaml" and "not valid YAML" in p.message for p in bank.problems)
    assert list(bank.questions) == ["t-01"]


def test_sources_must_resolve_in_the_index(tmp_path):
    write(tmp_path, "t.yaml", GOOD.replace('section: "5.2"', 'section: "5.9"'))
    bank = load_bank(tmp_path)
    sections = {"quy-trinh/qt-02-kiem-soat-ho-so.md": ["5. Nội dung quy trình > 5.2 Thời gian lưu"]}
    assert "no section '5.9'" in str(check_sources(bank, sections)[0])
    assert "not in the index" in str(check_sources(bank, {})[0])


def test_the_real_banks_are_clean_and_cite_the_sample_knowledge_base():
    from indexer.readers import read
    from indexer.structure import sections

    bank = load_bank(ROOT / "quizzes" / "banks")
    assert bank.problems == []
    assert len(bank.questions) >= 100
    paths = {}
    for q in bank.questions.values():
        if q.source_document not in paths:
            doc = read(ROOT / "knowledge" / q.source_document)
            paths[q.source_document] = [" > ".join(s.path) for s in sections(doc)]
    assert check_sources(bank, paths) == []


@pytest.mark.parametrize("text, n, expected", [("A", 4, 0), ("b", 4, 1), (" c. ", 4, 2), ("(D)", 4, 3), ("1", 4, 0),
                                               ("4", 4, 3), ("E", 4, None), ("5", 4, None), ("an", 4, None), ("", 4, None)])
def test_typed_answers(text, n, expected):
    assert parse_choice(text, n) == expected


def test_draw_puts_missed_questions_first_and_shuffles_options():
    bank = load_bank(FIXTURES / "banks")
    pool = bank.select(None)
    items = draw(pool, 10, random.Random(1), review=["mot-03", "ho--05"])
    ids = [it.question.id for it in items]
    assert len(ids) == 10 == len(set(ids)) and {"mot-03", "ho--05"} <= set(ids)
    for it in items:
        assert it.options[it.correct] == it.question.options[it.question.answer]


def test_reminders_every_k_days_and_the_day_before_the_end():
    from datetime import datetime, timezone

    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    end = datetime(2026, 12, 10, tzinfo=timezone.utc)
    assert [d.day for d in reminders(start, end, 3)] == [4, 7, 9]
