"""The e5 model as an int8 ONNX file, and passages encoded with it through ONNX Runtime (no torch).

The file is made once, when the model folder is prepared: the fp32 BERT exported by torch with its plain
("eager") attention, then its weight products quantized to int8 per output channel (dynamic
quantization), except the feed-forward output of the first half of the layers; the embedding table stays
fp32. Measured against sentence-transformers fp32 on 300 ward passages (2026-12-05, 2 threads): cosine ≥
0.998 (mean 0.999), as bf16, at 33 passages/s. Exported through torch's fused attention instead, the same
products ran at 25/s: its masking exports as Where and IsNaN over every attention score, a fifth of the
time. Every product in int8 gave cosine 0.994 and cost the desk set 0.011 MRR; scaling the feed-forward
outliers into the weights first (SmoothQuant, α 0.5) did not help; quantizing every operator, the
embedding table included, 0.978.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ModelError

FILE = Path("onnx") / "model_int8.onnx"
EXPORT = 2  # 1: fused attention (2026-12-04), 2: eager attention; older files are rewritten when indexing


def path_of(model_dir: Path) -> Path:
    return Path(model_dir) / FILE


def _stamp(model_dir: Path) -> Path:
    return path_of(model_dir).with_suffix(".json")


def up_to_date(model_dir: Path) -> bool:
    """The int8 file is there and was written by this version of ``export``."""
    try:
        return path_of(model_dir).exists() and json.loads(_stamp(model_dir).read_text())["export"] == EXPORT
    except (OSError, ValueError, KeyError, TypeError):
        return False


def export(model_dir: Path) -> Path:
    """Write ``model_dir/onnx/model_int8.onnx`` from the fp32 weights in ``model_dir`` (needs torch, once)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    model_dir = Path(model_dir)
    dest = path_of(model_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 10, 11, 2], [0, 12, 2, 1]])
    mask = (ids != 1).long()
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "last_hidden_state": {0: "batch", 1: "tokens"}}
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Encoder(bert), (ids, mask), str(fp32), input_names=["input_ids", "attention_mask"],
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
                              dynamo=False)
        partial = Path(tmp) / "model_int8.onnx"
        quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=_kept_in_fp32(fp32))
        os.replace(partial, dest)
    _stamp(model_dir).write_text(json.dumps({"export": EXPORT}))
    return dest


def _kept_in_fp32(onnx_file: Path) -> list[str]:
    """The feed-forward output products of the first half of the layers: their inputs (after GELU) have
    outliers that one int8 scale per tensor cannot hold."""
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    found = {int(m[1]): n.name for n in graph.node
             if n.op_type == "MatMul" and (m := re.search(r"layer\.(\d+)/output/dense/MatMul$", n.name))}
    return [name for layer, name in found.items() if layer < len(found) // 2]


class OnnxEmbedder:
    """e5 passages (and queries) through ONNX Runtime and the int8 file: mean pooling over the tokens,
    L2-normalised, the model's prompts ("passage: ", "query: ") prepended, as sentence-transformers does."""

    def __init__(self, model_dir: Path, batch_size: int, threads: int | None = None) -> None:
        self.model_dir = Path(model_dir)
        self.file = path_of(self.model_dir)
        if not self.file.exists():
            raise ModelError(f"{self.file} is missing: run `isobot model`")
        self.batch_size, self.threads = batch_size, threads
        config = json.loads((self.model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self.prompts = config.get("prompts") or {}
        self.max_tokens = json.loads((self.model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
        self.dimension = json.loads((self.model_dir / "config.json").read_text())["hidden_size"]
        self._session = self._tokenizer = None

    def _load(self) -> None:
        from tokenizers import Tokenizer

        try:
            import onnxruntime
        except ImportError as e:
            raise ModelError(f"ONNX Runtime cannot be loaded ({e}): set ISOBOT_PRECISION=fp32 or bf16") from None

        options = onnxruntime.SessionOptions()
        # every core: left to itself, ONNX Runtime counts physical cores, one on a 2-vCPU machine
        options.intra_op_num_threads = self.threads or os.cpu_count() or 1
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(str(self.file), options, providers=["CPUExecutionProvider"])
        except Exception as e:
            raise ModelError(f"cannot load {self.file} ({e}): delete it and run `isobot model` to write it again") from None
        self._tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)

    def embed(self, texts: Sequence[str], kind: str = "passage", progress: bool = False) -> np.ndarray:
        if self._session is None:
            self._load()
        prompt = self.prompts.get(kind, "")
        out = np.zeros((len(texts), self.dimension), np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths share a batch
        starts = range(0, len(order), self.batch_size)
        if progress:  # `isobot index` in a terminal shows a bar, as sentence-transformers did
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches", unit="batch")
        for start in starts:
            rows = order[start:start + self.batch_size]
            encoded = self._tokenizer.encode_batch([prompt + texts[i] for i in rows])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(rows), width), np.int64)
            mask = np.zeros((len(rows), width), np.int64)
            for r, e in enumerate(encoded):
                ids[r, :len(e.ids)], mask[r, :len(e.ids)] = e.ids, 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out
