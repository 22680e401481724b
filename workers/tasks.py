"""Celery tasks. Each worker process keeps one ``Engines`` (its models), created after the fork."""

from __future__ import annotations

import logging
import os

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from common.languages import Direction
from common.settings import Settings
from newsroom.jobs import JobStore
from newsroom.requests import celery_priority
from translate.engines import Engines
from translate.registry import Hop
from workers.runner import NEXT, fail, fail_hop, queue_for, run_hop

log = logging.getLogger("dragoman.worker")
TRANSIENT = (OperationalError, RedisConnectionError, ConnectionError, TimeoutError)

_state: dict = {}


def _process() -> dict:
    """This process's settings, store, engines and glossary cache (made on first use)."""
    if not _state:
        settings = Settings()
        _state.update(settings=settings, store=JobStore(settings.database_url), engines=Engines(settings),
                      glossaries={})
    return _state


@worker_process_init.connect
def _after_fork(**_) -> None:
    """Start every pool process with fresh connections and load its directions' models once."""
    _state.clear()
    state = _process()
    for key in filter(None, os.environ.get("DRAGOMAN_WORKER_DIRECTIONS", "").split(",")):
        source, target = key.split("-")
        target = state["settings"].serbian_script if target == "sr" else target
        source = "sr-Latn" if source == "sr" else source
        try:
            state["engines"].hop(Hop(Direction(source, target)))
        except Exception as exc:  # a missing model fails its jobs with a clear reason, not the worker
            log.error("could not load the %s model: %s", key, exc)


@shared_task(name="dragoman.translate_hop", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, retry_jitter=True)
def translate_hop(self, draft_id: str, hop: int) -> str:
    state = _process()
    store: JobStore = state["store"]
    self.max_retries = state["settings"].task_max_retries
    try:
        result = run_hop(store, state["engines"], state["settings"], draft_id, hop, state["glossaries"])
    except TRANSIENT:
        raise
    except SoftTimeLimitExceeded:
        fail(store, draft_id, f"took longer than {state['settings'].task_soft_time_limit} s")
        return "failed"
    except Exception as exc:
        fail_hop(store, draft_id, hop, exc)
        return "failed"
    if result.outcome == NEXT:
        draft = store.draft(draft_id)
        job = store.job(draft["job_id"])
        direction = Direction(job["source_lang"], draft["target_lang"])
        self.app.send_task("dragoman.translate_hop", args=[draft_id, result.hop],
                           queue=queue_for(direction, result.hop), priority=celery_priority(job["priority"]))
    return result.outcome
