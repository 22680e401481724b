"""The outbox: what has to leave the job store once a transaction commits, written by that
transaction, so that nothing is sent for a change that was rolled back and nothing is lost when
the process dies right after the commit.

Two kinds of rows:

- ``dispatch``: a hop of a draft to hand to the workers (a Celery message, or the embedded
  thread). ``JobStore.create_job`` writes one per draft with the job; ``next_hop``, ``retry``
  and the reconciler write the others. Retried until sent (the broker may be down for a while).
- ``callback``: a job's webhook, written by the ``apply`` that settles the job, with the body
  as it was then. Retried with exponential backoff and jitter until a 2xx answer or
  ``DRAGOMAN_CALLBACK_RETRY_HOURS`` after the first failure; then ``dead`` (an admin can send
  it again: ``requeue``).

A row is ``pending`` until a drainer claims it (``sending``, until ``claimed_until``), then
``sent``, or ``pending`` again with a later ``next_attempt_at``, or ``dead``. A claim is a
compare-and-set: PostgreSQL picks the rows with ``SELECT ... FOR UPDATE SKIP LOCKED``, and each
row is taken by an ``UPDATE`` that holds only if it is still claimable (SQLite's only guard), so
two drainers never send one row at once. A drainer that dies mid-send leaves its claim to run
out: the row is sent again (at least once); receivers drop repeats by ``X-Dragoman-Delivery``,
the row's ``delivery_id``, which never changes.

This module imports nothing of the job store (which imports it); its table is on the store's
``newsroom.schema.metadata``, created by migration j0005.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from newsroom.schema import metadata

__all__ = ["CALLBACK", "DEAD", "DISPATCH", "PENDING", "SENDING", "SENT", "Outbox", "add_callback", "add_dispatch",
           "backoff", "outbox"]

DISPATCH, CALLBACK = "dispatch", "callback"
PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
WAITING = (PENDING, SENDING)

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("draft_id", sa.String(32), index=True),                 # dispatch: the draft and its hop
    sa.Column("hop", sa.Integer),
    sa.Column("part", sa.Integer),                                    # dispatch: which part of the hop
    sa.Column("priority", sa.Integer, nullable=False, default=5),
    sa.Column("url", sa.String(2000), nullable=False, default=""),    # callback: where, and what
    sa.Column("payload", sa.Text, nullable=False, default=""),
    sa.Column("delivery_id", sa.String(32), nullable=False, unique=True),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_until", sa.DateTime(timezone=True)),
    sa.Column("retry_until", sa.DateTime(timezone=True)),              # set by the first failure
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def backoff(attempts: int, base: float, cap: float, rand=random.random) -> float:
    """Seconds before attempt ``attempts + 1``: ``base * 2**(attempts - 1)``, at most ``cap``, of
    which a random half is taken away (jitter: failed senders do not all come back at once)."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * (0.5 + rand() / 2)


# --- writing, inside the store's transactions -----------------------------------------------------------
def _row(kind: str, job_id: str, **values) -> dict:
    stamp = now()
    return {"id": uuid.uuid4().hex, "kind": kind, "job_id": job_id, "delivery_id": uuid.uuid4().hex,
            "state": PENDING, "attempts": 0, "next_attempt_at": stamp, "last_error": "", "created_at": stamp,
            "priority": 5, "url": "", "payload": "", **values}


def add_dispatch(conn: sa.Connection, job_id: str, draft_id: str, hop: int, priority: int, part: int = 0) -> str:
    """A part of a hop to hand to the workers once ``conn``'s transaction commits; returns the row's id."""
    row = _row(DISPATCH, job_id, draft_id=draft_id, hop=hop, priority=priority, part=part)
    conn.execute(outbox.insert().values(**row))
    return row["id"]


def add_callback(conn: sa.Connection, job_id: str, url: str, body: dict) -> str:
    """A webhook to POST once ``conn``'s transaction commits, with ``body`` as it is now."""
    row = _row(CALLBACK, job_id, url=url, payload=json.dumps(body, separators=(",", ":"), sort_keys=True))
    conn.execute(outbox.insert().values(**row))
    return row["id"]


def waiting_dispatch(draft_id, hop=None, part=None) -> sa.ColumnElement[bool]:
    """SQL: a dispatch of the draft (of that hop's part, if given) is still to be sent (or being sent)."""
    where = [outbox.c.draft_id == draft_id, outbox.c.kind == DISPATCH, outbox.c.state.in_(WAITING)]
    if hop is not None:
        where += [outbox.c.hop == hop, sa.func.coalesce(outbox.c.part, 0) == part]
    return sa.exists().where(*where)


