"""Sentences from concurrent callers translated as one batch stream: a worker process running many
small jobs at once (headlines) gives the model one large batch instead of many small ones.

``Coalescer`` sits in front of one direction's engine. A caller's sentences join a queue; the oldest
waiting caller collects for up to ``wait`` seconds after the first of them arrived (or until
``max_tokens`` are waiting), then makes one engine call for the union of what it took (each
distinct sentence once) and hands every caller its own results. Up to ``slots`` such calls run at
once (the model's replicas); callers arriving meanwhile are the next batch. A failed call fails
exactly the callers whose sentences were in it.

Callers are taken most urgent first: a caller inside ``with urgency(9):`` (a worker running a
breaking-news job) goes into the next batch ahead of a backlog that was waiting before it.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from translate.engine import Engine, Translation

_URGENCY: contextvars.ContextVar[int] = contextvars.ContextVar("dragoman_urgency", default=0)


@contextmanager
def urgency(priority: int) -> Iterator[None]:
    """Translations asked for inside this block are taken by a ``Coalescer`` before less urgent ones
    (a job's priority: 9 most urgent)."""
    token = _URGENCY.set(priority)
    try:
        yield
    finally:
        _URGENCY.reset(token)


@dataclass(eq=False)
class _Request:
    sentences: list[str]
    tokens: int
    arrived: float
    priority: int = 0
    taken: bool = False
    done: bool = False
    results: list[Translation] = field(default_factory=list)
    error: BaseException | None = None


class Coalescer:
    def __init__(self, inner: Engine, count_tokens: Callable[[str], int], wait: float, max_tokens: int,
                 slots: int = 1, clock: Callable[[], float] = time.monotonic):
        self.inner, self.count_tokens, self.wait, self.max_tokens = inner, count_tokens, wait, max_tokens
        self.slots, self.clock = max(1, slots), clock
        self.calls = 0                      # engine calls made (tests and benches count them)
        self._queue: list[_Request] = []
        self._waiting_tokens = 0
        self._collecting = False
        self._running = 0
        self._cond = threading.Condition()

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        if not sentences:
            return []
        request = _Request(list(sentences), sum(self.count_tokens(s) for s in sentences), self.clock(),
                           _URGENCY.get())
        with self._cond:
            at = next((i for i, r in enumerate(self._queue) if r.priority < request.priority), len(self._queue))
            self._queue.insert(at, request)  # most urgent first, then in order of arrival
            self._waiting_tokens += request.tokens
            self._cond.notify_all()
        while True:
            with self._cond:
                while not request.done and not self._may_lead(request):
                    self._cond.wait()
                if request.done:
                    break
                batch = self._collect()
            self._run(batch)
        if request.error is not None:
            raise request.error
        return request.results

    def waiting(self) -> int:
        """Callers whose sentences are queued, not yet taken into a batch."""
        with self._cond:
            return len(self._queue)

    def _may_lead(self, request: _Request) -> bool:
        return not request.taken and not self._collecting and self._running < self.slots

    def _collect(self) -> list[_Request]:
        """Under the lock: wait for the batch to fill (or its oldest caller's wait to end), take it."""
        self._collecting = True
        try:
            while self._waiting_tokens < self.max_tokens:
                left = min(r.arrived for r in self._queue) + self.wait - self.clock()
                if left <= 0:
                    break
                self._cond.wait(left)
            batch, tokens = [], 0
            while self._queue and (not batch or tokens + self._queue[0].tokens <= self.max_tokens):
                request = self._queue.pop(0)
                request.taken, tokens = True, tokens + request.tokens
                batch.append(request)
            self._waiting_tokens -= tokens
            self._running += 1
            self.calls += 1
            return batch
        finally:
            self._collecting = False
            self._cond.notify_all()

    def _run(self, batch: list[_Request]) -> None:
        unique = list(dict.fromkeys(s for r in batch for s in r.sentences))
        try:
            found = dict(zip(unique, self.inner.translate(unique), strict=True))
            for request in batch:
                request.results = [found[s] for s in request.sentences]
        except BaseException as exc:  # every caller of this batch gets the error, and only they
            for request in batch:
                request.error = exc
        with self._cond:
            for request in batch:
                request.done = True
            self._running -= 1
            self._cond.notify_all()
