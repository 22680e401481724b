"""The one lifecycle of segments, drafts and jobs: states and transitions as tables.

A draft moves only along ``DRAFT_TRANSITIONS``; a segment's review status only along
``SEGMENT_TRANSITIONS``; a job has no transitions of its own: its state is ``job_state`` of its
drafts' states, recomputed in the same transaction as every draft change (see ``JobStore``), so
no job can be left unsettled. Anything not in a table is refused with ``TransitionError``
(HTTP 409). Terminal draft states (approved, rejected, cancelled, failed) stay terminal except
through an explicit action: ``retry`` (failed -> queued) or ``cancel`` (failed -> cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable

# --- draft (and job) states --------------------------------------------------------------------------
QUEUED, TRANSLATING, DRAFT_READY, IN_REVIEW = "queued", "translating", "draft_ready", "in_review"
APPROVED, REJECTED, FAILED, CANCELLED = "approved", "rejected", "failed", "cancelled"
STATES = (QUEUED, TRANSLATING, DRAFT_READY, IN_REVIEW, APPROVED, REJECTED, FAILED, CANCELLED)
UNFINISHED = (QUEUED, TRANSLATING)          # a worker still has to do something
REVIEWABLE = (DRAFT_READY, IN_REVIEW)       # a reviewer can change segments
TERMINAL = (APPROVED, REJECTED, FAILED, CANCELLED)

# Draft events: what the worker does (start, finish, fail), what people do (the rest).
START, FINISH, FAIL, CANCEL, RETRY = "start", "finish", "fail", "cancel", "retry"
START_REVIEW, APPROVE, REJECT = "start_review", "approve", "reject"
HUMAN_EVENTS = (CANCEL, RETRY, START_REVIEW, APPROVE, REJECT)

DRAFT_TRANSITIONS: dict[tuple[str, str], str] = {
    (QUEUED, START): TRANSLATING,
    (TRANSLATING, START): TRANSLATING,      # the next hop of a pivot, or a redelivered message
    (TRANSLATING, FINISH): DRAFT_READY,
    (QUEUED, FAIL): FAILED,
    (TRANSLATING, FAIL): FAILED,
    (QUEUED, CANCEL): CANCELLED,
    (TRANSLATING, CANCEL): CANCELLED,
    (FAILED, CANCEL): CANCELLED,            # give up on a draft that cannot be made
    (FAILED, RETRY): QUEUED,                # e.g. after the missing model was installed
    (DRAFT_READY, START_REVIEW): IN_REVIEW,
    (DRAFT_READY, APPROVE): APPROVED,
    (IN_REVIEW, APPROVE): APPROVED,
    (DRAFT_READY, REJECT): REJECTED,
    (IN_REVIEW, REJECT): REJECTED,
}

# --- segment review status -------------------------------------------------------------------------
NEW, EDITED, SEG_APPROVED, SEG_REJECTED = "new", "edited", "approved", "rejected"
SEGMENT_STATUSES = (NEW, EDITED, SEG_APPROVED, SEG_REJECTED)
EDIT = "edit"
SEGMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (NEW, EDIT): EDITED, (EDITED, EDIT): EDITED, (SEG_APPROVED, EDIT): EDITED, (SEG_REJECTED, EDIT): EDITED,
    (NEW, APPROVE): SEG_APPROVED, (EDITED, APPROVE): SEG_APPROVED, (SEG_REJECTED, APPROVE): SEG_APPROVED,
    (NEW, REJECT): SEG_REJECTED, (EDITED, REJECT): SEG_REJECTED, (SEG_APPROVED, REJECT): SEG_REJECTED,
}


class TransitionError(ValueError):
    """An action the current state does not allow (HTTP 409)."""

    def __init__(self, message: str, state: str | None = None):
        super().__init__(message)
        self.state = state


def next_draft_state(state: str, event: str) -> str:
    """The draft's state after ``event``; TransitionError when the table has no such arrow."""
    try:
        return DRAFT_TRANSITIONS[(state, event)]
    except KeyError:
        allowed = sorted(e for s, e in DRAFT_TRANSITIONS if s == state and e in HUMAN_EVENTS)
        hint = f"; from {state} you can: {', '.join(allowed)}" if allowed else f"; {state} is final"
        raise TransitionError(f"a draft that is {state} cannot {event.replace('_', ' ')}{hint}", state) from None


def next_segment_status(status: str, event: str) -> str:
    try:
        return SEGMENT_TRANSITIONS[(status, event)]
    except KeyError:
        done = {APPROVE: "approved", REJECT: "rejected", EDIT: "edited"}.get(event, event)
        raise TransitionError(f"a segment that is {status} cannot be {done} again", status) from None


def job_state(draft_states: Iterable[str]) -> str:
    """The job's state, a pure function of its drafts' states (first rule that holds):

    1. every draft queued -> queued
    2. any draft queued or translating -> translating
    3. any draft failed -> failed (a draft needs a retry, or cancelling)
    4. every draft cancelled -> cancelled
    5. any draft ready or in review -> in_review if any review has begun (a draft in review,
       approved or rejected), else draft_ready
    6. any draft rejected -> rejected
    7. otherwise (approved, some perhaps cancelled) -> approved
    """
    states = list(draft_states)
    unknown = [s for s in states if s not in STATES]
    if not states or unknown:
        raise ValueError(f"a job needs drafts in known states, not {states!r}")
    present = set(states)
    if present == {QUEUED}:
        return QUEUED
    if present & set(UNFINISHED):
        return TRANSLATING
    if FAILED in present:
        return FAILED
    if present == {CANCELLED}:
        return CANCELLED
    if present & set(REVIEWABLE):
        return IN_REVIEW if present & {IN_REVIEW, APPROVED, REJECTED} else DRAFT_READY
    return REJECTED if REJECTED in present else APPROVED


def ways_forward(state: str) -> list[str]:
    """The events that can move a draft on from ``state`` (empty for the final ones)."""
    return sorted(e for s, e in DRAFT_TRANSITIONS if s == state and DRAFT_TRANSITIONS[(s, e)] != s)
