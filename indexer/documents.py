"""Typed records that cross module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One unit of a document as read: a heading, a paragraph or a table row."""

    kind: str  # "heading" | "para" | "row"
    text: str
    level: int = 0  # heading level when known from the format (1 = top)


@dataclass
class RawDocument:
    """A document as read from disk, before structure detection."""

    title: str
    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of a section, with everything needed to cite it."""

    source: str  # path relative to the knowledge folder
    title: str
    section: str  # "5. Nội dung quy trình > 5.2 Tiếp nhận hồ sơ"
    text: str
    code: str = ""
    revision: str = ""
    effective_date: str = ""

    def passage(self) -> str:
        """What the dense model sees: the body with its title and section for context."""
        head = " | ".join(p for p in (self.title, self.section) if p)
        return f"{head}\n{self.text}" if head else self.text


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    dense: float = 0.0  # cosine similarity of the query and this chunk
    coverage: float = 0.0  # share of the query's words found in this chunk
