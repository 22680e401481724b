"""The outbox on SQLite (``newsroom.outbox``, ``workers.drainer``): a job and its first hops in one
transaction, a submission that outlives the broker, claims that never give one row to two
drainers, backoff, giving up, the callback row of the change that settles a job, delivery to a
receiver that was down and then failing, idempotency keys, and the migration on a populated
database. No HTTP leaves 127.0.0.1; no name is resolved."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from common.settings import Settings
from newsroom import outbox as ob
from newsroom import webhooks
from newsroom.jobs import IdempotencyError, JobStore, SegmentRow
from newsroom.requests import prepare
from newsroom.schema import jobs, now
from tests.lifecycle_machine import make_job, work
from workers.drainer import Drainer, Pump
from workers.service import JobService

pytestmark = pytest.mark.unit

SR_TEXT = "Dobar dan.\n\nKako ste?\n"


class Broker:
    """A dispatcher standing in for Celery: down (raises) until ``up``; records what it got."""

    def __init__(self, up: bool = True):
        self.up, self.sent = up, []

    def send(self, draft_id: str, hop: int, queue: str, priority: int, part: int = 0) -> None:
        if not self.up:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((draft_id, hop, queue, priority))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/o.db", models_dir=tmp_path / "none", redis_url="",
                    offline=True, callback_retry_first=0.01)


@pytest.fixture
def store(settings) -> JobStore:
    return JobStore(settings.database_url)


def rows(store: JobStore, kind: str | None = None) -> list[dict]:
    with store.engine.connect() as conn:
        query = sa.select(ob.outbox).order_by(ob.outbox.c.created_at)
        return [dict(r) for r in conn.execute(query.where(ob.outbox.c.kind == kind) if kind else query).mappings()]


def count(store: JobStore, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def due_now(store: JobStore) -> None:
    """Skip the backoff waits (the tests call the drainer themselves)."""
    with store.engine.begin() as conn:
        conn.execute(ob.outbox.update().where(ob.outbox.c.state == ob.PENDING).values(next_attempt_at=now()))


def submit_sr(service: JobService, key: str = "", **fields) -> dict:
    request = prepare({"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl", **fields}, service.settings)
    return service.submit(request, "test", idempotency_key=key)


# --- a job and its first hops: one transaction ---------------------------------------------------------------
def test_a_job_is_stored_with_the_dispatch_of_every_first_hop(store):
    job_id, made = make_job(store, 3, 2)
    assert sorted((r["draft_id"], r["hop"], r["state"]) for r in rows(store)) == sorted(
        (d, 0, "pending") for d in made.values())
    assert {r["job_id"] for r in rows(store)} == {job_id}


def test_no_dispatch_without_its_job(store):
    segment = [SegmentRow(0, 0, "One.")]
    store.create_job(source_lang="en", text="x", fmt="text", targets=[("tr", 1, [], segment)], idempotency_key="k")
    with pytest.raises(sa.exc.IntegrityError):  # the job's insert fails: its dispatch rows are rolled back too
        store.create_job(source_lang="en", text="y", fmt="text", targets=[("sq", 1, [], segment)], idempotency_key="k")
    assert count(store, jobs) == 1 and len(rows(store)) == 1


def test_broker_down_a_submission_is_kept_and_sent_once_it_is_back(settings, store):
    broker = Broker(up=False)
    service = JobService(settings, store, broker)
    job = submit_sr(service)                              # answers: the job is stored, its hop waits
    (row,) = rows(store)
    assert job["state"] == "queued" and row["state"] == "pending" and "refused" in row["last_error"]
    assert row["attempts"] == 1 and broker.sent == []
    broker.up = True
    due_now(store)
    pump = service.drainer.dispatches                     # requests leave the retries to it for a moment
    pump.wake()
    pump.join()
    assert [s[0] for s in broker.sent] == [job["drafts"][0]["id"]] and rows(store)[0]["state"] == "sent"
    service.drainer.flush()
    assert len(broker.sent) == 1                           # a sent row is never sent again


def test_the_dispatch_pump_waits_out_the_outage(settings, store):
    broker = Broker(up=False)
    service = JobService(settings, store, broker)
    submit_sr(service)
    broker.up = True
    service.drainer.dispatches.wake()
    deadline = now() + timedelta(seconds=10)
    while not broker.sent and now() < deadline:
        service.drainer.dispatches.join()
        service.drainer.dispatches.wake()
    assert len(broker.sent) == 1


# --- claims ---------------------------------------------------------------------------------------------------
def claim_all_at_once(url: str, drainers: int = 4) -> list[list[str]]:
    """Each of ``drainers`` threads (its own engine) claims rows until none is left."""
    barrier = threading.Barrier(drainers)

    def drain(_) -> list[str]:
        box = ob.Outbox(JobStore(url).engine)
        barrier.wait(10)
        taken = []
        while batch := box.claim((ob.DISPATCH,), 3, 60):
            taken += [r["id"] for r in batch]
        return taken

    with ThreadPoolExecutor(drainers) as pool:
        return list(pool.map(drain, range(drainers)))


def test_two_drainers_never_claim_the_same_row(store):
    for _ in range(15):
        make_job(store, 2, 1)
    claimed = claim_all_at_once(store.url)
    every = [row_id for share in claimed for row_id in share]
    assert len(every) == len(set(every)) == 30
    assert {r["state"] for r in rows(store)} == {"sending"}


def test_a_claim_that_runs_out_is_claimed_again_and_the_late_sender_loses(store):
    make_job(store, 1, 1)
    box = ob.Outbox(store.engine)
    (first,) = box.claim((ob.DISPATCH,), lease=0)          # a drainer that died while sending
    assert box.claim((ob.DISPATCH,), lease=60) != []       # the claim ran out: taken again
    assert box.sent(first) is False                        # the first drainer, late, changes nothing
    assert rows(store)[0]["attempts"] == 2


def test_most_urgent_first(store):
    urgent = store.create_job(source_lang="en", text="x", fmt="text", priority=9,
                              targets=[("tr", 1, [], [SegmentRow(0, 0, "A.")])])[0]
    store.create_job(source_lang="en", text="y", fmt="text", priority=1,
                     targets=[("tr", 1, [], [SegmentRow(0, 0, "B.")])])
    assert ob.Outbox(store.engine).claim((ob.DISPATCH,), 1)[0]["job_id"] == urgent


def test_backoff_doubles_with_jitter_up_to_a_cap():
    assert [ob.backoff(n, 2, 60, rand=lambda: 1.0) for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]
    assert [ob.backoff(n, 2, 60, rand=lambda: 0.0) for n in (1, 2, 7)] == [1, 2, 30]


# --- callbacks --------------------------------------------------------------------------------------------------
def callback_job(store: JobStore, url: str = "https://cms.example/hook", targets: int = 2) -> tuple[str, list[str]]:
    segs = [SegmentRow(0, 0, "One.")]
    job_id, made = store.create_job(source_lang="en", text="x", fmt="text", callback_url=url,
                                    targets=[(t, 1, [], segs) for t in ("tr", "sq")[:targets]])
    return job_id, list(made.values())


def test_the_change_that_settles_a_job_writes_its_callback(store):
    job_id, (tr, sq) = callback_job(store)
    work(store, tr)
    assert rows(store, ob.CALLBACK) == []
    store.fail_draft(sq, "boom")                           # settles the job: failed
    (row,) = rows(store, ob.CALLBACK)
    body = json.loads(row["payload"])
    assert (body["job_id"], body["state"]) == (job_id, "failed") and row["url"] == "https://cms.example/hook"
    assert sorted(d["state"] for d in body["drafts"]) == ["draft_ready", "failed"]
    store.retry(sq, "ana")
    work(store, sq)                                        # settles it again: a second callback, its own id
    first, second = rows(store, ob.CALLBACK)
    assert json.loads(second["payload"])["state"] == "draft_ready" and first["delivery_id"] != second["delivery_id"]


def test_no_callback_url_no_callback_row(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    work(store, made["tr"])
    assert rows(store, ob.CALLBACK) == []


class Scripted:
    """Stands in for ``webhooks.deliver``: each call takes the next outcome (an error or a 2xx)."""

    def __init__(self, *outcomes):
        self.outcomes, self.calls = list(outcomes), []

    def __call__(self, url, body, delivery_id, **_):
        self.calls.append(delivery_id)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def drain_callbacks(store: JobStore, drainer: Drainer, rounds: int = 10) -> None:
    for _ in range(rounds):
        due_now(store)
        for row in drainer.outbox.claim((ob.CALLBACK,), 8, 60):
            drainer.deliver(row)


def test_a_receiver_down_then_failing_then_up_takes_exactly_one_delivery(settings, store, monkeypatch):
    script = Scripted(webhooks.DeliveryError("ConnectionRefusedError: [Errno 111] Connection refused"),
                      webhooks.DeliveryError("HTTP 500 Internal Server Error"),
                      webhooks.DeliveryError("HTTP 500 Internal Server Error"), 204)
    monkeypatch.setattr(webhooks, "deliver", script)
    job_id, (tr, sq) = callback_job(store)
    work(store, tr)
    work(store, sq)
    drainer = Drainer(store, Broker(), settings)
    drain_callbacks(store, drainer)
    (row,) = rows(store, ob.CALLBACK)
    assert script.outcomes == [] and len(set(script.calls)) == 1 and script.calls[0] == row["delivery_id"]
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 4, "")
    assert store.job(job_id)["callback_done"] is True


def test_a_callback_is_given_up_after_its_retry_window_and_can_be_sent_again(settings, store, monkeypatch):
    monkeypatch.setattr(webhooks, "deliver", Scripted(*[webhooks.DeliveryError("HTTP 503")] * 3, 200))
    job_id, (tr, sq) = callback_job(store)
    work(store, tr)
    work(store, sq)
    drainer = Drainer(store, Broker(), settings.model_copy(update={"callback_retry_hours": 1e-9}))
    drain_callbacks(store, drainer)
    (row,) = rows(store, ob.CALLBACK)
    assert (row["state"], row["last_error"]) == ("dead", "HTTP 503")
    service = JobService(settings, store, Broker())
    again = service.resend_callback(job_id)
    assert (again["state"], again["delivery_id"]) == ("pending", row["delivery_id"])
    service.drainer.callbacks.join()
    drain_callbacks(store, Drainer(store, Broker(), settings))
    assert rows(store, ob.CALLBACK)[0]["state"] == "sent"


def test_closing_the_service_stops_a_callback_that_keeps_failing(settings, store, monkeypatch):
    """A receiver that never answers is retried by the callback pump (first wait 0.01 s here) until the
    service is closed: then the pump's thread ends, a wake starts no other, and the row stays due in
    the store for the next process."""
    tried = threading.Semaphore(0)

    def failing(url, body, delivery_id, **_):
        tried.release()
        raise webhooks.DeliveryError("HTTP 503")

    monkeypatch.setattr(webhooks, "deliver", failing)
    service = JobService(settings, store, Broker())
    _, (tr, sq) = callback_job(store)
    work(store, tr)
    work(store, sq)
    service.drainer.callbacks.wake()
    assert all(tried.acquire(timeout=10) for _ in range(3))  # retried, again and again
    assert service.close() is True
    pump = service.drainer.callbacks
    assert pump._thread is None
    pump.wake()
    assert pump._thread is None
    assert returns(pump.join)
    (row,) = rows(store, ob.CALLBACK)
    assert row["state"] == "pending" and row["attempts"] >= 3


def returns(call, within: float = 10.0) -> bool:
    """Whether ``call()`` returns within ``within`` seconds (run in a thread, so a hang fails the test)."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(within)
    return not thread.is_alive()


