"""Review by risk in the job store: every segment's confidence and risk (``translate.risk``), the
draft's review order, checks a reviewer dismissed on a segment (with a reason, in the history;
dismissed checks do not count in risk), and the optional auto-approval of low-risk exact
translation-memory matches (DRAGOMAN_AUTO_APPROVE_TM; the history names it as who approved).
The dismissals' table is created by migration j0006."""

from __future__ import annotations

import sqlalchemy as sa

from newsroom.jobs import JobStore
from newsroom.lifecycle import APPROVE, DRAFT_READY, NEW, REVIEWABLE, SEG_APPROVED, TransitionError
from newsroom.schema import drafts, jobs, metadata, now, segments
from translate.risk import LEVELS, LOW, TM, Risk, Weights, assess, level, review_order

AUTO_APPROVER = "auto-approve (exact TM match, low risk)"
MAX_REASON = 2000

check_dismissals = sa.Table(
    "check_dismissals", metadata,
    sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("check", sa.String(40), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


class DismissError(ValueError):
    """A dismissal that makes no sense (no such flag on the segment, no reason): HTTP 422."""


def dismissals(conn: sa.Connection, draft_id: str) -> dict[int, dict[str, dict]]:
    """Segment index -> dismissed check -> {reason, who, at}."""
    found: dict[int, dict[str, dict]] = {}
    for row in conn.execute(sa.select(check_dismissals).where(check_dismissals.c.draft_id == draft_id)):
        found.setdefault(row.idx, {})[row.check] = {"reason": row.reason, "who": row.who, "at": row.at}
    return found


def segment_risk(seg: dict, weights: Weights, dismissed=()) -> Risk | None:
    """The risk of a stored segment (None until it is translated)."""
    if seg.get("target") is None:
        return None
    return assess(seg.get("score"), seg.get("flags") or [], weights, dismissed, machine_text=seg.get("status") == NEW)


def annotate(draft: dict, dismissed: dict[int, dict[str, dict]], weights: Weights) -> dict:
    """Add to each segment of ``draft`` its ``confidence``, ``risk``, ``risk_score`` and
    ``dismissed`` checks, and to the draft its ``review_order`` and ``risk_summary`` (worst, mean,
    its level, count per level, over translated segments)."""
    risks: dict[int, Risk] = {}
    for seg in draft["segments"]:
        seg["dismissed"] = dismissed.get(seg["idx"], {})
        risk = segment_risk(seg, weights, seg["dismissed"])
        seg["confidence"] = risk.confidence if risk else None
        seg["risk"], seg["risk_score"] = (risk.level, risk.score) if risk else (None, None)
        if risk:
            risks[seg["idx"]] = risk
    draft["review_order"] = review_order(risks)
    draft["risk_summary"] = summary(list(risks.values()), weights)
    return draft


def summary(risks: list[Risk], weights: Weights) -> dict:
    scores = [r.score for r in risks]
    return {"worst": max(scores) if scores else None,
            "worst_level": level(max(scores), weights) if scores else None,
            "mean": round(sum(scores) / len(scores), 4) if scores else None,
            "levels": {level: sum(r.level == level for r in risks) for level in LEVELS}}


def assessed_draft(store: JobStore, draft_id: str, weights: Weights) -> dict | None:
    """The stored draft with its risk (``annotate``); None for an unknown draft."""
    draft = store.draft(draft_id)
    if draft is None:
        return None
    with store.engine.connect() as conn:
        return annotate(draft, dismissals(conn, draft_id), weights)


def dismiss(store: JobStore, draft_id: str, idx: int, check: str, reason: str, who: str) -> dict:
    """Dismiss ``check`` on a segment that has it, with a reason (kept in the history); returns
    the segment's dismissals."""
    if not isinstance(reason, str) or not reason.strip() or "\x00" in reason:
        raise DismissError("say why the check does not apply (a reason is required)")
    with store.locked(draft_id=draft_id) as conn:
        seg = conn.execute(sa.select(segments.c.flags).where(segments.c.draft_id == draft_id,
                                                             segments.c.idx == idx)).first()
        if seg is None:
            raise KeyError(f"{draft_id}/{idx}")
        if check not in (seg.flags or []) or check == TM:
            raise DismissError(f"segment {idx} has no check {check!r} to dismiss")
        where = (check_dismissals.c.draft_id == draft_id, check_dismissals.c.idx == idx,
                 check_dismissals.c.check == check)
        conn.execute(check_dismissals.delete().where(*where))
        conn.execute(check_dismissals.insert().values(draft_id=draft_id, idx=idx, check=check,
                                                      reason=reason.strip()[:MAX_REASON], who=who[:200], at=now()))
        store.log(conn, draft_id, idx, who, "dismiss", check, reason.strip()[:MAX_REASON])
        return dismissals(conn, draft_id).get(idx, {})


def restore(store: JobStore, draft_id: str, idx: int, check: str, who: str) -> dict:
    """Undo a dismissal (the check counts again); returns the segment's dismissals."""
    with store.locked(draft_id=draft_id) as conn:
        gone = conn.execute(check_dismissals.delete().where(
            check_dismissals.c.draft_id == draft_id, check_dismissals.c.idx == idx,
            check_dismissals.c.check == check)).rowcount
        if not gone:
            raise DismissError(f"check {check!r} is not dismissed on segment {idx}")
        store.log(conn, draft_id, idx, who, "restore", check, None)
        return dismissals(conn, draft_id).get(idx, {})


def auto_approve(store: JobStore, draft_id: str, weights: Weights) -> list[int]:
    """Approve the new, low-risk exact-TM-match segments of a ready draft (the draft with them
    when nothing else is left); returns the indexes approved. Each approval is a history entry
    by ``AUTO_APPROVER``. Reading nothing else, it starts no review."""
    approved: list[int] = []
    try:
        with store.locked(draft_id=draft_id) as conn:
            state = conn.execute(sa.select(drafts.c.state).where(drafts.c.id == draft_id)).scalar()
            if state != DRAFT_READY:
                return []
            rows = [dict(r) for r in conn.execute(sa.select(segments).where(segments.c.draft_id == draft_id))
                    .mappings()]
            gone = dismissals(conn, draft_id)
            for seg in rows:
                risk = segment_risk(seg, weights, gone.get(seg["idx"], {}))
                if seg["status"] == NEW and TM in (seg["flags"] or []) and risk and risk.level == LOW:
                    conn.execute(segments.update().where(segments.c.draft_id == draft_id,
                                                         segments.c.idx == seg["idx"])
                                 .values(status=SEG_APPROVED, version=segments.c.version + 1))
                    store.log(conn, draft_id, seg["idx"], AUTO_APPROVER, APPROVE, NEW, SEG_APPROVED)
                    approved.append(seg["idx"])
            if approved and all(s["status"] == SEG_APPROVED or s["idx"] in approved for s in rows):
                store.apply(conn, draft_id, APPROVE)
                store.log(conn, draft_id, None, AUTO_APPROVER, APPROVE, DRAFT_READY, "approved")
    except (KeyError, TransitionError):
        return []
    return approved


def reviewable_drafts(store: JobStore, weights: Weights, limit: int = 200) -> list[dict]:
    """Drafts ready or in review, riskiest first (worst segment, then mean), each with its job's
    languages and ``risk_summary``; the ``limit`` most recent drafts are considered."""
    with store.engine.connect() as conn:
        found = [dict(r) for r in conn.execute(
            sa.select(drafts.c.id, drafts.c.job_id, drafts.c.target_lang, drafts.c.state, drafts.c.finished_at,
                      jobs.c.source_lang, jobs.c.priority).join(jobs, jobs.c.id == drafts.c.job_id)
            .where(drafts.c.state.in_(REVIEWABLE)).order_by(drafts.c.finished_at.desc()).limit(limit)).mappings()]
        ids = [d["id"] for d in found]
        rows: dict[str, list[dict]] = {}
        if ids:
            for r in conn.execute(sa.select(segments.c.draft_id, segments.c.idx, segments.c.target, segments.c.score,
                                            segments.c.flags, segments.c.status).where(segments.c.draft_id.in_(ids))):
                rows.setdefault(r.draft_id, []).append(dict(r._mapping))
        gone = {draft_id: dismissals(conn, draft_id) for draft_id in ids}
    for draft in found:
        risks = [segment_risk(s, weights, gone[draft["id"]].get(s["idx"], {})) for s in rows.get(draft["id"], [])]
        draft["risk_summary"] = summary([r for r in risks if r], weights)
        draft["unreviewed"] = sum(s["status"] != SEG_APPROVED for s in rows.get(draft["id"], []))
    found.sort(key=lambda d: (-(d["risk_summary"]["worst"] or 0), -(d["risk_summary"]["mean"] or 0)))
    return found
