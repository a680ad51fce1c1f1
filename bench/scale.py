"""`make bench-scale`: cost as the knowledge base grows, on one machine (it takes long; apart from
`make bench`).

- The whole portal corpus (every procedure of ../shared/corpus, ~25k chunks) indexed once with
  `isobot index` (kept in data/bench/scale/, so a second run re-uses it).
- A synthetic 100k-chunk base made from it by perturbing its vectors and reusing its texts (nothing
  is encoded): index size on disk, load time, RSS, query p50/p95, and flat FAISS against HNSW and
  IVF (recall@10 against flat search).
- The desk base (159 procedures, ~2.5k chunks) for the small end.

    python -m bench.scale [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from bench import corpora  # noqa: E402
from bench.measure import emit, percentiles, serving  # noqa: E402

WORK = ROOT / "data" / "bench" / "scale"
ISOBOT = [sys.executable, "-m", "bot.cli"]


def log(msg: str) -> None:
    print(f"[bench-scale] {msg}", file=sys.stderr, flush=True)


def build_portal_kb(corpus: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    with corpora._tthc_file(corpus).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = {k: corpora.nfc(v) if isinstance(v, str) else v for k, v in json.loads(line).items()}
                (out / corpora.ward_path(record["ma_thu_tuc"])).write_text(corpora.ward_document(record), encoding="utf-8")
                n += 1
    return n


def index(kb: Path, data: Path) -> dict:
    t = time.perf_counter()
    out = subprocess.run(ISOBOT + ["--knowledge", str(kb), "--data", str(data), "index", "--json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    report = json.loads(out.stdout)
    return {"documents": report["documents"], "chunks": report["chunks"], "seconds": round(time.perf_counter() - t, 1)}


def disk_mb(folder: Path) -> dict:
    folder = folder.resolve()
    return {p.name: round(p.stat().st_size / 1e6, 1) for p in sorted(folder.iterdir())} | {
        "total": round(sum(p.stat().st_size for p in folder.iterdir()) / 1e6, 1)}


def synthetic(source: Path, out: Path, chunks: int, seed: int = 7) -> dict:
    """An index of ``chunks`` chunks from ``source``'s: each copy's vectors perturbed (Gaussian noise,
    renormalised, cosine ~0.95 to the original) and its texts reused under another source name."""
    import dataclasses

    import numpy as np

    from indexer import store

    rng = np.random.default_rng(seed)
    base = store.load(source)
    copies = -(-chunks // len(base.chunks))
    all_chunks, vectors, titles, documents = [], [], [], {}
    for k in range(copies):
        noise = 0 if k == 0 else 0.018
        for src, doc in base.documents.items():
            lo, hi = doc["chunks"]
            name = src if k == 0 else f"ban-sao-{k}/{src}"
            documents[name] = {**doc, "chunks": [len(all_chunks), len(all_chunks) + hi - lo]}
            all_chunks += [dataclasses.replace(c, source=name) for c in base.chunks[lo:hi]]
        v = base.vectors + noise * rng.standard_normal(base.vectors.shape, dtype=np.float32)
        vectors.append(v / np.linalg.norm(v, axis=1, keepdims=True))
        t = base.titles + noise * rng.standard_normal(base.titles.shape, dtype=np.float32)
        titles.append(t / np.linalg.norm(t, axis=1, keepdims=True))
    manifest = {**base.manifest, "documents": documents}
    t0 = time.perf_counter()
    store.write(out, store.IndexData(manifest, all_chunks, np.concatenate(vectors), np.concatenate(titles)))
    model_link = out / "models"
    if not model_link.exists():
        model_link.symlink_to((source / "models").resolve())
    return {"chunks": len(all_chunks), "documents": len(documents), "write_s": round(time.perf_counter() - t0, 1)}


def ann(data: Path, questions: list[str], k: int = 10) -> dict:
    """Flat inner-product search against HNSW and IVF on the same vectors: recall@k and time per query."""
    import faiss
    import numpy as np

    from indexer import store
    from indexer.embedder import EngineQueryEmbedder
    from indexer.models import default_model_dir

    faiss.omp_set_num_threads(2)
    vectors = np.ascontiguousarray(store.load(data).vectors)
    queries = EngineQueryEmbedder(default_model_dir(data), threads=2).embed(questions, kind="query")
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    truth = flat.search(queries, k)[1]
    out = {"vectors": len(vectors)}

    def timed(index, name: str, build_s: float) -> None:
        times, found = [], []
        for q in queries:
            t = time.perf_counter()
            ids = index.search(q[None, :], k)[1][0]
            times.append(1000 * (time.perf_counter() - t))
            found.append(ids)
        recall = float(np.mean([len(set(f) & set(t)) / k for f, t in zip(found, truth)]))
        out[name] = {"recall_at_10": round(recall, 3), "build_s": round(build_s, 1), **percentiles(times)}

    timed(flat, "flat", 0.0)
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(vectors)
    built = time.perf_counter() - t
    for ef in (64, 128):
        hnsw.hnsw.efSearch = ef
        timed(hnsw, f"hnsw32_ef{ef}", built)
    nlist = int(4 * len(vectors) ** 0.5)
    t = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    ivf.add(vectors)
    built = time.perf_counter() - t
    for nprobe in (8, 32):
        ivf.nprobe = nprobe
        timed(ivf, f"ivf{nlist}_nprobe{nprobe}", built)
    return out


def questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "bench" / "data" / "ward_questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows][:105]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    corpus = corpora.shared_corpus()
    if corpus is None:
        sys.exit("bench-scale needs ../shared/corpus")
    qs = questions()
    result: dict = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "threads": 2, "bases": {}}
    log("the desk base (159 procedures) and the whole portal corpus, each indexed once (re-used after)")
    corpora.build_ward_kb(corpus, WORK / "desk" / "kb", desk=True)
    result["desk_index"] = index(WORK / "desk" / "kb", WORK / "desk" / "data")
    kb, data = WORK / "kb", WORK / "data"
    result["portal_documents"] = build_portal_kb(corpus, kb)
    result["portal_index"] = index(kb, data)
    sizes = [("desk_159", WORK / "desk" / "data"), ("portal_2642", data)]
    log("synthetic 100k-chunk base from the portal index's vectors and texts")
    big = WORK / "synthetic"
    result["synthetic"] = synthetic(data, big, 100_000)
    sizes.append(("synthetic", big))
    for name, folder in sizes:
        if not (folder / "index" / "manifest.json").exists():
            continue
        log(f"{name}: load, answers, RSS; flat vs HNSW vs IVF")
        with open(folder / "index" / "chunks.jsonl", encoding="utf-8") as f:
            chunks = sum(1 for _ in f)
        result["bases"][name] = {"chunks": chunks, "disk_mb": disk_mb(folder / "index"), "bot": serving.measure(folder, qs),
                                 "ann": ann(folder, qs)}
    emit(result, args.out)


if __name__ == "__main__":
    main()
