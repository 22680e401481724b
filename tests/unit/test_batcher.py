"""Cross-job batching (translate/batcher.py): concurrent callers' sentences go to the engine as one
call, within a token budget, each caller getting its own results; counted engine calls, no timing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from translate.batcher import Coalescer
from translate.engine import Translation

pytestmark = pytest.mark.unit


class Recording:
    """Upper-cases; records each call; ``gate`` (if set) holds the first call until released;
    a sentence starting with "!" makes the whole call fail."""

    def __init__(self, gate: threading.Event | None = None):
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.gate = gate

    def translate(self, sentences):
        self.calls.append(list(sentences))
        self.entered.set()
        if self.gate is not None and len(self.calls) == 1:
            assert self.gate.wait(20), "the test never released the engine"
        if any(s.startswith("!") for s in sentences):
            raise RuntimeError("the model broke")
        return [Translation(s.upper(), -0.1) for s in sentences]


def words(sentence: str) -> int:
    return len(sentence.split())


def queued(batcher: Coalescer, count: int, timeout: float = 20) -> None:
    """Wait until ``count`` callers are queued: every change to the queue notifies the coalescer's
    condition, so this waits on it (with a deadline) instead of polling."""
    with batcher._cond:
        assert batcher._cond.wait_for(lambda: batcher.waiting() == count, timeout), \
            f"{count} queued callers not reached before the deadline"


def test_concurrent_callers_share_one_engine_call_and_get_their_own_results():
    inner = Recording()
    jobs = [["Kosovo votes today.", "Polls open at seven."], ["Polls open at seven."], ["Rain in Prizren."],
            ["Talks resume in Brussels.", "No date yet."]]
    budget = sum(words(s) for job in jobs for s in job)
    batcher = Coalescer(inner, words, wait=30, max_tokens=budget)  # only a full budget starts the call
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda job: [t.text for t in batcher.translate(job)], jobs))
    assert results == [[s.upper() for s in job] for job in jobs]
    assert len(inner.calls) == 1 and batcher.calls == 1
    assert sorted(inner.calls[0]) == sorted({s for job in jobs for s in job})  # each distinct sentence once


def test_callers_beyond_the_budget_make_the_next_call():
    gate = threading.Event()
    inner = Recording(gate)
    batcher = Coalescer(inner, words, wait=0, max_tokens=4, slots=1)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(batcher.translate, ["one two three four"])
        assert inner.entered.wait(20)
        later = [pool.submit(batcher.translate, [text]) for text in ("a b", "c d", "e f")]
        queued(batcher, 3)    # queued behind the running call (one slot)
        gate.set()
        assert [t.text for t in first.result(20)] == ["ONE TWO THREE FOUR"]
        assert [f.result(20)[0].text for f in later] == ["A B", "C D", "E F"]
    assert inner.calls == [["one two three four"], ["a b", "c d"], ["e f"]]


def test_a_failed_call_fails_only_its_own_callers():
    gate = threading.Event()
    inner = Recording(gate)
    batcher = Coalescer(inner, words, wait=0, max_tokens=2, slots=1)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(batcher.translate, ["held"])
        assert inner.entered.wait(20)
        bad = pool.submit(batcher.translate, ["!broken input"])
        good = pool.submit(batcher.translate, ["fine here"])
        queued(batcher, 2)
        gate.set()
        assert first.result(20)[0].text == "HELD"
        with pytest.raises(RuntimeError, match="the model broke"):
            bad.result(20)
        assert good.result(20)[0].text == "FINE HERE"
    assert inner.calls == [["held"], ["!broken input"], ["fine here"]]


def test_a_lone_caller_is_served_once_its_wait_ends():
    inner = Recording()
    batcher = Coalescer(inner, words, wait=0.01, max_tokens=10_000)
    assert [t.text for t in batcher.translate(["alone here", "alone here"])] == ["ALONE HERE", "ALONE HERE"]
    assert batcher.translate([]) == []
    assert inner.calls == [["alone here"]]


def test_two_slots_run_two_calls_at_once():
    gate = threading.Event()
    inner = Recording(gate)
    batcher = Coalescer(inner, words, wait=0, max_tokens=1, slots=2)
    with ThreadPoolExecutor(2) as pool:
        held = pool.submit(batcher.translate, ["held"])
        assert inner.entered.wait(20)
        assert batcher.translate(["second"])[0].text == "SECOND"   # not queued behind the held call
        gate.set()
        assert held.result(20)[0].text == "HELD"


def test_an_urgent_caller_goes_into_the_next_batch_ahead_of_a_backlog():
    from translate.batcher import urgency

    gate = threading.Event()
    inner = Recording(gate)
    batcher = Coalescer(inner, words, wait=0, max_tokens=2, slots=1)

    def urgent(text: str):
        with urgency(9):
            return batcher.translate([text])

    with ThreadPoolExecutor(5) as pool:
        first = pool.submit(batcher.translate, ["held"])
        assert inner.entered.wait(20)
        backlog = []
        for count, text in enumerate(("old one", "old two", "old three"), start=1):
            backlog.append(pool.submit(batcher.translate, [text]))
            queued(batcher, count)   # queued in this order
        breaking = pool.submit(urgent, "breaking news")
        queued(batcher, 4)
        gate.set()
        assert breaking.result(20)[0].text == "BREAKING NEWS" and first.result(20)[0].text == "HELD"
        assert [f.result(20)[0].text for f in backlog] == ["OLD ONE", "OLD TWO", "OLD THREE"]
    assert inner.calls == [["held"], ["breaking news"], ["old one"], ["old two"], ["old three"]]
