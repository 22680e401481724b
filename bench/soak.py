"""Soak: many small jobs through the API to two worker processes, optionally with faults injected while
they run; then what the database and the callback receiver say.

    python bench/soak.py [--jobs 1000] [--faults] [--big | --model DIR] [--deadline 900]

Everything is its own and on 127.0.0.1: a scratch PostgreSQL database (created, dropped at the end;
the server is DRAGOMAN_BENCH_PG's, default the local one), a redis-server on a free port, a callback
receiver that drops repeats by ``X-Dragoman-Delivery``, `dragoman serve` and two `dragoman worker`
processes (``-c 1`` each). The model is the copy model (tests/fixtures/models/copy) installed for every
direction into a temporary models dir, or with --big the OPUS-MT-shaped random Marian of
bench/engines.py (en-tr; built on first use), or --model DIR (a Marian directory, for en-tr).

--jobs one- or two-sentence en->tr jobs are POSTed by --clients threads, each with its own
Idempotency-Key and a callback URL; a transport error or a 5xx is retried with the same key (at most
--tries times). With --faults a fault thread injects, each when the run reaches its point (jobs
submitted or settled, read from the store; never at a fixed time):

1. the API SIGKILLed and started again on its port, when 40 % of the jobs are submitted;
2. a worker SIGKILLed (with its pool process) while every ready worker holds a draft, and a new one
   started, at 10 %, 30 % and 50 % of the jobs settled;
3. the redis-server SIGKILLed and started again empty, at 20 %;
4. every connection to the scratch database ended (pg_terminate_backend), at 40 %;
5. the callback receiver down for --outage seconds, then answering 500 twice, then up, at 60 %.

An API that dies while it starts is started again, as a supervisor would; the report says so, and
counts it as a failure.
Then it waits until every accepted job has settled and every callback has been taken, or --deadline
seconds from the first submission, and prints: jobs/s, p50/p95 latency (created -> settled, the store's
own timestamps), lost (accepted, not stored), duplicated (segment rows, jobs stored twice), stuck
(unfinished at the deadline), failed, and callbacks delivered / expected / duplicates (the same
delivery id taken again). Messages that Redis lost are handed out again by the reconciler after
--reconcile-after seconds (DRAGOMAN_RECONCILE_AFTER). Exit status 1 if anything is lost, duplicated,
stuck or missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.jobs_throughput import job_figures  # noqa: E402
from newsroom.jobs import JobStore  # noqa: E402
from newsroom.outbox import CALLBACK, DISPATCH, SENT, outbox  # noqa: E402
from newsroom.parts import parts  # noqa: E402
from newsroom.schema import drafts, jobs, now  # noqa: E402
from tests.fixtures.build_models import all_sentences  # noqa: E402
from tests.integration.test_faults import (  # noqa: E402
    SECRET,
    CampaignWorker,
    Inbox,
    OwnRedis,
    audit,
    callback_rows,
    callback_tally,
    free_port,
    serve_supervised,
)

KEY = "faults-admin"  # the admin key tests.integration.test_faults._serve starts the API with
UNFINISHED = ("queued", "translating")
COPY_MODEL = ROOT / "tests" / "fixtures" / "models" / "copy"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextmanager
def scratch_database(server: str):
    """A fresh database on the PostgreSQL server of ``server`` (a SQLAlchemy URL), dropped afterwards."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"dragoman_soak_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False), admin, name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def copy_models(root: Path) -> Path:
    """The copy model installed for every registry direction (as tests/conftest.py's copy_models)."""
    from common.settings import Settings
    from translate.models import ModelStore
    from translate.registry import MODELS

    store = ModelStore(Settings(models_dir=root))
    for key in MODELS:
        shutil.copytree(COPY_MODEL, store.hf_dir(key))
        store.write_manifest(key)
    return root


def texts(n: int) -> list[str]:
    """``n`` one- or two-sentence articles (as bench/jobs_throughput.py's small jobs)."""
    sentences = [s for s in all_sentences() if s.isascii()]
    return [sentences[i % len(sentences)] + f" Item {i}." + (" Second one here." if i % 3 == 0 else "")
            for i in range(n)]


