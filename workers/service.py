"""Submitting, dispatching, cancelling and reconciling jobs: what the API and CLI call.

With ``DRAGOMAN_REDIS_URL`` set, hops go to Celery queues (one per direction) and any number of
``dragoman worker`` processes on any machines do the work. Without it, the embedded dispatcher
runs the same hops in a thread of this process, against the same store.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import timedelta

from common.languages import Direction
from common.settings import Settings
from newsroom.jobs import JobStore, SegmentRow
from newsroom.requests import LANGUAGE, ArticleRequest, RequestError, celery_priority
from translate.engines import Engines
from translate.pipeline import segment
from translate.registry import route
from workers.runner import NEXT, fail_hop, queue_for, run_hop

log = logging.getLogger("dragoman.jobs")


class EmbeddedDispatcher:
    """Runs hops in one background thread of this process (no Redis needed)."""

    def __init__(self, store: JobStore, settings: Settings):
        self.store, self.settings = store, settings
        self.engines = Engines(settings)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dragoman-embedded")
        self._glossaries: dict = {}

    def send(self, draft_id: str, hop: int, queue: str, priority: int) -> None:
        self.pool.submit(self._run, draft_id, hop)

    def _run(self, draft_id: str, hop: int) -> None:
        try:
            result = run_hop(self.store, self.engines, self.settings, draft_id, hop, self._glossaries)
            if result.outcome == NEXT:
                self._run(draft_id, result.hop)
        except Exception as exc:  # a job fails; the service goes on
            fail_hop(self.store, draft_id, hop, exc)

    def drain(self) -> None:
        """Wait for every hop submitted so far (tests, `submit --wait` in embedded mode)."""
        self.pool.submit(lambda: None).result()


class CeleryDispatcher:
    def __init__(self, settings: Settings):
        from workers.app import make_app

        self.app = make_app(settings)

    def send(self, draft_id: str, hop: int, queue: str, priority: int) -> None:
        self.app.send_task("dragoman.translate_hop", args=[draft_id, hop], queue=queue,
                           priority=celery_priority(priority))


class JobService:
    def __init__(self, settings: Settings, store: JobStore | None = None, dispatcher=None):
        self.settings = settings
        self.store = store or JobStore(settings.database_url)
        if dispatcher is None:
            dispatcher = CeleryDispatcher(settings) if settings.redis_url else EmbeddedDispatcher(self.store, settings)
        self.dispatcher = dispatcher
        self._lock = threading.Lock()

    @property
    def embedded(self) -> bool:
        return isinstance(self.dispatcher, EmbeddedDispatcher)

    def submit(self, request: ArticleRequest, submitted_by: str = "") -> dict:
        """Store a request (checked by ``newsroom.requests.prepare``, the one way in) as a job, then
        dispatch the first hop of every target."""
        if not request.targets:
            raise RequestError(LANGUAGE, f"every target is the source language ({request.source}): "
                                         "nothing to translate")
        blocks, segs = segment(request.text, request.source, request.format)
        rows = [SegmentRow(s.index, s.block, s.source, s.space_after) for s in segs]
        block_dicts = [asdict(b) for b in blocks]
        directions = request.directions
        job_id, drafts = self.store.create_job(
            source_lang=request.source, text=request.text, fmt=request.format, glossary=request.glossary,
            glossary_version=request.glossary_version, priority=request.priority,
            callback_url=request.callback_url, submitted_by=submitted_by,
            targets=[(d.target, max(1, len(route(d))), block_dicts, rows) for d in directions])
        for direction in directions:
            self.dispatch(drafts[direction.target], 0, direction, request.priority)
        return self.store.job(job_id)

    def dispatch(self, draft_id: str, hop: int, direction: Direction, priority: int = 5) -> None:
        self.dispatcher.send(draft_id, hop, queue_for(direction, hop), priority)

    def cancel(self, job_id: str, who: str = "") -> bool:
        return self.store.cancel(job_id, who)

    def cancel_draft(self, draft_id: str, who: str = "") -> dict:
        return self.store.cancel_draft(draft_id, who)

    def retry(self, draft_id: str, who: str = "") -> dict:
        """Send a failed draft back to work (e.g. after its missing model was installed): only the
        segments still missing are translated. TransitionError unless the draft failed."""
        draft = self.store.retry(draft_id, who)
        job = self.store.job(draft["job_id"])
        self.dispatch(draft_id, 0, Direction(job["source_lang"], draft["target_lang"]), job["priority"])
        return draft

    def reconcile(self, older_than: timedelta | None = None) -> list[str]:
        """Enqueue again every unfinished draft untouched for ``older_than`` (its message was lost,
        e.g. Redis restarted empty). Idempotent hops make a duplicate harmless."""
        older_than = older_than or timedelta(seconds=self.settings.reconcile_after)
        redone = []
        for row in self.store.stuck(older_than):
            job = self.store.job(row["job_id"])
            direction = Direction(job["source_lang"], row["target_lang"])
            self.store.touch(row["id"])
            self.dispatch(row["id"], row["hop"], direction, job["priority"])
            redone.append(row["id"])
        if redone:
            log.warning("reconciler re-enqueued %d drafts: %s", len(redone), ", ".join(redone))
        return redone
