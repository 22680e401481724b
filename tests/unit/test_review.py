"""Reviewing drafts in the store: edits with conflict checks, approvals, history, TM, lifecycle."""

from __future__ import annotations

import pytest

from newsroom.jobs import JobStore, SegmentRow
from newsroom.review import ConflictError, Review, ReviewError, TransitionError
from newsroom.tm import TranslationMemory

pytestmark = pytest.mark.unit


@pytest.fixture()
def ready(tmp_path):
    store = JobStore(f"sqlite:///{tmp_path / 'r.db'}")
    memory = TranslationMemory(store)
    rows = [SegmentRow(0, 0, "KFOR troops left Pristina.", " "), SegmentRow(1, 0, "Police took over 4,500 posts.")]
    job_id, drafts = store.create_job(source_lang="en", text="x", fmt="text", targets=[
        ("tr", 1, [], rows), ("sq", 1, [], rows)])
    for draft_id, targets in ((drafts["tr"], ["KFOR askerleri Priştine'den ayrıldı.", "Polis 4.500 noktayı devraldı."]),
                              (drafts["sq"], ["Trupat e KFOR-it u larguan.", "Policia mori 4.500 poste."])):
        store.start(draft_id, 0)
        store.save_segments(draft_id, [SegmentRow(i, 0, r.source, target=t) for i, (r, t) in
                                       enumerate(zip(rows, targets, strict=True))])
        store.finish_draft(draft_id)
    return store, Review(store, memory), memory, job_id, drafts


def test_start_moves_draft_into_review_once(ready):
    store, review, _, job_id, drafts = ready
    assert store.job(job_id)["state"] == "draft_ready"
    assert review.start(drafts["tr"], "ana") == "in_review"
    assert store.draft(drafts["tr"])["state"] == "in_review"
    assert store.job(job_id)["state"] == "in_review"
    with pytest.raises(TransitionError, match="in_review cannot start review"):
        review.start(drafts["tr"], "ana")
    assert [(h["action"], h["state"]) for h in review.history(drafts["tr"])] == [("start", "in_review")]


def test_reading_never_changes_state(ready):
    store, review, _, job_id, drafts = ready
    review.segment(drafts["tr"], 0)
    review.history(drafts["tr"])
    store.draft(drafts["tr"])
    assert store.draft(drafts["tr"])["state"] == "draft_ready" and store.job(job_id)["state"] == "draft_ready"


def test_edit_checks_version_and_rechecks_qa(ready):
    _, review, _, _, drafts = ready
    seg = review.edit(drafts["tr"], 1, "Polis 450 noktayı devraldı.", 0, "ana")
    assert seg["version"] == 1 and seg["status"] == "edited" and "number_mismatch" in seg["flags"]
    with pytest.raises(ConflictError) as conflict:
        review.edit(drafts["tr"], 1, "Polis noktaları devraldı.", 0, "ben")
    assert conflict.value.current["target"] == "Polis 450 noktayı devraldı."
    assert [(h["action"], h["state"]) for h in review.history(drafts["tr"])] == [("edit", "in_review")]


def test_approving_every_segment_approves_draft_then_job_and_fills_tm(ready):
    store, review, memory, job_id, drafts = ready
    review.set_segment(drafts["tr"], 0, "approved", "ana")
    assert store.draft(drafts["tr"])["state"] == "in_review"
    review.set_segment(drafts["tr"], 1, "approved", "ana")
    assert store.draft(drafts["tr"])["state"] == "approved"
    assert store.job(job_id)["state"] == "in_review"  # the Albanian draft is not approved yet
    assert memory.exact("en", "tr", ["KFOR troops left Pristina."]) == {
        "KFOR troops left Pristina.": "KFOR askerleri Priştine'den ayrıldı."}
    review.set_draft(drafts["sq"], "approved", "ana")
    assert store.job(job_id)["state"] == "approved"
    with pytest.raises(TransitionError, match="approved"):
        review.edit(drafts["sq"], 0, "x", 1, "ana")
    assert [h["action"] for h in review.history(drafts["tr"])] == ["approve", "approve"]
    assert review.history(drafts["tr"])[-1]["state"] == "approved"


def test_reject_draft_and_comments(ready):
    store, review, memory, job_id, drafts = ready
    review.comment(drafts["sq"], 0, "Use 'trupat e KFOR-it' consistently.", "ana")
    review.set_draft(drafts["sq"], "rejected", "ana")
    review.set_draft(drafts["tr"], "rejected", "ana")
    assert store.job(job_id)["state"] == "rejected"
    assert memory.exact("en", "sq", ["KFOR troops left Pristina."]) == {}
    history = review.history(drafts["sq"])
    assert history[0]["action"] == "comment" and history[0]["idx"] == 0 and history[0]["who"] == "ana"
    with pytest.raises(ReviewError, match="needs some text"):
        review.comment(drafts["sq"], None, "  ", "ana")


def test_unknown_draft_or_segment(ready):
    _, review, _, _, drafts = ready
    with pytest.raises(KeyError):
        review.start("nope", "ana")
    with pytest.raises(KeyError):
        review.edit(drafts["tr"], 99, "x", 0, "ana")


def test_segment_transitions_follow_the_table(ready):
    _, review, _, _, drafts = ready
    review.set_segment(drafts["tr"], 0, "rejected", "ana")
    with pytest.raises(TransitionError, match="rejected cannot be rejected"):
        review.set_segment(drafts["tr"], 0, "rejected", "ana")
    seg = review.set_segment(drafts["tr"], 0, "approved", "ana", version=1)
    assert seg["status"] == "approved" and seg["version"] == 2
    with pytest.raises(ConflictError):
        review.set_segment(drafts["tr"], 1, "approved", "ana", version=5)
    with pytest.raises(ReviewError, match="unknown segment status"):
        review.set_segment(drafts["tr"], 1, "final", "ana")


def test_edit_refuses_nul(ready):
    _, review, _, _, drafts = ready
    with pytest.raises(ReviewError, match="NUL"):
        review.edit(drafts["tr"], 0, "a\x00b", 0, "ana")
