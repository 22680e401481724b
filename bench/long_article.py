"""A long article fanned out: its draft is cut into parts (DRAGOMAN_PART_TOKENS) that several worker
processes translate at once. Wall time from submission to draft on 1 and on 2 worker processes.

    python bench/long_article.py [--words 5000] [--runs 2] [--beam 1] [--max-new-tokens 32]
                                 [--part-tokens 1024] [--model DIR]

Needs Redis and PostgreSQL (bench/cluster.py). Each worker is its own `dragoman worker --mode shared
-c 1` process running one model replica on one thread (DRAGOMAN_INTER_THREADS=1, DRAGOMAN_THREADS=1):
one core each, as pods of one core on a cluster would be, so the second worker brings a second core.
(Left to its defaults a worker runs one replica per core of the machine: on 2 cores a single worker
would already use both, and the second could bring nothing.) Prints the wall time of each run, the
parts the draft was cut into, and the ratio 2 workers / 1 worker (target ≤ 0.6).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import Cluster, article, bench_env  # noqa: E402


def parts_of(cluster: Cluster, job_id: str) -> tuple[int, list[int]]:
    """The parts the draft was cut into, and how many each worker process did."""
    from collections import Counter

    from newsroom.jobs import JobStore

    store = JobStore(cluster.env["DRAGOMAN_DATABASE_URL"])
    rows = store.part_rows(store.job(job_id)["drafts"][0]["id"])
    store.engine.dispose()
    return len(rows), sorted(Counter(r["worker"] for r in rows).values(), reverse=True)


def measure(env: dict, workers: int, words: int, runs: int, port: int) -> tuple[list[float], int]:
    times, parts = [], 0
    with Cluster(env, [["--mode", "shared", "-c", "1"]] * workers, port) as cluster:
        cluster.warm(4 * workers)
        for run in range(runs):
            text = article(words, f"w{workers}r{run}t{int(time.time())}-")
            start = time.perf_counter()
            (job_id,) = cluster.submit([text])
            times.append(cluster.settle([job_id], 1800, step=0.02) - start)
            parts, shares = parts_of(cluster, job_id)
            print(f"  {workers} worker process(es), run {run + 1}: {times[-1]:.2f} s ({parts} parts; done per "
                  f"worker process: {' + '.join(map(str, shares))})", flush=True)
    return times, parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--part-tokens", type=int, default=1024)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)

    env, hf, _ = bench_env(args.model, args.beam, args.max_new_tokens, DRAGOMAN_THREADS="1",
                           DRAGOMAN_INTER_THREADS="1", DRAGOMAN_PART_TOKENS=str(args.part_tokens))
    print(f"model {hf.name}, beam {args.beam}, {args.max_new_tokens} new tokens; a {args.words}-word article; "
          f"parts of {args.part_tokens} tokens; each worker one process, one replica on one thread", flush=True)
    one, parts = measure(env, 1, args.words, args.runs, args.port)
    two, _ = measure(env, 2, args.words, args.runs, args.port)
    a, b = statistics.median(one), statistics.median(two)
    print(f"\n{args.words}-word article ({parts} parts), median of {args.runs}: 1 worker {a:.2f} s, "
          f"2 workers {b:.2f} s: {b / a:.2f}x ({'meets' if b <= 0.6 * a else 'MISSES'} the 0.6 target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