def test_a_halted_pump_finishes_its_step_and_takes_no_other():
    entered, go, calls = threading.Event(), threading.Event(), []

    def step():
        calls.append(1)
        entered.set()
        go.wait(10)
        return 0                                   # "call me again": a halted pump does not
    pump = Pump("test-pump", step)
    pump.wake()
    assert entered.wait(10)
    pump.halt()
    assert pump.wait(time.monotonic()) is False     # still in its step (held by the test)
    go.set()
    assert pump.wait(time.monotonic() + 10) is True
    assert calls == [1] and pump._thread is None and returns(pump.join)
    pump.wake()
    assert pump._thread is None and calls == [1]


def test_a_closed_embedded_service_drains_nothing_and_returns(settings, store):
    service = JobService(settings, store)           # no Redis: the hops run in this process
    assert service.embedded
    job = submit_sr(service)
    assert service.close() is True
    assert returns(service.dispatcher.drain)
    assert store.job(job["id"])["state"] in ("queued", "draft_ready")  # left, or finished before the close


# --- idempotency keys -----------------------------------------------------------------------------------------
def test_the_same_key_and_request_give_the_same_job(settings, store):
    service = JobService(settings, store, Broker())
    first = submit_sr(service, "key:1|a")
    again = submit_sr(service, "key:1|a")
    assert again["id"] == first["id"] and again["replayed"] and "replayed" not in first
    with pytest.raises(IdempotencyError, match="another request"):
        submit_sr(service, "key:1|a", priority=7)
    assert submit_sr(service, "key:2|a")["id"] != first["id"]  # another API key's "a"
    assert count(store, jobs) == 2 and len(service.dispatcher.sent) == 2


