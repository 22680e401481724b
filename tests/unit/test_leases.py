"""Leases and recovery on SQLite: a worker's lease on a part of a draft, its heartbeat, the reconciler
handing out parts whose lease ran out (once, however many reconcilers run), poison hops, the
embedded dispatcher picking up what a crashed process left, and worker recycling settings."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from common.settings import Settings
from newsroom import outbox as ob
from newsroom.jobs import JobStore
from newsroom.parts import parts
from newsroom.requests import prepare
from newsroom.schema import now
from tests.lifecycle_machine import make_job
from workers.runner import SKIP, Heartbeat, run_hop
from workers.service import JobService

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path) -> JobStore:
    return JobStore(f"sqlite:///{tmp_path}/l.db")


def expire(store: JobStore, draft_id: str) -> None:
    """The lease runs out (its worker died)."""
    with store.engine.begin() as conn:
        conn.execute(parts.update().where(parts.c.draft_id == draft_id, parts.c.lease_until.is_not(None))
                     .values(lease_until=now() - timedelta(seconds=1)))


def part(store: JobStore, draft_id: str, hop: int = 0, number: int = 0) -> dict:
    return next(p for p in store.part_rows(draft_id) if (p["hop"], p["part"]) == (hop, number))


def dispatches(store: JobStore, draft_id: str) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(ob.outbox).where(
            ob.outbox.c.draft_id == draft_id, ob.outbox.c.kind == ob.DISPATCH).order_by(ob.outbox.c.created_at))
            .mappings()]


def sent(store: JobStore) -> None:
    """Every dispatch so far went out (the broker has them)."""
    with store.engine.begin() as conn:
        conn.execute(ob.outbox.update().values(state=ob.SENT))


# --- the lease ----------------------------------------------------------------------------------------------
def test_a_leased_draft_is_not_started_twice(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    draft_id = made["tr"]
    held = store.start(draft_id, 0, lease=60)
    assert held["lease_owner"] and store.start(draft_id, 0, lease=60) is None   # a duplicate message: skipped
    assert store.renew(draft_id, held["lease_owner"], 60) is True
    assert store.renew(draft_id, "someone else", 60) is False
    expire(store, draft_id)
    again = store.start(draft_id, 0, lease=60)                                # the worker died: taken again
    assert again["lease_owner"] != held["lease_owner"]
    assert store.renew(draft_id, held["lease_owner"], 60) is False            # the first one has lost it
    assert (store.draft(draft_id)["attempts"], part(store, draft_id)["deliveries"]) == (2, 2)


def test_finishing_releases_the_lease_and_a_next_hop_is_dispatched_with_it(store):
    _, made = make_job(store, 1, 1, hops=(2,))
    draft_id = made["tr"]
    store.start(draft_id, 0)
    assert store.start(draft_id, 1) is None                                   # not at that hop yet
    assert store.finish_part(draft_id, 0, 0).outcome == "next"
    assert store.finish_part(draft_id, 0, 0) is None                          # a second delivery: moved on
    assert store.draft(draft_id)["hop"] == 1
    assert [(p["hop"], p["done"], p["lease_until"]) for p in store.part_rows(draft_id)] == [(0, True, None),
                                                                                           (1, False, None)]
    assert [(r["hop"], r["state"]) for r in dispatches(store, draft_id)] == [(0, "pending"), (1, "pending")]
    store.start(draft_id, 1)
    assert store.finish_part(draft_id, 1, 0).outcome == "done"
    assert store.draft(draft_id)["state"] == "draft_ready" and part(store, draft_id, 1)["lease_owner"] is None


def test_the_heartbeat_keeps_the_lease_and_notices_losing_it(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    draft_id = made["tr"]
    held = store.start(draft_id, 0, lease=0.3)
    first = part(store, draft_id)["lease_until"]
    with Heartbeat(store, draft_id, held["lease_owner"], 0.3) as beat:
        assert beat.renewed.wait(10), "the heartbeat never renewed the lease"
        assert part(store, draft_id)["lease_until"] > first
        store.cancel(store.draft(draft_id)["job_id"], "ana")
        assert beat.ended.wait(10), "the heartbeat did not notice the draft was cancelled"
        assert beat.held is False
    assert beat.renew() is False


# --- the reconciler ------------------------------------------------------------------------------------------
def test_an_expired_lease_is_handed_out_again_once(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    draft_id = made["tr"]
    sent(store)
    store.start(draft_id, 0, lease=60)
    assert store.reclaim(timedelta(hours=1)) == []                     # a live lease: its worker is on it
    expire(store, draft_id)
    with ThreadPoolExecutor(4) as pool:                                # four reconcilers at the same moment
        redone = list(pool.map(lambda _: JobStore(store.url).reclaim(timedelta(hours=1)), range(4)))
    assert sum(len(r) for r in redone) == 1
    assert [(r["hop"], r["state"]) for r in dispatches(store, draft_id)] == [(0, "sent"), (0, "pending")]
    assert store.reclaim(timedelta(hours=1)) == []                     # its dispatch is waiting: not again


def test_a_lost_message_is_handed_out_after_reconcile_after(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    assert store.reclaim(timedelta(seconds=0)) == []                   # its dispatch has not gone out yet
    sent(store)                                                        # ... it went out, and Redis lost it
    assert store.reclaim(timedelta(hours=1)) == []
    assert [r["id"] for r in store.reclaim(timedelta(seconds=0))] == [made["tr"]]


def test_the_service_reconciles_into_the_outbox_and_sends(tmp_path):
    class Broker:
        def __init__(self):
            self.sent = []

        def send(self, *args):
            self.sent.append(args)

    settings = Settings(database_url=f"sqlite:///{tmp_path}/s.db", models_dir=tmp_path, offline=True)
    broker = Broker()
    service = JobService(settings, dispatcher=broker)
    _, made = make_job(service.store, 1, 1, hops=(1,))
    sent(service.store)
    service.store.start(made["tr"], 0)
    expire(service.store, made["tr"])
    assert service.reconcile() == [made["tr"]]
    assert [(a[0], a[1], a[2]) for a in broker.sent] == [(made["tr"], 0, "mt.en-tr")]


# --- poison hops ----------------------------------------------------------------------------------------------
def test_a_hop_that_keeps_killing_its_worker_fails_its_draft(store):
    job_id, made = store.create_job(source_lang="en", text="x", fmt="text", callback_url="https://cms.example/h",
                                    targets=[("tr", 1, [], [])])
    draft_id = made["tr"]
    for _ in range(3):                                                 # three deliveries, each killing its worker
        assert store.start(draft_id, 0, lease=60, max_deliveries=3) is not None
        expire(store, draft_id)
    assert store.start(draft_id, 0, lease=60, max_deliveries=3) is None
    draft = store.draft(draft_id)
    assert draft["state"] == "failed" and "killed its worker 3 times" in draft["error"]
    job = store.job(job_id)
    assert job["state"] == "failed" and "killed its worker 3 times" in job["error"]
    assert [r["kind"] for r in job["outbox"]] == ["dispatch", "callback"]   # the job reports it
    retried = store.retry(draft_id, "ana")                                  # once the cause is fixed
    assert (retried["state"], part(store, draft_id)["deliveries"]) == ("queued", 0)


def test_deliveries_that_end_cleanly_do_not_count(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    draft_id = made["tr"]
    for _ in range(5):                                                 # e.g. transient database errors, retried
        held = store.start(draft_id, 0, lease=60, max_deliveries=3)
        assert held is not None
        store.release(draft_id, held["lease_owner"])
    assert store.draft(draft_id)["state"] == "translating"


def test_run_hop_gives_the_lease_back_when_it_raises(tmp_path, store):
    class Broken:
        def hop(self, _hop):
            raise ConnectionError("the database went away")

    settings = Settings(models_dir=tmp_path, offline=True, task_max_deliveries=1)
    _, made = make_job(store, 1, 1, hops=(1,))
    for _ in range(3):
        with pytest.raises(ConnectionError):
            run_hop(store, Broken(), settings, made["tr"], 0)
    unit = part(store, made["tr"])
    assert (store.draft(made["tr"])["state"], unit["lease_owner"], unit["deliveries"]) == ("translating", None, 0)
    held = store.start(made["tr"], 0)
    assert run_hop(store, Broken(), settings, made["tr"], 0).outcome == SKIP   # another delivery holds it
    assert held is not None


# --- embedded mode --------------------------------------------------------------------------------------------
def test_embedded_picks_up_what_a_crashed_process_left(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/e.db", models_dir=tmp_path, redis_url="", offline=True)
    crashed = JobService(settings)
    request = prepare({"text": "Dobar dan.\n", "source": "sr-Latn", "targets": "sr-Cyrl"}, settings)
    crashed.dispatcher.pump.wake = lambda: None                        # it dies before running anything
    job = crashed.submit(request)
    (row,) = ob.Outbox(crashed.store.engine).claim((ob.DISPATCH,), lease=0)   # ... or while running it
    crashed.store.start(row["draft_id"], 0, lease=60)
    expire(crashed.store, row["draft_id"])
    restarted = JobService(settings)
    restarted.dispatcher.drain()
    assert restarted.store.job(job["id"])["state"] == "draft_ready"


def test_embedded_runs_the_most_urgent_hop_first(tmp_path, monkeypatch):
    import workers.service

    settings = Settings(database_url=f"sqlite:///{tmp_path}/p.db", models_dir=tmp_path, redis_url="", offline=True)
    service = JobService(settings)
    service.dispatcher.pump.wake = lambda: None                        # both wait in the outbox
    ran, real = [], workers.service.run_hop
    monkeypatch.setattr(workers.service, "run_hop", lambda *a, **k: ran.append(a[3]) or real(*a, **k))
    low, high = (service.submit(prepare({"text": "Jedan.\n", "source": "sr-Latn", "targets": "sr-Cyrl",
                                         "priority": p}, settings)) for p in (1, 9))
    del service.dispatcher.pump.wake
    service.dispatcher.drain()
    assert ran == [high["drafts"][0]["id"], low["drafts"][0]["id"]]
    assert {service.store.job(j["id"])["state"] for j in (low, high)} == {"draft_ready"}


def test_workers_recycle_their_processes():
    from workers.app import make_app

    app = make_app(Settings(worker_max_tasks=200, worker_max_memory_mb=3072))
    assert (app.conf.worker_max_tasks_per_child, app.conf.worker_max_memory_per_child) == (200, 3072 * 1024)
    assert make_app(Settings(worker_max_tasks=0, worker_max_memory_mb=0)).conf.worker_max_tasks_per_child is None
