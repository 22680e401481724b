"""A newsroom's load against the real thing (PostgreSQL, Redis, `dragoman worker` processes, the copy
model): breaking news overtakes a backlog of 200 jobs; a long article is cut into parts that two
workers share and that come back exactly once, in order; a worker killed mid-part leaves a draft that
another worker finishes, once. Waits are on state with deadlines, and what is asserted are counts."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from newsroom.parts import parts
from newsroom.schema import drafts, jobs, now
from tests.integration.test_queue import (  # noqa: F401  (env is a fixture)
    ARTICLE_EN,
    CORPUS,
    Worker,
    env,
    rendered,
    settings_of,
    submit,
    wait_for,
)
from workers.service import JobService

pytestmark = pytest.mark.integration
TASKS = 4  # jobs a worker holds at once


@pytest.fixture()
def values(request) -> dict:
    """test_queue's environment (PostgreSQL, Redis, the copy model), its queue and tables emptied."""
    return request.getfixturevalue("env")


@pytest.fixture()
def start(values, tmp_path):
    started: list[Worker] = []

    def one(*options: str, **more: str) -> Worker:
        started.append(Worker({**values, **more}, "en-tr", tmp_path / f"worker-{len(started)}.log", *options))
        return started[-1]

    yield one
    for worker in started:
        worker.stop()


def settled(store, ids: list[str]) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(jobs).where(
            jobs.c.id.in_(ids), jobs.c.state.not_in(("queued", "translating")))).scalar()


def finished_before(store, ids: list[str], moment) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(drafts).where(
            drafts.c.job_id.in_(ids), drafts.c.finished_at < moment)).scalar()


def test_breaking_news_overtakes_a_backlog_of_200(values, start):
    service = JobService(settings_of(values))
    lines = (CORPUS / "en.txt").read_text("utf-8").splitlines()
    start("--tasks", str(TASKS))
    backlog = [submit(service, lines[i % len(lines)] + "\n", "tr", "en", priority=5)["id"] for i in range(200)]
    wait_for(lambda: settled(service.store, backlog) >= 3, 120, "the worker well into the backlog", step=0.05)
    before = settled(service.store, backlog)
    urgent = submit(service, lines[7] + "\n", "tr", "en", priority=9)
    done = wait_for(lambda: (j := service.store.job(urgent["id"]))["state"] == "draft_ready" and j, 120,
                    "the urgent job", step=0.05)
    first = finished_before(service.store, backlog, done["drafts"][0]["finished_at"])
    # what overtook it: the jobs the worker already held, and those sharing its batch
    assert first - before <= 2 * TASKS, (before, first)
    assert 200 - first >= 100                        # most of the backlog was still waiting behind it
    wait_for(lambda: settled(service.store, backlog) == 200, 300, "the backlog")


def test_a_long_article_is_cut_into_parts_that_two_workers_share(values, start):
    service = JobService(settings_of(values))
    start(DRAGOMAN_PART_TOKENS="80")
    start(DRAGOMAN_PART_TOKENS="80")
    job = submit(service, ARTICLE_EN, "tr", "en")
    draft_id = job["drafts"][0]["id"]
    wait_for(lambda: service.store.job(job["id"])["state"] == "draft_ready", 240, "the article", step=0.1)
    cut = service.store.part_rows(draft_id)
    assert len(cut) > 4 and all(p["done"] and p["worker"] for p in cut)   # each says which process did it
    assert [(p["first_idx"], p["last_idx"]) for p in cut] == sorted((p["first_idx"], p["last_idx"]) for p in cut)
    assert cut[0]["first_idx"] == 0 and cut[-1]["last_idx"] == job["drafts"][0]["total"] - 1
    assert all(a["last_idx"] + 1 == b["first_idx"] for a, b in itertools.pairwise(cut))  # no gap, no overlap
    draft = service.store.draft(draft_id)
    assert draft["done"] == draft["total"] and [s["idx"] for s in draft["segments"]] == list(range(draft["total"]))
    assert rendered(service.store, draft_id) == ARTICLE_EN
    assert [r["kind"] for r in service.store.job(job["id"])["outbox"]].count("dispatch") == len(cut)


def test_a_worker_killed_mid_part_leaves_a_draft_another_finishes_once(values, start):
    service = JobService(settings_of(values))
    first = start(DRAGOMAN_PART_TOKENS="120")
    job = submit(service, ARTICLE_EN, "tr", "en")
    draft_id = job["drafts"][0]["id"]
    total = job["drafts"][0]["total"]

    def mid_part() -> bool:
        held = [p for p in service.store.part_rows(draft_id) if p["lease_until"] and not p["done"]]
        return bool(held) and 0 < service.store.draft(draft_id)["done"] < total

    wait_for(mid_part, 120, "the worker holding a part, the draft part done", step=0.02)
    first.kill()
    with service.store.engine.connect() as conn:
        held = conn.execute(sa.select(parts.c.part).where(parts.c.draft_id == draft_id,
                                                          parts.c.lease_until > now(), parts.c.done.is_(False))).all()
    assert held                                        # the dead worker's lease, still running
    start(DRAGOMAN_PART_TOKENS="120")
    wait_for(lambda: service.store.job(job["id"])["state"] == "draft_ready", 240, "the draft",
             service=service, reconcile=3)
    draft = service.store.draft(draft_id)
    assert draft["done"] == draft["total"] == total
    assert [s["idx"] for s in draft["segments"]] == list(range(total))
    assert rendered(service.store, draft_id) == ARTICLE_EN
    assert draft["attempts"] > len(service.store.part_rows(draft_id))    # a part was delivered again
