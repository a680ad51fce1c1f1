"""The loaded knowledge base: settings -> embedder, index on disk, searcher; reloadable."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from indexer import models, store
from indexer.answer import Thresholds
from indexer.embedder import SentenceTransformerEmbedder
from indexer.search import Searcher

from .settings import Settings


def log(message: str) -> None:
    print(message, file=sys.stderr)


def open_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    path = models.resolve(settings.embed_model, settings.data_dir, log)
    return SentenceTransformerEmbedder(path, threads=settings.threads)


def thresholds(settings: Settings) -> Thresholds:
    if settings.min_confidence is None:
        return Thresholds()
    return Thresholds(min_confidence=settings.min_confidence)


@dataclass
class Knowledge:
    """The loaded index with its searcher; ``reload()`` swaps to the newest index on disk."""

    settings: Settings
    embedder: SentenceTransformerEmbedder | None = None
    searcher: Searcher | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.embedder = self.embedder or open_embedder(self.settings)
        self.reload()

    def reload(self) -> Path:
        index = store.load(self.settings.data_dir, model=self.embedder.id)
        self.searcher = Searcher(index, self.embedder)
        return index.folder

    @property
    def thresholds(self) -> Thresholds:
        return thresholds(self.settings)