class Run:
    """The processes of one soak and what happened to them."""

    def __init__(self, args, env: dict, work: Path, store: JobStore, inbox: Inbox, redis: OwnRedis):
        self.args, self.env, self.work, self.store, self.inbox, self.redis = args, env, work, store, inbox, redis
        self.port = free_port()
        self.api: subprocess.Popen | None = None
        self.workers: list[CampaignWorker] = []
        self.answers: dict[int, tuple[int, str]] = {}
        self.problems: list[str] = []
        self.retries = 0
        self.injected: list[str] = []
        self.lock = threading.Lock()
        self.killed_drafts: set[str] = set()
        self.warmups: list[str] = []
        self.start_failures: list[str] = []

    # --- processes --------------------------------------------------------------------------------------
    def start_api(self) -> None:
        """Start `dragoman serve` and wait for its /health; one that dies while it starts is started again (as
        a supervisor would), and said so: see tests.integration.test_faults.serve_supervised."""
        api, died = serve_supervised(self.env, self.port, self.work / "serve.log")
        self.api = api
        for line in died:
            self.start_failures.append(line)
            log(f"dragoman serve died while starting, started again: {line}")

    def stop_api(self, sig: int = signal.SIGTERM) -> None:
        if self.api is not None and self.api.poll() is None:
            os.killpg(self.api.pid, sig)
            try:
                self.api.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.api.pid, signal.SIGKILL)
                self.api.wait(10)

    def start_worker(self) -> CampaignWorker:
        self.workers.append(CampaignWorker(self.env, self.work / f"worker-{len(self.workers)}.log"))
        return self.workers[-1]

    def live_workers(self) -> list[CampaignWorker]:
        return [w for w in self.workers if w.proc.poll() is None]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=f"http://127.0.0.1:{self.port}", headers={"X-API-Key": KEY}, timeout=30)

    def warm_up(self) -> None:
        """Jobs (not counted) until every worker has finished one: its model is loaded."""
        with self.client() as client:
            for i in range(40):
                if all(b" succeeded in " in w.log_path.read_bytes() for w in self.live_workers()):
                    return
                job = client.post("/jobs", json={"text": f"Warm up the model, please, {i}.", "source": "en",
                                                 "targets": ["tr"], "format": "text"}).json()
                self.warmups.append(job["id"])
                deadline = time.monotonic() + 120
                while client.get(f"/jobs/{job['id']}").json()["state"] in UNFINISHED:
                    if time.monotonic() > deadline:
                        raise RuntimeError("a warm-up job did not finish in 120 s")
                    time.sleep(0.1)
        raise RuntimeError("40 warm-up jobs and a worker has still finished none")

    # --- the store ----------------------------------------------------------------------------------------
    def accepted(self) -> list[str]:
        with self.lock:
            return [job_id for _, job_id in self.answers.values()]

    def settled(self) -> int:
        ids = self.accepted()
        if not ids:
            return 0
        with self.store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(jobs).where(
                jobs.c.id.in_(ids), jobs.c.state.not_in(UNFINISHED))).scalar()

    def in_hand(self) -> list[str]:
        """Drafts a live worker may hold right now (translating, lease not run out, not held at a kill)."""
        with self.store.engine.connect() as conn:
            held = conn.execute(sa.select(drafts.c.id).join(parts, parts.c.draft_id == drafts.c.id).where(
                drafts.c.state == "translating", parts.c.lease_until > now())).scalars().all()
        return [d for d in held if d not in self.killed_drafts]

    # --- submitting -----------------------------------------------------------------------------------------
    def submit(self, articles: list[str], share: range, stop_at: float) -> None:
        with self.client() as client:
            for i in share:
                body = {"text": articles[i], "source": "en", "targets": ["tr"], "format": "text",
                        "callback_url": self.inbox.url}
                for _try in range(self.args.tries):
                    if time.monotonic() > stop_at:
                        self.problems.append(f"article {i}: no answer before the deadline")
                        return
                    try:
                        answer = client.post("/jobs", json=body, headers={"Idempotency-Key": f"soak-{i}"})
                    except httpx.TransportError:
                        answer = None  # the API is down or restarting: the same key again
                    if answer is not None and answer.status_code in (200, 201):
                        with self.lock:
                            self.answers[i] = (answer.status_code, answer.json()["id"])
                        break
                    if answer is not None and answer.status_code < 500:
                        self.problems.append(f"article {i}: {answer.status_code} {answer.text[:200]}")
                        break
                    with self.lock:
                        self.retries += 1
                    time.sleep(0.1)
                else:
                    self.problems.append(f"article {i}: no answer in {self.args.tries} tries")

    # --- faults -------------------------------------------------------------------------------------------
    def until(self, predicate, stop_at: float, every: float = 0.05) -> bool:
        while time.monotonic() < stop_at:
            if predicate():
                return True
            time.sleep(every)
        return False

    def faults(self, n: int, stop_at: float, adm: sa.Engine, name: str) -> None:
        """Inject the faults in turn, each when the run reaches its point; give up at ``stop_at``."""
        steps = [("api", lambda: len(self.answers) >= 0.4 * n, self.restart_api),
                 ("worker", lambda: self.settled() >= 0.1 * n, self.kill_worker),
                 ("redis", lambda: self.settled() >= 0.2 * n, self.restart_redis),
                 ("worker", lambda: self.settled() >= 0.3 * n, self.kill_worker),
                 ("postgres", lambda: self.settled() >= 0.4 * n, lambda: self.terminate(adm, name)),
                 ("worker", lambda: self.settled() >= 0.5 * n, self.kill_worker),
                 ("receiver", lambda: self.settled() >= 0.6 * n, self.receiver_outage)]
        for what, ready, inject in steps:
            if not self.until(ready, stop_at, 0.2):
                log(f"fault {what}: the run never reached its point; not injected")
                return
            try:
                inject()
            except Exception as exc:  # say so; the checks still run
                self.injected.append(f"{what} FAILED ({exc.__class__.__name__}: {exc})")
                log(f"fault {what} failed: {exc}")

    def restart_api(self) -> None:
        self.stop_api(signal.SIGKILL)
        log(f"fault: API SIGKILLed after {len(self.answers)} answers; starting it again")
        self.start_api()
        self.injected.append(f"API SIGKILL+restart at {len(self.answers)} answered")

    def kill_worker(self) -> None:
        """SIGKILL the oldest ready worker once every ready worker holds a draft (so it is mid-job)."""
        chosen: list = []

        def every_ready_worker_busy() -> bool:
            ready = [w for w in self.live_workers() if w.ready()]
            held = self.in_hand()
            if ready and len(held) == len(ready):
                chosen[:] = [ready[0], held]
                return True
            return False

        if not self.until(every_ready_worker_busy, time.monotonic() + 120):
            raise RuntimeError("no moment with every ready worker mid-job in 120 s")
        victim, held = chosen
        victim.kill()
        self.killed_drafts |= set(held)
        self.start_worker()
        self.injected.append(f"worker SIGKILL at {self.settled()} settled")
        log(f"fault: worker SIGKILLed holding one of {len(held)} drafts; a new one started")

    def restart_redis(self) -> None:
        self.redis.stop()
        self.redis.start()
        self.injected.append(f"redis SIGKILL+restart empty at {self.settled()} settled")
        log("fault: redis-server SIGKILLed and started again empty")

    def terminate(self, adm: sa.Engine, name: str) -> None:
        with adm.connect() as conn:
            ended = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                         "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
        self.injected.append(f"pg_terminate_backend x{ended} at {self.settled()} settled")
        log(f"fault: {ended} PostgreSQL connections terminated")

    def receiver_outage(self) -> None:
        self.inbox.down()
        log(f"fault: callback receiver down for {self.args.outage} s")
        time.sleep(self.args.outage)  # the length of the outage, not a wait for an outcome
        self.inbox.up(fail_first=2)
        self.injected.append(f"receiver down {self.args.outage} s then 500 x2 at {self.settled()} settled")
        log("fault: callback receiver up again (its first two answers 500)")


