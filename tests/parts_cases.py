"""Shared by the parts tests (unit on SQLite, integration on PostgreSQL): a long draft cut into parts
by the worker that takes it, the parts run from several threads at once, two parts finishing at the
same moment, a part whose worker died mid-way handed out again. Each case asserts counts: the
draft finishes once, every segment is translated once, none is written twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import sqlalchemy as sa

from common.settings import Settings
from newsroom import outbox as ob
from newsroom.jobs import JobStore
from newsroom.parts import parts
from newsroom.schema import now, segments
from tests.lifecycle_machine import make_job
from translate.engine import Translation
from workers.runner import run_hop


class Recording:
    """Upper-cases; records the sentences of every call (thread-safe)."""

    def __init__(self):
        self.calls: list[list[str]] = []
        self._lock = threading.Lock()

    def translate(self, sentences):
        with self._lock:
            self.calls.append(list(sentences))
        return [Translation(s.upper(), -0.1) for s in sentences]

    def sentences(self) -> list[str]:
        return [s for call in self.calls for s in call]


class FakeEngines:
    """What the runner needs of ``translate.engines.Engines``, for en→tr: one recording engine, words
    for tokens (each corpus sentence of ``make_job``, "Sentence number N.", is 3)."""

    def __init__(self):
        self.engine = Recording()

    def hop(self, _hop):
        return self.engine

    get = hop

    def count_tokens(self, _hop):
        return lambda sentence: len(sentence.split())

    def provenance(self, hop):
        return {"direction": hop.key, "model": "recording", "revision": None}


def settings_for(store: JobStore, part_tokens: int = 12) -> Settings:
    return Settings(database_url=store.url, part_tokens=part_tokens, chunk_sentences=3, lease_seconds=60)


def dispatched_parts(store: JobStore, draft_id: str) -> list[tuple[int, int]]:
    return [(r["hop"], r["part"]) for r in store.job(store.draft(draft_id)["job_id"])["outbox"]
            if r["kind"] == ob.DISPATCH]


def duplicated_segments(store: JobStore, draft_id: str) -> int:
    with store.engine.connect() as conn:
        per_key = sa.select(sa.func.count().label("n")).where(segments.c.draft_id == draft_id).group_by(
            segments.c.idx)
        return conn.execute(sa.select(sa.func.count()).select_from(per_key.subquery())
                            .where(sa.column("n") > 1)).scalar()


def fan_out(store: JobStore, threads: int = 4) -> dict:
    """40 sentences, parts of 12 tokens: the first worker keeps 4 sentences and hands out 9 parts,
    which ``threads`` workers run at once. Returns what happened, for the caller to assert."""
    _, made = make_job(store, 1, 40, hops=(1,))
    draft_id, engines, settings = made["tr"], FakeEngines(), settings_for(store)
    flushed = []
    first = run_hop(store, engines, settings, draft_id, 0, {}, 0, lambda: flushed.append(True))
    rest = [p["part"] for p in store.part_rows(draft_id) if not p["done"]]
    with ThreadPoolExecutor(threads) as pool:
        outcomes = list(pool.map(lambda n: run_hop(store, engines, settings, draft_id, 0, {}, n).outcome, rest))
    draft = store.draft(draft_id)
    return {"first": first.outcome, "flushed": len(flushed), "parts": len(store.part_rows(draft_id)),
            "dispatched": dispatched_parts(store, draft_id), "outcomes": sorted(outcomes),
            "state": draft["state"], "done": draft["done"], "translated": sorted(engines.engine.sentences()),
            "sources": sorted(s["source"] for s in draft["segments"]),
            "targets": [s["target"] for s in draft["segments"]], "duplicated": duplicated_segments(store, draft_id),
            "ranges": [(p["first_idx"], p["last_idx"]) for p in store.part_rows(draft_id)],
            "workers": {p["worker"] for p in store.part_rows(draft_id)}}


def finishing_at_once(store: JobStore) -> list[str | None]:
    """Two parts of one hop, both held, finish at the same moment (a barrier): the outcomes."""
    _, made = make_job(store, 1, 8, hops=(1,))
    draft_id = made["tr"]
    held = store.start(draft_id, 0, 0)
    assert store.split(draft_id, 0, 0, held["lease_owner"], [(0, 3), (4, 7)])
    assert store.start(draft_id, 0, 1) is not None
    barrier = threading.Barrier(2)

    def finish(part: int):
        barrier.wait(20)
        end = store.finish_part(draft_id, 0, part)
        return None if end is None else end.outcome

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(finish, (0, 1)))
    assert store.draft(draft_id)["state"] == "draft_ready"
    return sorted(o or "none" for o in outcomes)


def worker_died_mid_part(store: JobStore) -> dict:
    """A part's worker stored two of its four sentences and died (its lease ran out): the reconciler
    hands that part out once, and the next delivery translates only the two still missing."""
    _, made = make_job(store, 1, 12, hops=(1,))
    draft_id, engines, settings = made["tr"], FakeEngines(), settings_for(store)
    run_hop(store, engines, settings, draft_id, 0, {}, 0)            # keeps 0-3, hands out 4-7 and 8-11
    dying = store.start(draft_id, 0, 1)
    store.save_segments(draft_id, [r.__class__(r.idx, r.block, r.source, target="stored before dying")
                                   for r in store.segments(draft_id, 4, 5)])
    with store.engine.begin() as conn:
        conn.execute(parts.update().where(parts.c.lease_owner == dying["lease_owner"])
                     .values(lease_until=now() - timedelta(seconds=1)))
    with store.engine.begin() as conn:
        conn.execute(ob.outbox.update().values(state=ob.SENT))     # every message went out before
    with ThreadPoolExecutor(3) as pool:                            # three reconcilers at once
        redone = [r for found in pool.map(lambda _: JobStore(store.url).reclaim(timedelta(hours=1)), range(3))
                  for r in found]
    before = len(engines.engine.sentences())
    outcomes = [run_hop(store, engines, settings, draft_id, 0, {}, n).outcome for n in (1, 2)]
    draft = store.draft(draft_id)
    return {"redone": [(r["hop"], r["part"]) for r in redone], "outcomes": outcomes,
            "retranslated": sorted(engines.engine.sentences()[before:]), "state": draft["state"],
            "kept": [s["target"] for s in draft["segments"][4:6]], "duplicated": duplicated_segments(store, draft_id)}

