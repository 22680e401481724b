"""Faults, against real processes (``dragoman worker``, ``dragoman serve``, a redis-server of this
module's own on a free port, a scratch PostgreSQL database, callback receivers on 127.0.0.1):

- a worker SIGKILLed mid-job: every job finishes, none lost, none duplicated, one callback each;
- the broker down while articles are submitted: 201s, no duplicate on a client's retry (the
  Idempotency-Key), the work runs once the broker is back;
- a callback receiver down, then answering 500 twice, then up: exactly one delivery taken, the
  same delivery id on every attempt, signed; a receiver that hangs holds up no translation;
- three processes migrating a fresh database at once (PostgreSQL and SQLite);
- /translate (embedded) answering 504 at its timeout behind a backlog.

Every wait is on an event with a deadline (the store, the receiver), never a fixed sleep.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import typing
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from newsroom.jobs import JobStore, jobs
from tests.conftest import ROOT
from tests.integration.test_queue import CORPUS, Worker, rendered, settings_of, submit, wait_for
from workers.service import JobService

pytestmark = pytest.mark.integration

PG_URL = os.environ.get("DRAGOMAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "faults-secret"
EN_LINES = (CORPUS / "en.txt").read_text("utf-8").splitlines()


def article(i: int, lines: int = 20) -> str:
    return "\n\n".join(EN_LINES[i * lines:(i + 1) * lines]) + "\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def scratch_database(prefix: str = "dragoman_faults"):
    """A fresh PostgreSQL database, dropped afterwards."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class OwnRedis:
    """A redis-server of this module's own (never the machine's shared one), to stop and start."""

    def __init__(self, directory: Path):
        self.port, self.directory, self.proc = free_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.directory)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.up, 20, "redis-server to start")

    def up(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Receiver:
    """A callback receiver on 127.0.0.1: answers the statuses of ``answers`` in turn, then 204, and
    records every request (delivery id, whether its signature is right, body, answer)."""

    def __init__(self, port: int = 0, answers: typing.Sequence[int] = ()):
        self.requests: list[dict] = []
        self.answers = list(answers)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.answers.pop(0) if receiver.answers else 204
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                receiver.requests.append({"delivery": self.headers["X-Dragoman-Delivery"], "body": body,
                                          "signed": hmac.compare_digest(self.headers.get("X-Dragoman-Signature", ""),
                                                                        expected), "status": status})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                """Quiet."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def taken(self) -> list[dict]:
        return [r for r in self.requests if 200 <= r["status"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def database():
    with scratch_database() as url:
        JobStore(url).engine.dispose()
        yield url


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    own = OwnRedis(tmp_path_factory.mktemp("redis"))
    own.start()
    yield own
    own.stop()


@pytest.fixture()
def faults(database, broker, copy_models, tmp_path):
    if not broker.up():
        broker.start()
    import redis

    redis.Redis.from_url(broker.url).flushdb()
    store = JobStore(database)
    with store.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE segments, drafts, jobs CASCADE"))
    store.engine.dispose()
    env = {"DRAGOMAN_DATABASE_URL": database, "DRAGOMAN_REDIS_URL": broker.url, "DRAGOMAN_MODELS_DIR": str(copy_models),
           "DRAGOMAN_BEAM_SIZE": "1", "DRAGOMAN_OFFLINE": "1", "DRAGOMAN_THREADS": "1",
           "DRAGOMAN_ENGINE": "transformers", "DRAGOMAN_CHUNK_SENTENCES": "2", "DRAGOMAN_BATCH_SIZE": "2",
           "DRAGOMAN_TASK_TIME_LIMIT": "120", "DRAGOMAN_TASK_SOFT_TIME_LIMIT": "110",
           "DRAGOMAN_VISIBILITY_TIMEOUT": "180", "DRAGOMAN_LEASE_SECONDS": "3", "DRAGOMAN_RECONCILE_EVERY": "1",
           "DRAGOMAN_CALLBACK_ALLOW_PRIVATE": "true", "DRAGOMAN_CALLBACK_SECRET": SECRET,
           "DRAGOMAN_CALLBACK_RETRY_FIRST": "0.2", "DRAGOMAN_CALLBACK_TIMEOUT": "20"}
    started: list[Worker] = []

    def worker(directions: str = "en-tr") -> Worker:
        started.append(Worker(env, directions, tmp_path / "worker.log"))
        return started[-1]

    yield SimpleNamespace(env=env, worker=worker, service=JobService(settings_of(env)), log=tmp_path / "worker.log")
    for one in started:
        one.stop()


def job_states(service: JobService, job_ids: list[str]) -> list[str]:
    return [service.store.job(job_id)["state"] for job_id in job_ids]


def callback_row(service: JobService, job_id: str) -> dict | None:
    rows = [r for r in service.store.job(job_id)["outbox"] if r["kind"] == "callback"]
    return rows[-1] if rows else None


# --- a worker SIGKILLed ---------------------------------------------------------------------------------------
def test_worker_killed_jobs_finish_none_lost_none_duplicated(faults):
    receiver = Receiver()
    service = faults.service
    first = faults.worker()
    made = [submit(service, article(i), "tr", "en", callback_url=receiver.url) for i in range(3)]
    draft = made[0]["drafts"][0]
    wait_for(lambda: 0 < service.store.draft(draft["id"])["done"] < draft["total"], 120, "a job half done")
    first.kill()
    assert service.store.draft(draft["id"])["lease_until"] is not None     # the dead worker's lease
    faults.worker()  # no reconcile from here: the worker's own reconciler hands out what the dead one held
    wait_for(lambda: job_states(service, [j["id"] for j in made]) == ["draft_ready"] * 3, 120, "every job")
    for i, job in enumerate(made):
        (done,) = service.store.job(job["id"])["drafts"]
        stored = service.store.draft(done["id"])
        assert [s["idx"] for s in stored["segments"]] == list(range(done["total"]))
        assert rendered(service.store, done["id"]) == article(i)
    assert service.store.draft(draft["id"])["attempts"] >= 2
    with service.store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(jobs)).scalar() == 3
    wait_for(lambda: all(callback_row(service, j["id"])["state"] == "sent" for j in made), 30, "the callbacks")
    taken = receiver.taken()
    assert sorted(r["delivery"] for r in taken) == sorted(callback_row(service, j["id"])["delivery_id"] for j in made)
    assert all(r["signed"] for r in taken)
    receiver.close()


# --- the broker down ------------------------------------------------------------------------------------------
def _serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "desk.cli", "serve", "--port", str(port)],
                            env={**os.environ, **env, "DRAGOMAN_ADMIN_KEY": "faults-admin"}, cwd=ROOT,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _healthy(client) -> bool:
    import httpx

    try:
        return client.get("/health").status_code == 200
    except httpx.HTTPError:
        return False


def test_broker_down_submissions_are_kept_and_run_once_it_is_back(faults, broker, tmp_path):
    import httpx

    broker.stop()
    port = free_port()
    api = _serve(faults.env, port, tmp_path / "serve.log")
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": "faults-admin"}, timeout=30)
    try:
        wait_for(lambda: _healthy(client), 60, "dragoman serve")
        bodies = [{"text": article(i, 3), "source": "en", "targets": "tr", "format": "text"} for i in range(3)]
        made = []
        for i, body in enumerate(bodies):
            answer = client.post("/jobs", json=body, headers={"Idempotency-Key": f"article-{i}"})
            assert answer.status_code == 201, answer.text
            made.append(answer.json())
        again = client.post("/jobs", json=bodies[0], headers={"Idempotency-Key": "article-0"})  # a client's retry
        assert (again.status_code, again.json()["id"]) == (200, made[0]["id"])
        assert client.post("/jobs", json=bodies[1], headers={"Idempotency-Key": "article-0"}).status_code == 409
        view = client.get(f"/jobs/{made[0]['id']}").json()
        assert view["state"] == "queued" and view["dispatch"]["waiting"] == 1 and view["dispatch"]["last_error"]
        broker.start()
        faults.worker()
        wait_for(lambda: job_states(faults.service, [j["id"] for j in made]) == ["draft_ready"] * 3, 120, "the jobs")
        with faults.service.store.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(jobs)).scalar() == 3
        assert client.get(f"/jobs/{made[0]['id']}").json()["dispatch"] == {"waiting": 0, "last_error": ""}
    finally:
        client.close()
        os.killpg(api.pid, signal.SIGTERM)
        api.wait(20)


# --- callback receivers ---------------------------------------------------------------------------------------
def test_receiver_down_then_failing_then_up_gets_exactly_one_delivery(faults):
    service = faults.service
    port = free_port()                                   # nothing listens there yet: the receiver is down
    faults.worker()
    job = submit(service, article(0, 2), "tr", "en", callback_url=f"http://127.0.0.1:{port}/hook")
    wait_for(lambda: service.store.job(job["id"])["state"] == "draft_ready", 120, "the job")
    wait_for(lambda: (row := callback_row(service, job["id"])) and row["attempts"] >= 2 and row["last_error"], 30,
             "failed attempts while the receiver is down")
    assert "refused" in callback_row(service, job["id"])["last_error"].lower()
    receiver = Receiver(port, answers=[500, 500])
    try:
        wait_for(lambda: callback_row(service, job["id"])["state"] == "sent", 60, "the callback to be taken")
        row = callback_row(service, job["id"])
        assert [r["status"] for r in receiver.requests] == [500, 500, 204]   # a sent row is never sent again
        assert {r["delivery"] for r in receiver.requests} == {row["delivery_id"]}
        assert all(r["signed"] for r in receiver.requests)
        assert b'"state":"draft_ready"' in receiver.requests[-1]["body"]
        assert service.store.job(job["id"])["callback_done"]
    finally:
        receiver.close()


def test_a_hanging_receiver_holds_up_no_translation(faults):
    hanging = socket.create_server(("127.0.0.1", 0), backlog=16)  # takes connections, never answers
    url = f"http://127.0.0.1:{hanging.getsockname()[1]}/hook"
    try:
        faults.worker()
        made = [submit(faults.service, article(i, 2), "tr", "en", callback_url=url) for i in range(3)]
        # each callback waits up to DRAGOMAN_CALLBACK_TIMEOUT (20 s): were a worker to send it, the
        # three jobs would need a minute; they finish while the callbacks still hang
        wait_for(lambda: job_states(faults.service, [j["id"] for j in made]) == ["draft_ready"] * 3, 40, "the jobs")
        wait_for(lambda: [callback_row(faults.service, j["id"])["state"] for j in made] == ["sending"] * 3, 10,
                 "the three callbacks in flight at once")
    finally:
        hanging.close()


# --- claims on PostgreSQL (SELECT ... FOR UPDATE SKIP LOCKED, then a compare-and-set) ------------------------------
def test_drainers_and_reconcilers_never_take_one_row_twice_on_postgres(database):
    from concurrent.futures import ThreadPoolExecutor
    from datetime import timedelta

    from newsroom import outbox as ob
    from newsroom.jobs import drafts, now
    from tests.lifecycle_machine import make_job
    from tests.unit.test_outbox import claim_all_at_once

    store = JobStore(database)
    with store.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE segments, drafts, jobs CASCADE"))
    made = [make_job(store, 2, 1)[1] for _ in range(15)]
    every = [row_id for share in claim_all_at_once(database) for row_id in share]
    assert len(every) == len(set(every)) == 30
    with store.engine.begin() as conn:
        conn.execute(ob.outbox.update().values(state=ob.SENT))
        conn.execute(drafts.update().values(state="translating", lease_until=now() - timedelta(seconds=1)))
    with ThreadPoolExecutor(4) as pool:
        redone = list(pool.map(lambda _: JobStore(database).reclaim(timedelta(hours=1)), range(4)))
    assert sorted(r["id"] for share in redone for r in share) == sorted(d for m in made for d in m.values())
    store.engine.dispose()


# --- migrations race ---------------------------------------------------------------------------------------
def _first_start(url: str, barrier, results) -> None:
    """What every dragoman process does first: open the stores, migrating the database."""
    try:
        barrier.wait(60)
        from desk.keys import KeyStore
        from glossary.store import GlossaryStore
        from newsroom.jobs import JobStore

        JobStore(url).engine.dispose()
        GlossaryStore(url)
        KeyStore(url)
        results.put("ok")
    except Exception as exc:  # reported to the test, which names it
        results.put(f"{exc.__class__.__name__}: {exc}")


def three_first_starts(url: str) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_first_start, args=(url, barrier, results)) for _ in range(3)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(30)
    return outcomes


def test_three_first_starts_on_a_fresh_postgres_database():
    with scratch_database() as url:
        assert three_first_starts(url) == ["ok"] * 3
        from newsroom.jobs import JobStore

        store = JobStore(url)
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM jobs_alembic_version")).scalar().startswith("j")
        store.engine.dispose()


def test_three_first_starts_on_a_fresh_sqlite_file(tmp_path: Path):
    assert three_first_starts(f"sqlite:///{tmp_path / 'fresh.db'}") == ["ok"] * 3


# --- /translate behind a backlog (embedded) ------------------------------------------------------------------
SR_TEXT = "Dobar dan.\n"


def test_translate_answers_504_on_time_behind_a_backlog(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    import workers.service
    from common.settings import Settings
    from desk.api import create_app
    from workers.service import JobService

    settings = Settings(database_url=f"sqlite:///{tmp_path}/d.db", models_dir=tmp_path / "none", redis_url="",
                        admin_key="k", rate_limit_per_minute=1000, offline=True)
    busy, release, real = threading.Event(), threading.Event(), workers.service.run_hop

    def long_hop(*args, **kwargs):
        busy.set()
        release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(workers.service, "run_hop", long_hop)
    client = TestClient(create_app(settings, JobService(settings)))
    backlog = client.post("/jobs", json={"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl"},
                          headers={"X-API-Key": "k"})
    assert backlog.status_code == 201 and busy.wait(10)
    client.app.state.desk.translate_timeout = 0.5
    timer = threading.Timer(8, release.set)
    timer.start()
    started = time.monotonic()
    answer = client.post("/translate", json={"q": "Zdravo.", "source": "sr-Latn", "target": "sr-Cyrl"},
                         headers={"X-API-Key": "k"})
    took = time.monotonic() - started
    release.set()
    timer.cancel()
    assert answer.status_code == 504, answer.text
    assert took < 4, f"/translate answered after {took:.1f} s, not at its 0.5 s timeout"