def settings_env(args, models: Path, database: str, redis_url: str) -> dict:
    env = {"DRAGOMAN_DATABASE_URL": database, "DRAGOMAN_REDIS_URL": redis_url, "DRAGOMAN_MODELS_DIR": str(models),
           "DRAGOMAN_OFFLINE": "1", "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_THREADS": "1",
           "DRAGOMAN_TASK_TIME_LIMIT": "120", "DRAGOMAN_TASK_SOFT_TIME_LIMIT": "110",
           "DRAGOMAN_VISIBILITY_TIMEOUT": "180", "DRAGOMAN_LEASE_SECONDS": "5", "DRAGOMAN_RECONCILE_EVERY": "1",
           "DRAGOMAN_RECONCILE_AFTER": str(args.reconcile_after), "DRAGOMAN_OUTBOX_EVERY": "0.2",
           "DRAGOMAN_CALLBACK_ALLOW_PRIVATE": "true", "DRAGOMAN_CALLBACK_SECRET": SECRET,
           "DRAGOMAN_CALLBACK_RETRY_FIRST": "0.5", "DRAGOMAN_CALLBACK_TIMEOUT": "5",
           "DRAGOMAN_RATE_LIMIT_PER_MINUTE": "1000000"}
    if args.big or args.model:
        from bench.engines import prepare

        hf, _ = prepare(args.model)
        env.update({"DRAGOMAN_MODEL_OVERRIDES": json.dumps({"en-tr": str(hf)}), "DRAGOMAN_MAX_DECODING_RATIO": "0",
                    "DRAGOMAN_MAX_DECODING_EXTRA": "32"})
    else:
        env.update({"DRAGOMAN_ENGINE": "transformers", "DRAGOMAN_CHUNK_SENTENCES": "2", "DRAGOMAN_BATCH_SIZE": "2"})
    return env


