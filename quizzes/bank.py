"""Question banks: human-edited YAML files, one topic a file, checked before use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

LETTERS = "ABCDEF"
# Telegram quiz polls are the strictest platform
MAX_QUESTION, MAX_OPTION, MAX_EXPLANATION = 300, 100, 200


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    question: str
    options: tuple[str, ...]
    answer: int  # index of the correct option
    explanation: str = ""
    source_document: str = ""
    source_section: str = ""
    file: str = ""
    line: int = 0


@dataclass
class Topic:
    id: str
    title: str
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def _line_map(text: str) -> dict[int, int]:
    """Question index -> line of its '- id:' entry, from the YAML node tree."""
    lines: dict[int, int] = {}
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "questions" and isinstance(value, yaml.SequenceNode):
                for i, item in enumerate(value.value):
                    lines[i] = item.start_mark.line + 1
    return lines


def load_topic(path: Path) -> tuple[Topic | None, list[Problem]]:
    """Parse one bank; problems that make a question unusable drop that question, not the file."""
    path = Path(path)
    name = path.name
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem(name, 0, f"cannot read: {e}")]
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        return None, [Problem(name, mark.line + 1 if mark else 0, f"not valid YAML: {getattr(e, 'problem', e)}")]
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return None, [Problem(name, 1, "a bank needs 'topic', 'title' and a list 'questions'")]
    topic_id = str(data.get("topic") or path.stem)
    topic = Topic(topic_id, str(data.get("title") or topic_id))
    if topic_id != path.stem:
        problems.append(Problem(name, 1, f"topic {topic_id!r} differs from the file name {path.stem!r}"))
    lines = _line_map(text)
    for i, raw in enumerate(data["questions"]):
        line = lines.get(i, 0)
        q, errors = check_question(raw, topic_id, name, line)
        problems += [Problem(name, line, e) for e in errors]
        if q is not None:
            topic.questions.append(q)
    return topic, problems


def check_question(raw, topic: str, file: str = "", line: int = 0) -> tuple[Question | None, list[str]]:
    """One question as a bank file holds it: the question, or why it cannot be used."""
    if not isinstance(raw, dict):
        return None, ["a question must be a mapping with id, question, options, answer"]
    qid = str(raw.get("id") or "").strip()
    text = str(raw.get("question") or "").strip()
    options = raw.get("options")
    explanation = str(raw.get("explanation") or "").strip()
    source = raw.get("source") or {}
    errors = []
    if not qid:
        errors.append("missing id")
    if not text:
        errors.append(f"{qid or 'question'}: missing question text")
    if not isinstance(options, list) or not 2 <= len(options) <= 6:
        errors.append(f"{qid}: needs 2 to 6 options")
        options = []
    options = [str(o).strip() for o in options]
    answer = str(raw.get("answer") or "").strip().upper()
    if len(answer) != 1 or answer not in LETTERS[: len(options)]:
        errors.append(f"{qid}: 'answer' must be one letter among {LETTERS[:len(options)] or 'A–F'}")
    if len(set(options)) != len(options):
        errors.append(f"{qid}: two options are the same")
    if len(text) > MAX_QUESTION:
        errors.append(f"{qid}: question has {len(text)} characters (Telegram allows {MAX_QUESTION})")
    for n, o in enumerate(options):
        if not o:
            errors.append(f"{qid}: option {LETTERS[n]} is empty")
        elif len(o) > MAX_OPTION:
            errors.append(f"{qid}: option {LETTERS[n]} has {len(o)} characters (Telegram allows {MAX_OPTION})")
    if len(explanation) > MAX_EXPLANATION:
        errors.append(f"{qid}: explanation has {len(explanation)} characters (Telegram allows {MAX_EXPLANATION})")
    if not isinstance(source, dict) or not source.get("document"):
        errors.append(f"{qid}: missing source.document (the knowledge-base section that backs the answer)")
        source = {}
    if errors:
        return None, errors
    return Question(qid, topic, text, tuple(options), LETTERS.index(answer), explanation,
                    str(source.get("document")), str(source.get("section") or ""), file, line), []


@dataclass
class Bank:
    topics: dict[str, Topic]
    problems: list[Problem]

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id (a bank is read once and not changed afterwards)."""
        return {q.id: q for t in self.topics.values() for q in t.questions}

    def select(self, topics: list[str] | None) -> list[Question]:
        chosen = topics or list(self.topics)
        return [q for t in chosen for q in self.topics[t].questions]


def load_bank(folder: Path) -> Bank:
    """Every ``*.yaml`` in the folder; duplicate ids across files are problems too."""
    topics: dict[str, Topic] = {}
    problems: list[Problem] = []
    seen: dict[str, Question] = {}
    for path in sorted(Path(folder).glob("*.y*ml")):
        topic, found = load_topic(path)
        problems += found
        if topic is None:
            continue
        unique = []
        for q in topic.questions:
            if q.id in seen:
                problems.append(Problem(q.file, q.line, f"{q.id}: id already used in {seen[q.id].file}:{seen[q.id].line}"))
            else:
                seen[q.id] = q
                unique.append(q)
        topic.questions = unique
        topics[topic.id] = topic
    return Bank(topics, problems)


def check_sources(bank: Bank, sections: dict[str, list[str]]) -> list[Problem]:
    """Every source must name an indexed document and, if given, one of its sections (whole word)."""
    problems = []
    for q in bank.questions.values():
        doc_sections = sections.get(q.source_document)
        if doc_sections is None:
            problems.append(Problem(q.file, q.line, f"{q.id}: source {q.source_document!r} is not in the index"))
        elif q.source_section and not any(section_matches(q.source_section, s) for s in doc_sections):
            problems.append(Problem(q.file, q.line, f"{q.id}: no section {q.source_section!r} in {q.source_document}"))
    return problems


def section_matches(wanted: str, section: str) -> bool:
    pattern = r"(?<!\w)" + re.escape(wanted.strip().casefold()) + r"(?!\w)"
    return re.search(pattern, section.casefold()) is not None
