"""What the queue costs: one article through API → Redis → worker → store against the direct
pipeline call, and many small jobs through two worker processes.

    python bench/jobs_throughput.py [--model DIR] [--words 600] [--jobs 1000]

Needs Redis and PostgreSQL (DRAGOMAN_BENCH_REDIS, DRAGOMAN_BENCH_PG; defaults: the local ones,
Redis db 13). Uses the OPUS-MT-shaped random Marian of bench/engines.py for en→tr (built on first
use) unless --model names another Marian directory. Starts `dragoman serve` and `dragoman worker`
as processes, warms them, then measures:

1. a --words article: wall time from POST /jobs until GET /jobs/{id} says draft_ready, against
   ``translate_article`` in this process with the same model and settings (target: ≤ 5 % more);
2. --jobs small jobs (one or two sentences; default 1,000) submitted at once to 2 worker
   processes: throughput and p50 / p95 latency from submission to draft_ready (the store's own
   timestamps), then the database checked: jobs unsettled, segments missing, duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.engines import prepare  # noqa: E402
from common.languages import Direction  # noqa: E402
from common.settings import Settings  # noqa: E402
from tests.fixtures.build_models import all_sentences  # noqa: E402
from translate.engines import Engines  # noqa: E402
from translate.pipeline import translate_article  # noqa: E402

KEY = "bench-admin-key"


def article(words: int, salt: str) -> str:
    """About ``words`` words of news sentences, each made unique by ``salt`` (so that no run
    profits from a sentence cache warmed by another)."""
    sentences = [s for s in all_sentences() if s.isascii() and len(s.split()) >= 8 and s.endswith(".")]
    out, count, i = [], 0, 0
    while count < words:
        out.append(sentences[i % len(sentences)][:-1] + f", ref {salt}{i}.")
        count += len(out[-1].split())
        i += 1
    return "\n\n".join(" ".join(out[j:j + 3]) for j in range(0, len(out), 3)) + "\n"


def wait_ready(client: httpx.Client, job_id: str, poll: float = 0.02) -> float:
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["state"] not in ("queued", "translating"):
            if job["state"] != "draft_ready":
                raise RuntimeError(f"job {job_id} ended {job['state']}: {job.get('error')}")
            return time.perf_counter()
        time.sleep(poll)


def small_jobs(client: httpx.Client, database_url: str, n: int) -> None:
    """Submit ``n`` one- or two-sentence jobs at once, wait until none is unfinished, then print
    throughput, p50/p95 from submission to draft (the store's own timestamps) and the checks."""
    from newsroom.jobs import JobStore

    store = JobStore(database_url)
    sentences = [s for s in all_sentences() if s.isascii()]
    ids = []
    start = time.perf_counter()
    for i in range(n):
        text = sentences[i % len(sentences)] + f" Item {i}." + (" Second one here." if i % 3 == 0 else "")
        ids.append(client.post("/jobs", json={"text": text, "source": "en", "targets": ["tr"],
                                              "format": "text"}).json()["id"])
    submitted = time.perf_counter() - start
    while sum(store.counts().get(s, 0) for s in ("queued", "translating")):
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    latencies, checks = job_figures(store, ids)
    print(f"{n} small jobs, 2 worker processes: submitted in {submitted:.1f} s ({n / submitted:.0f}/s); "
          f"{n / elapsed:.2f} jobs/s; p50 {statistics.median(latencies):.2f} s, "
          f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s (submission to draft, store timestamps)")
    print("database: " + ", ".join(f"{k} {v}" for k, v in checks.items()))


def job_figures(store, ids: list[str]) -> tuple[list[float], dict[str, int]]:
    """Latencies (created to settled) and the checks: jobs whose state is not the lifecycle's
    function of their drafts, jobs not draft_ready, segments missing a target, segment rows
    duplicated, drafts whose done count disagrees with their segments."""
    import sqlalchemy as sa

    from newsroom.schema import drafts, jobs, segments
    from tests.lifecycle_machine import unsettled

    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(jobs.c.created_at, jobs.c.updated_at, jobs.c.state)
                            .where(jobs.c.id.in_(ids))).all()
        draft_ids = sa.select(drafts.c.id).where(drafts.c.job_id.in_(ids))
        mine = segments.c.draft_id.in_(draft_ids)
        missing = conn.execute(sa.select(sa.func.count()).select_from(segments)
                               .where(mine, segments.c.target.is_(None))).scalar()
        per_key = sa.select(sa.func.count().label("n")).where(mine).group_by(segments.c.draft_id, segments.c.idx)
        duplicated = conn.execute(sa.select(sa.func.count()).select_from(per_key.subquery())
                                  .where(sa.column("n") > 1)).scalar()
        counted = sa.select(sa.func.count()).where(segments.c.draft_id == drafts.c.id).scalar_subquery()
        miscounted = conn.execute(sa.select(sa.func.count()).select_from(drafts).where(
            drafts.c.job_id.in_(ids), sa.or_(drafts.c.total != counted, drafts.c.done != drafts.c.total))).scalar()
    latencies = sorted((r.updated_at - r.created_at).total_seconds() for r in rows)
    return latencies, {"jobs unsettled": len(unsettled(store)), "jobs not ready": sum(r.state != "draft_ready"
                                                                                     for r in rows),
                       "segments missing": missing, "segments duplicated": duplicated,
                       "drafts miscounted": miscounted}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    hf, _ = prepare(args.model)
    models = ROOT / ".fixtures"
    env = {**os.environ,
           "DRAGOMAN_MODELS_DIR": str(models), "DRAGOMAN_MODEL_OVERRIDES": json.dumps({"en-tr": str(hf)}),
           "DRAGOMAN_REDIS_URL": os.environ.get("DRAGOMAN_BENCH_REDIS", "redis://127.0.0.1:6379/13"),
           "DRAGOMAN_DATABASE_URL": os.environ.get("DRAGOMAN_BENCH_PG",
                                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
           "DRAGOMAN_ADMIN_KEY": KEY, "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_MAX_DECODING_RATIO": "0",
           "DRAGOMAN_MAX_DECODING_EXTRA": "32", "DRAGOMAN_RATE_LIMIT_PER_MINUTE": "100000", "DRAGOMAN_OFFLINE": "1",
           "DRAGOMAN_THREADS": "1"}
    text = article(args.words, "w")
    print(f"article: {len(text.split())} words; model {hf.name}", flush=True)

    settings = Settings(**{k.removeprefix("DRAGOMAN_").lower(): v for k, v in env.items()
                           if k.startswith("DRAGOMAN_") and k != "DRAGOMAN_MODEL_OVERRIDES"},
                        model_overrides={"en-tr": str(hf)})
    engines = Engines(settings)
    direction = Direction("en", "tr")
    engine = engines.get(direction)
    translate_article("Warm up the model.", direction, engine, "text")
    procs = []
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "desk.cli", "serve", "--port", str(args.port)],
                                      env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([sys.executable, "-m", "desk.cli", "worker", "--directions", "en-tr", "-c", "2",
                                       "--loglevel", "WARNING"], env=env, cwd=ROOT, start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        client = httpx.Client(base_url=f"http://127.0.0.1:{args.port}", headers={"X-API-Key": KEY}, timeout=60)
        deadline = time.time() + 60
        while True:
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)  # not listening yet
            if time.time() > deadline:
                raise RuntimeError("dragoman serve did not come up")
            time.sleep(0.3)
        for _ in range(2):  # warm both worker processes (their models load after the fork)
            job = client.post("/jobs", json={"text": text, "source": "en", "targets": ["tr"], "format": "text"})
            wait_ready(client, job.json()["id"])

        # 1. one article: queue against direct
        direct = []
        queued = []
        for run in range(3):
            engine = Engines(settings).get(direction)  # fresh sentence cache, model loaded below
            translate_article("Warm up the model.", direction, engine, "text")
            start = time.perf_counter()
            translate_article(article(args.words, f"d{run}-"), direction, engine, "text",
                              chunk=settings.chunk_sentences)
            direct.append(time.perf_counter() - start)
            body = {"text": article(args.words, f"q{run}-"), "source": "en", "targets": ["tr"], "format": "text"}
            start = time.perf_counter()
            job = client.post("/jobs", json=body).json()
            queued.append(wait_ready(client, job["id"]) - start)
        d, q = statistics.median(direct), statistics.median(queued)
        print(f"\n{len(text.split())}-word article, median of 3: direct {d:.2f} s, API→Redis→worker→store {q:.2f} s, "
              f"overhead {100 * (q - d) / d:+.1f} % ({'meets' if q <= 1.05 * d else 'MISSES'} the 5 % target)")

        # 2. many small jobs through two worker processes, then what the database says
        small_jobs(client, env["DRAGOMAN_DATABASE_URL"], args.jobs)
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
