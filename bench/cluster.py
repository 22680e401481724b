"""What the queue benches share: `dragoman serve` and `dragoman worker` processes on 127.0.0.1 with
PostgreSQL and Redis, the OPUS-MT-shaped random Marian (bench/engines.py) for en→tr, submission
from several threads, waiting for jobs to settle, and the store's own figures.

    DRAGOMAN_BENCH_PG     PostgreSQL URL (default: the local database "test")
    DRAGOMAN_BENCH_REDIS  Redis URL (default: the local Redis, db 13; flushed at start)
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engines import prepare  # noqa: E402
from tests.fixtures.build_models import all_sentences  # noqa: E402

KEY = "bench-admin-key"


def news_sentences() -> list[str]:
    return [s for s in all_sentences() if s.isascii() and len(s.split()) >= 6 and s.endswith(".")]


def headline(i: int, salt: str) -> str:
    """One to three sentences, unique to (salt, i): no sentence cache answers for another job."""
    pool = news_sentences()
    count = 1 + i % 3
    return " ".join(pool[(i * 3 + k) % len(pool)][:-1] + f", {salt}{i}-{k}." for k in range(count))


def article(words: int, salt: str) -> str:
    """About ``words`` words of news sentences, each made unique by ``salt``, three to a paragraph."""
    pool = news_sentences()
    out, count, i = [], 0, 0
    while count < words:
        out.append(pool[i % len(pool)][:-1] + f", ref {salt}{i}.")
        count += len(out[-1].split())
        i += 1
    return "\n\n".join(" ".join(out[j:j + 3]) for j in range(0, len(out), 3)) + "\n"


def bench_env(model: Path | None, beam: int, max_new: int, **extra: str) -> tuple[dict, Path, Path]:
    hf, ct2 = prepare(model)
    env = {**os.environ,
           "DRAGOMAN_MODELS_DIR": str(ROOT / ".fixtures"), "DRAGOMAN_MODEL_OVERRIDES": json.dumps({"en-tr": str(hf)}),
           "DRAGOMAN_REDIS_URL": os.environ.get("DRAGOMAN_BENCH_REDIS", "redis://127.0.0.1:6379/13"),
           "DRAGOMAN_DATABASE_URL": os.environ.get("DRAGOMAN_BENCH_PG",
                                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
           "DRAGOMAN_ADMIN_KEY": KEY, "DRAGOMAN_BEAM_SIZE": str(beam), "DRAGOMAN_MAX_DECODING_RATIO": "0",
           "DRAGOMAN_MAX_DECODING_EXTRA": str(max_new), "DRAGOMAN_RATE_LIMIT_PER_MINUTE": "1000000",
           "DRAGOMAN_OFFLINE": "1", **extra}
    return env, hf, ct2


class Cluster:
    """`dragoman serve` plus the given `dragoman worker` command lines (argument lists after
    `dragoman worker`), started on enter and killed (process groups) on exit."""

    def __init__(self, env: dict, workers: list[list[str]], port: int = 8765):
        self.env, self.worker_args, self.port = env, workers, port
        self.procs: list[subprocess.Popen] = []
        self.client: httpx.Client | None = None
        self.engine = sa.create_engine(env["DRAGOMAN_DATABASE_URL"])

    def __enter__(self) -> Cluster:
        import redis

        redis.Redis.from_url(self.env["DRAGOMAN_REDIS_URL"]).flushdb()
        self._start([sys.executable, "-m", "desk.cli", "serve", "--port", str(self.port)])
        for args in self.worker_args:
            self._start([sys.executable, "-m", "desk.cli", "worker", "--directions", "en-tr", "--loglevel", "WARNING",
                         *args])
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", headers={"X-API-Key": KEY}, timeout=60)
        deadline = time.time() + 90
        while True:
            try:
                if self.client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            if time.time() > deadline:
                raise RuntimeError("dragoman serve did not come up")
            time.sleep(0.3)
        return self

    def worker_rss_mb(self) -> float:
        """Resident memory of the worker processes and their children (prefork pool processes), MB."""
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                parents[int(stat.parent.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue  # a process that ended meanwhile
        mine = {p.pid for p in self.procs[1:]}
        grew = True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in mine} - mine
            mine |= more
            grew = bool(more)
        total = 0
        for pid in mine:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        return total / 1024

    def _start(self, command: list[str]) -> None:
        self.procs.append(subprocess.Popen(command, env=self.env, cwd=ROOT, start_new_session=True,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def __exit__(self, *_exc) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
        self.engine.dispose()

    def warm(self, jobs: int = 4) -> None:
        """Jobs through every worker process, so each has loaded its model."""
        self.settle(self.submit([article(60, f"warm{i}-") for i in range(jobs)]), 300)

    def submit(self, texts: list[str], priority: int = 5, threads: int = 8) -> list[str]:
        def one(text: str) -> str:
            body = {"text": text, "source": "en", "targets": ["tr"], "format": "text", "priority": priority}
            response = self.client.post("/jobs", json=body)
            response.raise_for_status()
            return response.json()["id"]

        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, texts))

    def unsettled(self, ids: list[str]) -> int:
        from newsroom.schema import jobs

        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(jobs).where(
                jobs.c.id.in_(ids), jobs.c.state.in_(("queued", "translating")))).scalar()

    def settle(self, ids: list[str], timeout: float, step: float = 0.05) -> float:
        """Wait until none of ``ids`` is unfinished; returns the time.perf_counter() it was seen."""
        deadline = time.monotonic() + timeout
        while self.unsettled(ids):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.unsettled(ids)} of {len(ids)} jobs still unfinished after {timeout} s")
            time.sleep(step)
        return time.perf_counter()

    def finished(self, ids: list[str]) -> dict[str, tuple[float, float]]:
        """Per job: (created, finished) as epoch seconds from the store (its drafts' finished_at; inf
        while unfinished)."""
        from newsroom.schema import drafts, jobs

        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(jobs.c.id, jobs.c.created_at, sa.func.max(drafts.c.finished_at))
                                .join(drafts, drafts.c.job_id == jobs.c.id).where(jobs.c.id.in_(ids))
                                .group_by(jobs.c.id, jobs.c.created_at)).all()
        return {r[0]: (r[1].timestamp(), r[2].timestamp() if r[2] else math.inf) for r in rows}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
