"""Parts: the unit of work. Each hop of a draft is done in parts, each a run of whole segments
(``first_idx``..``last_idx``); a worker holds a part under a lease, and the draft moves on once
every part of its hop is done.

A hop starts as one part covering the whole draft (written with the job, with the next hop, with a
retry). The worker that takes a part too long for one worker (``DRAGOMAN_PART_TOKENS``) cuts it
(``split``): it keeps the first run of sentences and writes the others as new parts, with their
dispatches, in one transaction under its lease, so that other workers translate them meanwhile.

Leases and poison tasks are per part: while a worker holds a part (``start``, ``renew``), no other
delivery of that part starts; once the lease runs out (the worker died), ``reclaim`` hands the part
out again; a part delivered more than ``max_deliveries`` times without finishing fails its draft.
``finish_part`` runs under the job's lock: of two parts finishing at once, exactly one sees none
left, and only that one moves the draft to its next hop or finishes it. Results are written per
segment (``JobStore.save_segments``), so a part done twice duplicates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from newsroom.lifecycle import FAIL, FINISH, START, TRANSLATING, UNFINISHED
from newsroom.outbox import add_dispatch, aware, waiting_dispatch
from newsroom.schema import drafts, jobs, metadata, new_id, now, segments

__all__ = ["DONE", "NEXT", "PART", "PartEnd", "PartsMixin", "add_part", "add_whole_hop", "parts"]

DEFAULT_LEASE = 60.0
PART, NEXT, DONE = "part", "next", "done"

parts = sa.Table(
    "parts", metadata,
    sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("hop", sa.Integer, primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True),
    sa.Column("first_idx", sa.Integer, nullable=False),             # segments first_idx..last_idx
    sa.Column("last_idx", sa.Integer, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False, default=False),
    sa.Column("lease_until", sa.DateTime(timezone=True)),           # a worker holds the part until then
    sa.Column("lease_owner", sa.String(32), index=True),            # which delivery holds it
    sa.Column("deliveries", sa.Integer, nullable=False, default=0),  # none of which finished
    sa.Column("worker", sa.String(200), nullable=False, default=""),  # host:pid of its last delivery
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class PartEnd:
    """What finishing a part did: ``part`` (others of the hop remain), ``next`` (the draft went on
    to its next hop, dispatched), ``done`` (the draft is ready: ``change``), or None-like skip."""
    outcome: str
    change: object = None


def add_part(conn: sa.Connection, job_id: str, draft_id: str, hop: int, part: int, first: int, last: int,
             priority: int) -> None:
    """A part to do, and its dispatch, in ``conn``'s transaction."""
    conn.execute(parts.insert().values(draft_id=draft_id, hop=hop, part=part, first_idx=first, last_idx=last,
                                       done=False, deliveries=0, worker="", updated_at=now()))
    add_dispatch(conn, job_id, draft_id, hop, priority, part)


def add_whole_hop(conn: sa.Connection, job_id: str, draft_id: str, hop: int, priority: int) -> None:
    """The hop as one part covering every segment of the draft (a worker may cut it)."""
    last = conn.execute(sa.select(sa.func.max(segments.c.idx)).where(segments.c.draft_id == draft_id)).scalar()
    add_part(conn, job_id, draft_id, hop, 0, 0, -1 if last is None else last, priority)


def _held(row) -> bool:
    """Another delivery holds the part's lease."""
    return row["lease_until"] is not None and aware(row["lease_until"]) > now()


def _key(draft_id: str, hop: int, part: int) -> sa.ColumnElement[bool]:
    return sa.and_(parts.c.draft_id == draft_id, parts.c.hop == hop, parts.c.part == part)


