"""Reviewing drafts: start review, edit segments (with a conflict check), approve or reject
segments and whole drafts, comment, import an edited XLIFF file, and keep the history of who did
what and when (one entry per action). Approved drafts go into the translation memory.

Every action runs in the job store's locked transaction and moves states only along the tables
of ``newsroom.lifecycle``: review starts with an explicit action (``start``, the first edit or an
approval; reading never changes state), a draft is approved when every segment is, and the job
follows its drafts.
"""

from __future__ import annotations

import sqlalchemy as sa

from newsroom import effort, xliff
from newsroom.jobs import JobStore
from newsroom.lifecycle import (
    APPROVE,
    APPROVED,
    DRAFT_READY,
    EDIT,
    REJECT,
    REJECTED,
    REVIEWABLE,
    SEG_APPROVED,
    SEG_REJECTED,
    START_REVIEW,
    TransitionError,
    next_segment_status,
)
from newsroom.schema import drafts, history, jobs, segments
from translate import qa
from translate.engine import Translation

__all__ = ["REVIEWABLE", "ConflictError", "Review", "ReviewError", "TransitionError"]
SEGMENT_EVENTS = {SEG_APPROVED: APPROVE, SEG_REJECTED: REJECT}
DRAFT_EVENTS = {APPROVED: APPROVE, REJECTED: REJECT}
MAX_COMMENT = 5000


class ReviewError(ValueError):
    """A review request that makes no sense (unknown status, empty comment): HTTP 422."""


