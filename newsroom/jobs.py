"""The job store: the source of truth for translation jobs, their per-target drafts and segments.

SQL through SQLAlchemy (SQLite by default, PostgreSQL in production), schema by Alembic. Redis
only carries messages; whatever it loses, the store still knows what is left to do.

Every change of a draft's state goes through ``newsroom.lifecycle`` in one transaction that
first takes the job's row lock (``locked``) and then sets the job's state from all its drafts:
two drafts finishing at once are serialised, and the second one settles the job.

Segment results are written keyed by (draft, segment index): a task that is delivered twice
writes the same rows again and never duplicates them.

What has to leave the store is written to the outbox (``newsroom.outbox``) in the same
transaction: a job's first hops with the job, each next hop with the step before it, the job's
callback with the change that settles it.

The workers' side (parts of hops, their leases, reclaiming what a dead worker held, poison
tasks) is ``newsroom.parts.PartsMixin``, which the store inherits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from common.db import create_engine, upgrade
from newsroom.lifecycle import (
    CANCEL,
    CANCELLED,
    DRAFT_READY,
    DRAFT_TRANSITIONS,
    FAIL,
    FAILED,
    FINISH,
    QUEUED,
    RETRY,
    UNFINISHED,
    TransitionError,
    job_state,
    next_draft_state,
)
from newsroom.outbox import add_callback, outbox
from newsroom.parts import PartsMixin, add_part, add_whole_hop, parts
from newsroom.schema import MIGRATIONS, drafts, history, jobs, new_id, now, segments

__all__ = ["Change", "IdempotencyError", "JobStore", "SegmentRow"]


class IdempotencyError(ValueError):
    """An idempotency key already used for another request (HTTP 409)."""


def digest(values: list) -> str:
    """A request's fingerprint: what an idempotency key must be used with again."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    """What one lifecycle step did to a draft and its job."""
    draft_id: str
    job_id: str
    draft_before: str
    draft_after: str
    job_before: str
    job_after: str

    @property
    def job_settled(self) -> bool:
        """True exactly once per run of the job: when its last unfinished draft ended."""
        return self.job_before in UNFINISHED and self.job_after not in UNFINISHED


@dataclass
class SegmentRow:
    idx: int
    block: int
    source: str
    space_after: str = ""
    pivot: str | None = None
    target: str | None = None
    flags: list[str] = field(default_factory=list)
    score: float | None = None
    terms: dict | None = None
    pivot_score: float | None = None   # the first hop's score, combined with the last hop's