def report(run: Run, n: int, started: float, finished: float | None) -> bool:
    """Print the figures; True if nothing is lost, duplicated, stuck or missing."""
    ids = run.accepted()
    checks = audit(run.store, ids)
    latencies, store_checks = job_figures(run.store, ids) if ids else ([0.0], {})
    with run.store.engine.connect() as conn:
        states = dict(conn.execute(sa.select(jobs.c.id, jobs.c.state).where(jobs.c.id.in_(ids))).all())
        span = conn.execute(sa.select(sa.func.min(jobs.c.created_at), sa.func.max(jobs.c.updated_at))
                            .where(jobs.c.id.in_(ids))).one()
        dispatches = conn.execute(sa.select(sa.func.count()).select_from(outbox).where(
            outbox.c.kind == DISPATCH, outbox.c.job_id.in_(ids))).scalar()
    tally = callback_tally(list(run.inbox.requests), callback_rows(run.store, ids)) if ids else {}
    replays = sum(1 for status, _ in run.answers.values() if status == 200)
    seconds = (span[1] - span[0]).total_seconds() if span[0] and span[1] else float("nan")
    unanswered = n - len(run.answers)                   # the client gave up on these (see the problems)
    lost = sum(1 for j in ids if j not in states)       # answered with an id the store does not have
    stuck = sum(1 for j in ids if states.get(j) in UNFINISHED)
    doubled = max(0, checks["jobs stored"] - len(run.warmups) - checks["accepted"])  # an article stored twice
    print()
    print(f"soak: {n} jobs, 2 worker processes, model {run.args.model or ('big' if run.args.big else 'copy')}, "
          f"faults: {'; '.join(run.injected) if run.injected else 'none'}")
    print(f"submitted: {len(run.answers)} accepted ({replays} replays of a retried key), {unanswered} unanswered, "
          f"{run.retries} retries")
    print(f"throughput: {len(ids) / seconds:.2f} jobs/s over {seconds:.1f} s (first created -> last settled); "
          f"wall {((finished or time.monotonic()) - started):.1f} s")
    print(f"latency: p50 {statistics.median(latencies):.2f} s, p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s "
          "(created -> settled, store timestamps)")
    print(f"lost {lost}, duplicated {checks['segments duplicated']} (segment rows; jobs stored twice {doubled}), "
          f"stuck {stuck} (unfinished at the deadline), failed {checks['failed']}, unanswered {unanswered}, "
          f"drafts miscounted {checks['drafts miscounted']}")
    print("store: " + ", ".join(f"{k} {v}" for k, v in store_checks.items())
          + f"; hops dispatched again (reconciler, retries) {dispatches - len(ids)}")
    print(f"callbacks: delivered {tally.get('delivered', 0)} / expected {tally.get('expected', 0)}, duplicates "
          f"(same delivery id again) {tally.get('repeats', 0)}, jobs with two delivery ids "
          f"{tally.get('jobs with two delivery ids', 0)}, jobs with two callback rows "
          f"{tally.get('jobs with two callback rows', 0)}, unsigned {tally.get('unsigned', 0)}")
    if run.start_failures:
        print(f"dragoman serve died while starting {len(run.start_failures)} times (started again): "
              + "; ".join(run.start_failures))
    if run.problems:
        print(f"submission problems ({len(run.problems)}): " + "; ".join(run.problems[:5]))
    bad = (len(run.start_failures) + lost + unanswered + checks["segments duplicated"] + doubled + stuck
           + checks["failed"] + checks["drafts miscounted"] + tally.get("jobs without a delivery", 0)
           + tally.get("jobs with two delivery ids", 0) + tally.get("jobs with two callback rows", 0))
    return bad == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--faults", action="store_true", help="inject the faults while the jobs run")
    parser.add_argument("--big", action="store_true", help="the OPUS-MT-shaped random Marian of bench/engines.py")
    parser.add_argument("--model", type=Path, help="a Marian directory for en-tr (instead of the copy model)")
    parser.add_argument("--deadline", type=float, default=900, help="seconds from the first submission")
    parser.add_argument("--clients", type=int, default=4, help="submitting threads")
    parser.add_argument("--tries", type=int, default=600, help="most tries of one submission")
    parser.add_argument("--outage", type=float, default=5, help="seconds the callback receiver is down")
    parser.add_argument("--reconcile-after", type=int, default=60,
                        help="DRAGOMAN_RECONCILE_AFTER: seconds before a queued draft nobody holds is handed out again")
    parser.add_argument("--keep", action="store_true", help="keep the logs (printed where)")
    args = parser.parse_args(argv)

    server = os.environ.get("DRAGOMAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    work = Path(tempfile.mkdtemp(prefix="dragoman-soak-"))
    redis = OwnRedis(work)
    inbox = Inbox().up()
    run: Run | None = None
    ok = False
    try:
        with scratch_database(server) as (database, adm, name):
            redis.start()
            models = copy_models(work / "models") if not (args.big or args.model) else ROOT / ".fixtures"
            env = settings_env(args, models, database, redis.url)
            store = JobStore(database)                      # migrates the scratch database
            run = Run(args, env, work, store, inbox, redis)
            workers = [run.start_worker(), run.start_worker()]
            run.start_api()
            deadline = time.monotonic() + 120
            while not all(w.ready() for w in workers):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the workers did not start (see {work})")
                time.sleep(0.2)
            run.warm_up()
            log(f"API and 2 workers up; submitting {args.jobs} jobs from {args.clients} clients"
                f"{' with faults' if args.faults else ''}")
            articles = texts(args.jobs)
            started = time.monotonic()
            stop_at = started + args.deadline
            clients = [threading.Thread(target=run.submit, args=(articles, range(c, args.jobs, args.clients), stop_at),
                                        daemon=True) for c in range(args.clients)]
            for thread in clients:
                thread.start()
            injector = None
            if args.faults:
                injector = threading.Thread(target=run.faults, args=(args.jobs, stop_at, adm, name), daemon=True)
                injector.start()
            for thread in clients:
                thread.join(max(0.0, stop_at - time.monotonic()))
            log(f"submitted: {len(run.answers)} accepted in {time.monotonic() - started:.1f} s")
            ids = run.accepted()

            def done() -> bool:
                if run.settled() < len(ids):
                    return False
                with store.engine.connect() as conn:
                    waiting = conn.execute(sa.select(sa.func.count()).select_from(outbox).where(
                        outbox.c.kind == CALLBACK, outbox.c.job_id.in_(ids), outbox.c.state != SENT)).scalar()
                return not waiting and inbox.taken_jobs() >= set(ids)

            next_note = time.monotonic() + 10
            while not done() and time.monotonic() < stop_at:
                if time.monotonic() >= next_note:
                    log(f"{run.settled()} of {len(ids)} settled, {len(inbox.taken_jobs() & set(ids))} callbacks taken")
                    next_note += 10
                time.sleep(0.5)
            finished = time.monotonic()
            if injector is not None:
                injector.join(max(0.0, stop_at - time.monotonic()))
            ok = report(run, args.jobs, started, finished)
            run.stop_api()
            for worker in run.workers:
                worker.stop()
            store.engine.dispose()
    finally:
        if run is not None:
            run.stop_api(signal.SIGKILL)
            for worker in run.workers:
                if worker.proc.poll() is None:
                    os.killpg(worker.proc.pid, signal.SIGKILL)
        redis.stop()
        inbox.down()
        if args.keep or not ok:
            print(f"logs: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
