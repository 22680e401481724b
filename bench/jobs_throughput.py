"""Headlines through the whole system: many small jobs through API → Redis → worker → store, against
raw CTranslate2 on the same sentences.

    python bench/jobs_throughput.py [--jobs 200] [--mode shared|processes] [-c N] [--tasks K]
                                    [--beam 4] [--max-new-tokens 32] [--model DIR]

Needs Redis and PostgreSQL (bench/cluster.py: DRAGOMAN_BENCH_PG, DRAGOMAN_BENCH_REDIS). Uses the
OPUS-MT-shaped random Marian of bench/engines.py for en→tr (built on first use) unless --model
names another Marian directory. Starts `dragoman serve` and one `dragoman worker --mode MODE -c N`,
warms it, then:

1. --jobs headline jobs (1-3 sentences each, unique) submitted at once from 8 threads: jobs/s from
   the first submission until none is unfinished, p50/p95 from submission to draft (the store's own
   timestamps), the worker's resident memory (its processes together: compare --mode shared -c 2
   with --mode processes -c 2), and the database checked (jobs unsettled, segments missing,
   duplicated);
2. where the time goes: the same number of script-only jobs (sr-Latn → sr-Cyrl, no model: the API,
   the queue, the store and the pipeline alone); then, with the cluster stopped and dragoman's
   default configuration for this machine, raw ``translate_batch`` on the headlines' sentences in
   one batch stream, dragoman's engine on them in one call, and the jobs' sentences from as many
   threads as the worker holds jobs through the cross-job batcher (no API, queue or store);
3. the ratio raw time / queue time (target ≥ 0.7).

What is not the model's is the system's per job (submitting over HTTP, the store's transactions:
leasing the part, reading the job and its segments, the translation memory, writing segments,
finishing the hop and settling the job, the callback pump), on the same cores as the model: the
smaller the model's share of a job (short headlines, beam 1), the lower the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import Cluster, bench_env, headline, percentile  # noqa: E402
from bench.engines import bench_ct2_raw, settings_for, tokenized  # noqa: E402
from translate.backends.ct2 import Ct2Engine, Ct2Model  # noqa: E402
from translate.batcher import Coalescer  # noqa: E402
from translate.segment import split_sentences  # noqa: E402


def job_figures(cluster: Cluster, ids: list[str]) -> dict[str, int]:
    """The checks: jobs whose state is not the lifecycle's function of their drafts, jobs not
    draft_ready, segments missing a target, segment rows duplicated, drafts whose done count
    disagrees with their segments."""
    import sqlalchemy as sa

    from newsroom.jobs import JobStore
    from newsroom.schema import drafts, jobs, segments
    from tests.lifecycle_machine import unsettled

    with cluster.engine.connect() as conn:
        states = conn.execute(sa.select(jobs.c.state).where(jobs.c.id.in_(ids))).scalars().all()
        mine = segments.c.draft_id.in_(sa.select(drafts.c.id).where(drafts.c.job_id.in_(ids)))
        missing = conn.execute(sa.select(sa.func.count()).select_from(segments)
                               .where(mine, segments.c.target.is_(None))).scalar()
        per_key = sa.select(sa.func.count().label("n")).where(mine).group_by(segments.c.draft_id, segments.c.idx)
        duplicated = conn.execute(sa.select(sa.func.count()).select_from(per_key.subquery())
                                  .where(sa.column("n") > 1)).scalar()
        counted = sa.select(sa.func.count()).where(segments.c.draft_id == drafts.c.id).scalar_subquery()
        miscounted = conn.execute(sa.select(sa.func.count()).select_from(drafts).where(
            drafts.c.job_id.in_(ids), sa.or_(drafts.c.total != counted, drafts.c.done != drafts.c.total))).scalar()
    store = JobStore(cluster.env["DRAGOMAN_DATABASE_URL"])
    checks = {"jobs unsettled": len(unsettled(store)), "jobs not ready": sum(s != "draft_ready" for s in states),
              "segments missing": missing, "segments duplicated": duplicated, "drafts miscounted": miscounted}
    store.engine.dispose()
    return checks


def run_jobs(cluster: Cluster, texts: list[str], source: str = "en", target: str = "tr") -> dict:
    def one(text: str) -> str:
        body = {"text": text, "source": source, "targets": [target], "format": "text"}
        response = cluster.client.post("/jobs", json=body)
        response.raise_for_status()
        return response.json()["id"]

    start = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(one, texts))
    submitted = time.perf_counter() - start
    wall = cluster.settle(ids, 3600) - start
    spans = [done - created for created, done in cluster.finished(ids).values()]
    return {"ids": ids, "submitted": submitted, "wall": wall, "jobs/s": len(ids) / wall,
            "p50": statistics.median(spans), "p95": percentile(spans, 0.95)}


def raw(ct2_dir: Path, texts: list[str], beam: int, max_new: int, threads: int) -> dict:
    """The same sentences without the system, dragoman's default plan: raw ``translate_batch`` in one
    batch stream; the engine in one call (dragoman's batching); and the jobs' sentences from
    ``threads`` threads through the Coalescer (cross-job batching, no API, queue or store)."""
    jobs = [[s.text for s in split_sentences(text, "en")] for text in texts]
    sentences = [s for job in jobs for s in job]
    model = Ct2Model(ct2_dir, settings_for(beam, max_new, device="cpu"))
    engine = Ct2Engine(model, settings_for(beam, max_new, device="cpu"))
    sources = tokenized(ct2_dir, sentences)
    model.translator.translate_batch(sources[:4], beam_size=beam, max_decoding_length=4)
    out = {"sentences": len(sentences), "raw": min(
        bench_ct2_raw(model.translator, sources, beam, max_new, model.plan.batch_size)[1] for _ in range(2))}
    start = time.perf_counter()
    engine.translate(sentences)
    out["one call"] = time.perf_counter() - start
    batcher = Coalescer(engine, engine.count_tokens, 0.02, engine.batch_tokens * model.plan.inter_threads, 2)
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(batcher.translate, jobs))
    out["coalesced"], out["calls"] = time.perf_counter() - start, batcher.calls
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--mode", choices=["shared", "processes"], default="shared")
    parser.add_argument("-c", "--concurrency", type=int, default=0)
    parser.add_argument("--tasks", type=int, default=0)
    parser.add_argument("--beam", type=int, default=4, help="4: dragoman's default (DRAGOMAN_BEAM_SIZE)")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    env, hf, ct2_dir = bench_env(args.model, args.beam, args.max_new_tokens)
    worker = ["--mode", args.mode, "-c", str(args.concurrency)] + (["--tasks", str(args.tasks)] if args.tasks else [])
    salt = f"r{int(time.time())}-"
    texts = [headline(i, salt) for i in range(args.jobs)]
    print(f"model {hf.name}, beam {args.beam}, {args.max_new_tokens} new tokens; worker {' '.join(worker)}",
          flush=True)
    with Cluster(env, [worker], args.port) as cluster:
        cluster.warm()
        mt = run_jobs(cluster, texts)
        rss = cluster.worker_rss_mb()
        checks = job_figures(cluster, mt["ids"])
        script = run_jobs(cluster, [f"Vesti dana broj {salt}{i}. Kratko." for i in range(args.jobs)],
                          "sr-Latn", "sr-Cyrl")
    alone = raw(ct2_dir, texts, args.beam, args.max_new_tokens, args.tasks or 16)
    raw_seconds, sentences = alone["raw"], alone["sentences"]
    ratio = raw_seconds / mt["wall"]
    print(f"\n{args.jobs} headline jobs ({sentences} sentences): {mt['jobs/s']:.2f} jobs/s in {mt['wall']:.1f} s "
          f"(submitted in {mt['submitted']:.1f} s); p50 {mt['p50']:.2f} s, p95 {mt['p95']:.2f} s "
          "(submission to draft, store timestamps)")
    print(f"worker resident memory ({' '.join(worker)}): {rss:.0f} MB")
    print("database: " + ", ".join(f"{k} {v}" for k, v in checks.items()))
    print(f"raw translate_batch on the same sentences, one batch stream: {raw_seconds:.1f} s "
          f"({args.jobs / raw_seconds:.2f} jobs/s)")
    print(f"queue / raw: {ratio:.2f}x ({'meets' if ratio >= 0.7 else 'MISSES'} the 0.7 target)")
    print(f"without the system: dragoman's engine in one call {alone['one call']:.1f} s "
          f"({raw_seconds / alone['one call']:.2f}x raw); the jobs from {args.tasks or 16} threads through the "
          f"cross-job batcher, no API, queue or store: {alone['coalesced']:.1f} s "
          f"({raw_seconds / alone['coalesced']:.2f}x raw, {alone['calls']} engine calls)")
    print(f"where the rest goes: {args.jobs} script-only jobs (API, queue, store, pipeline; no model) took "
          f"{script['wall']:.1f} s ({script['jobs/s']:.1f} jobs/s, p95 {script['p95']:.2f} s): about "
          f"{1000 * script['wall'] / args.jobs:.0f} ms of each job's wall time is the system's, "
          f"{1000 * raw_seconds / args.jobs:.0f} ms the model's")
    return 0 if not any(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
