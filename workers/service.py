"""Submitting, dispatching, cancelling and reconciling jobs: what the API and CLI call.

With ``DRAGOMAN_REDIS_URL`` set, hops go to Celery queues (one per direction) and any number of
``dragoman worker`` processes on any machines do the work. Without it, the embedded dispatcher
runs the same hops in a thread of this process, against the same store.

Either way a job and the dispatch of its first hops are stored in one transaction (the outbox,
``newsroom.outbox``) and sent after the commit (``workers.drainer``): with the broker down a
submission still succeeds, and its hops go out once the broker is back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from datetime import timedelta

import sqlalchemy as sa

from common.settings import Settings
from newsroom.jobs import IdempotencyError, JobStore, SegmentRow, digest
from newsroom.outbox import DISPATCH, Outbox
from newsroom.requests import LANGUAGE, ArticleRequest, RequestError, celery_priority
from translate.engines import Engines
from translate.pipeline import segment
from translate.registry import route
from workers.drainer import STOP_WAIT, Background, Drainer, Pump
from workers.runner import fail_hop, run_hop

log = logging.getLogger("dragoman.jobs")


class EmbeddedDispatcher:
    """Runs hops in one background thread of this process (no Redis needed). It takes them from
    the outbox, most urgent first: the store is the queue, so hops that a process which died had
    not run are run by the next one."""

    pulls = True  # takes its dispatch rows itself (see workers.drainer.Drainer)

    def __init__(self, store: JobStore, settings: Settings):
        self.store, self.settings = store, settings
        self.engines = Engines(settings)
        self.outbox = Outbox(store.engine)
        self.pump = Pump("dragoman-embedded", self._step)
        self.after_hop = self.after_drain = lambda: None  # JobService: its callbacks
        self._glossaries: dict = {}

    def send(self, draft_id: str, hop: int, queue: str, priority: int, part: int = 0) -> None:
        self.pump.wake()

    def wake(self) -> None:
        self.pump.wake()

    def drain(self) -> None:
        """Run every hop that is due, to the end, then try the callbacks due (tests, the CLI in
        embedded mode: a process about to end); nothing once the service is closed."""
        self.pump.wake()
        self.pump.join()
        self.after_drain()

    def _step(self) -> float | None:
        rows = self.outbox.claim((DISPATCH,), 1, max(self.settings.lease_seconds, 30))
        if not rows:
            return None
        row = rows[0]
        try:
            run_hop(self.store, self.engines, self.settings, row["draft_id"], row["hop"], self._glossaries,
                    row["part"] or 0)
        except Exception as exc:  # a job fails; the service goes on
            fail_hop(self.store, row["draft_id"], row["hop"], exc)
        self.outbox.sent(row)
        self.after_hop()
        return 0


class CeleryDispatcher:
    def __init__(self, settings: Settings, app=None):
        if app is None:
            from workers.app import make_app

            app = make_app(settings)
        self.app = app

    def send(self, draft_id: str, hop: int, queue: str, priority: int, part: int = 0) -> None:
        self.app.send_task("dragoman.translate_hop", args=[draft_id, hop, part], queue=queue,
                           priority=celery_priority(priority), retry=False)


class JobService:
    def __init__(self, settings: Settings, store: JobStore | None = None, dispatcher=None):
        self.settings = settings
        self.store = store or JobStore(settings.database_url)
        if dispatcher is None:
            dispatcher = CeleryDispatcher(settings) if settings.redis_url else EmbeddedDispatcher(self.store, settings)
        self.dispatcher = dispatcher
        self.drainer = Drainer(self.store, dispatcher, settings)
        if isinstance(dispatcher, EmbeddedDispatcher):
            dispatcher.after_hop, dispatcher.after_drain = self.drainer.callbacks.wake, self.drainer.deliver_due
        self.background: Background | None = None

    @property
    def embedded(self) -> bool:
        return isinstance(self.dispatcher, EmbeddedDispatcher)

    def start_background(self) -> Background:
        """The outbox and reconciler thread of a long-running process (``serve``)."""
        if self.background is None:
            self.background = Background(self).start()
        return self.background

    def close(self, timeout: float = STOP_WAIT) -> bool:
        """Stop this service's threads (the background one, the outbox pumps and, embedded, the hop
        pump) after the work each has in hand: all are halted at once, then waited for until one
        deadline ``timeout`` seconds away. What is left stays in the store for the next process
        (a delivery cut short is sent again when its claim runs out). False if a thread ran on."""
        threads = [t for t in (self.background, self.dispatcher.pump if self.embedded else None, self.drainer) if t]
        for thread in threads:
            thread.halt()
        deadline = time.monotonic() + timeout
        return all([thread.wait(deadline) for thread in threads])  # a list: every one is waited for

    def submit(self, request: ArticleRequest, submitted_by: str = "", idempotency_key: str = "") -> dict:
        """Store a request (checked by ``newsroom.requests.prepare``, the one way in) as a job with
        the dispatch of every target's first hop, then send those. With ``idempotency_key``: the
        job that key made, marked ``replayed``, if it made one for the same request;
        IdempotencyError if it made one for another."""
        if not request.targets:
            raise RequestError(LANGUAGE, f"every target is the source language ({request.source}): "
                                         "nothing to translate")
        fingerprint = digest([request.text, request.source, list(request.targets), request.format,
                              request.glossary, request.priority, request.callback_url])
        if idempotency_key and (done := self._replay(idempotency_key, fingerprint)):
            return done
        try:
            job_id = self._create(request, submitted_by, idempotency_key or None, fingerprint)
        except sa.exc.IntegrityError:
            if idempotency_key and (done := self._replay(idempotency_key, fingerprint)):
                return done  # the same key, submitted at the same moment
            raise
        self.drainer.flush(job_id)
        return self.store.job(job_id)

    def _create(self, request: ArticleRequest, submitted_by: str, key: str | None, fingerprint: str) -> str:
        blocks, segs = segment(request.text, request.source, request.format)
        rows = [SegmentRow(s.index, s.block, s.source, s.space_after) for s in segs]
        block_dicts = [asdict(b) for b in blocks]
        job_id, _ = self.store.create_job(
            source_lang=request.source, text=request.text, fmt=request.format, glossary=request.glossary,
            glossary_version=request.glossary_version, priority=request.priority,
            callback_url=request.callback_url, submitted_by=submitted_by, idempotency_key=key,
            request_digest=fingerprint if key else None,
            targets=[(d.target, max(1, len(route(d))), block_dicts, rows) for d in request.directions])
        return job_id

    def _replay(self, key: str, fingerprint: str) -> dict | None:
        job = self.store.job_by_key(key)
        if job is None:
            return None
        if job["request_digest"] != fingerprint:
            raise IdempotencyError(f"this Idempotency-Key was used for another request (job {job['id']}); "
                                   "use a new key for a new article")
        return {**job, "replayed": True}

    def cancel(self, job_id: str, who: str = "") -> bool:
        cancelled = self.store.cancel(job_id, who)
        self.drainer.callbacks.wake()
        return cancelled

    def cancel_draft(self, draft_id: str, who: str = "") -> dict:
        draft = self.store.cancel_draft(draft_id, who)
        self.drainer.callbacks.wake()
        return draft

    def retry(self, draft_id: str, who: str = "") -> dict:
        """Send a failed draft back to work (e.g. after its missing model was installed): only the
        segments still missing are translated. TransitionError unless the draft failed."""
        draft = self.store.retry(draft_id, who)
        self.drainer.flush(draft["job_id"])
        return draft

    def resend_callback(self, job_id: str) -> dict | None:
        """Queue the job's latest callback again (an admin's re-send); None if it has none."""
        row = self.drainer.outbox.requeue(job_id)
        if row is not None:
            self.drainer.callbacks.wake()
        return row

    def reconcile(self, older_than: timedelta | None = None) -> list[str]:
        """Hand out again every unfinished draft no worker holds: its lease ran out (the worker
        died), or it sat untouched for ``older_than`` (default DRAGOMAN_RECONCILE_AFTER: its message
        was lost, e.g. Redis restarted empty). Idempotent hops make a duplicate harmless."""
        older_than = older_than or timedelta(seconds=self.settings.reconcile_after)
        redone = [row["id"] for row in self.store.reclaim(older_than)]
        if redone:
            log.warning("reconciler re-enqueued %d drafts: %s", len(redone), ", ".join(redone))
            self.drainer.flush()
        return redone
