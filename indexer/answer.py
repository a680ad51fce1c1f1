"""From search hits to an answer: the best passage, trimmed, with citations,
or an honest "not found" when the best hit is not reliable."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import intents, tables
from .documents import Chunk, Hit
from .search import EVERYDAY, TITLE_FILLER, Searcher
from .text import clean, words

# Tuned on the dev set, the ward set and off-topic questions with multilingual-e5-small
# (its cosines sit between 0.75 and 0.95); another model needs its own value. Re-tuned on 2026-12-05 on
# the dev halves, once novelty skipped a question's everyday words (0.85 and 0.06 before).
MIN_CONFIDENCE = 0.87
COVERAGE_WEIGHT = 0.025  # a passage holding the question's own words is a little more trustworthy
NOVELTY_WEIGHT = 0.03  # a question in words the knowledge base never uses is probably about something else
MAX_CHARS = 700
PAPERS_CHARS = 1200  # a list of papers, each by its name, may run longer
CLARIFY_MARGIN = 0.15  # siblings scoring within this of the best are offered as a choice (tuned on dev)
MAX_CHOICES = 4
VALUE_WEIGHT = 5  # in trimming, a line giving the asked kind a value (tuned on the dev halves)
LIST_ITEM = re.compile(r"\s*(?:[-+•*]\s|\d{1,2}[.)]\s|[a-zđ]\)\s)")  # "- Tờ khai…", "1. …", "a) …"


@dataclass(frozen=True)
class Citation:
    source: str
    title: str
    section: str
    code: str = ""
    revision: str = ""

    @classmethod
    def of(cls, chunk: Chunk) -> "Citation":
        return cls(chunk.source, chunk.title, chunk.section, chunk.code, chunk.revision)


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    passage: str = ""  # the trimmed text that answers, when answered
    citation: Citation | None = None
    related: list[Citation] = field(default_factory=list)
    suggestions: list[Citation] = field(default_factory=list)  # nearest sections, when not answered
    confidence: float = 0.0
    clarify: list[Citation] = field(default_factory=list)  # sibling procedures to choose from, best first


@dataclass(frozen=True)
class Thresholds:
    min_confidence: float = MIN_CONFIDENCE
    coverage_weight: float = COVERAGE_WEIGHT
    novelty_weight: float = NOVELTY_WEIGHT

    def confidence(self, hit: Hit, novelty: float = 0.0) -> float:
        """Query–passage cosine, nudged up by the share of the question's words in the passage and
        down by the share of its word pairs the knowledge base never uses."""
        return hit.dense + self.coverage_weight * hit.coverage - self.novelty_weight * novelty

    def reliable(self, hit: Hit, novelty: float = 0.0) -> bool:
        return self.confidence(hit, novelty) >= self.min_confidence


def answer(question: str, searcher: Searcher, thresholds: Thresholds = Thresholds(), k: int = 10,
           mode: str = "rank", only: str | None = None) -> Answer:
    """The answer from the whole base; with ``only`` (a procedure the officer chose), from that
    document, whatever the confidence."""
    question = clean(question)
    hits = searcher.search(question, k=k, mode=mode, only=only) if question else []
    if only is not None:
        thresholds = Thresholds(min_confidence=float("-inf"))
    return answer_from_hits(question, hits, thresholds, searcher.novelty(question), searcher.index.section_text)


def answer_from_hits(question: str, hits: list[Hit], thresholds: Thresholds = Thresholds(),
                     novelty: float = 0.0, section_text=None) -> Answer:
    """``section_text(source, section)``, when given, lets the passage come from the best hit's whole
    section rather than its chunk (a fee row may sit in the section's other chunk)."""
    sections = distinct_sections(hits)
    # how sure we are that the best document is what was asked about: its best-matching passage
    # (the passage shown may be its section that holds the asked fact, less like the question)
    confidence = max((thresholds.confidence(h, novelty) for h in hits if h.chunk.source == hits[0].chunk.source),
                     default=0.0)
    if not sections or confidence < thresholds.min_confidence:
        return Answer(question, False, suggestions=[Citation.of(h.chunk) for h in sections[:3]],
                      confidence=confidence)
    best = sections[0]
    choices = siblings(hits)
    if choices:
        related = []
    else:
        related = [Citation.of(h.chunk) for h in sections[1:] if thresholds.reliable(h, novelty)][:3]
    text = section_text(best.chunk.source, best.chunk.section) if section_text else best.chunk.text
    return Answer(question, True, trim(text or best.chunk.text, question), Citation.of(best.chunk), related, [],
                  confidence, [Citation.of(h.chunk) for h in choices])


def title_words(title: str) -> frozenset[str]:
    return frozenset(words(title)) - TITLE_FILLER


def related_procedures(a: str, b: str) -> bool:
    """Two titles of one family: one's words all in the other's ("Đăng ký khai sinh" and
    "Đăng ký khai sinh lưu động", "Đăng ký lại khai sinh")."""
    wa, wb = title_words(a), title_words(b)
    small, large = sorted((wa, wb), key=len)
    return len(small) >= 2 and small < large


def siblings(hits: list[Hit], margin: float = CLARIFY_MARGIN, limit: int = MAX_CHOICES) -> list[Hit]:
    """The best document and its siblings among the next documents (the first hit of each), when
    there are any; else []."""
    firsts: list[Hit] = []
    for h in hits:
        if all(f.chunk.source != h.chunk.source for f in firsts):
            firsts.append(h)
        if len(firsts) == 6:
            break
    if not firsts:
        return []
    best = firsts[0]
    plain = title_words(best.chunk.title)
    # a variant of the best is offered whatever its score (the question did not name what sets it
    # apart); a broader sibling only when it scores close
    close = [best] + [h for h in firsts[1:] if related_procedures(best.chunk.title, h.chunk.title)
                      and (plain < title_words(h.chunk.title) or best.score - h.score <= margin)]
    return close[:limit] if len(close) > 1 else []


def distinct_sections(hits: list[Hit]) -> list[Hit]:
    seen, out = set(), []
    for h in hits:
        key = (h.chunk.source, h.chunk.section)
        if key not in seen:
            seen.add(key)
            out.append(h)
    return out


def trim(text: str, question: str, max_chars: int | None = None) -> str:
    """The part of ``text`` that answers: the best-matching lines and what follows them; for a papers
    question, the papers (up to PAPERS_CHARS unless ``max_chars`` is given)."""
    digest_chars = max_chars or PAPERS_CHARS
    max_chars = max_chars or MAX_CHARS
    if len(text) <= max_chars:
        return text
    q = set(words(question))
    pieces = [p for line in text.split("\n") for p in _sentences(line, max_chars)]
    kinds = intents.asked(question)
    labels = [lab for kind in kinds for lab in intents.KINDS[kind][1]]
    channel = asked_channel(question)
    # a line that gives the asked kind a value ("Lệ phí: 50.000 đồng", a table row read back) is the
    # answer, however few of the question's words it shares with a note that only mentions the fee
    scores = [len(q & set(words(p))) + 2 * any(intents.mentions(p, lab) for lab in labels)
              + VALUE_WEIGHT * intents.gives_value(p, kinds)
              + 3 * (channel is not None and p.startswith(channel)) for p in pieces]
    start = max(range(len(pieces)), key=lambda i: (scores[i], -i))
    if "documents" in kinds and (digest := papers_digest(text, digest_chars, question)):
        # "giấy tờ gì" is answered by the papers themselves, each by its name, unless the question names
        # something of another line that the papers' names do not say ("… có phải chứng thực không")
        if not _named(question) & _pairs(pieces[start]) - _pairs(digest):
            return digest
    if "documents" in kinds:
        # "giấy tờ gì" is answered by the list from its first paper, unless the question names something
        # of a later line that the first paper does not say ("văn bản ủy quyền có phải chứng thực không")
        first = next((i for i, p in enumerate(pieces) if LIST_ITEM.match(p)), start)
        if first < start and not _named(question) & _pairs(pieces[start]) - _pairs(pieces[first]):
            start = first
    end, size = start, len(pieces[start])
    # a list of papers is read from its first item; a fee or a time limit from its own row onwards
    for step in ((-1, 1) if "documents" in kinds else (1, -1)):
        while 0 <= (nxt := start - 1 if step < 0 else end + 1) < len(pieces) and size + len(pieces[nxt]) + 1 <= max_chars:
            size += len(pieces[nxt]) + 1
            start, end = (nxt, end) if step < 0 else (start, nxt)
    while end > start and pieces[end].rstrip().endswith(":"):  # a heading whose lines were cut off
        end -= 1
    out = "\n".join(pieces[start : end + 1])
    return ("… " if start > 0 else "") + out + (" …" if end + 1 < len(pieces) else "")


PAPER = tables.PAPER_ROW
SUBLIST = re.compile(r"-\s(?P<name>.+?)(?P<copies>:)$")
GROUP = re.compile(r"[^-+\s].*:$")  # "Giấy tờ phải nộp:"
PAPER_NAME = 120  # characters of a paper's name in a digest


def papers_digest(text: str, max_chars: int = PAPERS_CHARS, question: str = "") -> str | None:
    """A papers list in short (a portal table read back, ``tables.unflatten_papers``): each paper by its
    name's first sentence and its copies, under its group's heading, without the notes between them.
    When they do not all fit, the papers the question names come first, then the list's order; a gap
    is shown as "…". None when ``text`` lists no paper with its copies."""
    entries: list[tuple[str, str, int]] = []  # (group heading, paper line, the group's number)
    group: str | None = None  # the heading seen since the last paper, if any
    heading, groups = "", 0
    lines = text.split("\n")
    for at, line in enumerate(lines):
        paper = PAPER.match(line)
        if paper is None and line.startswith("- ") and line.endswith(":") and at + 1 < len(lines) \
                and lines[at + 1].startswith("  + ") and PAPER.match(lines[at + 1]):
            paper = SUBLIST.match(line)  # "- Giấy tờ chứng minh … gồm:", the papers under it follow
        if paper is None:
            if GROUP.fullmatch(line.strip()) and line.strip() != tables.HEADER:
                group = line.strip()
            elif not LIST_ITEM.match(line) and line.strip() != tables.HEADER:
                group = ""  # "--", a group without a name: set apart from the group before
            continue
        if group is not None:
            groups += 1
            heading, group = group, None
        name = _first_sentence(paper["name"])
        if len(name) > PAPER_NAME:
            name = name[: name.rfind(" ", 0, PAPER_NAME)] + " …"
        entries.append((heading, ("  + " if line.lstrip().startswith("+") else "- ") + name + paper["copies"], groups))
    if not entries:
        return None
    asked = _pairs(question)  # "tờ khai" asks for the papers, and names one of them
    order = sorted(range(len(entries)), key=lambda i: (-len(asked & _pairs(entries[i][1])), i))
    kept, size = set(), 0
    for i in order:
        heading, line, g = entries[i]
        cost = len(line) + 3 + (len(heading) + 1 if all(entries[j][2] != g for j in kept) else 0)
        if size + cost <= max_chars:
            kept.add(i)
            size += cost
    out, shown_group, last = [], 0, -1
    for i in sorted(kept):
        heading, line, g = entries[i]
        if i > last + 1:
            out.append("…")
        if g != shown_group:
            if heading or out:
                out.append(heading)
            shown_group = g
        out.append(line)
        last = i
    if last < len(entries) - 1:
        out.append("…")
    return "\n".join(out)


def _pairs(text: str) -> set[str]:
    """Adjacent word pairs of ``text`` without everyday words: what names a thing ("văn bản ủy quyền")."""
    ws = words(text)
    return {f"{a}_{b}" for a, b in zip(ws, ws[1:]) if a not in EVERYDAY and b not in EVERYDAY}


# the word pairs that ask for a kind of fact ("giấy tờ", "thời hạn") rather than name a thing
CUE_PAIRS = frozenset(p for cues, labels in intents.KINDS.values() for phrase in cues + labels
                      for p in _pairs(phrase))


def _named(question: str) -> set[str]:
    """What the question names: its word pairs, without those that only ask for a kind of fact."""
    return _pairs(question) - CUE_PAIRS


def _first_sentence(text: str) -> str:
    """``text`` up to its first full stop before a capital ("Giấy báo tử. Trường hợp …" -> "Giấy báo tử")."""
    for stop in re.finditer(r"\.\s+(?=\w)", text):
        if text[stop.end()].isupper() and (text[stop.start() - 1].islower() or text[stop.start() - 1] == ")"):
            return text[: stop.start()]
    return text


# How officers name the submission channels of the portal's tables (tables.CHANNELS).
_CHANNEL_WORDS = {"Trực tuyến": ("truc tuyen", "online", "qua mang", "vneid", "dich vu cong", "tren mang"),
                  "Dịch vụ bưu chính": ("buu chinh", "buu dien", "gui qua buu"),
                  "Trực tiếp": ("truc tiep", "den nop", "ra phuong", "tai bo phan")}


def asked_channel(question: str) -> str | None:
    """The channel a question names ("nộp online" -> "Trực tuyến"), if exactly one."""
    found = [ch for ch, cues in _CHANNEL_WORDS.items() if any(intents.mentions(question, c) for c in cues)]
    return found[0] if len(found) == 1 else None


def _sentences(line: str, max_chars: int) -> list[str]:
    if len(line) <= max_chars:
        return [line]
    parts = re.split(r"(?<=[.;!?])\s+", line)
    out = []
    for p in parts:
        while len(p) > max_chars:
            cut = p.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            out.append(p[:cut])
            p = p[cut:].lstrip()
        out.append(p)
    return out
