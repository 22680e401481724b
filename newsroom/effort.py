"""Post-editing effort per reviewed segment, in the job store (table ``segment_effort``, migration
j0006).

At a segment's first human action (edit, approve, reject, or approving the whole draft) the
machine's text is kept with its origin (``mt``, or ``tm`` for an exact translation-memory match)
and the risk it had then (``translate.risk``: what the reviewer was shown). When it is approved,
the approved text is compared with the machine's (sacrebleu):

- ``edit_rate``: HTER, word-level TER of the machine text against the approved one (the edits a
  reviewer made, per word of the approved text; 0 = approved unchanged), case-sensitive;
- ``char_ter``: the same on characters; ``chrf``: chrF (0-100) of the machine text against it.

The review desk reports how long the segment was open in the editor (focus to save, idle time
left out) with each save or approval; ``add_time`` adds it up. ``origin`` reads ``rewrite`` for
a segment whose approved text differs by ``REWRITE`` or more (HTER).
"""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa

from common.settings import get_settings
from newsroom.lifecycle import NEW
from newsroom.risk import dismissals, segment_risk
from newsroom.schema import metadata, now, segments
from translate.risk import TM, Weights

MT, REWRITE_ORIGIN = "mt", "rewrite"
REWRITE = 0.5           # HTER from which the approved text counts as a rewrite
MAX_SECONDS = 3600.0    # most time one report may add (a tab left open is not work)

segment_effort = sa.Table(
    "segment_effort", metadata,
    sa.Column("draft_id", sa.String(32), sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("machine", sa.Text, nullable=False),
    sa.Column("origin", sa.String(10), nullable=False),
    sa.Column("risk", sa.String(10), nullable=False),
    sa.Column("risk_score", sa.Float, nullable=False),
    sa.Column("confidence", sa.Float),
    sa.Column("seconds", sa.Float, nullable=False, default=0.0),
    sa.Column("reviewer", sa.String(200)),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), index=True),
    sa.Column("final", sa.Text),
    sa.Column("edit_rate", sa.Float),
    sa.Column("char_ter", sa.Float),
    sa.Column("chrf", sa.Float),
)


@lru_cache(maxsize=1)
def _metrics() -> tuple:
    """HTER, character TER and chrF scorers; sacrebleu is imported here, on the first review, not with
    the API (it takes a quarter of a second to import)."""
    from sacrebleu.metrics import CHRF, TER

    return TER(case_sensitive=True, normalized=True), TER(case_sensitive=True), CHRF()


def _chars(text: str) -> str:
    return " ".join("▁" if c.isspace() else c for c in text)


def edit_rates(machine: str, final: str) -> dict[str, float]:
    """HTER (``edit_rate``), character TER and chrF of the machine text against the approved one."""
    if machine == final:
        return {"edit_rate": 0.0, "char_ter": 0.0, "chrf": 100.0}
    if not final.strip() or not machine.strip():
        return {"edit_rate": 1.0, "char_ter": 1.0, "chrf": 0.0}
    words, chars, chrf = _metrics()
    return {"edit_rate": round(words.sentence_score(machine, [final]).score / 100, 4),
            "char_ter": round(chars.sentence_score(_chars(machine), [_chars(final)]).score / 100, 4),
            "chrf": round(chrf.sentence_score(machine, [final]).score, 2)}


def origin(row: dict) -> str:
    """Where the approved text came from: mt, tm, or rewrite (HTER at least ``REWRITE``)."""
    if row.get("edit_rate") is not None and row["edit_rate"] >= REWRITE:
        return REWRITE_ORIGIN
    return row["origin"]


def capture(conn: sa.Connection, draft_id: str, seg: dict, weights: Weights | None = None) -> None:
    """Keep the machine's text, origin and risk of a segment before its first human change (once)."""
    if conn.execute(sa.select(segment_effort.c.idx).where(segment_effort.c.draft_id == draft_id,
                                                          segment_effort.c.idx == seg["idx"])).first():
        return
    weights = weights or Weights.from_settings(get_settings())
    risk = segment_risk({**seg, "target": seg.get("target") or "", "status": NEW}, weights,
                        dismissals(conn, draft_id).get(seg["idx"], {}))
    conn.execute(segment_effort.insert().values(
        draft_id=draft_id, idx=seg["idx"], machine=seg.get("target") or "",
        origin=TM if TM in (seg.get("flags") or []) else MT, risk=risk.level, risk_score=risk.score,
        confidence=risk.confidence, seconds=0.0))


def reviewed(conn: sa.Connection, draft_id: str, idx: int, who: str) -> None:
    """The segment was approved by ``who``: compare its text now with the machine's."""
    target = conn.execute(sa.select(segments.c.target).where(segments.c.draft_id == draft_id,
                                                             segments.c.idx == idx)).scalar() or ""
    machine = conn.execute(sa.select(segment_effort.c.machine).where(
        segment_effort.c.draft_id == draft_id, segment_effort.c.idx == idx)).scalar()
    if machine is None:
        return
    conn.execute(segment_effort.update().where(segment_effort.c.draft_id == draft_id, segment_effort.c.idx == idx)
                 .values(reviewer=who[:200], reviewed_at=now(), final=target, **edit_rates(machine, target)))


def approve_all(conn: sa.Connection, draft_id: str, who: str, weights: Weights | None = None) -> None:
    """The whole draft was approved: every segment not yet approved is reviewed by ``who``."""
    rows = [dict(r) for r in conn.execute(sa.select(segments).where(
        segments.c.draft_id == draft_id, segments.c.status != "approved")).mappings()]
    for seg in rows:
        capture(conn, draft_id, seg, weights)
    for seg in rows:
        reviewed(conn, draft_id, seg["idx"], who)


def add_time(conn: sa.Connection, draft_id: str, seg: dict, seconds: float) -> None:
    """Add the time the desk reports the segment was open (at most ``MAX_SECONDS`` a report)."""
    if not seconds or seconds <= 0:
        return
    capture(conn, draft_id, seg)
    conn.execute(segment_effort.update().where(segment_effort.c.draft_id == draft_id,
                                               segment_effort.c.idx == seg["idx"])
                 .values(seconds=segment_effort.c.seconds + min(float(seconds), MAX_SECONDS)))


def record_time(store, draft_id: str, idx: int, seconds: float) -> None:
    """``add_time`` in its own transaction under the job's lock (the desk reports time with a save)."""
    with store.locked(draft_id=draft_id) as conn:
        seg = conn.execute(sa.select(segments).where(segments.c.draft_id == draft_id,
                                                     segments.c.idx == idx)).mappings().first()
        if seg is None:
            raise KeyError(f"{draft_id}/{idx}")
        add_time(conn, draft_id, dict(seg), seconds)
