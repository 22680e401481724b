"""Shared by the lifecycle tests (unit on SQLite, integration on PostgreSQL): a hypothesis state
machine that drives random sequences of worker and reviewer actions against a real job store and
checks the invariants after every step, and helpers that finish drafts from many writers at once."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from newsroom import lifecycle as lc
from newsroom.jobs import JobStore, SegmentRow
from newsroom.review import Review, ReviewError
from newsroom.schema import drafts, history, jobs, segments

TARGETS = ("tr", "sq", "sr-Cyrl")
WHO = "tester"


def make_job(store: JobStore, n_targets: int, n_segments: int, hops: tuple[int, ...] = (1, 2, 2)) -> tuple[str, dict]:
    rows = [SegmentRow(i, 0, f"Sentence number {i}.", " ") for i in range(n_segments)]
    return store.create_job(source_lang="en", text="x", fmt="text",
                            targets=[(t, hops[i], [], rows) for i, t in enumerate(TARGETS[:n_targets])])


def work(store: JobStore, draft_id: str) -> bool:
    """What a worker does with one message for the draft's current hop; False if it skipped."""
    draft = store.draft(draft_id)
    hop = draft["hop"]
    if store.start(draft_id, hop) is None:
        return False
    todo = [s for s in draft["segments"] if s["target"] is None]
    if hop < draft["hops"] - 1:
        store.save_pivot(draft_id, {s["idx"]: f"pivot {s['idx']}" for s in todo})
    else:
        store.save_segments(draft_id, [SegmentRow(s["idx"], s["block"], s["source"], target=f"t{s['idx']}")
                                       for s in todo])
    store.finish_part(draft_id, hop, 0)  # the next hop, or the draft finished
    return True


def finish_all(url: str, draft_ids: list[str]) -> int:
    """Translate the given drafts to the end (a process's or thread's share); returns messages run."""
    store = JobStore(url)
    runs = 0
    for draft_id in draft_ids:
        while store.draft(draft_id)["state"] in lc.UNFINISHED:
            work(store, draft_id)
            runs += 1
    store.engine.dispose()
    return runs


def unsettled(store: JobStore) -> list[tuple[str, str, list[str]]]:
    """Jobs whose stored state is not the lifecycle's function of their drafts' states."""
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(jobs.c.id, jobs.c.state)).all()
        states: dict[str, list[str]] = {}
        for row in conn.execute(sa.select(drafts.c.job_id, drafts.c.state)):
            states.setdefault(row.job_id, []).append(row.state)
    return [(j.id, j.state, states[j.id]) for j in found if j.state != lc.job_state(states[j.id])]


