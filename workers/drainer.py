"""Sending what the outbox holds (``newsroom.outbox``): hops to the dispatcher, callbacks to their
receivers; and the background thread of long-running processes.

Where it runs, and why there:

- every process that writes rows sends them itself right away: ``JobService`` flushes a job's
  first hops after the commit (in the request's thread: a 201 means the hops are in the queue
  or, when the broker is down, waiting in the outbox), a worker flushes the next hop of a
  pivot, and each process has a callback ``Pump``, a thread woken when a job may have settled,
  so that no translation ever waits for a callback receiver;
- ``Background``, one thread in ``dragoman serve`` and in every worker process, looks at the
  outbox every ``DRAGOMAN_OUTBOX_EVERY`` seconds for rows nobody is sending (written by a process
  that died, or waiting out a backoff) and runs the reconciler every ``DRAGOMAN_RECONCILE_EVERY``
  seconds. A thread rather than Celery beat: beat needs exactly one extra process and reaches
  the workers only through the broker, while the outbox matters most when the broker is down
  (callbacks need no broker at all); any number of drainers may run, since a claim
  (``Outbox.claim``) gives each row to one of them. In a prefork worker it runs in each pool
  process, started after the fork, so no process forks while it holds a lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from common.languages import Direction
from common.settings import Settings
from newsroom import webhooks
from newsroom.jobs import JobStore
from newsroom.outbox import CALLBACK, DISPATCH, Outbox, backoff
from workers.runner import queue_for

log = logging.getLogger("dragoman.outbox")

DISPATCH_BATCH = 50
CALLBACKS_AT_ONCE = 8           # receivers called in parallel: a hanging one holds up no other
DISPATCH_BACKOFF = (0.5, 30.0)  # base and cap, seconds: a broker outage is waited out, never given up
CALLBACK_BACKOFF_CAP = 1800.0  # seconds; the first wait is DRAGOMAN_CALLBACK_RETRY_FIRST
DISPATCH_CLAIM = 30.0           # seconds a drainer holds the rows it is sending
LONGEST_WAIT = 60.0             # a pump looks again at least this often
STOP_WAIT = 10.0                # seconds a stop waits, in all, for the steps (hops, deliveries) in progress
ERROR_PAUSE, ERRORS_IN_A_ROW = 2.0, 3


class Pump:
    """A thread that runs ``step`` while there is work. ``wake`` starts it, or makes it look again
    at once; ``step`` returns 0 (call me again), seconds to wait (``wake`` cuts the wait short) or
    None (nothing is left: the thread ends). ``join`` waits for the thread to end. ``halt`` ends it
    after the step in progress, for good (what is left stays in the store for the next process), and
    ``wait`` waits for that. Drainer and Background halt and wait alike (``JobService.close``)."""

    def __init__(self, name: str, step: Callable[[], float | None]):
        self.name, self.step = name, step
        self._lock = threading.Lock()
        self._woken = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._lock:
            self._woken.set()
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def join(self) -> None:
        while True:
            with self._lock:
                thread = self._thread
            if thread is None or thread is threading.current_thread():
                return
            thread.join()

    def halt(self) -> None:
        """Let the thread end after its step in progress, and start none again (``wait`` for it)."""
        with self._lock:
            self._stopped = True
            self._woken.set()

    def wait(self, deadline: float) -> bool:
        """Wait for a halted pump's thread until ``deadline`` (``time.monotonic``); False if it is
        still in its step then."""
        with self._lock:
            thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(max(0.0, deadline - time.monotonic()))
        return not thread.is_alive()

    def _run(self) -> None:
        try:
            self._loop()
        finally:  # however it ends, a later ``wake`` (unless halted) or ``join`` sees no thread
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None

    def _loop(self) -> None:
        errors = 0
        while True:
            self._woken.clear()  # before looking at _stopped: a halt after this line is not lost
            if self._stopped:
                return
            try:
                wait, errors = self.step(), 0
            except Exception as exc:  # the database is away: a few more tries, then Background wakes us
                errors += 1
                log.warning("%s: %s: %s", self.name, exc.__class__.__name__, exc)
                wait = ERROR_PAUSE if errors < ERRORS_IN_A_ROW else None
            if wait is None and self._finished():
                return
            if wait:
                self._woken.wait(min(wait, LONGEST_WAIT))

    def _finished(self) -> bool:
        with self._lock:
            if self._woken.is_set() and not self._stopped:
                return False
            self._thread = None
            return True


def _now() -> datetime:
    return datetime.now(UTC)


class Drainer:
    """Sends the outbox's rows: dispatches through ``dispatcher`` (a dispatcher that ``pulls``, the
    embedded one, takes its rows itself), callbacks by ``newsroom.webhooks.deliver``."""

    def __init__(self, store: JobStore, dispatcher, settings: Settings):
        self.store, self.dispatcher, self.settings = store, dispatcher, settings
        self.outbox = Outbox(store.engine)
        self.pulls = getattr(dispatcher, "pulls", False)
        self.dispatches = dispatcher.pump if self.pulls else Pump("dragoman-dispatch", self._dispatch_step)
        self.callbacks = Pump("dragoman-callbacks", self._callback_step)
        self._quiet_until = 0.0  # after a broker failure, requests leave sending to the pump until then
        self._flying: list[threading.Thread] = []  # deliveries in progress (only the callback pump's thread)

    def wake(self) -> None:
        self.dispatches.wake()
        self.callbacks.wake()

    def halt(self) -> None:
        """Stop sending (a pulling dispatcher's pump is its owner's to halt); rows not sent stay due."""
        self.callbacks.halt()
        if not self.pulls:
            self.dispatches.halt()

    def wait(self, deadline: float) -> bool:
        """Wait for the halted pumps and the deliveries in flight until ``deadline``; False if one runs on."""
        done = [self.callbacks.wait(deadline), self.pulls or self.dispatches.wait(deadline)]
        for thread in list(self._flying):
            thread.join(max(0.0, deadline - time.monotonic()))
        return all(done) and not any(t.is_alive() for t in self._flying)

    def flush(self, job_id: str | None = None) -> None:
        """Send the due hops (of ``job_id``) now, in this thread; if the broker failed a moment
        ago, or the dispatcher pulls, leave them to the pump."""
        if self.pulls or time.monotonic() < self._quiet_until:
            self.dispatches.wake()
            return
        self._send(self.outbox.claim((DISPATCH,), DISPATCH_BATCH, DISPATCH_CLAIM, job_id))

    def _until_due(self, kind: str) -> float | None:
        due = self.outbox.next_due((kind,))
        return None if due is None else max(0.05, (due - _now()).total_seconds())

    # --- dispatches ---------------------------------------------------------------------------------
    def _dispatch_step(self) -> float | None:
        rows = self.outbox.claim((DISPATCH,), DISPATCH_BATCH, DISPATCH_CLAIM)
        if not rows:
            return self._until_due(DISPATCH)
        return 0 if self._send(rows) else self._until_due(DISPATCH)

    def _send(self, rows: list[dict]) -> bool:
        """Hand claimed dispatch rows to the dispatcher; at the first failure the rest wait too."""
        for i, row in enumerate(rows):
            try:
                self._dispatch(row)
            except Exception as exc:
                delay = backoff(row["attempts"], *DISPATCH_BACKOFF)
                self._quiet_until = time.monotonic() + delay
                log.warning("cannot dispatch (%d hops wait, next try in %.1f s): %s: %s", len(rows) - i, delay,
                            exc.__class__.__name__, exc)
                for waiting in rows[i:]:
                    self.outbox.failed(waiting, f"{exc.__class__.__name__}: {exc}", delay)
                return False
            self.outbox.sent(row)
        return True

    def _dispatch(self, row: dict) -> None:
        languages = self.store.languages(row["draft_id"])
        if languages is not None:  # else the job was deleted: nothing to send
            queue = queue_for(Direction(*languages), row["hop"])
            self.dispatcher.send(row["draft_id"], row["hop"], queue, row["priority"], row["part"] or 0)

    # --- callbacks ------------------------------------------------------------------------------------
    def _callback_step(self) -> float | None:
        """Start deliveries of due callbacks, up to CALLBACKS_AT_ONCE in flight, each in its own
        thread (a receiver that hangs holds up only its own callback)."""
        self._flying = [t for t in self._flying if t.is_alive()]
        free = CALLBACKS_AT_ONCE - len(self._flying)
        lease = 2 * self.settings.callback_timeout + DISPATCH_CLAIM
        rows = self.outbox.claim((CALLBACK,), free, lease) if free > 0 else []
        for row in rows:
            self._flying.append(threading.Thread(target=self._deliver_then_wake, args=(row,), daemon=True,
                                                 name="dragoman-callback"))
            self._flying[-1].start()
        if rows:
            return 0
        due = self._until_due(CALLBACK)
        return (due or LONGEST_WAIT) if self._flying else due  # a delivery ending wakes the pump

    def deliver_due(self) -> int:
        """One attempt at every callback due now, waited for: what a short-lived process (the command
        line in embedded mode) does before it ends. Returns the callbacks tried."""
        lease = 2 * self.settings.callback_timeout + DISPATCH_CLAIM
        rows = self.outbox.claim((CALLBACK,), 100, lease)
        threads = [threading.Thread(target=self.deliver, args=(row,), daemon=True) for row in rows]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return len(rows)

    def _deliver_then_wake(self, row: dict) -> None:
        try:
            self.deliver(row)
        except Exception as exc:  # the store is away: the claim runs out and the row is sent again
            log.warning("callback %s: %s: %s", row["delivery_id"], exc.__class__.__name__, exc)
        finally:
            self.callbacks.wake()

    def deliver(self, row: dict) -> bool:
        """One attempt at a claimed callback row; True if the receiver took it."""
        settings = self.settings
        try:
            webhooks.deliver(row["url"], row["payload"].encode(), row["delivery_id"], secret=settings.callback_secret,
                             timeout=settings.callback_timeout, allow_private=settings.callback_allow_private)
        except webhooks.DeliveryError as exc:
            self._retry_later(row, str(exc))
            return False
        if self.outbox.sent(row):
            self.store.mark_callback_done(row["job_id"])
        return True

    def _retry_later(self, row: dict, error: str) -> None:
        until = self.outbox.start_retry_window(row, self.settings.callback_retry_hours)
        delay = backoff(row["attempts"], self.settings.callback_retry_first, CALLBACK_BACKOFF_CAP)
        give_up = (until - _now()).total_seconds() < delay
        self.outbox.failed(row, error, None if give_up else delay)
        log.warning("callback %s of job %s (attempt %d) failed: %s%s", row["delivery_id"], row["job_id"],
                    row["attempts"], error, "; given up" if give_up else f"; next try in {delay:.0f} s")


class Background:
    """One thread of a long-running process (``serve``, every worker process): wakes the outbox
    pumps when rows are due that nobody is sending, and runs the reconciler."""

    def __init__(self, service):
        self.service = service
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dragoman-background", daemon=True)

    def start(self) -> Background:
        self._thread.start()
        return self

    def halt(self) -> None:
        self._stop.set()

    def wait(self, deadline: float) -> bool:
        """Wait for the halted thread until ``deadline``; False if a pass (a reconcile) is still running."""
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))
        return not self._thread.is_alive()

    def _run(self) -> None:
        settings, drainer = self.service.settings, self.service.drainer
        next_reconcile = 0.0
        while True:
            try:
                if time.monotonic() >= next_reconcile:
                    next_reconcile = time.monotonic() + settings.reconcile_every
                    self.service.reconcile()
                due = drainer.outbox.next_due((DISPATCH, CALLBACK))
                if due is not None and due <= _now():
                    drainer.wake()
            except Exception as exc:  # the database is away: the next pass tries again
                log.warning("background: %s: %s", exc.__class__.__name__, exc)
            if self._stop.wait(settings.outbox_every):
                return
