"""Celery tasks. Each worker process keeps one ``Engines`` (its models), created after the fork,
and runs one ``workers.drainer.Background`` thread (outbox and reconciler), started after the fork
too (pools without child processes start it when the worker is ready).

In the shared mode (``dragoman worker --mode shared``, Celery's threads pool) one process runs many
tasks at once in threads; their engine calls meet in one ``translate.batcher.Coalescer`` per model,
whose replicas (``DRAGOMAN_INTER_THREADS``) decode several batches at once."""

from __future__ import annotations

import logging
import os
import threading

from celery import current_app, shared_task
from celery.concurrency.prefork import TaskPool as PreforkPool
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init, worker_ready
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from common.languages import Direction
from common.settings import Settings
from newsroom.jobs import JobStore
from translate.engines import Engines
from translate.registry import Hop
from workers.runner import NEXT, fail, fail_hop, run_hop
from workers.service import CeleryDispatcher, JobService

log = logging.getLogger("dragoman.worker")
TRANSIENT = (OperationalError, RedisConnectionError, ConnectionError, TimeoutError)

_state: dict = {}
_state_lock = threading.Lock()


def _process() -> dict:
    """This process's settings, store, service, engines and glossary cache (made on first use)."""
    with _state_lock:
        if not _state:
            settings = Settings()
            shared = os.environ.get("DRAGOMAN_WORKER_MODE") == "shared"
            store = JobStore(settings.database_url)
            service = JobService(settings, store, CeleryDispatcher(settings, current_app._get_current_object()))
            _state.update(settings=settings, store=store, service=service, glossaries={},
                          engines=Engines(settings, coalesce=shared))
        return _state


def _load_models(state: dict) -> None:
    """Load this worker's directions' models once, now, rather than in its first job."""
    for key in filter(None, os.environ.get("DRAGOMAN_WORKER_DIRECTIONS", "").split(",")):
        source, target = key.split("-")
        target = state["settings"].serbian_script if target == "sr" else target
        source = "sr-Latn" if source == "sr" else source
        try:
            state["engines"].hop(Hop(Direction(source, target)))
        except Exception as exc:  # a missing model fails its jobs with a clear reason, not the worker
            log.error("could not load the %s model: %s", key, exc)


@worker_process_init.connect
def _after_fork(**_) -> None:
    """Start every pool process with fresh connections and load its directions' models once."""
    _state.clear()
    state = _process()
    _load_models(state)
    state["service"].start_background()


@worker_ready.connect
def _without_children(sender=None, **_) -> None:
    """A pool without child processes (solo, threads): models and the background thread in this one."""
    pool = getattr(getattr(sender, "controller", None), "pool_cls", None)
    if not (isinstance(pool, type) and issubclass(pool, PreforkPool)):
        state = _process()
        _load_models(state)
        state["service"].start_background()


@shared_task(name="dragoman.translate_hop", bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, retry_jitter=True)
def translate_hop(self, draft_id: str, hop: int, part: int = 0) -> str:
    state = _process()
    store: JobStore = state["store"]
    drainer = state["service"].drainer
    self.max_retries = state["settings"].task_max_retries
    try:
        result = run_hop(store, state["engines"], state["settings"], draft_id, hop, state["glossaries"], part,
                         drainer.flush)
    except TRANSIENT:
        raise
    except SoftTimeLimitExceeded:
        fail(store, draft_id, f"took longer than {state['settings'].task_soft_time_limit} s")
        return "failed"
    except Exception as exc:
        fail_hop(store, draft_id, hop, exc)
        return "failed"
    finally:
        drainer.callbacks.wake()  # the job may have settled: its callback goes out from another thread
    if result.outcome == NEXT:
        drainer.flush()  # the next hop, written to the outbox with this one's end
    return result.outcome
