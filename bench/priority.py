"""Breaking news first: an urgent (priority 9) job's time to draft on an idle worker and behind a
backlog of headline jobs, and how many backlog jobs finished before it.

    python bench/priority.py [--backlog 200] [--mode shared|processes] [-c N] [--tasks K]
                             [--beam 1] [--max-new-tokens 32] [--model DIR]

Needs Redis and PostgreSQL (bench/cluster.py). One `dragoman worker --mode MODE -c N` on en→tr with
the OPUS-MT-shaped random Marian. First three urgent jobs on the idle worker (median time to draft,
submission to the store's finish), then --backlog jobs at priority 5 submitted at once, and, once
the worker is on them, the urgent job: its time to draft, the backlog jobs already finished when it
was submitted and those that finished before it. tests/integration/test_newsroom_load.py asserts the
count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import Cluster, bench_env, headline  # noqa: E402


def finished_before(cluster: Cluster, ids: list[str], moment: float) -> int:
    return sum(done < moment for _, done in cluster.finished(ids).values()) if ids else 0


def settled(cluster: Cluster, ids: list[str]) -> int:
    return len(ids) - cluster.unsettled(ids)


def urgent(cluster: Cluster, salt: str) -> tuple[str, float]:
    """Submit one urgent job and wait for it; (id, seconds from submission to its draft)."""
    start = time.time()
    (job_id,) = cluster.submit([headline(1, salt)], priority=9)
    cluster.settle([job_id], 600, step=0.01)
    return job_id, cluster.finished([job_id])[job_id][1] - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--backlog", type=int, default=200)
    parser.add_argument("--mode", choices=["shared", "processes"], default="shared")
    parser.add_argument("-c", "--concurrency", type=int, default=0)
    parser.add_argument("--tasks", type=int, default=0)
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args(argv)

    env, hf, _ = bench_env(args.model, args.beam, args.max_new_tokens)
    worker = ["--mode", args.mode, "-c", str(args.concurrency)] + (["--tasks", str(args.tasks)] if args.tasks else [])
    salt = f"p{int(time.time())}-"
    print(f"model {hf.name}, beam {args.beam}; worker {' '.join(worker)}; backlog {args.backlog}", flush=True)
    with Cluster(env, [worker], args.port) as cluster:
        cluster.warm()
        idle = statistics.median(urgent(cluster, f"{salt}idle{i}-")[1] for i in range(3))
        backlog = cluster.submit([headline(i, salt) for i in range(args.backlog)], priority=5)
        deadline = time.monotonic() + 300
        while settled(cluster, backlog) < 3 and time.monotonic() < deadline:  # the worker is on the backlog
            time.sleep(0.02)
        before = settled(cluster, backlog)
        job_id, behind = urgent(cluster, f"{salt}urgent-")
        first = finished_before(cluster, backlog, cluster.finished([job_id])[job_id][1])
        cluster.settle(backlog, 3600)
        with cluster.engine.connect() as conn:
            priority = conn.execute(sa.text("SELECT priority FROM jobs WHERE id = :id"), {"id": job_id}).scalar()
    print(f"\nurgent job (priority {priority}) time to draft: idle worker {idle:.2f} s (median of 3); behind a "
          f"backlog of {args.backlog}: {behind:.2f} s")
    print(f"backlog jobs finished when it was submitted: {before}; finished before it: {first} "
          f"(so {first - before} overtook it, of {args.backlog - before} waiting)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
