"""What a unit of work does, with or without Celery: translate one part of one hop of one draft.

A direct target is one hop. A pivot target (tr→sq) is two: the first (tr→en, on queue mt.tr-en)
stores the English of every segment, the second (en→sq, on mt.en-sq) finishes the draft. Glossary
terms are protected before the first hop and restored after the last, so the chain is invisible
to callers. Work already stored is never redone: a redelivered part translates only what is
missing, and writes results keyed by (draft, segment).

A hop starts as one part (``newsroom.parts``). The worker that takes a part with more than
``DRAGOMAN_PART_TOKENS`` tokens still to translate cuts it into runs of whole sentences, keeps the
first and dispatches the others at once, so that other workers (or other threads of a shared
worker) translate them meanwhile; glossary, script and QA still see whole sentences. The last part
of a hop to finish moves the draft on, once.

A part is held under a lease (``JobStore.start``) while it runs: a ``Heartbeat`` thread renews it
every third of ``DRAGOMAN_LEASE_SECONDS`` (an engine call may be long) and the part renews it
between chunks, stopping if it lost it (cancelled, or handed to another worker after the lease ran
out). A part never sends anything itself: new parts, the next hop and the job's callback are in
the outbox, written with the change, and the drainer sends them (``workers.drainer``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from common.languages import Direction
from common.settings import Settings
from newsroom.jobs import JobStore, SegmentRow
from newsroom.parts import DONE as ALL_DONE
from newsroom.parts import NEXT as HOP_DONE
from newsroom.risk import auto_approve
from translate.backends.tuning import chunk_sentences
from translate.batcher import urgency
from translate.engine import Engine, IdentityEngine, Translation, chain_score
from translate.engines import Engines
from translate.models import MissingModelError
from translate.pipeline import Run, Segment
from translate.registry import route
from translate.risk import Weights
from translate.terms import cached_glossary

log = logging.getLogger("dragoman.worker")
NEXT, DONE, PART, SKIP, CANCELLED = "next", "done", "part", "skip", "cancelled"


@dataclass
class HopResult:
    outcome: str            # next | done | part (others of the hop remain) | skip | cancelled
    draft_id: str
    hop: int
    job_finished: bool = False


def queue_for(direction: Direction, hop: int) -> str:
    """The Celery queue of a hop: mt.<model direction>, e.g. mt.en-tr; script-only work on mt.script."""
    hops = route(direction)
    return f"mt.{hops[hop].key}" if hops else "mt.script"


def _glossary(job: dict, settings: Settings, cache: dict):
    """The concepts of the glossary version the job recorded (``translate.terms.cached_glossary``)."""
    return cached_glossary(cache, job["glossary"], job["glossary_version"], settings.database_url)


class Heartbeat:
    """Keeps a draft's lease while a hop runs: renewed by a thread every third of the lease and by
    ``renew`` between chunks; ``held`` turns False once the store says another delivery has it."""

    def __init__(self, store: JobStore, draft_id: str, owner: str, seconds: float):
        self.store, self.draft_id, self.owner, self.seconds = store, draft_id, owner, seconds
        self.held = True
        self.renewed = threading.Event()  # set by each renewal that kept the lease
        self.ended = threading.Event()    # set when the beating stops (stopped, or the lease was lost)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"dragoman-lease-{draft_id[:8]}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(self.seconds)

    def renew(self) -> bool:
        if self.held:
            try:
                self.held = self.store.renew(self.draft_id, self.owner, self.seconds)
                if self.held:
                    self.renewed.set()
            except Exception as exc:  # the database is away: keep working, the next beat tries again
                log.warning("draft %s: cannot renew its lease: %s", self.draft_id, exc)
        return self.held

    def _beat(self) -> None:
        try:
            while self.held and not self._stop.wait(self.seconds / 3):
                self.renew()
        finally:
            self.ended.set()


def run_hop(store: JobStore, engines: Engines, settings: Settings, draft_id: str, hop: int,
            glossary_cache: dict | None = None, part: int = 0, flush: Callable[[], None] | None = None) -> HopResult:
    """Translate one part of a hop of a draft under its lease; SKIP if another delivery holds it or
    there is nothing to do. ``flush`` sends the dispatches of parts cut off this one. An exception
    gives the lease back first (the caller fails the draft or retries)."""
    draft = store.start(draft_id, hop, part, lease=settings.lease_seconds,
                        max_deliveries=settings.task_max_deliveries,
                        worker=f"{socket.gethostname()}:{os.getpid()}")  # recorded on the part
    if draft is None:
        return HopResult(SKIP, draft_id, hop)
    try:
        with Heartbeat(store, draft_id, draft["lease_owner"], settings.lease_seconds) as lease:
            return _translate(store, engines, settings, draft, hop, lease, glossary_cache, flush)
    except Exception:
        _release(store, draft_id, draft["lease_owner"])
        raise


def _release(store: JobStore, draft_id: str, owner: str) -> None:
    try:
        store.release(draft_id, owner)
    except Exception as exc:  # the lease then runs out by itself
        log.warning("draft %s: cannot give its lease back: %s", draft_id, exc)


def _translate(store: JobStore, engines: Engines, settings: Settings, draft: dict, hop: int, lease: Heartbeat,
               glossary_cache: dict | None, flush: Callable[[], None] | None) -> HopResult:
    draft_id = draft["id"]
    job = store.job(draft["job_id"])
    direction = Direction(job["source_lang"], draft["target_lang"])
    hops = route(direction)
    last = hop >= len(hops) - 1
    engine: Engine = engines.hop(hops[hop]) if hops else IdentityEngine()
    if hops:
        model = {**engines.provenance(hops[hop]), "hop": hop}
        if model not in (draft.get("models") or []):  # the hop's other parts recorded it already
            store.record_model(draft_id, hop, model)
    run = Run(direction, _glossary(job, settings, glossary_cache if glossary_cache is not None else {}),
              job["glossary_version"])
    rows = store.segments(draft_id, draft["first_idx"], draft["last_idx"])
    if hop == 0:
        rows = _reuse_memory(store, direction, draft_id, rows)
    todo = [r for r in rows if r.target is None and (last or r.pivot is None)]
    if hops and todo:
        rows, todo = _cut(store, engines.count_tokens(hops[hop]), settings, draft, hop, lease.owner, rows, todo,
                          flush)
    by_source: dict[str, list[SegmentRow]] = {}
    for row in todo:
        by_source.setdefault(row.source, []).append(row)
    unique = sorted(by_source, key=len)
    size = chunk_sentences(settings)
    for start in range(0, len(unique), size):
        if not lease.renew():
            return HopResult(CANCELLED if store.is_cancelled(draft_id) else SKIP, draft_id, hop)
        chunk = unique[start:start + size]
        inputs = run.inputs(chunk) if hop == 0 else [by_source[s][0].pivot or "" for s in chunk]
        with urgency(job["priority"]):  # a breaking-news job goes into its worker's next batch first
            outputs = engine.translate(inputs)
        if last:
            if hop > 0:  # a pivot's confidence covers both hops
                outputs = [replace(out, score=chain_score(by_source[s][0].pivot_score, out.score))
                           for s, out in zip(chunk, outputs, strict=True)]
            _finish(store, engines, run, direction, draft_id, chunk, outputs, by_source)
        else:
            pairs = [(r.idx, out) for s, out in zip(chunk, outputs, strict=True) for r in by_source[s]]
            store.save_pivot(draft_id, {i: out.text for i, out in pairs}, {i: out.score for i, out in pairs})
    result = _end(store, draft_id, hop, draft["part"])
    if result.outcome == DONE and settings.auto_approve_tm:
        auto_approve(store, draft_id, Weights.from_settings(settings))
    return result


def _cut(store: JobStore, count: Callable[[str], int], settings: Settings, draft: dict, hop: int, owner: str,
         rows: list[SegmentRow], todo: list[SegmentRow], flush: Callable[[], None] | None,
         ) -> tuple[list[SegmentRow], list[SegmentRow]]:
    """Cut the part into runs of whole sentences of at most DRAGOMAN_PART_TOKENS tokens still to
    translate; keep the first (the rows returned) and hand the others out as new parts."""
    cost = {r.idx: count(r.source if hop == 0 else r.pivot or "") for r in todo}
    runs, tokens = [[draft["first_idx"], draft["last_idx"]]], 0
    for row in rows:
        spend = cost.get(row.idx, 0)
        if tokens and tokens + spend > settings.part_tokens:
            runs[-1][1] = row.idx - 1
            runs.append([row.idx, draft["last_idx"]])
            tokens = 0
        tokens += spend
    if len(runs) == 1 or not store.split(draft["id"], hop, draft["part"], owner, [tuple(r) for r in runs]):
        return rows, todo
    if flush:
        flush()  # the other parts go to the queue now, not when this one is done
    keep = runs[0][1]
    return [r for r in rows if r.idx <= keep], [r for r in todo if r.idx <= keep]


def _end(store: JobStore, draft_id: str, hop: int, part: int) -> HopResult:
    """The part is done: if it was its hop's last, the draft goes on to its next hop (dispatched
    through the outbox) or is ready."""
    end = store.finish_part(draft_id, hop, part)
    if end is None:
        return HopResult(CANCELLED if store.is_cancelled(draft_id) else SKIP, draft_id, hop)
    if end.outcome == HOP_DONE:
        return HopResult(NEXT, draft_id, hop + 1)
    if end.outcome == ALL_DONE:
        return HopResult(DONE, draft_id, hop, end.change.job_settled)
    return HopResult(PART, draft_id, hop)


def fail_hop(store: JobStore, draft_id: str, hop: int, exc: Exception) -> None:
    """A hop raised: fail its draft with the reason; a missing model is an expected condition
    (its message says how to get the model), anything else is logged with its traceback."""
    if isinstance(exc, MissingModelError):
        log.error("draft %s hop %d failed: %s", draft_id, hop, exc)
    else:
        log.error("draft %s hop %d failed", draft_id, hop, exc_info=exc)
    fail(store, draft_id, f"{exc.__class__.__name__}: {exc}")


def fail(store: JobStore, draft_id: str, reason: str) -> None:
    """Fail a draft that could not be made (the job's callback joins the outbox if that settles it)."""
    store.fail_draft(draft_id, reason)


def _reuse_memory(store: JobStore, direction: Direction, draft_id: str, rows: list[SegmentRow]) -> list[SegmentRow]:
    """Exact translation-memory matches become the segments' targets without a model call, marked
    ``tm``; returns the rows as they now stand."""
    from newsroom.tm import TranslationMemory

    waiting = [r for r in rows if r.target is None]
    found = TranslationMemory(store).exact(direction.source, direction.target, [r.source for r in waiting],
                                           count_use=True) if waiting else {}
    reused = [SegmentRow(r.idx, r.block, r.source, r.space_after, None, found[r.source], ["tm"], None, None)
              for r in waiting if r.source in found]
    if reused:
        store.save_segments(draft_id, reused)
        done = {r.idx: r for r in reused}
        rows = [done.get(r.idx, r) for r in rows]
    return rows


def _finish(store: JobStore, engines: Engines, run: Run, direction: Direction, draft_id: str, chunk: list[str],
            outputs: list[Translation], by_source: dict[str, list[SegmentRow]]) -> None:
    segments = [Segment(r.idx, r.block, r.source, space_after=r.space_after) for s in chunk for r in by_source[s]]

    def retranslate(sentences: list[str]) -> list[Translation]:
        try:
            return engines.get(direction).translate(sentences)
        except MissingModelError:  # this worker cannot run the whole route: keep the flags
            return [Translation("") for _ in sentences]

    run.finish(segments, dict(zip(chunk, outputs, strict=True)), retranslate)
    store.save_segments(draft_id, [SegmentRow(s.index, s.block, s.source, s.space_after, None, s.target, s.flags,
                                              s.score, s.terms) for s in segments])
