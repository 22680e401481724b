"""The job store's lifecycle on SQLite: mixed failed / cancelled / approved drafts, retry, cancel,
late messages, threads finishing one job's drafts at once, and the state machine run at random."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, settings

from newsroom import lifecycle as lc
from newsroom.jobs import JobStore
from newsroom.review import Review
from tests.lifecycle_machine import LifecycleMachine, finish_all, make_job, unsettled, work

pytestmark = pytest.mark.unit


@pytest.fixture()
def store(tmp_path) -> JobStore:
    return JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")


def states(store: JobStore, job_id: str) -> tuple[str, list[str]]:
    job = store.job(job_id)
    return job["state"], [d["state"] for d in job["drafts"]]


def test_one_draft_approved_one_failed_is_failed_then_retry_finishes(store):
    job_id, made = make_job(store, 2, 2, hops=(1, 1))
    work(store, made["tr"])
    assert store.fail_draft(made["sq"], "MissingModelError: the en-sq model is not in models/").job_settled
    Review(store).set_draft(made["tr"], "approved", "ana")
    job = store.job(job_id)
    assert job["state"] == "failed" and "en-sq model" in job["error"]

    draft = store.retry(made["sq"], "ana")
    assert draft["state"] == "queued" and draft["error"] == "" and draft["hop"] == 0
    assert store.job(job_id)["state"] == "translating" and store.job(job_id)["error"] == ""
    assert work(store, made["sq"])
    assert states(store, job_id) == ("in_review", ["draft_ready", "approved"])
    Review(store).set_draft(made["sq"], "approved", "ana")
    assert states(store, job_id) == ("approved", ["approved", "approved"])


def test_cancelled_draft_does_not_hold_the_job(store):
    job_id, made = make_job(store, 2, 1, hops=(1, 1))
    work(store, made["tr"])
    assert store.cancel(job_id, "ana") is True
    assert states(store, job_id) == ("draft_ready", ["cancelled", "draft_ready"])
    Review(store).set_draft(made["tr"], "approved", "ana")
    assert store.job(job_id)["state"] == "approved"
    assert store.cancel(job_id, "ana") is False          # nothing left to cancel


def test_a_failed_draft_can_be_given_up(store):
    job_id, made = make_job(store, 2, 1, hops=(1, 1))
    work(store, made["tr"])
    store.fail_draft(made["sq"], "boom")
    assert store.cancel(job_id, "ana") is True
    assert states(store, job_id) == ("draft_ready", ["cancelled", "draft_ready"])


def test_retry_only_from_failed(store):
    _, made = make_job(store, 1, 1, hops=(1,))
    with pytest.raises(lc.TransitionError, match="queued cannot retry"):
        store.retry(made["tr"], "ana")
    with pytest.raises(KeyError):
        store.retry("nope", "ana")


def test_retry_translates_only_what_is_missing(store):
    _, made = make_job(store, 1, 3, hops=(2,))
    draft_id = made["tr"]
    store.start(draft_id, 0)
    store.save_pivot(draft_id, {0: "p0", 1: "p1", 2: "p2"})
    assert store.finish_part(draft_id, 0, 0).outcome == "next"
    store.start(draft_id, 1)
    store.save_segments(draft_id, [store.segments(draft_id)[0].__class__(0, 0, "Sentence number 0.", target="t0")])
    store.fail_draft(draft_id, "killed")
    store.retry(draft_id, "ana")
    rows = store.segments(draft_id)
    assert [r.pivot for r in rows] == ["p0", "p1", "p2"] and [r.target for r in rows] == ["t0", None, None]
    assert store.draft(draft_id)["done"] == 1


def test_late_messages_change_nothing(store):
    job_id, made = make_job(store, 1, 1, hops=(1,))
    work(store, made["tr"])
    assert store.start(made["tr"], 0) is None
    assert store.finish_draft(made["tr"]) is None
    assert store.fail_draft(made["tr"], "late") is None
    assert states(store, job_id) == ("draft_ready", ["draft_ready"])


def test_job_settles_exactly_once(store):
    _, made = make_job(store, 2, 1, hops=(1, 1))
    changes = []
    for draft_id in made.values():
        store.start(draft_id, 0)
        store.save_segments(draft_id, [])
        changes.append(store.finish_draft(draft_id))
    assert [c.job_settled for c in changes] == [False, True]


def test_models_are_recorded_per_hop(store):
    _, made = make_job(store, 1, 1, hops=(2,))
    store.record_model(made["tr"], 1, {"direction": "en-tr", "model": "m2", "revision": "r2"})
    store.record_model(made["tr"], 0, {"direction": "tr-en", "model": "m1", "revision": None})
    store.record_model(made["tr"], 1, {"direction": "en-tr", "model": "m2", "revision": "r3"})
    assert [(m["hop"], m["revision"]) for m in store.draft(made["tr"])["models"]] == [(0, None), (1, "r3")]


def test_threads_finishing_drafts_of_the_same_jobs_leave_none_unsettled(store):
    made = [make_job(store, 3, 1, hops=(1, 1, 1))[1] for _ in range(20)]
    draft_ids = [d for m in made for d in m.values()]
    random.Random(7).shuffle(draft_ids)
    with ThreadPoolExecutor(4) as pool:
        runs = sum(pool.map(lambda share: finish_all(store.url, share), [draft_ids[i::4] for i in range(4)]))
    assert runs == len(draft_ids)
    assert unsettled(store) == []
    assert store.counts() == {"draft_ready": 20}


def test_random_sequences_keep_the_invariants(tmp_path):
    machine = type("SqliteLifecycle", (LifecycleMachine,), {"url": f"sqlite:///{tmp_path / 'sm.db'}"})
    runner = machine.TestCase
    runner.settings = settings(max_examples=25, stateful_step_count=30, deadline=None,
                               suppress_health_check=list(HealthCheck))
    runner().runTest()


def test_a_job_is_stored_with_its_first_hops_in_the_outbox(store):
    from newsroom.outbox import DISPATCH

    job_id, made = make_job(store, 3, 1)
    rows = store.job(job_id)["outbox"]
    assert sorted((r["kind"], r["draft_id"], r["hop"]) for r in rows) == sorted((DISPATCH, d, 0) for d in made.values())


def test_each_job_settled_by_many_threads_reports_once(store):
    from newsroom.jobs import SegmentRow
    from newsroom.outbox import CALLBACK

    segs = [SegmentRow(0, 0, "One.")]
    made = [store.create_job(source_lang="en", text="x", fmt="text", callback_url="https://cms.example/done",
                             targets=[(t, 1, [], segs) for t in ("tr", "sq", "sr-Cyrl")]) for _ in range(10)]
    draft_ids = [d for _, m in made for d in m.values()]
    random.Random(3).shuffle(draft_ids)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda share: finish_all(store.url, share), [draft_ids[i::4] for i in range(4)]))
    for job_id, _ in made:
        callbacks = [r for r in store.job(job_id)["outbox"] if r["kind"] == CALLBACK]
        assert len(callbacks) == 1 and '"state":"draft_ready"' in callbacks[0]["payload"]
