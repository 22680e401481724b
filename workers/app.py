"""The Celery application: Redis broker, one queue per model direction, settings for long ML tasks;
worker processes are recycled after DRAGOMAN_WORKER_MAX_TASKS tasks or above
DRAGOMAN_WORKER_MAX_MEMORY_MB (a leak or a fragmented heap does not grow for ever).

    celery -A workers inspect active        (the usual Celery tooling works)
    celery -A workers flower
"""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from common.settings import Settings
from translate.registry import MODELS

QUEUES = [f"mt.{key}" for key in MODELS] + ["mt.script"]
PRIORITY_STEPS = list(range(10))   # Celery priority 0 (dragoman's 9, most urgent) .. 9


def redis_lists(queue: str) -> list[str]:
    """The Redis lists Celery's Redis transport keeps a queue's waiting messages in, one per priority
    step (kombu names them ``<queue>\\x06\\x16<step>``; step 0 is the queue's own name): what an
    autoscaler has to count (deploy/k8s: KEDA's redis trigger)."""
    from kombu.transport.redis import Channel

    return [queue if step == 0 else f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS]


def make_app(settings: Settings) -> Celery:
    broker = settings.redis_url or "redis://127.0.0.1:6379/0"
    app = Celery("dragoman", broker=broker, include=["workers.tasks"])
    app.conf.update(
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="mt.script",
        task_acks_late=True,                 # a task is acknowledged when done, not when received
        task_reject_on_worker_lost=True,     # a killed worker's task goes back to the queue
        worker_prefetch_multiplier=1,        # one long task at a time per process
        worker_max_tasks_per_child=settings.worker_max_tasks or None,  # then a fresh process
        worker_max_memory_per_child=settings.worker_max_memory_mb * 1024 or None,  # KiB, checked after each task
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_transport_options={
            "visibility_timeout": max(settings.visibility_timeout, settings.task_time_limit + 60),
            "queue_order_strategy": "priority",
            "priority_steps": PRIORITY_STEPS,
        },
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,             # results live in the job store
        task_serializer="json",
        accept_content=["json"],
        worker_send_task_events=True,        # Flower and `celery events`
        task_send_sent_event=True,
        worker_hijack_root_logger=False,
    )
    return app


app = make_app(Settings())
