"""The lifecycle on PostgreSQL with many writers: 200 multi-target jobs whose drafts are finished
from several threads and from several processes at once, reviewers approving one job's drafts at
the same moment, and the random state machine. After each: no job whose state is not the
lifecycle's function of its drafts."""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from newsroom.jobs import JobStore
from newsroom.review import Review
from newsroom.schema import drafts, history, jobs, segments
from tests.lifecycle_machine import LifecycleMachine, finish_all, make_job, unsettled, work

pytestmark = pytest.mark.integration

PG_URL = os.environ.get("DRAGOMAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
JOBS = 100


@pytest.fixture()
def store() -> JobStore:
    try:
        store = JobStore(PG_URL)
    except sa.exc.OperationalError as exc:  # CI starts PostgreSQL; say so plainly here
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {exc}")
    with store.engine.begin() as conn:
        for table in (history, segments, drafts, jobs):
            conn.execute(table.delete())
    yield store
    store.engine.dispose()


def _shares(store: JobStore, writers: int) -> tuple[list[list[str]], int]:
    """200 jobs of three targets (two of them pivots), their drafts shuffled into ``writers`` shares."""
    draft_ids = [d for _ in range(JOBS) for d in make_job(store, 3, 2)[1].values()]
    random.Random(11).shuffle(draft_ids)
    return [draft_ids[i::writers] for i in range(writers)], len(draft_ids)


def _check_all_ready(store: JobStore) -> None:
    assert unsettled(store) == []
    assert store.counts() == {"draft_ready": JOBS}
    with store.engine.connect() as conn:
        missing = conn.execute(sa.select(sa.func.count()).select_from(segments).where(
            segments.c.target.is_(None))).scalar()
    assert missing == 0


def test_threads_finish_drafts_of_the_same_jobs(store):
    shares, n_drafts = _shares(store, 8)
    with ThreadPoolExecutor(len(shares)) as pool:
        runs = sum(pool.map(lambda share: finish_all(PG_URL, share), shares))
    assert runs == JOBS * (1 + 2 + 2)           # one message per hop: nothing skipped, nothing lost
    _check_all_ready(store)
    assert n_drafts == 3 * JOBS


def test_processes_finish_drafts_of_the_same_jobs(store):
    shares, _ = _shares(store, 4)
    with multiprocessing.get_context("spawn").Pool(len(shares)) as pool:
        runs = sum(pool.starmap(finish_all, [(PG_URL, share) for share in shares]))
    assert runs == JOBS * 5
    _check_all_ready(store)


def test_reviewers_approving_one_jobs_drafts_at_once(store):
    made = [make_job(store, 3, 2, hops=(1, 1, 1))[1] for _ in range(40)]
    for draft_ids in made:
        for draft_id in draft_ids.values():
            work(store, draft_id)
    review = Review(store)
    barrier = threading.Barrier(3)

    def approve(draft_id: str) -> None:
        barrier.wait(timeout=30)
        review.set_draft(draft_id, "approved", "ana")

    with ThreadPoolExecutor(3) as pool:
        for draft_ids in made:
            list(pool.map(approve, draft_ids.values()))
    assert unsettled(store) == []
    assert store.counts() == {"approved": 40}


def test_random_sequences_keep_the_invariants(store):
    machine = type("PostgresLifecycle", (LifecycleMachine,), {"url": PG_URL})
    runner = machine.TestCase
    runner.settings = settings(max_examples=20, stateful_step_count=30, deadline=None,
                               suppress_health_check=list(HealthCheck))
    runner().runTest()