def test_the_same_key_at_the_same_moment_makes_one_job(settings, tmp_path):
    barrier = threading.Barrier(4)

    def one(_) -> str:
        service = JobService(settings, JobStore(settings.database_url), Broker())
        barrier.wait(10)
        return submit_sr(service, "key:1|same")["id"]

    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(one, range(4)))
    assert len(ids) == 1 and count(JobStore(settings.database_url), jobs) == 1


# --- the migration --------------------------------------------------------------------------------------------
def test_migrating_a_populated_database_keeps_its_drafts(tmp_path: Path):
    from alembic import command
    from alembic.config import Config

    from common.db import create_engine
    from newsroom.schema import MIGRATIONS

    url = f"sqlite:///{tmp_path}/old.db"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "j0004")
        stamp = now()
        conn.execute(sa.text("INSERT INTO jobs VALUES ('j1','en','text','x','',NULL,5,'',0,'queued','','', :t, :t)"),
                     {"t": stamp})
        conn.execute(sa.text("INSERT INTO drafts (id, job_id, target_lang, state, hops, hop, done, total, attempts, "
                             "blocks, error, updated_at, models) VALUES ('d1','j1','tr','queued',1,0,0,0,0,'[]','',"
                             ":t,'[]')"), {"t": stamp})
    store = JobStore(url)
    draft = store.draft("d1")
    assert draft is not None and "lease_until" not in draft
    assert [(p["hop"], p["part"], p["done"], p["deliveries"]) for p in store.part_rows("d1")] == [(0, 0, False, 0)]
    assert store.job("j1")["idempotency_key"] is None