class PartsMixin:
    """The workers' side of the job store (``JobStore`` inherits it): parts, leases, reclaiming."""

    engine: sa.Engine

    def start(self, draft_id: str, hop: int, part: int = 0, *, lease: float = DEFAULT_LEASE,
              max_deliveries: int = 0, worker: str = "") -> dict | None:
        """Lease part ``part`` of ``hop`` to the caller for ``lease`` seconds and mark the draft
        translating: the draft as it was, with ``lease_owner`` (the caller's token for ``renew``),
        ``first_idx`` and ``last_idx``; None if there is nothing to do (the draft finished, was
        cancelled or failed, or moved past that hop; the part is done or another delivery holds it):
        the caller then acknowledges its message and stops. The ``max_deliveries + 1``-th delivery of
        a part none of whose deliveries finished fails the draft instead (a poison task). ``worker``
        (host:pid) is recorded on the part: who holds it, or did it last."""
        with self.locked(draft_id=draft_id) as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).mappings().first()
            unit = conn.execute(sa.select(parts).where(_key(draft_id, hop, part))).mappings().first()
            if row["state"] not in UNFINISHED or row["hop"] != hop or unit is None or unit["done"] or _held(unit):
                return None
            deliveries = unit["deliveries"] + 1
            if max_deliveries and deliveries > max_deliveries:
                self.apply(conn, draft_id, FAIL, error=_poisoned(row, hop, part, deliveries, max_deliveries))
                return None
            owner = new_id()
            conn.execute(parts.update().where(_key(draft_id, hop, part)).values(
                lease_owner=owner, lease_until=now() + timedelta(seconds=lease), deliveries=deliveries,
                worker=worker[:200], updated_at=now()))
            self.apply(conn, draft_id, START, attempts=row["attempts"] + 1)
            return {**dict(row), "lease_owner": owner, "part": part, "first_idx": unit["first_idx"],
                    "last_idx": unit["last_idx"]}

    def renew(self, draft_id: str, owner: str, lease: float = DEFAULT_LEASE) -> bool:
        """Extend the caller's lease; False if it no longer holds its part (the draft was cancelled,
        or the lease ran out and another delivery took the part): the caller stops."""
        translating = sa.select(drafts.c.id).where(drafts.c.id == draft_id, drafts.c.state == TRANSLATING
                                                   ).correlate_except(drafts)
        with self.engine.begin() as conn:
            return bool(conn.execute(parts.update().where(
                parts.c.draft_id == draft_id, parts.c.lease_owner == owner, parts.c.done.is_(False),
                sa.exists(translating)).values(lease_until=now() + timedelta(seconds=lease))).rowcount)

    def release(self, draft_id: str, owner: str) -> None:
        """Give the lease back without finishing (a transient error: the part is tried again, and this
        delivery does not count towards a poison task)."""
        with self.engine.begin() as conn:
            conn.execute(parts.update().where(parts.c.draft_id == draft_id, parts.c.lease_owner == owner)
                         .values(lease_until=None, lease_owner=None, deliveries=0))

    def split(self, draft_id: str, hop: int, part: int, owner: str, runs: list[tuple[int, int]]) -> bool:
        """Cut the caller's part into ``runs`` (first, last segment index; in order, covering it): the
        part keeps the first, each other becomes a new part with its dispatch. False (nothing
        written) unless the caller still holds the part."""
        with self.locked(draft_id=draft_id) as conn:
            if not conn.execute(parts.update().where(_key(draft_id, hop, part), parts.c.lease_owner == owner,
                                                     parts.c.done.is_(False))
                                .values(last_idx=runs[0][1], updated_at=now())).rowcount:
                return False
            job_id, priority = conn.execute(sa.select(jobs.c.id, jobs.c.priority).join(
                drafts, drafts.c.job_id == jobs.c.id).where(drafts.c.id == draft_id)).first()
            highest = conn.execute(sa.select(sa.func.max(parts.c.part)).where(
                parts.c.draft_id == draft_id, parts.c.hop == hop)).scalar()
            for number, (first, last) in enumerate(runs[1:], start=highest + 1):
                add_part(conn, job_id, draft_id, hop, number, first, last, priority)
            return True

    def finish_part(self, draft_id: str, hop: int, part: int) -> PartEnd | None:
        """The part's segments are stored: mark it done; if it was the hop's last, the draft goes on
        to its next hop (dispatched with this change) or is finished. Under the job's lock, so parts
        finishing at once move the draft once. None if the draft is not translating this hop any more
        (cancelled, failed, or another delivery already finished the hop)."""
        with self.locked(draft_id=draft_id) as conn:
            row = conn.execute(sa.select(drafts.c.state, drafts.c.hop, drafts.c.hops, drafts.c.job_id)
                               .where(drafts.c.id == draft_id)).first()
            if row.state != TRANSLATING or row.hop != hop:
                return None
            conn.execute(parts.update().where(_key(draft_id, hop, part)).values(
                done=True, lease_until=None, lease_owner=None, updated_at=now()))
            if conn.execute(sa.select(sa.func.count()).select_from(parts).where(
                    parts.c.draft_id == draft_id, parts.c.hop == hop, parts.c.done.is_(False))).scalar():
                return PartEnd(PART)
            if hop + 1 < row.hops:
                priority = conn.execute(sa.select(jobs.c.priority).where(jobs.c.id == row.job_id)).scalar()
                conn.execute(drafts.update().where(drafts.c.id == draft_id).values(hop=hop + 1, updated_at=now()))
                add_whole_hop(conn, row.job_id, draft_id, hop + 1, priority)
                return PartEnd(NEXT)
            return PartEnd(DONE, self.apply(conn, draft_id, FINISH))

    def part_rows(self, draft_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(parts).where(parts.c.draft_id == draft_id)
                                                  .order_by(parts.c.hop, parts.c.part)).mappings()]

    def reclaim(self, older_than: timedelta) -> list[dict]:
        """Hand out again the parts of unfinished drafts that no worker has: whose lease ran out (the
        worker died), or that nobody leased and nothing touched for ``older_than`` (their message was
        lost), and that have no dispatch waiting in the outbox. Each gets a dispatch, written with a
        compare-and-set on the part, so reconcilers running at once hand a part out once."""
        query = (sa.select(parts.c.draft_id, parts.c.hop, parts.c.part, drafts.c.job_id, jobs.c.priority)
                 .join(drafts, drafts.c.id == parts.c.draft_id).join(jobs, jobs.c.id == drafts.c.job_id)
                 .where(_unattended(older_than)))
        with self.engine.connect() as conn:
            found = conn.execute(query).all()
        redone = []
        for row in found:
            with self.engine.begin() as conn:
                if conn.execute(parts.update().where(_key(row.draft_id, row.hop, row.part), _unattended(older_than))
                                .values(lease_until=None, lease_owner=None, updated_at=now())).rowcount:
                    add_dispatch(conn, row.job_id, row.draft_id, row.hop, row.priority, row.part)
                    redone.append({"id": row.draft_id, "job_id": row.job_id, "hop": row.hop, "part": row.part})
        return redone


def _unattended(older_than: timedelta) -> sa.ColumnElement[bool]:
    stamp = now()
    draft = sa.select(drafts.c.id).where(drafts.c.id == parts.c.draft_id, drafts.c.state.in_(UNFINISHED),
                                         drafts.c.hop == parts.c.hop).correlate_except(drafts)
    return sa.and_(parts.c.done.is_(False), sa.exists(draft),
                   ~waiting_dispatch(parts.c.draft_id, parts.c.hop, parts.c.part), sa.or_(
                       sa.and_(parts.c.lease_until.is_not(None), parts.c.lease_until < stamp),
                       sa.and_(parts.c.lease_until.is_(None), parts.c.updated_at < stamp - older_than)))


def _poisoned(row, hop: int, part: int, deliveries: int, most: int) -> str:
    where = f"hop {hop + 1} of {row['hops']}" + (f", part {part + 1}" if part else "")
    return (f"killed its worker {deliveries - 1} times: {where} was delivered {deliveries} times and never "
            f"finished (DRAGOMAN_TASK_MAX_DELIVERIES={most}); retry it once the cause is fixed")


