"""Long drafts fanned out in parts, on SQLite (tests/parts_cases.py; the same cases run on PostgreSQL
in tests/integration/test_parts_pg.py): cut by token count by the worker that takes the draft,
translated from several threads at once, finished once; two parts finishing at the same moment; a
part whose worker died handed out again once and finished with only what was missing."""

from __future__ import annotations

import os

import pytest

from newsroom.jobs import JobStore
from tests.lifecycle_machine import make_job
from tests.parts_cases import fan_out, finishing_at_once, worker_died_mid_part

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path) -> JobStore:
    return JobStore(f"sqlite:///{tmp_path}/p.db")


def test_a_long_draft_is_cut_by_tokens_and_its_parts_run_at_once(store):
    got = fan_out(store)
    assert (got["first"], got["flushed"], got["parts"]) == ("part", 1, 10)   # 40 sentences x 3 tokens, 12 a part
    assert got["ranges"] == [(i, i + 3) for i in range(0, 40, 4)]
    assert got["dispatched"] == [(0, i) for i in range(10)]
    assert got["outcomes"] == ["done"] + ["part"] * 8                         # the draft finished once
    assert (got["state"], got["done"], got["duplicated"]) == ("draft_ready", 40, 0)
    assert got["translated"] == got["sources"]                                 # every sentence once
    assert got["targets"] == [f"SENTENCE NUMBER {i}." for i in range(40)]
    (worker,) = got["workers"]                                                  # host:pid of who did each
    assert worker.rsplit(":", 1)[1] == str(os.getpid())


def test_two_parts_finishing_at_once_finish_the_draft_once(store):
    assert finishing_at_once(store) == ["done", "part"]


def test_a_part_whose_worker_died_is_handed_out_once_and_redoes_only_what_is_missing(store):
    got = worker_died_mid_part(store)
    assert got["redone"] == [(0, 1)]
    assert got["outcomes"] == ["part", "done"]
    assert got["retranslated"] == sorted(f"Sentence number {i}." for i in range(6, 12))
    assert (got["state"], got["kept"], got["duplicated"]) == ("draft_ready", ["stored before dying"] * 2, 0)


def test_a_short_draft_stays_one_part_and_splitting_needs_the_lease(store):
    _, made = make_job(store, 1, 3, hops=(1,))
    draft_id = made["tr"]
    held = store.start(draft_id, 0, 0)
    assert store.split(draft_id, 0, 0, "not the owner", [(0, 0), (1, 2)]) is False
    assert [(p["first_idx"], p["last_idx"]) for p in store.part_rows(draft_id)] == [(0, 2)]
    assert store.split(draft_id, 0, 0, held["lease_owner"], [(0, 0), (1, 2)]) is True
    assert store.start(draft_id, 0, 1) is not None and store.start(draft_id, 0, 1) is None   # leased
    assert store.start(draft_id, 0, 7) is None                                                # no such part


def test_a_pivot_hop_waits_for_every_part_of_the_first(store):
    _, made = make_job(store, 1, 4, hops=(2,))
    draft_id = made["tr"]
    held = store.start(draft_id, 0, 0)
    store.split(draft_id, 0, 0, held["lease_owner"], [(0, 1), (2, 3)])
    store.start(draft_id, 0, 1)
    assert store.finish_part(draft_id, 0, 1).outcome == "part"
    assert store.start(draft_id, 1, 0) is None                       # hop 2 is not there yet
    assert store.finish_part(draft_id, 0, 0).outcome == "next"
    assert [(p["hop"], p["part"], p["first_idx"], p["last_idx"], p["done"]) for p in store.part_rows(draft_id)] == [
        (0, 0, 0, 1, True), (0, 1, 2, 3, True), (1, 0, 0, 3, False)]
    assert store.start(draft_id, 1, 0) is not None


def test_cancelling_stops_every_part(store):
    job_id, made = make_job(store, 1, 4, hops=(1,))
    draft_id = made["tr"]
    held = store.start(draft_id, 0, 0)
    store.split(draft_id, 0, 0, held["lease_owner"], [(0, 1), (2, 3)])
    other = store.start(draft_id, 0, 1)
    store.cancel(job_id, "ana")
    assert store.renew(draft_id, held["lease_owner"]) is False and store.renew(draft_id, other["lease_owner"]) is False
    assert store.finish_part(draft_id, 0, 1) is None and store.draft(draft_id)["state"] == "cancelled"