class LifecycleMachine(RuleBasedStateMachine):
    """Subclasses set ``url`` (a database whose job tables are emptied at the start)."""

    url = ""

    def __init__(self):
        super().__init__()
        self.store = JobStore(self.url)
        with self.store.engine.begin() as conn:
            for table in (history, segments, drafts, jobs):
                conn.execute(table.delete())
        self.review = Review(self.store)
        self.drafts: list[str] = []
        self.jobs: list[str] = []
        self.human: Counter[str] = Counter()

    def teardown(self):
        self.store.engine.dispose()

    # --- the workers ----------------------------------------------------------------------------------
    @rule(n_targets=st.integers(1, 3), n_segments=st.integers(1, 3), hops=st.sampled_from([(1, 1, 1), (1, 2, 2)]))
    def submit(self, n_targets, n_segments, hops):
        job_id, made = make_job(self.store, n_targets, n_segments, hops)
        self.jobs.append(job_id)
        self.drafts.extend(made.values())

    @rule(data=st.data())
    def hop_done(self, data):
        live = [d for d in self.drafts if self._state(d) in lc.UNFINISHED]
        if live:
            work(self.store, data.draw(st.sampled_from(live)))

    @rule(data=st.data())
    def hop_redelivered(self, data):
        """A message delivered again, late: for a finished draft it changes nothing."""
        if self.drafts:
            draft_id = data.draw(st.sampled_from(self.drafts))
            before = self._state(draft_id)
            started = self.store.start(draft_id, 0)
            if before not in lc.UNFINISHED:
                assert started is None and self._state(draft_id) == before
                assert self.store.finish_draft(draft_id) is None
            elif started is not None:  # this delivery gives up (a transient error): the lease goes back
                self.store.release(draft_id, started["lease_owner"])

    @rule(data=st.data())
    def fail(self, data):
        if self.drafts:
            draft_id = data.draw(st.sampled_from(self.drafts))
            before = self._state(draft_id)
            change = self.store.fail_draft(draft_id, "model missing")
            assert (change is not None) == (before in lc.UNFINISHED)

    # --- people ---------------------------------------------------------------------------------------
    @rule(data=st.data())
    def cancel(self, data):
        if self.jobs:
            job_id = data.draw(st.sampled_from(self.jobs))
            cancellable = [d["id"] for d in self.store.job(job_id)["drafts"]
                           if (d["state"], lc.CANCEL) in lc.DRAFT_TRANSITIONS]
            assert self.store.cancel(job_id, WHO) == bool(cancellable)
            self.human.update(cancellable)

    @rule(data=st.data())
    def retry(self, data):
        self._human(data, lambda d: self.store.retry(d, WHO))

    @rule(data=st.data())
    def start_review(self, data):
        self._human(data, lambda d: self.review.start(d, WHO))

    @rule(data=st.data(), idx=st.integers(0, 2), text=st.sampled_from(["Edited.", "Другачије.", ""]))
    def edit(self, data, idx, text):
        self._human(data, lambda d: self.review.edit(d, idx, text, self._version(d, idx), WHO))

    @rule(data=st.data(), idx=st.integers(0, 2), status=st.sampled_from(["approved", "rejected"]),
          stale=st.booleans())
    def set_segment(self, data, idx, status, stale):
        self._human(data, lambda d: self.review.set_segment(d, idx, status, WHO,
                                                            self._version(d, idx) - stale))

    @rule(data=st.data(), status=st.sampled_from(["approved", "rejected"]))
    def set_draft(self, data, status):
        self._human(data, lambda d: self.review.set_draft(d, status, WHO))

    def _human(self, data, action) -> None:
        """Run a person's action on a random draft: it either happens (one history entry) or is
        refused and changes nothing."""
        if not self.drafts:
            return
        draft_id = data.draw(st.sampled_from(self.drafts))
        before = (self.store.draft(draft_id), len(self.review.history(draft_id)))
        try:
            action(draft_id)
        except (lc.TransitionError, ReviewError, KeyError):
            assert (self.store.draft(draft_id), len(self.review.history(draft_id))) == before
            return
        self.human[draft_id] += 1

    def _state(self, draft_id: str) -> str:
        return self.store.draft(draft_id)["state"]

    def _version(self, draft_id: str, idx: int) -> int:
        seg = next((s for s in self.store.draft(draft_id)["segments"] if s["idx"] == idx), None)
        return seg["version"] if seg else 0

    # --- what must hold after every step -------------------------------------------------------------
    @invariant()
    def job_state_is_a_function_of_its_drafts(self):
        assert unsettled(self.store) == []

    @invariant()
    def every_state_has_a_way_forward_or_is_final(self):
        for draft_id in self.drafts:
            state = self._state(draft_id)
            assert lc.ways_forward(state) or state in (lc.APPROVED, lc.REJECTED, lc.CANCELLED), state

    @invariant()
    def counts_match_segments(self):
        with self.store.engine.connect() as conn:
            for row in conn.execute(sa.select(drafts.c.id, drafts.c.done, drafts.c.total)):
                stored = conn.execute(sa.select(sa.func.count(), sa.func.count(segments.c.target)).where(
                    segments.c.draft_id == row.id)).one()
                assert (row.total, row.done) == tuple(stored), row.id

    @invariant()
    def one_history_entry_per_human_action(self):
        with self.store.engine.connect() as conn:
            counted = Counter(dict(conn.execute(sa.select(history.c.draft_id, sa.func.count())
                                                .group_by(history.c.draft_id)).all()))
        assert counted == self.human