# --- over HTTP ------------------------------------------------------------------------------------------------
def test_http_idempotency_keys_views_and_resending(settings, store):
    from fastapi.testclient import TestClient

    from desk.api import create_app

    settings = settings.model_copy(update={"admin_key": "k", "rate_limit_per_minute": 1000})
    client = TestClient(create_app(settings, JobService(settings, store, Broker())))
    admin = {"X-API-Key": "k"}
    body = {"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl", "callback_url": "https://cms.example/h"}
    first = client.post("/jobs", json=body, headers={**admin, "Idempotency-Key": "a-1"})
    assert first.status_code == 201 and first.json()["callback"] is None
    assert first.json()["dispatch"] == {"waiting": 0, "last_error": ""}
    again = client.post("/jobs", json=body, headers={**admin, "Idempotency-Key": "a-1"})
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    other = client.post("/jobs", json={**body, "priority": 9}, headers={**admin, "Idempotency-Key": "a-1"})
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["error"]
    assert client.post("/jobs", json=body, headers={**admin, "Idempotency-Key": "x" * 201}).status_code == 400
    key = client.post("/keys", json={"name": "cms", "role": "submitter"}, headers=admin).json()["key"]
    theirs = client.post("/jobs", json=body, headers={"X-API-Key": key, "Idempotency-Key": "a-1"})
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]   # keys are per API key
    job_id = first.json()["id"]
    assert client.post(f"/jobs/{job_id}/callback", headers={"X-API-Key": key}).status_code == 403
    assert client.post(f"/jobs/{'0' * 32}/callback", headers=admin).status_code == 404
    assert "not finished" in client.post(f"/jobs/{job_id}/callback", headers=admin).json()["error"]
    work(store, first.json()["drafts"][0]["id"])                # the job settles: its callback is queued
    resent = client.post(f"/jobs/{job_id}/callback", headers=admin)
    assert resent.status_code == 200 and resent.json()["callback"]["state"] == "pending"
    view = client.get(f"/jobs/{job_id}", headers=admin).json()["callback"]
    assert view["delivery_id"] == resent.json()["callback"]["delivery_id"] and view["url"] == body["callback_url"]