class JobStore(PartsMixin):
    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)
        upgrade(self.engine, MIGRATIONS)

    # --- creating ---------------------------------------------------------------------------------
    def create_job(self, *, source_lang: str, text: str, fmt: str, targets: list[tuple[str, int, list[dict],
                   list[SegmentRow]]], glossary: str = "", glossary_version: int | None = None, priority: int = 5,
                   callback_url: str = "", submitted_by: str = "", idempotency_key: str | None = None,
                   request_digest: str | None = None) -> tuple[str, dict[str, str]]:
        """Store a job with one draft per target (target tag, number of hops, blocks, segments) and,
        in the same transaction, the dispatch of every draft's first hop (``newsroom.outbox``).
        Returns the job id and target -> draft id. IntegrityError if ``idempotency_key`` is taken."""
        job_id, stamp = new_id(), now()
        draft_ids = {target: new_id() for target, *_ in targets}
        with self.engine.begin() as conn:
            conn.execute(jobs.insert().values(
                id=job_id, source_lang=source_lang, format=fmt, text=text, glossary=glossary,
                glossary_version=glossary_version, priority=priority, callback_url=callback_url,
                callback_done=False, state=QUEUED, error="", submitted_by=submitted_by, created_at=stamp,
                updated_at=stamp, idempotency_key=idempotency_key, request_digest=request_digest))
            for target, hops, blocks, rows in targets:
                draft_id = draft_ids[target]
                conn.execute(drafts.insert().values(
                    id=draft_id, job_id=job_id, target_lang=target, state=QUEUED, hops=hops, hop=0, done=0,
                    total=len(rows), attempts=0, blocks=blocks, error="", updated_at=stamp, models=[]))
                add_part(conn, job_id, draft_id, 0, 0, 0, max((r.idx for r in rows), default=-1), priority)
                if rows:
                    conn.execute(segments.insert(), [
                        {"draft_id": draft_id, "idx": r.idx, "block": r.block, "source": r.source,
                         "space_after": r.space_after, "flags": [], "status": "new", "version": 0} for r in rows])
        return job_id, draft_ids

    # --- reading ----------------------------------------------------------------------------------
    def job(self, job_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().first()
            if row is None:
                return None
            result = dict(row)
            result["drafts"] = [dict(d) for d in conn.execute(
                sa.select(drafts).where(drafts.c.job_id == job_id).order_by(drafts.c.target_lang)).mappings()]
            result["outbox"] = [dict(r) for r in conn.execute(sa.select(outbox).where(
                outbox.c.job_id == job_id).order_by(outbox.c.created_at, outbox.c.id)).mappings()]
            return result

    def job_by_key(self, idempotency_key: str) -> dict | None:
        with self.engine.connect() as conn:
            job_id = conn.execute(sa.select(jobs.c.id).where(jobs.c.idempotency_key == idempotency_key)).scalar()
        return self.job(job_id) if job_id else None

    def jobs(self, state: str | None = None, lang: str | None = None, limit: int = 50, offset: int = 0,
             created_from: datetime | None = None, created_before: datetime | None = None) -> list[dict]:
        """Jobs newest first, filtered by state, language (source or a target) and creation time;
        each with ``targets`` (tags) and ``progress`` (per target: tag, state, done, total)."""
        query = sa.select(jobs.c.id, jobs.c.source_lang, jobs.c.state, jobs.c.priority, jobs.c.created_at,
                          jobs.c.updated_at, jobs.c.error, jobs.c.format, jobs.c.glossary, jobs.c.submitted_by)
        if state:
            query = query.where(jobs.c.state == state)
        if lang:
            sub = sa.select(drafts.c.job_id).where(drafts.c.target_lang == lang)
            query = query.where(sa.or_(jobs.c.source_lang == lang, jobs.c.id.in_(sub)))
        if created_from:
            query = query.where(jobs.c.created_at >= created_from)
        if created_before:
            query = query.where(jobs.c.created_at < created_before)
        query = query.order_by(jobs.c.created_at.desc(), jobs.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            found = [dict(r) for r in conn.execute(query).mappings()]
            ids = [j["id"] for j in found]
            progress: dict[str, list[tuple[str, str, int, int]]] = {}
            if ids:
                rows = conn.execute(sa.select(drafts.c.job_id, drafts.c.target_lang, drafts.c.state, drafts.c.done,
                                              drafts.c.total).where(drafts.c.job_id.in_(ids)))
                for r in rows:
                    progress.setdefault(r.job_id, []).append((r.target_lang, r.state, r.done, r.total))
        for job in found:
            job["progress"] = sorted(progress.get(job["id"], []))
            job["targets"] = [p[0] for p in job["progress"]]
        return found

    def draft(self, draft_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).mappings().first()
            if row is None:
                return None
            result = dict(row)
            result["segments"] = [dict(s) for s in conn.execute(
                sa.select(segments).where(segments.c.draft_id == draft_id).order_by(segments.c.idx)).mappings()]
            return result

    def languages(self, draft_id: str) -> tuple[str, str] | None:
        """The draft's source and target language (None for an unknown draft)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs.c.source_lang, drafts.c.target_lang).join(
                drafts, drafts.c.job_id == jobs.c.id).where(drafts.c.id == draft_id)).first()
        return (row.source_lang, row.target_lang) if row else None

    def segments(self, draft_id: str, first: int | None = None, last: int | None = None) -> list[SegmentRow]:
        """The draft's segments (those with index first..last, if given), in order."""
        query = sa.select(segments).where(segments.c.draft_id == draft_id)
        if first is not None:
            query = query.where(segments.c.idx >= first, segments.c.idx <= last)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(segments.c.idx))
            return [SegmentRow(r.idx, r.block, r.source, r.space_after, r.pivot, r.target, list(r.flags or []),
                               r.score, r.terms, r.pivot_score) for r in rows]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state))
            return {state: n for state, n in rows}

    def segments_done_since(self, since: datetime) -> int:
        with self.engine.connect() as conn:
            query = sa.select(sa.func.coalesce(sa.func.sum(drafts.c.done), 0)).where(drafts.c.updated_at >= since)
            return int(conn.execute(query).scalar() or 0)

    # --- the lifecycle, under the job's lock ----------------------------------------------------------
    @contextmanager
    def locked(self, *, draft_id: str | None = None, job_id: str | None = None) -> Iterator[sa.Connection]:
        """A transaction whose first statement locks the job's row (PostgreSQL: row lock; SQLite:
        the database write lock), so state changes of one job run one after another."""
        if job_id is not None:
            where = jobs.c.id == job_id
        else:
            where = jobs.c.id == sa.select(drafts.c.job_id).where(drafts.c.id == draft_id).scalar_subquery()
        with self.engine.begin() as conn:
            if not conn.execute(jobs.update().where(where).values(updated_at=jobs.c.updated_at)).rowcount:
                raise KeyError(draft_id or job_id)
            yield conn

    def apply(self, conn: sa.Connection, draft_id: str, event: str, **values) -> Change:
        """Move a draft along the lifecycle table (TransitionError if it has no such arrow), write
        ``values`` with it, and settle the job; inside ``locked``."""
        row = conn.execute(sa.select(drafts.c.state, drafts.c.job_id).where(drafts.c.id == draft_id)).first()
        if row is None:
            raise KeyError(draft_id)
        new = next_draft_state(row.state, event)
        stamp = now()
        if new in (DRAFT_READY, FAILED, CANCELLED) and row.state in UNFINISHED:
            values.setdefault("finished_at", stamp)
        conn.execute(drafts.update().where(drafts.c.id == draft_id).values(state=new, updated_at=stamp, **values))
        before, after = self._settle(conn, row.job_id)
        change = Change(draft_id, row.job_id, row.state, new, before, after)
        if change.job_settled:
            self._queue_callback(conn, row.job_id, after)
        return change

    def _queue_callback(self, conn: sa.Connection, job_id: str, state: str) -> None:
        """The settled job's callback, in the outbox with the change (if the job has a callback URL)."""
        url = conn.execute(sa.select(jobs.c.callback_url).where(jobs.c.id == job_id)).scalar()
        if url:
            rows = conn.execute(sa.select(drafts.c.id, drafts.c.target_lang, drafts.c.state)
                                .where(drafts.c.job_id == job_id).order_by(drafts.c.target_lang))
            add_callback(conn, job_id, url, {"job_id": job_id, "state": state, "drafts": [
                {"id": r.id, "target": r.target_lang, "state": r.state} for r in rows]})

    def _settle(self, conn: sa.Connection, job_id: str) -> tuple[str, str]:
        """Set the job's state to ``job_state`` of its drafts; returns (before, after)."""
        before = conn.execute(sa.select(jobs.c.state).where(jobs.c.id == job_id)).scalar()
        rows = conn.execute(sa.select(drafts.c.state, drafts.c.error).where(drafts.c.job_id == job_id)).all()
        after = job_state(r.state for r in rows)
        values = {"state": after, "updated_at": now(),
                  "error": "; ".join(r.error for r in rows if r.state == FAILED and r.error)[:2000]}
        if after in UNFINISHED and before not in UNFINISHED:
            values["callback_done"] = False  # a retried job reports again when it settles
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(**values))
        return before, after

    def log(self, conn: sa.Connection, draft_id: str, idx: int | None, who: str, action: str, old=None,
            new=None) -> None:
        """One history entry for one human action, with the draft's state after it."""
        state = conn.execute(sa.select(drafts.c.state).where(drafts.c.id == draft_id)).scalar()
        conn.execute(history.insert().values(draft_id=draft_id, idx=idx, at=now(), who=who[:200], action=action,
                                             old=old, new=new, state=state))

    # --- progress (the workers' side; leases and parts: newsroom.parts) ----------------------------
    def record_model(self, draft_id: str, hop: int, model: dict) -> None:
        """Say which model (id, revision) translates ``hop`` of the draft."""
        with self.engine.begin() as conn:
            current = conn.execute(sa.select(drafts.c.models).where(drafts.c.id == draft_id)).scalar() or []
            models = sorted([*(m for m in current if m.get("hop") != hop), {**model, "hop": hop}],
                            key=lambda m: m["hop"])
            conn.execute(drafts.update().where(drafts.c.id == draft_id).values(models=models))

    def save_pivot(self, draft_id: str, texts: dict[int, str], scores: dict[int, float | None] | None = None) -> None:
        """Store the first hop's output of a pivot draft (and its scores, for the segments' confidence)."""
        scores = scores or {}
        with self.engine.begin() as conn:  # the draft's row first, as in save_segments: one lock order
            conn.execute(drafts.update().where(drafts.c.id == draft_id).values(updated_at=now()))
            for idx, text in texts.items():
                conn.execute(segments.update().where(segments.c.draft_id == draft_id, segments.c.idx == idx)
                             .values(pivot=text, pivot_score=scores.get(idx)))

    def save_segments(self, draft_id: str, rows: list[SegmentRow]) -> int:
        """Write finished segments (idempotent: keyed by draft and index); returns segments done. The
        draft's row is locked first, so parts of one draft saving at once count ``done`` in turn (each
        count sees the others' committed rows)."""
        with self.engine.begin() as conn:
            conn.execute(drafts.update().where(drafts.c.id == draft_id).values(updated_at=now()))
            for r in rows:
                conn.execute(segments.update().where(segments.c.draft_id == draft_id, segments.c.idx == r.idx).values(
                    target=r.target, flags=list(r.flags), score=r.score, terms=r.terms))
            done = conn.execute(sa.select(sa.func.count()).select_from(segments).where(
                segments.c.draft_id == draft_id, segments.c.target.is_not(None))).scalar()
            conn.execute(drafts.update().where(drafts.c.id == draft_id).values(done=done, updated_at=now()))
            return int(done)

    def finish_draft(self, draft_id: str) -> Change | None:
        """Mark a translating draft ready; None if it was not translating (cancelled meanwhile)."""
        return self._worker_event(draft_id, FINISH)

    def fail_draft(self, draft_id: str, reason: str) -> Change | None:
        """Mark an unfinished draft failed with a reason; None if it was not unfinished."""
        return self._worker_event(draft_id, FAIL, error=reason[:2000] or "failed")

    def _worker_event(self, draft_id: str, event: str, **values) -> Change | None:
        try:
            with self.locked(draft_id=draft_id) as conn:
                return self.apply(conn, draft_id, event, **values)
        except TransitionError:
            return None  # a late or redelivered message about a draft that moved on

    # --- people's actions ----------------------------------------------------------------------------
    def cancel(self, job_id: str, who: str = "") -> bool:
        """Cancel every draft still to be made (queued, translating or failed); False if none was."""
        with self.locked(job_id=job_id) as conn:
            rows = conn.execute(sa.select(drafts.c.id, drafts.c.state).where(drafts.c.job_id == job_id)).all()
            targets = [r.id for r in rows if (r.state, CANCEL) in DRAFT_TRANSITIONS]
            for draft_id in targets:
                self.apply(conn, draft_id, CANCEL)
                self.log(conn, draft_id, None, who or "system", "cancel")
            return bool(targets)

    def cancel_draft(self, draft_id: str, who: str = "") -> dict:
        """Cancel one draft still to be made (queued, translating or failed); returns the draft.
        TransitionError for any other state, KeyError for an unknown draft."""
        with self.locked(draft_id=draft_id) as conn:
            self.apply(conn, draft_id, CANCEL)
            self.log(conn, draft_id, None, who or "system", "cancel")
        return self.draft(draft_id)

    def retry(self, draft_id: str, who: str = "") -> dict:
        """A failed draft goes back to the queue from its first hop (stored work is kept, so only
        what is missing is translated); returns the draft. TransitionError unless it failed."""
        with self.locked(draft_id=draft_id) as conn:
            old_error = conn.execute(sa.select(drafts.c.error).where(drafts.c.id == draft_id)).scalar()
            change = self.apply(conn, draft_id, RETRY, hop=0, error="", finished_at=None)
            self.log(conn, draft_id, None, who or "system", "retry", old_error, None)
            priority = conn.execute(sa.select(jobs.c.priority).where(jobs.c.id == change.job_id)).scalar()
            conn.execute(parts.delete().where(parts.c.draft_id == draft_id))  # poison counts start again
            add_whole_hop(conn, change.job_id, draft_id, 0, priority)
            return dict(conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).mappings().first())

    def is_cancelled(self, draft_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(drafts.c.state).where(drafts.c.id == draft_id)).scalar() == CANCELLED

    def mark_callback_done(self, job_id: str) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.callback_done.is_(False))
                                     .values(callback_done=True)).rowcount)