class ConflictError(TransitionError):
    """Someone else changed the segment since the reviewer loaded it (HTTP 409, with the current
    segment)."""

    def __init__(self, message: str, current: dict):
        super().__init__(message, current.get("status"))
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
            return _segment(conn, draft_id, idx)

    # --- actions ----------------------------------------------------------------------------------
    def start(self, draft_id: str, who: str) -> str:
        """Start reviewing a ready draft: draft_ready -> in_review."""
        with self.store.locked(draft_id=draft_id) as conn:
            change = self.store.apply(conn, draft_id, START_REVIEW)
            self.store.log(conn, draft_id, None, who, "start", change.draft_before, change.draft_after)
            return change.draft_after

    def edit(self, draft_id: str, idx: int, target: str, version: int, who: str) -> dict:
        """Replace a segment's target if nobody changed it since ``version`` (ConflictError with the
        current segment otherwise); QA flags are checked again. Starts review of a ready draft."""
        if not _storable(target):
            raise ReviewError("a segment's text must be a string without NUL characters or unpaired surrogates")
        with self.store.locked(draft_id=draft_id) as conn:
            seg = self._changeable(conn, draft_id, idx, version)
            status = next_segment_status(seg["status"], EDIT)
            langs = conn.execute(sa.select(jobs.c.source_lang, drafts.c.target_lang).join(
                drafts, drafts.c.job_id == jobs.c.id).where(drafts.c.id == draft_id)).first()
            kept = [f for f in seg["flags"] if f not in qa.ALL_FLAGS and f != "tm"]
            flags = qa.check(seg["source"], Translation(target), langs.source_lang, langs.target_lang) + kept
            effort.capture(conn, draft_id, seg)
            self._write(conn, draft_id, idx, target=target, flags=flags, status=status)
            self.store.log(conn, draft_id, idx, who, "edit", seg["target"], target)
            return _segment(conn, draft_id, idx)

    def set_segment(self, draft_id: str, idx: int, status: str, who: str, version: int | None = None) -> dict:
        """Approve or reject one segment (checked against ``version`` when given); the draft is
        approved with its last segment."""
        if status not in SEGMENT_EVENTS:
            raise ReviewError(f"unknown segment status {status!r}; expected approved or rejected")
        with self.store.locked(draft_id=draft_id) as conn:
            seg = self._changeable(conn, draft_id, idx, version)
            new = next_segment_status(seg["status"], SEGMENT_EVENTS[status])
            effort.capture(conn, draft_id, seg)
            self._write(conn, draft_id, idx, status=new)
            if new == SEG_APPROVED:
                effort.reviewed(conn, draft_id, idx, who)
            if new == SEG_APPROVED and not _left_to_approve(conn, draft_id):
                self.store.apply(conn, draft_id, APPROVE)
            self.store.log(conn, draft_id, idx, who, SEGMENT_EVENTS[status], seg["status"], new)
            seg = _segment(conn, draft_id, idx)
        self._remember(draft_id)
        return seg

    def set_draft(self, draft_id: str, status: str, who: str) -> str:
        """Approve (every segment with it) or reject the whole draft."""
        if status not in DRAFT_EVENTS:
            raise ReviewError(f"unknown draft status {status!r}; expected approved or rejected")
        with self.store.locked(draft_id=draft_id) as conn:
            change = self.store.apply(conn, draft_id, DRAFT_EVENTS[status])
            if status == APPROVED:
                effort.approve_all(conn, draft_id, who)
                conn.execute(segments.update().where(segments.c.draft_id == draft_id, segments.c.status != SEG_APPROVED)
                             .values(status=SEG_APPROVED, version=segments.c.version + 1))
            self.store.log(conn, draft_id, None, who, DRAFT_EVENTS[status], change.draft_before, status)
        self._remember(draft_id)
        return status

    def comment(self, draft_id: str, idx: int | None, text: str, who: str) -> None:
        if not _storable(text) or not text.strip():
            raise ReviewError("a comment needs some text (and no NUL characters or unpaired surrogates)")
        with self.store.locked(draft_id=draft_id) as conn:
            if idx is not None:
                _segment(conn, draft_id, idx)
            self.store.log(conn, draft_id, idx, who, "comment", None, text.strip()[:MAX_COMMENT])

    def import_xliff(self, draft_id: str, data: bytes, who: str) -> tuple[int, list[str]]:
        """Apply the targets an edited XLIFF file changed, each as an edit of the version stored
        now; returns how many were applied and the problems (XliffError if the file is bad)."""
        draft = self.store.draft(draft_id)
        if draft is None:
            raise KeyError(draft_id)
        job = self.store.job(draft["job_id"])
        changes = xliff.import_draft(data, draft, job["source_lang"])
        applied, problems = 0, []
        for idx, target in sorted(changes.items()):
            try:
                self.edit(draft_id, idx, target, self.segment(draft_id, idx)["version"], who)
                applied += 1
            except (ReviewError, TransitionError) as exc:
                problems.append(f"segment {idx}: {exc}")
                if not isinstance(exc, ConflictError):
                    break
        return applied, problems

    # --- internals ----------------------------------------------------------------------------------
    def _changeable(self, conn, draft_id: str, idx: int, version: int | None) -> dict:
        """The segment, once the draft is reviewable (a ready draft starts review) and the version
        matches."""
        state = conn.execute(sa.select(drafts.c.state).where(drafts.c.id == draft_id)).scalar()
        if state is None:
            raise KeyError(draft_id)
        if state not in REVIEWABLE:
            raise TransitionError(f"the draft is {state}; only drafts that are ready or in review can be changed",
                                  state)
        seg = _segment(conn, draft_id, idx)
        if version is not None and seg["version"] != version:
            raise ConflictError(f"segment {idx} was changed by someone else (version {seg['version']}, "
                                f"you changed version {version})", seg)
        if state == DRAFT_READY:
            self.store.apply(conn, draft_id, START_REVIEW)
        return seg

    @staticmethod
    def _write(conn, draft_id: str, idx: int, **values) -> None:
        conn.execute(segments.update().where(segments.c.draft_id == draft_id, segments.c.idx == idx)
                     .values(version=segments.c.version + 1, **values))

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


def _storable(text: object) -> bool:
    """A string the database can store: no NUL, and UTF-8 (no unpaired surrogates)."""
    if not isinstance(text, str) or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _segment(conn, draft_id: str, idx: int) -> dict:
    row = conn.execute(sa.select(segments).where(segments.c.draft_id == draft_id,
                                                 segments.c.idx == idx)).mappings().first()
    if row is None:
        raise KeyError(f"{draft_id}/{idx}")
    return dict(row)


def _left_to_approve(conn, draft_id: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(segments).where(
        segments.c.draft_id == draft_id, segments.c.status != SEG_APPROVED)).scalar()