# --- draining -----------------------------------------------------------------------------------------
class Outbox:
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @staticmethod
    def _claimable(stamp: datetime) -> sa.ColumnElement[bool]:
        return sa.or_(sa.and_(outbox.c.state == PENDING, outbox.c.next_attempt_at <= stamp),
                      sa.and_(outbox.c.state == SENDING, outbox.c.claimed_until < stamp))

    def claim(self, kinds: tuple[str, ...], limit: int = 10, lease: float = 60.0,
              job_id: str | None = None) -> list[dict]:
        """Take up to ``limit`` due rows of ``kinds`` (most urgent first) for ``lease`` seconds;
        each row is counted as an attempt. No other drainer gets them until the lease runs out."""
        stamp = now()
        claimable = sa.and_(outbox.c.kind.in_(kinds), self._claimable(stamp))
        if job_id is not None:
            claimable = sa.and_(claimable, outbox.c.job_id == job_id)
        query = (sa.select(outbox.c.id).where(claimable).limit(limit).with_for_update(skip_locked=True)
                 .order_by(outbox.c.priority.desc(), outbox.c.next_attempt_at, outbox.c.created_at))
        with self.engine.begin() as conn:
            taken = [row_id for row_id in conn.execute(query).scalars().all()
                     if conn.execute(outbox.update().where(outbox.c.id == row_id, claimable).values(
                         state=SENDING, claimed_until=stamp + timedelta(seconds=lease),
                         attempts=outbox.c.attempts + 1)).rowcount]
            if not taken:
                return []
            rows = conn.execute(sa.select(outbox).where(outbox.c.id.in_(taken))).mappings().all()
        order = {row_id: i for i, row_id in enumerate(taken)}
        return sorted((dict(r) for r in rows), key=lambda r: order[r["id"]])

    def sent(self, row: dict) -> bool:
        """The claimed row went out; False if another drainer had taken it over meanwhile."""
        return self._finish(row, state=SENT, sent_at=now(), claimed_until=None, last_error="")

    def failed(self, row: dict, error: str, delay: float | None) -> bool:
        """The attempt failed: try again in ``delay`` seconds, or (None) give the row up."""
        values = {"state": DEAD if delay is None else PENDING, "claimed_until": None, "last_error": error[:2000]}
        if delay is not None:
            values["next_attempt_at"] = now() + timedelta(seconds=delay)
        return self._finish(row, **values)

    def start_retry_window(self, row: dict, hours: float) -> datetime:
        """The time after which the row is given up: set by its first failure, kept after."""
        if row["retry_until"] is not None:
            return aware(row["retry_until"])
        until = now() + timedelta(hours=hours)
        with self.engine.begin() as conn:
            conn.execute(outbox.update().where(outbox.c.id == row["id"], outbox.c.retry_until.is_(None))
                         .values(retry_until=until))
        return until

    def _finish(self, row: dict, **values) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(outbox.update().where(
                outbox.c.id == row["id"], outbox.c.state == SENDING, outbox.c.attempts == row["attempts"])
                .values(**values)).rowcount)

    def next_due(self, kinds: tuple[str, ...]) -> datetime | None:
        """When the next row of ``kinds`` can be claimed (None: no row is waiting)."""
        pending = sa.select(sa.func.min(outbox.c.next_attempt_at)).where(
            outbox.c.kind.in_(kinds), outbox.c.state == PENDING)
        claimed = sa.select(sa.func.min(outbox.c.claimed_until)).where(
            outbox.c.kind.in_(kinds), outbox.c.state == SENDING)
        with self.engine.connect() as conn:
            found = [aware(conn.execute(q).scalar()) for q in (pending, claimed)]
        found = [f for f in found if f is not None]
        return min(found) if found else None

    def rows(self, job_id: str, kind: str | None = None) -> list[dict]:
        query = sa.select(outbox).where(outbox.c.job_id == job_id)
        if kind:
            query = query.where(outbox.c.kind == kind)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(outbox.c.created_at, outbox.c.id)).mappings()]

    def requeue(self, job_id: str) -> dict | None:
        """Send the job's latest callback again now, whatever became of it (same delivery id, a new
        retry window); None if the job has none."""
        latest = self.rows(job_id, CALLBACK)[-1:]
        if not latest:
            return None
        with self.engine.begin() as conn:
            conn.execute(outbox.update().where(outbox.c.id == latest[0]["id"]).values(
                state=PENDING, next_attempt_at=now(), claimed_until=None, retry_until=None, attempts=0))
        return self.rows(job_id, CALLBACK)[-1]
