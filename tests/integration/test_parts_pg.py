"""Parts on PostgreSQL (the cases of tests/parts_cases.py, run on SQLite in tests/unit/test_parts.py):
a long draft cut by tokens and its parts run from several threads at once, two parts finishing at the
same moment (row locks, not SQLite's one writer), a part whose worker died handed out once by three
reconcilers at once."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from newsroom.jobs import JobStore
from tests.conftest import pg_schema_url
from tests.parts_cases import fan_out, finishing_at_once, worker_died_mid_part

pytestmark = pytest.mark.integration

PG_URL = os.environ.get("DRAGOMAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def url() -> str:
    return pg_schema_url(PG_URL, "dragoman_parts")


@pytest.fixture()
def store(url) -> JobStore:
    store = JobStore(url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE jobs CASCADE"))
    yield store
    store.engine.dispose()


def test_a_long_draft_fans_out_and_finishes_once(store):
    got = fan_out(store, threads=6)
    assert (got["first"], got["parts"], got["outcomes"]) == ("part", 10, ["done"] + ["part"] * 8)
    assert (got["state"], got["done"], got["duplicated"]) == ("draft_ready", 40, 0)
    assert got["translated"] == got["sources"]


def test_two_parts_finishing_at_once_finish_the_draft_once(store):
    for _ in range(5):
        assert finishing_at_once(store) == ["done", "part"]


def test_a_part_whose_worker_died_is_handed_out_once(store):
    got = worker_died_mid_part(store)
    assert (got["redone"], got["outcomes"], got["state"], got["duplicated"]) == (
        [(0, 1)], ["part", "done"], "draft_ready", 0)
    assert len(got["retranslated"]) == 6
