"""Jobs through the real thing: PostgreSQL job store, Redis broker, `dragoman worker` processes
(Celery prefork), with the copy model so every result can be checked exactly.

Covers: submit -> drafts; a pivot chained over two queues; cancel; a worker SIGKILLed mid-job and
a new one started -> the job finishes exactly once with no segment duplicated; Redis flushed
mid-run -> the reconciler finishes the job; Celery's own tooling (`celery -A workers inspect`).
Waits are on events with deadlines (the broker's queues, the store), never a fixed sleep.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import typing
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from common.settings import Settings
from newsroom.jobs import JobStore
from newsroom.requests import prepare
from tests.conftest import ROOT
from workers.service import JobService

pytestmark = pytest.mark.integration

PG_URL = os.environ.get("DRAGOMAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DRAGOMAN_TEST_REDIS", "redis://127.0.0.1:6379/14")
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
ARTICLE_EN = "\n\n".join((CORPUS / "en.txt").read_text("utf-8").splitlines()) + "\n"
ARTICLE_TR = "\n\n".join((CORPUS / "tr.txt").read_text("utf-8").splitlines()[:20]) + "\n"


def _services_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        sa.create_engine(PG_URL).connect().close()
    except Exception as exc:  # pragma: no cover - CI starts both; say so plainly elsewhere
        pytest.fail(f"integration services are not reachable (Redis {REDIS_URL}, PostgreSQL {PG_URL}): {exc}")


@pytest.fixture()
def env(copy_models: Path, tmp_path: Path) -> dict:
    _services_or_skip()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    store = JobStore(PG_URL)
    with store.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE segments, drafts, jobs CASCADE"))
    values = {"DRAGOMAN_DATABASE_URL": PG_URL, "DRAGOMAN_REDIS_URL": REDIS_URL, "DRAGOMAN_MODELS_DIR": str(copy_models),
              "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1", "DRAGOMAN_THREADS": "1",
              "DRAGOMAN_ENGINE": "transformers", "DRAGOMAN_CHUNK_SENTENCES": "2", "DRAGOMAN_BATCH_SIZE": "2",
              "DRAGOMAN_TASK_TIME_LIMIT": "120", "DRAGOMAN_TASK_SOFT_TIME_LIMIT": "110",
              "DRAGOMAN_VISIBILITY_TIMEOUT": "180", "DRAGOMAN_LEASE_SECONDS": "3", "DRAGOMAN_RECONCILE_EVERY": "1",
              "DRAGOMAN_CALLBACK_ALLOW_PRIVATE": "true"}  # the test's callback receiver is on 127.0.0.1
    return values


def settings_of(values: dict) -> Settings:
    keys = {k.removeprefix("DRAGOMAN_").lower(): v for k, v in values.items()}
    return Settings(**keys)


class Worker:
    def __init__(self, values: dict, directions: str, log: Path, *options: str):
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desk.cli", "worker", "--directions", directions, "-c", "1", "--loglevel", "INFO",
             *options],
            env={**os.environ, **values}, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture()
def workers(env, tmp_path):
    started: list[Worker] = []

    def start(directions: str = "en-tr,tr-en,en-sq,sq-en,en-sr,sr-en") -> Worker:
        worker = Worker(env, directions, tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate, timeout: float, what: str, service: JobService | None = None, reconcile: float = 0,
             step: float = 0.2):
    """The first true value of ``predicate()`` — state another process writes, looked at every ``step`` seconds —
    or AssertionError naming ``what`` once ``timeout`` has passed (with ``service``: a reconciler pass between
    looks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if service and reconcile:
            service.reconcile(timedelta(seconds=reconcile))
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def broker_messages(client, queue: str) -> int:
    """Messages waiting in a Celery queue (its priority sub-queues included)."""
    return sum(client.llen(key) for key in client.scan_iter(match=queue + "*") if client.type(key) == b"list")


def submit(service: JobService, text: str, targets: str, source: str, **fields) -> dict:
    request = prepare({"text": text, "targets": targets, "source": source, "format": "text", **fields},
                      service.settings)
    return service.submit(request, submitted_by="test")


def rendered(store: JobStore, draft_id: str) -> str:
    from translate.formats import render_stored

    return render_stored(store.draft(draft_id))


def test_submit_to_drafts_and_pivot(env, workers):
    workers("en-tr,tr-en,en-sq")  # en-sr is served by nobody: its drafts would wait
    service = JobService(settings_of(env))
    job = submit(service, ARTICLE_TR, "en,sq", "tr")
    done = wait_for(lambda: (j := service.store.job(job["id"]))["state"] == "draft_ready" and j, 120, "the drafts")
    by_target = {d["target_lang"]: d for d in done["drafts"]}
    assert by_target["sq"]["hops"] == 2 and by_target["en"]["hops"] == 1
    for draft in done["drafts"]:
        assert draft["done"] == draft["total"] > 0
        assert rendered(service.store, draft["id"]) == ARTICLE_TR


def test_celery_tooling_sees_the_worker(env, workers):
    workers("en-tr")
    values = {**os.environ, **env}
    wait_for(lambda: subprocess.run([sys.executable, "-m", "celery", "-A", "workers", "inspect", "ping", "-t", "2"],
                                    env=values, cwd=ROOT, capture_output=True).returncode == 0, 60, "celery ping")
    active = subprocess.run([sys.executable, "-m", "celery", "-A", "workers", "inspect", "active_queues"],
                            env=values, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "mt.en-tr" in active.stdout


def test_cancel_before_a_worker_takes_it(env, workers):
    service = JobService(settings_of(env))
    import redis

    broker = redis.Redis.from_url(REDIS_URL)
    job = submit(service, ARTICLE_EN, "tr", "en")
    assert service.cancel(job["id"]) is True
    assert broker_messages(broker, "mt.en-tr") == 1      # the hop is in the queue
    workers("en-tr")
    wait_for(lambda: broker_messages(broker, "mt.en-tr") == 0 and not broker.hlen("unacked"), 90,
             "the worker to take the hop and acknowledge it")
    job = service.store.job(job["id"])
    assert job["state"] == "cancelled"
    assert all(d["state"] == "cancelled" and d["done"] == 0 for d in job["drafts"])
    assert service.cancel(job["id"]) is False


class Callbacks(http.server.BaseHTTPRequestHandler):
    hits: typing.ClassVar[list[bytes]] = []

    def do_POST(self):
        Callbacks.hits.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        """Keep the test output quiet."""


def test_worker_killed_mid_job_finishes_exactly_once(env, workers):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callbacks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Callbacks.hits = []
    service = JobService(settings_of(env))
    first = workers("en-tr")
    job = submit(service, ARTICLE_EN, "tr", "en",
                         callback_url=f"http://127.0.0.1:{server.server_address[1]}/done")
    draft_id = job["drafts"][0]["id"]
    total = job["drafts"][0]["total"]
    wait_for(lambda: 0 < service.store.draft(draft_id)["done"] < total, 120, "the job to be half done")
    first.kill()
    half = service.store.draft(draft_id)["done"]
    assert 0 < half < total
    workers("en-tr")
    # the killed task's message stays unacknowledged; the reconciler hands the draft out again
    wait_for(lambda: service.store.job(job["id"])["state"] == "draft_ready", 180,
             "the job to finish", service=service, reconcile=3)
    draft = service.store.draft(draft_id)
    assert draft["done"] == draft["total"] == total
    assert draft["attempts"] >= 2
    assert [s["idx"] for s in draft["segments"]] == list(range(total))  # one row per segment, no duplicates
    assert rendered(service.store, draft_id) == ARTICLE_EN
    # the callback follows the draft's last write: wait for it rather than read it at once
    wait_for(lambda: service.store.job(job["id"])["callback_done"], 30, "the callback to be sent")
    wait_for(lambda: Callbacks.hits, 30, "the callback to arrive")
    assert len(Callbacks.hits) == 1 and job["id"].encode() in Callbacks.hits[0]
    server.shutdown()


def test_redis_flushed_mid_run_reconciler_finishes(env, workers):
    import redis

    service = JobService(settings_of(env))
    broker = redis.Redis.from_url(REDIS_URL)
    job = submit(service, ARTICLE_TR, "sq", "tr")  # a pivot: two hops, on mt.tr-en then mt.en-sq
    assert broker_messages(broker, "mt.tr-en") == 1
    broker.flushdb()                                     # the broker loses every message
    assert broker_messages(broker, "mt.tr-en") == 0
    assert [r["state"] for r in service.store.job(job["id"])["outbox"]] == ["sent"]  # nothing will send it again
    workers("tr-en,en-sq")
    finished = wait_for(lambda: (j := service.store.job(job["id"]))["state"] == "draft_ready" and j, 120,
                        "the reconciled job", service=service, reconcile=2)
    assert rendered(service.store, finished["drafts"][0]["id"]) == ARTICLE_TR


def test_worker_enforces_the_glossary_version_each_job_recorded(env, workers):
    """`glossary add` while a worker runs: the next job's draft uses the new concept; the job
    submitted before keeps the version it recorded."""
    from glossary.model import Concept, Term
    from glossary.store import GlossaryStore

    glossary = GlossaryStore(PG_URL)
    for cid in ("qa-bellandi", "qa-jarinje"):
        if glossary.get(cid):
            glossary.remove(cid)
    glossary.add(Concept("qa-bellandi", "keep", [Term("en", "Bellandi"), Term("tr", "Bellandi")]))
    workers("en-tr")
    values = {**os.environ, **env}
    text = (CORPUS / "en.txt").read_text("utf-8").splitlines()[0] + "\n"   # names Bellandi and Jarinje

    def submit() -> dict:
        out = subprocess.run([sys.executable, "-m", "desk.cli", "submit", "-", "--to", "tr", "--from", "en",
                              "--format", "text", "--glossary", "db", "--wait"], input=text, env=values, cwd=ROOT,
                             capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr
        store = JobStore(PG_URL)
        job = store.jobs(limit=1)[0]
        return {**store.job(job["id"]), "segments": store.draft(store.job(job["id"])["drafts"][0]["id"])["segments"]}

    before = submit()                                   # the worker now holds this version in its cache
    version = glossary.add(Concept("qa-jarinje", "keep", [Term("en", "Jarinje"), Term("tr", "Jarinje")]))
    after = submit()
    assert after["glossary_version"] == version == before["glossary_version"] + 1
    expected = [set(s["terms"]["expected"]) for s in after["segments"]]
    assert {"qa-bellandi", "qa-jarinje"} <= set().union(*expected)
    assert all(s["terms"]["glossary_version"] == version for s in after["segments"])
    assert "qa-jarinje" not in set().union(*(set(s["terms"]["expected"]) for s in before["segments"]))
