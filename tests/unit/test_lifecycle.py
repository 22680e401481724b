"""The lifecycle tables themselves: every draft state has a way forward or is final, the job's
state is a pure function of its drafts' (checked on every combination of up to three drafts),
and anything outside the tables is refused."""

from __future__ import annotations

import itertools

import pytest

from newsroom import lifecycle as lc

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("drafts", "job"), [
    (["queued"], "queued"),
    (["queued", "queued"], "queued"),
    (["queued", "translating"], "translating"),
    (["queued", "draft_ready"], "translating"),
    (["translating", "failed"], "translating"),
    (["draft_ready", "draft_ready"], "draft_ready"),
    (["draft_ready", "in_review"], "in_review"),
    (["draft_ready", "approved"], "in_review"),
    (["approved", "failed"], "failed"),            # the wave-1 bug: sat in in_review for ever
    (["approved", "cancelled"], "approved"),       # a cancelled draft no longer holds the job back
    (["in_review", "cancelled"], "in_review"),
    (["approved", "rejected"], "rejected"),
    (["approved", "approved"], "approved"),
    (["cancelled", "cancelled"], "cancelled"),
    (["cancelled", "failed"], "failed"),
    (["draft_ready", "failed"], "failed"),
    (["rejected", "cancelled"], "rejected"),
])
def test_job_state_table(drafts, job):
    assert lc.job_state(drafts) == job
    assert lc.job_state(reversed(drafts)) == job


@pytest.mark.parametrize("combo", [c for n in (1, 2, 3) for c in itertools.combinations_with_replacement(lc.STATES, n)])
def test_job_state_is_total_and_consistent(combo):
    state = lc.job_state(combo)
    assert state in lc.STATES
    unfinished = any(s in lc.UNFINISHED for s in combo)
    assert (state in lc.UNFINISHED) == unfinished
    if state in lc.TERMINAL and state != lc.FAILED:
        assert all(s in lc.TERMINAL for s in combo)     # nothing left for anyone to do
    if lc.FAILED in combo and not unfinished:
        assert state == lc.FAILED                        # a failure is never hidden


def test_job_state_refuses_nonsense():
    with pytest.raises(ValueError):
        lc.job_state([])
    with pytest.raises(ValueError):
        lc.job_state(["queued", "lost"])


@pytest.mark.parametrize("state", lc.STATES)
def test_every_state_has_a_way_forward_unless_final(state):
    forward = lc.ways_forward(state)
    if state in (lc.APPROVED, lc.REJECTED, lc.CANCELLED):
        assert forward == []
    else:
        assert forward, state
    if state == lc.FAILED:
        assert forward == [lc.CANCEL, lc.RETRY]


def test_targets_of_the_table_are_states():
    assert set(lc.DRAFT_TRANSITIONS.values()) <= set(lc.STATES)
    assert {s for s, _ in lc.DRAFT_TRANSITIONS} <= set(lc.STATES)
    assert set(lc.SEGMENT_TRANSITIONS.values()) <= set(lc.SEGMENT_STATUSES)


@pytest.mark.parametrize(("state", "event"), [
    (s, e) for s in lc.STATES for e in (lc.START, lc.FINISH, lc.FAIL, *lc.HUMAN_EVENTS)
    if (s, e) not in lc.DRAFT_TRANSITIONS])
def test_transitions_not_in_the_table_are_refused(state, event):
    with pytest.raises(lc.TransitionError) as info:
        lc.next_draft_state(state, event)
    assert info.value.state == state and state in str(info.value)


def test_refusal_says_what_can_be_done():
    with pytest.raises(lc.TransitionError, match="from failed you can: cancel, retry"):
        lc.next_draft_state(lc.FAILED, lc.APPROVE)
    with pytest.raises(lc.TransitionError, match="approved is final"):
        lc.next_draft_state(lc.APPROVED, lc.RETRY)


def test_segment_table():
    assert lc.next_segment_status(lc.NEW, lc.EDIT) == lc.EDITED
    assert lc.next_segment_status(lc.SEG_APPROVED, lc.EDIT) == lc.EDITED
    assert lc.next_segment_status(lc.SEG_REJECTED, lc.APPROVE) == lc.SEG_APPROVED
    for status in lc.SEGMENT_STATUSES:
        assert lc.next_segment_status(status, lc.EDIT) == lc.EDITED
    with pytest.raises(lc.TransitionError, match="approved cannot be approved again"):
        lc.next_segment_status(lc.SEG_APPROVED, lc.APPROVE)
