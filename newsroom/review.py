"""Reviewing drafts: edit segments (with a conflict check), approve or reject segments and whole
drafts, comment, and keep the history of who changed what and when. Approved segments go into the
translation memory.

A draft moves to ``in_review`` when a reviewer opens it for editing (or edits it), and to
``approved`` when every segment is approved; the job follows its drafts.
"""

from __future__ import annotations

import sqlalchemy as sa

from newsroom.jobs import APPROVED, DRAFT_READY, IN_REVIEW, REJECTED, JobStore, drafts, jobs, metadata, now, segments
from translate import qa
from translate.engine import Translation

NEW, EDITED, SEG_APPROVED, SEG_REJECTED = "new", "edited", "approved", "rejected"
REVIEWABLE = (DRAFT_READY, IN_REVIEW)

history = sa.Table(
    "segment_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("idx", sa.Integer),                       # NULL: about the whole draft
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # edit approve reject comment open state
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
)


class ReviewError(ValueError):
    """A review action that the draft's state does not allow."""


class ConflictError(ReviewError):
    """Someone else changed the segment since the reviewer loaded it."""

    def __init__(self, message: str, current: dict):
        super().__init__(message)
        self.current = current


class Review:
    def __init__(self, store: JobStore, memory=None):
        self.store = store
        self.memory = memory  # a TranslationMemory, to fill with approved segments

    # --- reading ----------------------------------------------------------------------------------
    def history(self, draft_id: str) -> list[dict]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(history).where(history.c.draft_id == draft_id).order_by(history.c.id))
            return [dict(r._mapping) for r in rows]

    def segment(self, draft_id: str, idx: int) -> dict:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(segments).where(segments.c.draft_id == draft_id,
                                                         segments.c.idx == idx)).mappings().first()
        if row is None:
            raise KeyError(f"{draft_id}/{idx}")
        return dict(row)

    # --- actions ----------------------------------------------------------------------------------
    def open(self, draft_id: str, who: str) -> str:
        """A reviewer opens the draft for editing: draft_ready -> in_review."""
        with self.store.engine.begin() as conn:
            state = self._state(conn, draft_id)
            if state == DRAFT_READY:
                self._set_state(conn, draft_id, IN_REVIEW)
                self._log(conn, draft_id, None, who, "open", state, IN_REVIEW)
                return IN_REVIEW
            return state

    def edit(self, draft_id: str, idx: int, target: str, version: int, who: str) -> dict:
        """Replace a segment's target if nobody changed it since ``version``; QA flags are checked
        again. Raises ConflictError (with the current segment) otherwise."""
        with self.store.engine.begin() as conn:
            self._reviewable(conn, draft_id)
            seg = self._segment(conn, draft_id, idx)
            if seg["version"] != version:
                raise ConflictError(f"segment {idx} was changed by someone else (version {seg['version']}, "
                                    f"you edited version {version})", seg)
            langs = conn.execute(sa.select(jobs.c.source_lang, drafts.c.target_lang).join(
                drafts, drafts.c.job_id == jobs.c.id).where(drafts.c.id == draft_id)).first()
            kept = [f for f in seg["flags"] if f not in qa.ALL_FLAGS and f != "tm"]
            flags = qa.check(seg["source"], Translation(target), langs.source_lang, langs.target_lang) + kept
            conn.execute(segments.update().where(segments.c.draft_id == draft_id, segments.c.idx == idx).values(
                target=target, flags=flags, status=EDITED, version=version + 1))
            self._log(conn, draft_id, idx, who, "edit", seg["target"], target)
            self._to_review(conn, draft_id, who)
            return self._segment(conn, draft_id, idx)

    def set_segment(self, draft_id: str, idx: int, status: str, who: str) -> dict:
        if status not in (SEG_APPROVED, SEG_REJECTED):
            raise ReviewError(f"unknown segment status {status!r}")
        with self.store.engine.begin() as conn:
            self._reviewable(conn, draft_id)
            seg = self._segment(conn, draft_id, idx)
            conn.execute(segments.update().where(segments.c.draft_id == draft_id, segments.c.idx == idx).values(
                status=status, version=seg["version"] + 1))
            self._log(conn, draft_id, idx, who, "approve" if status == SEG_APPROVED else "reject", seg["status"],
                      status)
            self._to_review(conn, draft_id, who)
            self._settle(conn, draft_id, who)
            seg = self._segment(conn, draft_id, idx)
        self._remember(draft_id)
        return seg

    def set_draft(self, draft_id: str, status: str, who: str) -> str:
        """Approve (every segment) or reject the whole draft."""
        if status not in (APPROVED, REJECTED):
            raise ReviewError(f"unknown draft status {status!r}")
        with self.store.engine.begin() as conn:
            self._reviewable(conn, draft_id)
            if status == APPROVED:
                conn.execute(segments.update().where(segments.c.draft_id == draft_id,
                                                     segments.c.status != SEG_APPROVED)
                             .values(status=SEG_APPROVED, version=segments.c.version + 1))
            self._log(conn, draft_id, None, who, "approve" if status == APPROVED else "reject", None, status)
            self._finish(conn, draft_id, status, who)
        self._remember(draft_id)
        return status

    def comment(self, draft_id: str, idx: int | None, text: str, who: str) -> None:
        if not text.strip():
            raise ReviewError("an empty comment")
        with self.store.engine.begin() as conn:
            self._state(conn, draft_id)
            self._log(conn, draft_id, idx, who, "comment", None, text.strip()[:5000])

    # --- internals ----------------------------------------------------------------------------------
    @staticmethod
    def _state(conn, draft_id: str) -> str:
        state = conn.execute(sa.select(drafts.c.state).where(drafts.c.id == draft_id)).scalar()
        if state is None:
            raise KeyError(draft_id)
        return state

    def _reviewable(self, conn, draft_id: str) -> None:
        state = self._state(conn, draft_id)
        if state not in REVIEWABLE:
            raise ReviewError(f"the draft is {state}; only drafts that are ready or in review can be changed")

    @staticmethod
    def _segment(conn, draft_id: str, idx: int) -> dict:
        row = conn.execute(sa.select(segments).where(segments.c.draft_id == draft_id,
                                                     segments.c.idx == idx)).mappings().first()
        if row is None:
            raise KeyError(f"{draft_id}/{idx}")
        return dict(row)

    @staticmethod
    def _log(conn, draft_id, idx, who, action, old, new) -> None:
        conn.execute(history.insert().values(draft_id=draft_id, idx=idx, at=now(), who=who, action=action,
                                             old=old, new=new))

    def _to_review(self, conn, draft_id: str, who: str) -> None:
        if self._state(conn, draft_id) == DRAFT_READY:
            self._set_state(conn, draft_id, IN_REVIEW)
            self._log(conn, draft_id, None, who, "state", DRAFT_READY, IN_REVIEW)

    def _settle(self, conn, draft_id: str, who: str) -> None:
        """Every segment approved -> the draft is approved."""
        left = conn.execute(sa.select(sa.func.count()).select_from(segments).where(
            segments.c.draft_id == draft_id, segments.c.status != SEG_APPROVED)).scalar()
        if not left:
            self._finish(conn, draft_id, APPROVED, who)

    def _finish(self, conn, draft_id: str, status: str, who: str) -> None:
        self._set_state(conn, draft_id, status)
        self._log(conn, draft_id, None, who, "state", None, status)

    def _remember(self, draft_id: str) -> None:
        """Put an approved draft's segments into the translation memory (after its transaction)."""
        if self.memory is None:
            return
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(jobs.c.source_lang, drafts.c.target_lang, drafts.c.state).join(
                drafts, drafts.c.job_id == jobs.c.id).where(drafts.c.id == draft_id)).first()
            if row is None or row.state != APPROVED:
                return
            pairs = [(s.source, s.target) for s in conn.execute(sa.select(segments.c.source, segments.c.target).where(
                segments.c.draft_id == draft_id, segments.c.target.is_not(None)))]
        for source, target in pairs:
            self.memory.add(row.source_lang, row.target_lang, source, target, draft_id)

    @staticmethod
    def _set_state(conn, draft_id: str, state: str) -> None:
        conn.execute(drafts.update().where(drafts.c.id == draft_id).values(state=state, updated_at=now()))
        job_id = conn.execute(sa.select(drafts.c.job_id).where(drafts.c.id == draft_id)).scalar()
        states = [r.state for r in conn.execute(sa.select(drafts.c.state).where(drafts.c.job_id == job_id))]
        if all(s == APPROVED for s in states):
            job_state = APPROVED
        elif any(s == REJECTED for s in states) and all(s in (APPROVED, REJECTED) for s in states):
            job_state = REJECTED
        elif any(s in (IN_REVIEW, APPROVED, REJECTED) for s in states):
            job_state = IN_REVIEW
        else:
            return
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(state=job_state, updated_at=now()))
